import { defineDetection, type AlertResource } from '../define';
import { recordAccountId, type CloudTrailRecord } from '../record';
import { eventListDetection, unread } from './cis/common';
import { firstText, isJson, partitionOf, quoted, regionOf } from './shared/helpers';

/**
 * CIS 4.7: a customer-managed KMS key disabled or scheduled for deletion. The request names the key
 * by id or ARN; ScheduleKeyDeletion's response and the record's `resources` carry the ARN.
 */

const KEY_ARN = /^arn:([^:]+):kms:([^:]+):(\d{12}):key\/(.+)$/;

const arnFromResources = (r: CloudTrailRecord): string | undefined => {
  const resources = (r as Record<string, unknown>)['resources'];
  if (!Array.isArray(resources)) return undefined;
  for (const item of resources) {
    if (isJson(item) && typeof item['ARN'] === 'string' && KEY_ARN.test(item['ARN'])) return item['ARN'];
  }
  return undefined;
};

const keyOf = (r: CloudTrailRecord): { resource: AlertResource; label: string; missing: string[] } => {
  const given = firstText(r.requestParameters, ['keyId']);
  const arn = [given, firstText(r.responseElements, ['keyId']), arnFromResources(r)].find(
    (v): v is string => v !== undefined && KEY_ARN.test(v),
  );
  const parsed = arn ? KEY_ARN.exec(arn) : null;
  const id = parsed?.[4] ?? given;
  const region = parsed?.[2] ?? regionOf(r);
  const account = recordAccountId(r);
  return {
    resource: {
      type: 'AwsKmsKey',
      id: id ?? 'unknown',
      arn:
        arn ??
        (id && account && region !== 'unknown' ? `arn:${partitionOf(r)}:kms:${region}:${account}:key/${id}` : null),
      region,
    },
    label: `KMS key ${quoted(id, '(not named in the record)')}`,
    missing: id ? [] : [unread('which key', 'requestParameters.keyId')],
  };
};

const detection = eventListDetection('kms.amazonaws.com', {
  ScheduleKeyDeletion: (r) => {
    const key = keyOf(r);
    const days = r.requestParameters?.['pendingWindowInDays'] ?? r.responseElements?.['pendingWindowInDays'];
    const when = firstText(r.responseElements, ['deletionDate']);
    const delay = typeof days === 'number' ? ` in ${days} days` : '';
    return {
      summary: `scheduled ${key.label} for deletion${delay}: once it is deleted, nothing encrypted under it can be decrypted`,
      resource: key.resource,
      details: [
        ...(when ? [`Deletion date: ${when}. CancelKeyDeletion before then keeps the key.`] : []),
        ...key.missing,
      ],
    };
  },
  DisableKey: (r) => {
    const key = keyOf(r);
    return {
      summary: `disabled ${key.label}: nothing encrypted under it can be decrypted until it is enabled again`,
      resource: key.resource,
      severity: 'medium',
      details: key.missing,
    };
  },
});

export default defineDetection({
  id: 'kms_key_disabled_or_deleted',
  title: 'KMS key disabled or scheduled for deletion',
  severity: 'high',
  rationale:
    'Data encrypted under a deleted key is lost for good, and a disabled key stops every workload that reads it: destroying keys is a quick way to destroy data or hold it to ransom.',
  events: detection.events,
  cis: '4.7',
  securityHub: 'CloudWatch.7',
  mitre: { id: 'T1485', name: 'Data Destruction' },
  match: detection.match,
});
