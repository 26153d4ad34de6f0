import type { DigestItem, ObservedItem, Observation } from '../../../src/core/digest/model';

export const RUN_1 = new Date('2026-11-01T09:00:00.000Z');
export const RUN_2 = new Date('2026-11-02T09:00:00.000Z');
export const ACCOUNT_A = '111111111111';
export const ACCOUNT_B = '222222222222';

/** An open cloudsec finding as the digest stored it at RUN_1. */
export const aStoredItem = (over: Partial<DigestItem> = {}): DigestItem => ({
  findingId: 'f_bucket_public',
  source: 'cloudsec',
  checkId: 's3_bucket_public_access_blocked',
  service: 's3',
  severity: 'high',
  accountId: ACCOUNT_A,
  region: 'us-east-1',
  resourceType: 'AwsS3Bucket',
  resourceId: 'app-data',
  resourceArn: 'arn:aws:s3:::app-data',
  title: 'S3 bucket blocks public access',
  message: 'missing: blockPublicPolicy',
  remediationId: 's3_block_public_access',
  state: 'open',
  firstSeenAt: RUN_1.toISOString(),
  lastSeenAt: RUN_1.toISOString(),
  ...over,
});

/** The same finding as a later run observes it. */
export const anObservedItem = (over: Partial<ObservedItem> = {}): ObservedItem => {
  const { state: _state, firstSeenAt: _first, lastSeenAt: _last, ...fields } = aStoredItem();
  return { ...fields, state: 'open', ...over };
};

export const complete = (items: ObservedItem[], unevaluated: string[] = []): Observation => ({
  kind: 'complete',
  source: 'cloudsec',
  items,
  unevaluated: new Set(unevaluated),
});

export const changes = (items: ObservedItem[]): Observation => ({
  kind: 'changes',
  source: 'securityhub',
  since: RUN_1.toISOString(),
  items,
});
