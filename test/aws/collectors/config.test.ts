import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectConfigRegion } from '../../../src/aws/collectors/config';
import { ConfigRegionSchema, type ConfigRegion } from '../../../src/core/model';
import {
  CONFIG_TARGET_PREFIX,
  cfgAccessDenied,
  cfgError,
  cfgOk,
  cfgThrottled,
  deliveryChannelStatusesJson,
  deliveryChannelsJson,
  recorderJson,
  recorderStatusesJson,
  recordersJson,
} from '../../fixtures/aws/fake-services/config';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import type { Reply } from '../../fixtures/aws/fake-aws-core';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ENDPOINT = `https://config.${REGION}.amazonaws.com`;

const OPERATIONS = [
  'DescribeConfigurationRecorders',
  'DescribeConfigurationRecorderStatus',
  'DescribeDeliveryChannels',
  'DescribeDeliveryChannelStatus',
] as const;
type Operation = (typeof OPERATIONS)[number];

const HEALTHY: Record<Operation, Reply> = {
  DescribeConfigurationRecorders: cfgOk(recordersJson([{ region: REGION }])),
  DescribeConfigurationRecorderStatus: cfgOk(recorderStatusesJson([{}])),
  DescribeDeliveryChannels: cfgOk(deliveryChannelsJson([{ bucket: 'config-bucket' }])),
  DescribeDeliveryChannelStatus: cfgOk(deliveryChannelStatusesJson([{}])),
};

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  }),
  accountId: ACCOUNT,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** Answers each operation with its replies in order (the healthy one unless given); records request bodies. */
const mockConfig = (replies: Partial<Record<Operation, Reply[]>> = {}) => {
  const bodies: Partial<Record<Operation, unknown[]>> = {};
  for (const operation of OPERATIONS) {
    for (const reply of replies[operation] ?? [HEALTHY[operation]]) {
      nock(ENDPOINT)
        .post('/', (body: unknown) => {
          (bodies[operation] ??= []).push(body);
          return true;
        })
        .matchHeader('x-amz-target', `${CONFIG_TARGET_PREFIX}.${operation}`)
        .reply(...reply);
    }
  }
  return bodies;
};

const collect = async (): Promise<ConfigRegion> =>
  ConfigRegionSchema.parse(await collectConfigRegion(makeContext(), REGION));

describe('collectConfigRegion', () => {
  it('when Config records everything, then the recorder, its status and the channel with its deliveries are read', async () => {
    const bodies = mockConfig();

    const slice = await collect();

    expect(slice).toEqual({
      recorders: {
        ok: true,
        value: [
          {
            name: 'default',
            allSupported: true,
            includeGlobalResourceTypes: true,
            strategy: 'ALL_SUPPORTED_RESOURCE_TYPES',
            servicePrincipal: null,
            recordingScope: 'PAID',
          },
        ],
      },
      recorderStatuses: {
        ok: true,
        value: [
          {
            name: 'default',
            recording: true,
            lastStatus: 'Success',
            lastErrorCode: null,
            lastStatusChangeTime: '2025-10-30T10:00:00.000Z',
          },
        ],
      },
      deliveryChannels: { ok: true, value: [{ name: 'default', s3BucketName: 'config-bucket', snsTopicArn: null }] },
      deliveryChannelStatuses: {
        ok: true,
        value: [
          {
            name: 'default',
            history: { lastStatus: 'Success', lastErrorCode: null, lastAttemptTime: '2025-10-30T10:00:00.000Z' },
            snapshot: { lastStatus: 'Success', lastErrorCode: null, lastAttemptTime: '2025-10-30T10:00:00.000Z' },
            stream: { lastStatus: 'Not_Applicable', lastErrorCode: null, lastAttemptTime: '2025-10-30T10:00:00.000Z' },
          },
        ],
      },
    });
    // Called without names: "none" is then an empty list, never NoSuchConfigurationRecorderException.
    expect(Object.values(bodies).flat()).toEqual([{}, {}, {}, {}]);
  });

  it('when Config is off, then the empty lists are known states, not errors', async () => {
    mockConfig({
      DescribeConfigurationRecorders: [cfgOk(recordersJson([]))],
      DescribeConfigurationRecorderStatus: [cfgOk(recorderStatusesJson([]))],
      DescribeDeliveryChannels: [cfgOk(deliveryChannelsJson([]))],
      DescribeDeliveryChannelStatus: [cfgOk(deliveryChannelStatusesJson([]))],
    });

    const slice = await collect();

    expect(slice.recorders).toEqual({ ok: true, value: [] });
    expect(slice.deliveryChannels).toEqual({ ok: true, value: [] });
  });

  it('when a service-linked recorder and a failing delivery are reported, then both are kept as AWS said them', async () => {
    mockConfig({
      DescribeConfigurationRecorders: [
        cfgOk(
          recordersJson([
            { name: 'AWSConfigurationRecorderForSecurityHub', servicePrincipal: 'securityhub.amazonaws.com' },
          ]),
        ),
      ],
      DescribeDeliveryChannelStatus: [
        cfgOk(deliveryChannelStatusesJson([{ history: 'Failure', errorCode: 'NoSuchBucket' }])),
      ],
    });

    const slice = await collect();

    expect(slice.recorders).toMatchObject({
      ok: true,
      value: [{ servicePrincipal: 'securityhub.amazonaws.com', recordingScope: 'INTERNAL' }],
    });
    expect(slice.deliveryChannelStatuses).toMatchObject({
      ok: true,
      value: [{ history: { lastStatus: 'Failure', lastErrorCode: 'NoSuchBucket' } }],
    });
  });

  it('when one call is refused, then only its value is unknown, naming its permission', async () => {
    mockConfig({ DescribeConfigurationRecorderStatus: [cfgAccessDenied('DescribeConfigurationRecorderStatus')] });

    const slice = await collect();

    expect(slice.recorderStatuses).toEqual({
      ok: false,
      error: expect.objectContaining({
        operation: 'DescribeConfigurationRecorderStatus',
        permission: 'config:DescribeConfigurationRecorderStatus',
        code: 'AccessDeniedException',
        kind: 'access-denied',
        region: REGION,
      }),
    });
    expect([slice.recorders.ok, slice.deliveryChannels.ok, slice.deliveryChannelStatuses.ok]).toEqual([
      true,
      true,
      true,
    ]);
  });

  it('when a call is throttled once, then the SDK retries and the value is still read', async () => {
    mockConfig({ DescribeConfigurationRecorders: [cfgThrottled(), HEALTHY.DescribeConfigurationRecorders] });

    expect((await collect()).recorders.ok).toBe(true);
  });

  it('when Config answers NoSuchConfigurationRecorderException anyway, then the recorders are unknown, not off', async () => {
    mockConfig({
      DescribeConfigurationRecorders: [
        cfgError('NoSuchConfigurationRecorderException', 'Cannot find configuration recorder.'),
      ],
    });

    expect((await collect()).recorders).toMatchObject({
      ok: false,
      error: { code: 'NoSuchConfigurationRecorderException' },
    });
  });

  describe('answers AWS does not document make the value unknown, never "none" or "fine"', () => {
    it.each<[string, Operation, unknown]>([
      ['no recorder list', 'DescribeConfigurationRecorders', {}],
      [
        'a recorder without a name',
        'DescribeConfigurationRecorders',
        { ConfigurationRecorders: [{ ...recorderJson(), name: undefined }] },
      ],
      ['no status list', 'DescribeConfigurationRecorderStatus', {}],
      ['no channel list', 'DescribeDeliveryChannels', {}],
      ['no channel status list', 'DescribeDeliveryChannelStatus', {}],
    ])('%s', async (_label, operation, body) => {
      mockConfig({ [operation]: [cfgOk(body)] });

      const slice = await collect();

      const key = {
        DescribeConfigurationRecorders: 'recorders',
        DescribeConfigurationRecorderStatus: 'recorderStatuses',
        DescribeDeliveryChannels: 'deliveryChannels',
        DescribeDeliveryChannelStatus: 'deliveryChannelStatuses',
      }[operation] as keyof ConfigRegion;
      expect(slice[key]).toMatchObject({ ok: false, error: { kind: 'malformed', operation } });
    });

    it('when a recorder leaves out its recording group, then its settings are null (the check says unknown), not "all"', async () => {
      const { recordingGroup: _group, ...bare } = recorderJson();
      mockConfig({ DescribeConfigurationRecorders: [cfgOk({ ConfigurationRecorders: [bare] })] });

      expect((await collect()).recorders).toMatchObject({
        ok: true,
        value: [{ allSupported: null, includeGlobalResourceTypes: null, strategy: null }],
      });
    });

    it('when the status leaves out `recording`, then it is null, not false or true', async () => {
      mockConfig({
        DescribeConfigurationRecorderStatus: [
          cfgOk({ ConfigurationRecordersStatus: [{ name: 'default', lastStatus: 'Success' }] }),
        ],
      });

      expect((await collect()).recorderStatuses).toMatchObject({ ok: true, value: [{ recording: null }] });
    });
  });
});
