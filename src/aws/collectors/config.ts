import type {
  ConfigExportDeliveryInfo,
  ConfigStreamDeliveryInfo,
  ConfigurationRecorder,
  ConfigurationRecorderStatus,
  DeliveryChannel,
  DeliveryChannelStatus,
} from '@aws-sdk/client-config-service';
import { sdk } from '../sdk';
import type {
  ConfigDeliveryChannel,
  ConfigDeliveryChannelStatus,
  ConfigDeliveryInfo,
  ConfigRecorder,
  ConfigRecorderStatus,
  ConfigRegion,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const CONFIG_COLLECTOR_PERMISSIONS = {
  DescribeConfigurationRecorders: 'config:DescribeConfigurationRecorders',
  DescribeConfigurationRecorderStatus: 'config:DescribeConfigurationRecorderStatus',
  DescribeDeliveryChannels: 'config:DescribeDeliveryChannels',
  DescribeDeliveryChannelStatus: 'config:DescribeDeliveryChannelStatus',
} as const satisfies Record<string, string>;

type Operation = keyof typeof CONFIG_COLLECTOR_PERMISSIONS;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'config',
  operation,
  permission: CONFIG_COLLECTOR_PERMISSIONS[operation],
  region,
});

const malformed = (operation: Operation, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered without ${what}`);
};

/**
 * The region's recorders and delivery channels with their statuses: four calls, none paginated
 * (Config keeps one customer-managed recorder and one channel per region). They are called without
 * names, so "none" comes back as an empty list (the way AWS says Config is off), never as
 * NoSuchConfigurationRecorderException, which only names passed in can cause; every error stays
 * unknown.
 */
export const collectConfigRegion = async (ctx: CollectContext, region: string): Promise<ConfigRegion> => {
  const client = ctx.clients.config(region);
  const [recorders, recorderStatuses, deliveryChannels, deliveryChannelStatuses] = await Promise.all([
    attempt(meta('DescribeConfigurationRecorders', region), async () => {
      const out = await client.send(new sdk.config.DescribeConfigurationRecordersCommand({}));
      return (out.ConfigurationRecorders ?? malformed('DescribeConfigurationRecorders', 'ConfigurationRecorders')).map(
        toRecorder,
      );
    }),
    attempt(meta('DescribeConfigurationRecorderStatus', region), async () => {
      const out = await client.send(new sdk.config.DescribeConfigurationRecorderStatusCommand({}));
      return (
        out.ConfigurationRecordersStatus ??
        malformed('DescribeConfigurationRecorderStatus', 'ConfigurationRecordersStatus')
      ).map(toRecorderStatus);
    }),
    attempt(meta('DescribeDeliveryChannels', region), async () => {
      const out = await client.send(new sdk.config.DescribeDeliveryChannelsCommand({}));
      return (out.DeliveryChannels ?? malformed('DescribeDeliveryChannels', 'DeliveryChannels')).map(toChannel);
    }),
    attempt(meta('DescribeDeliveryChannelStatus', region), async () => {
      const out = await client.send(new sdk.config.DescribeDeliveryChannelStatusCommand({}));
      return (out.DeliveryChannelsStatus ?? malformed('DescribeDeliveryChannelStatus', 'DeliveryChannelsStatus')).map(
        toChannelStatus,
      );
    }),
  ]);
  return { recorders, recorderStatuses, deliveryChannels, deliveryChannelStatuses };
};

/*
 * A recorder or channel without its name cannot be matched to its status, so the whole answer is
 * unreadable. Other fields that AWS may leave out stay null, and the checks read null as missing
 * evidence (unknown), never as the safe setting.
 */

/**
 * A boolean AWS may leave out: absent is null (missing evidence), anything but a JSON boolean is an
 * answer cloudsec cannot read — the SDK passes a string such as "yes" through, which would read as true.
 */
const flag = (value: unknown, operation: Operation, what: string): boolean | null =>
  value === undefined || value === null
    ? null
    : typeof value === 'boolean'
      ? value
      : malformed(operation, `a true or false ${what}`);

const toRecorder = (r: ConfigurationRecorder): ConfigRecorder => ({
  name: r.name ?? malformed('DescribeConfigurationRecorders', 'the name of a recorder'),
  allSupported: flag(r.recordingGroup?.allSupported, 'DescribeConfigurationRecorders', 'recordingGroup.allSupported'),
  includeGlobalResourceTypes: flag(
    r.recordingGroup?.includeGlobalResourceTypes,
    'DescribeConfigurationRecorders',
    'recordingGroup.includeGlobalResourceTypes',
  ),
  strategy: r.recordingGroup?.recordingStrategy?.useOnly ?? null,
  servicePrincipal: r.servicePrincipal ?? null,
  recordingScope: r.recordingScope ?? null,
});

const iso = (d: Date | undefined): string | null => (d ? d.toISOString() : null);

const toRecorderStatus = (s: ConfigurationRecorderStatus): ConfigRecorderStatus => ({
  name: s.name ?? malformed('DescribeConfigurationRecorderStatus', 'the name of a recorder'),
  recording: flag(s.recording, 'DescribeConfigurationRecorderStatus', 'recording'),
  lastStatus: s.lastStatus ?? null,
  lastErrorCode: s.lastErrorCode ?? null,
  lastStatusChangeTime: iso(s.lastStatusChangeTime),
});

const toChannel = (c: DeliveryChannel): ConfigDeliveryChannel => ({
  name: c.name ?? malformed('DescribeDeliveryChannels', 'the name of a channel'),
  s3BucketName: c.s3BucketName ?? null,
  snsTopicArn: c.snsTopicARN ?? null,
});

const toExportDelivery = (d: ConfigExportDeliveryInfo | undefined): ConfigDeliveryInfo | null =>
  d
    ? {
        lastStatus: d.lastStatus ?? null,
        lastErrorCode: d.lastErrorCode ?? null,
        lastAttemptTime: iso(d.lastAttemptTime),
      }
    : null;

const toStreamDelivery = (d: ConfigStreamDeliveryInfo | undefined): ConfigDeliveryInfo | null =>
  d
    ? {
        lastStatus: d.lastStatus ?? null,
        lastErrorCode: d.lastErrorCode ?? null,
        lastAttemptTime: iso(d.lastStatusChangeTime),
      }
    : null;

const toChannelStatus = (s: DeliveryChannelStatus): ConfigDeliveryChannelStatus => ({
  name: s.name ?? malformed('DescribeDeliveryChannelStatus', 'the name of a channel'),
  history: toExportDelivery(s.configHistoryDeliveryInfo),
  snapshot: toExportDelivery(s.configSnapshotDeliveryInfo),
  stream: toStreamDelivery(s.configStreamDeliveryInfo),
});
