import { defineDetection, type AlertResource } from '../define';
import { recordAccountId, type CloudTrailRecord } from '../record';
import { eventListDetection, unread } from './cis/common';
import { clip, firstText, regionOf } from './shared/helpers';

/**
 * CIS 4.9: AWS Config's recorder and delivery channel. The resource is the region's setting, named
 * as the config checks' findings name it (`<account>/<region>/config-recorder`).
 */

const setting = (r: CloudTrailRecord, name: 'config-recorder' | 'config-delivery-channel'): AlertResource => {
  const region = regionOf(r);
  return { type: 'AwsAccount', id: `${recordAccountId(r) ?? 'unknown'}/${region}/${name}`, arn: null, region };
};

const named = (value: string | undefined, what: string, field: string) =>
  value
    ? { label: ` \`${clip(value)}\``, missing: [] as string[] }
    : { label: '', missing: [unread(`the ${what}'s name`, field)] };

const detection = eventListDetection('config.amazonaws.com', {
  StopConfigurationRecorder: (r) => {
    const rec = named(
      firstText(r.requestParameters, ['configurationRecorderName']),
      'recorder',
      'requestParameters.configurationRecorderName',
    );
    return {
      summary: `stopped AWS Config recorder${rec.label} in ${regionOf(r)}: resource changes are no longer recorded`,
      resource: setting(r, 'config-recorder'),
      severity: 'high',
      details: rec.missing,
    };
  },
  PutConfigurationRecorder: (r) => {
    const rec = named(
      firstText(r.requestParameters, ['configurationRecorder', 'name']),
      'recorder',
      'requestParameters.configurationRecorder.name',
    );
    return {
      summary: `changed AWS Config recorder${rec.label} in ${regionOf(r)}: what it records may have changed`,
      resource: setting(r, 'config-recorder'),
      details: rec.missing,
    };
  },
  DeleteDeliveryChannel: (r) => {
    const ch = named(
      firstText(r.requestParameters, ['deliveryChannelName']),
      'delivery channel',
      'requestParameters.deliveryChannelName',
    );
    return {
      summary: `deleted AWS Config delivery channel${ch.label} in ${regionOf(r)}: configuration history is no longer delivered`,
      resource: setting(r, 'config-delivery-channel'),
      severity: 'high',
      details: ch.missing,
    };
  },
  PutDeliveryChannel: (r) => {
    const ch = named(
      firstText(r.requestParameters, ['deliveryChannel', 'name']),
      'delivery channel',
      'requestParameters.deliveryChannel.name',
    );
    const bucket = firstText(r.requestParameters, ['deliveryChannel', 's3BucketName']);
    return {
      summary: `changed AWS Config delivery channel${ch.label} in ${regionOf(r)}`,
      resource: setting(r, 'config-delivery-channel'),
      details: [...(bucket ? [`Configuration history now goes to bucket \`${clip(bucket)}\`.`] : []), ...ch.missing],
    };
  },
});

export default defineDetection({
  id: 'config_changed',
  title: 'AWS Config configuration changed',
  severity: 'medium',
  rationale:
    'AWS Config keeps the history of how every resource was configured; stopping the recorder or its delivery leaves changes made afterwards without a record.',
  events: detection.events,
  cis: '4.9',
  securityHub: 'CloudWatch.9',
  mitre: { id: 'T1562.008', name: 'Impair Defenses: Disable or Modify Cloud Logs' },
  match: detection.match,
});
