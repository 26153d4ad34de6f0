import check from '../../../../src/core/checks/config/config_delivery_channel_healthy';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aChannelStatus, aConfigRegion, anAccountWithConfig } from '../../../fixtures/builders/config';
import { denied } from '../../../fixtures/snapshot-builders';

const one = (region: ReturnType<typeof aConfigRegion>) => run(check, anAccountWithConfig({ 'us-east-1': region }));

describe('config_delivery_channel_healthy', () => {
  it('when the channel delivers history and snapshots, then the region passes naming the bucket', () => {
    const results = one(aConfigRegion());

    expect(statuses(results)).toEqual(['111111111111/us-east-1/config-delivery-channel:pass']);
    expect(results[0]!.message).toBe(
      'AWS Config in us-east-1 delivers through default (to config-bucket-111111111111).',
    );
  });

  it('when there is no delivery channel, then the region fails', () => {
    const [result] = one(aConfigRegion({ deliveryChannels: known([]), deliveryChannelStatuses: known([]) }));

    expect(result).toMatchObject({ status: 'fail', evidence: { deliveryChannel: null } });
    expect(result!.message).toContain('has no delivery channel');
  });

  it('when the last history delivery failed, then the region fails naming the error code', () => {
    const failing = aChannelStatus({
      history: { lastStatus: 'Failure', lastErrorCode: 'NoSuchBucket', lastAttemptTime: null },
    });

    const [result] = one(aConfigRegion({ deliveryChannelStatuses: known([failing]) }));

    expect(result!.status).toBe('fail');
    expect(result!.message).toBe(
      'AWS Config in us-east-1 cannot deliver: channel default: the last configuration history delivery failed (NoSuchBucket).',
    );
  });

  it('when history and snapshot deliveries both failed, then one sentence names both with the error code once', () => {
    const failure = { lastStatus: 'Failure', lastErrorCode: 'NoSuchBucket', lastAttemptTime: null };

    const [result] = one(
      aConfigRegion({ deliveryChannelStatuses: known([aChannelStatus({ history: failure, snapshot: failure })]) }),
    );

    expect(result!.message).toBe(
      'AWS Config in us-east-1 cannot deliver: channel default: the last configuration history and snapshot deliveries failed (NoSuchBucket).',
    );
  });

  it('when only the SNS stream fails, then the region still passes (the history is kept)', () => {
    const streamDown = aChannelStatus({
      stream: { lastStatus: 'Failure', lastErrorCode: 'AuthorizationError', lastAttemptTime: null },
    });

    expect(one(aConfigRegion({ deliveryChannelStatuses: known([streamDown]) }))[0]!.status).toBe('pass');
  });

  it('when the channel list is refused, then the region is unknown naming the permission', () => {
    const [result] = one(aConfigRegion({ deliveryChannels: denied('config:DescribeDeliveryChannels') }));

    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'config:DescribeDeliveryChannels' },
    });
  });

  it('when the channel status is refused or says nothing, then the region is unknown, not passing', () => {
    const refused = one(aConfigRegion({ deliveryChannelStatuses: denied('config:DescribeDeliveryChannelStatus') }));
    const silent = one(aConfigRegion({ deliveryChannelStatuses: known([aChannelStatus({ snapshot: null })]) }));
    const absent = one(aConfigRegion({ deliveryChannelStatuses: known([]) }));

    expect(refused[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'config:DescribeDeliveryChannelStatus' },
    });
    expect(silent[0]!.status).toBe('unknown');
    expect(silent[0]!.message).toContain('default (snapshot)');
    expect(absent[0]!.status).toBe('unknown');
  });
});
