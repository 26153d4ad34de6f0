import { summarize } from '../../../../src/core/findings';
import type { Finding } from '../../../../src/core/model';
import type { Block, CheckMessageData, TextObject } from '../../../../src/core/render/blocks';

export const NOW = new Date('2026-11-01T12:00:00.000Z');
export const minutesBefore = (minutes: number, from: Date = NOW) =>
  new Date(from.getTime() - minutes * 60_000).toISOString();

let seq = 0;
export const aFinding = (over: Partial<Finding> = {}): Finding => {
  seq += 1;
  return {
    id: `f_${seq.toString(16).padStart(16, '0')}`,
    source: 'cloudsec',
    checkId: 's3_bucket_public_access_blocked',
    status: 'fail',
    severity: 'high',
    service: 's3',
    accountId: '111111111111',
    region: 'us-east-1',
    resource: { type: 'AwsS3Bucket', id: 'acme-logs', arn: 'arn:aws:s3:::acme-logs' },
    title: 'S3 bucket blocks public access',
    message: 'Bucket acme-logs does not block public access: blockPublicAcls off.',
    evidence: {},
    remediationId: 's3_block_public_access',
    frameworks: { cis: '2.1.4', securityHub: 'S3.8' },
    observedAt: NOW.toISOString(),
    ...over,
  };
};

export const anUnknown = (permission: string | null, over: Partial<Finding> = {}): Finding =>
  aFinding({
    status: 'unknown',
    remediationId: null,
    message: `Could not check: cloudsec needs ${permission ?? '?'} (AccessDenied).`,
    evidence: permission ? { missingPermission: permission, errorCode: 'AccessDenied' } : { errorCode: 'Throttling' },
    ...over,
  });

export const aPass = (over: Partial<Finding> = {}): Finding =>
  aFinding({ status: 'pass', remediationId: null, message: 'all four settings on', ...over });

export const aCheckData = (findings: Finding[], over: Partial<CheckMessageData> = {}): CheckMessageData => ({
  findings,
  summary: summarize(findings),
  services: ['s3'],
  generatedAt: minutesBefore(4),
  evaluatedAt: minutesBefore(4),
  demo: false,
  accounts: [{ id: '111111111111', name: 'acme-prod', reachable: true, error: null, warnings: [] }],
  ...over,
});

/** Every text object in the blocks, with where it sits. */
export const textObjects = (blocks: readonly Block[]): { where: string; t: TextObject }[] =>
  blocks.flatMap((b): { where: string; t: TextObject }[] => {
    switch (b.type) {
      case 'header':
        return [{ where: 'header', t: b.text }];
      case 'section':
        return [
          ...(b.text ? [{ where: 'section', t: b.text }] : []),
          ...(b.fields ?? []).map((t) => ({ where: 'field', t })),
          ...(b.accessory?.type === 'button' ? [{ where: 'button', t: b.accessory.text }] : []),
          ...(b.accessory?.type === 'overflow' ? b.accessory.options.map((o) => ({ where: 'option', t: o.text })) : []),
        ];
      case 'context':
        return b.elements.map((t) => ({ where: 'context', t }));
      case 'actions':
        return b.elements.map((e) => ({ where: 'button', t: e.text }));
      default:
        return [];
    }
  });

export const buttons = (blocks: readonly Block[]) =>
  blocks.flatMap((b) =>
    b.type === 'actions' ? b.elements : b.type === 'section' && b.accessory?.type === 'button' ? [b.accessory] : [],
  );

/** All the words a user sees, one text object per line group. */
export const visibleText = (blocks: readonly Block[]): string =>
  textObjects(blocks)
    .map(({ t }) => t.text)
    .join('\n');
