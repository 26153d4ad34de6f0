import type { ApiCall } from '../../../../src/core/remediations/define';
import type { RemediationRequest } from '../../../../src/core/remediations/request';
import { aFinding, minutesBefore, NOW } from '../blocks/builders';

export { NOW, minutesBefore };

export const REQUEST_ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';
export const REQUESTER = { kind: 'slack-user' as const, id: 'U0REQUEST', name: 'rita' };
export const APPROVER = { kind: 'slack-user' as const, id: 'U0APPROVE', name: 'alex' };
export const SECOND_APPROVER = { kind: 'slack-user' as const, id: 'W0SECOND', name: 'sam' };

export const putPublicAccessBlock: ApiCall = {
  service: 's3',
  region: 'us-east-1',
  command: 'PutPublicAccessBlock',
  input: {
    Bucket: 'acme-logs',
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  },
};

export const minutesAfter = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

export const aRequest = (over: Partial<RemediationRequest> = {}): RemediationRequest => ({
  id: REQUEST_ID,
  kind: 'remediate',
  undoOf: null,
  status: 'pending',
  remediationId: 's3_block_public_access',
  target: 's3_block_public_access|111122223333|arn:aws:s3:::acme-logs',
  finding: aFinding({ id: 'f_00000000000000aa', evidence: { blockPublicAcls: false, bucketPolicyPublic: true } }),
  plan: { calls: [putPublicAccessBlock], before: null, notes: [] },
  options: null,
  justification: 'Public bucket flagged by the audit; nothing should read it publicly.',
  requester: REQUESTER,
  requiredApprovals: 1,
  approvals: [],
  reason: null,
  result: null,
  decidedBy: null,
  message: null,
  requesterMessage: null,
  createdAt: minutesBefore(10),
  updatedAt: minutesBefore(10),
  expiresAt: minutesAfter(23 * 60 + 50),
  finishedAt: null,
  version: 1,
  ...over,
});

export const approvedBy = (...actors: (typeof APPROVER)[]) =>
  actors.map((approver, i) => ({ approver, at: minutesBefore(5 - i), comment: null }));

export const okResult = (over: Record<string, unknown> = {}) => ({
  dryRun: false,
  calls: [{ ...putPublicAccessBlock, outcome: 'ok', error: null, awsRequestId: 'REQ123' }],
  verification: { outcome: 'passed', message: null },
  ...over,
});

export const S3_BLOCK = { title: 'Block all public access to the S3 bucket', risk: 'low' as const };
