import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';
import { regionSettingResource } from '../../resources';
import type { ConfigDeliveryChannelStatus, ConfigDeliveryInfo } from '../../model';

type Kind = 'history' | 'snapshot';
/** The deliveries to S3 that keep the configuration history; stream (SNS) failures are only noted. */
const S3_DELIVERIES: readonly Kind[] = ['history', 'snapshot'];

/** "the last configuration history and snapshot deliveries failed (NoSuchBucket)" */
const describeFailures = (failed: { kind: Kind; info: ConfigDeliveryInfo }[]): string => {
  const kinds = failed.map((f) => f.kind).join(' and ');
  const codes = [...new Set(failed.map((f) => f.info.lastErrorCode ?? 'no error code'))].join(', ');
  return `the last configuration ${kinds} ${failed.length === 1 ? 'delivery' : 'deliveries'} failed (${codes})`;
};

export default defineCheck({
  id: 'config_delivery_channel_healthy',
  service: 'config',
  severity: 'low',
  title: 'AWS Config delivers to its delivery channel',
  failTitle: 'AWS Config has no working delivery channel',
  rationale:
    'AWS Config keeps configuration history and snapshots in the S3 bucket of its delivery channel. Without a channel, or when deliveries fail (a deleted bucket, a changed bucket policy, a KMS key it may not use), the history an investigation needs is not kept.',
  remediationText:
    'AWS Config console → Settings: set a delivery channel with an S3 bucket that the Config role may write to; when deliveries fail, check the bucket policy and KMS key named by the error code. CLI: `aws configservice put-delivery-channel --delivery-channel name=default,s3BucketName=<bucket>` and `aws configservice describe-delivery-channel-status`.',
  frameworks: { cis: null, securityHub: null },
  requires: ['config'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.config).flatMap(([region, config]) => {
      const resource = regionSettingResource(account, region, 'config-delivery-channel');
      return withFact(config.deliveryChannels, resource, region, (channels): CheckResult[] => {
        if (channels.length === 0) {
          return [
            fail(
              resource,
              region,
              `AWS Config in ${region} has no delivery channel: configuration history and snapshots are delivered nowhere.`,
              { deliveryChannel: null },
            ),
          ];
        }
        if (!config.deliveryChannelStatuses.ok)
          return [unknownFrom(resource, region, config.deliveryChannelStatuses.error)];
        const statuses = config.deliveryChannelStatuses.value;
        const problems: string[] = [];
        const unread: string[] = [];
        const evidence: Record<string, unknown>[] = [];
        for (const channel of channels) {
          const status: ConfigDeliveryChannelStatus | undefined = statuses.find((s) => s.name === channel.name);
          evidence.push({ name: channel.name, s3BucketName: channel.s3BucketName, status: status ?? null });
          if (status === undefined) {
            unread.push(channel.name);
            continue;
          }
          const failed: { kind: Kind; info: ConfigDeliveryInfo }[] = [];
          for (const kind of S3_DELIVERIES) {
            const info = status[kind];
            // No information at all is missing evidence, not a working delivery.
            if (info === null || info.lastStatus === null) unread.push(`${channel.name} (${kind})`);
            else if (info.lastStatus === 'Failure') failed.push({ kind, info });
          }
          if (failed.length > 0) problems.push(`channel ${channel.name}: ${describeFailures(failed)}`);
        }
        if (problems.length > 0) {
          return [
            fail(resource, region, `AWS Config in ${region} cannot deliver: ${problems.join('; ')}.`, {
              deliveryChannels: evidence,
            }),
          ];
        }
        if (unread.length > 0) {
          return [
            {
              status: 'unknown',
              resource,
              region,
              message: `Could not check: AWS did not report the delivery status of ${unread.join(', ')} in ${region}.`,
              evidence: { deliveryChannels: evidence },
            },
          ];
        }
        const names = channels.map((c) => `${c.name} (to ${c.s3BucketName ?? 'an unnamed bucket'})`).join(', ');
        return [
          pass(resource, region, `AWS Config in ${region} delivers through ${names}.`, { deliveryChannels: evidence }),
        ];
      });
    }),
});
