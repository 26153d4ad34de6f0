/** Findings and exceptions for the accepted-risk tests, built in the shapes the core produces. */
import { findingId } from '../../../src/core/findings';
import type { Finding } from '../../../src/core/model';
import type { ScopeContext } from '../../../src/core/exceptions/match';
import type { RiskException } from '../../../src/core/exceptions/model';

export const NOW = new Date('2026-11-01T12:00:00.000Z');
export const PROD = '111111111111';
export const STAGING = '222222222222';
export const SANDBOX = '333333333333';
export const ROOT = 'r-ab12';
export const OU_WORKLOADS = 'ou-ab12-workload';
export const OU_PROD = 'ou-ab12-prod0001';

export const daysFrom = (days: number, from: Date = NOW): string =>
  new Date(from.getTime() + days * 86_400_000).toISOString();

/** A failing S3 finding on bucket `name` in prod, with tags known. */
export const aFinding = (over: Partial<Finding> & { bucket?: string } = {}): Finding => {
  const { bucket = 'app-data', ...rest } = over;
  const base: Finding = {
    id: '',
    source: 'cloudsec',
    checkId: 's3_bucket_public_access_blocked',
    status: 'fail',
    severity: 'medium',
    service: 's3',
    accountId: PROD,
    region: 'us-east-1',
    resource: { type: 'AwsS3Bucket', id: bucket, arn: `arn:aws:s3:::${bucket}`, tags: { team: 'data', env: 'prod' } },
    title: 'S3 bucket does not block public access',
    message: `Bucket ${bucket} does not block public access: blockPublicAcls off.`,
    evidence: { missing: ['blockPublicAcls'], configured: true },
    remediationId: 's3_block_public_access',
    frameworks: { cis: '2.1.4', securityHub: 'S3.8' },
    observedAt: NOW.toISOString(),
    ...rest,
  };
  const id =
    rest.id ??
    findingId({
      source: base.source,
      checkId: base.checkId,
      accountId: base.accountId,
      region: base.region,
      resourceId: base.resource.id,
    });
  return { ...base, id };
};

let seq = 0;
/** An active exception on prod's S3 public-access check, approved, expiring in 30 days. */
export const anException = (over: Partial<RiskException> = {}): RiskException => {
  seq += 1;
  return {
    id: `ex_${seq.toString().padStart(4, '0')}`,
    source: 'slack',
    status: 'active',
    scope: { accounts: [PROD], checks: ['s3_bucket_public_access_blocked'] },
    reason: 'Public website bucket, reviewed with the web team.',
    owner: { id: 'U0OWNER', name: 'Olivia Owner' },
    requester: { kind: 'slack-user', id: 'U0OWNER', name: 'Olivia Owner' },
    approver: { id: 'U0APPROVER', name: 'Aaron Approver' },
    createdAt: daysFrom(-2),
    decidedAt: daysFrom(-1),
    expiresAt: daysFrom(30),
    decisionNote: null,
    accepted: [],
    extension: null,
    message: null,
    remindedAt: null,
    suppressedInSecurityHub: [],
    updatedAt: daysFrom(-1),
    version: 2,
    ...over,
  };
};

/** prod under workloads/prod, staging under workloads, sandbox's place unknown. */
export const ORG: ScopeContext = {
  ouPath: (accountId) =>
    accountId === PROD
      ? [ROOT, OU_WORKLOADS, OU_PROD]
      : accountId === STAGING
        ? [ROOT, OU_WORKLOADS]
        : accountId === SANDBOX
          ? null
          : [],
};

export const at = (now: Date) => ({ ...ORG, now });
