import type { CoveragePreview } from '../../../../src/core/exceptions/coverage';
import type { ExtensionRequest, RiskException } from '../../../../src/core/exceptions/model';
import { limitViolations, MESSAGE_BUDGET } from '../../../../src/core/render/limits';
import type { Block, MessagePayload } from '../../../../src/core/render/blocks';
import { aFinding, buttons, minutesBefore, NOW, visibleText } from '../blocks/builders';

export { aFinding, buttons, minutesBefore, NOW, visibleText };

export const EX_ID = 'ex_0123456789abcdef01234567';
export const OTHER_EX_ID = 'ex_fedcba9876543210fedcba98';
export const FINDING_ID = 'f_00000000000000aa';
export const REQUESTER = { kind: 'slack-user' as const, id: 'U0REQUEST', name: 'rita' };
export const OWNER = { id: 'U0OWNER1', name: 'olga' };
export const APPROVER = { id: 'U0APPROVE', name: 'alex' };

export const DAY = 86_400_000;
export const daysAfter = (days: number, from: Date = NOW) => new Date(from.getTime() + days * DAY).toISOString();

export const anException = (over: Partial<RiskException> = {}): RiskException => ({
  id: EX_ID,
  source: 'slack',
  status: 'pending',
  scope: {
    accounts: ['111111111111'],
    checks: ['s3_bucket_public_access_blocked'],
    regions: ['us-east-1'],
    resources: ['arn:aws:s3:::acme-logs'],
  },
  reason: 'Static website bucket, public by design; reviewed in SEC-123.',
  owner: OWNER,
  requester: REQUESTER,
  approver: null,
  createdAt: minutesBefore(30),
  decidedAt: null,
  expiresAt: daysAfter(30),
  decisionNote: null,
  accepted: [],
  extension: null,
  message: null,
  remindedAt: null,
  suppressedInSecurityHub: [],
  updatedAt: minutesBefore(30),
  version: 1,
  ...over,
});

export const active = (over: Partial<RiskException> = {}): RiskException =>
  anException({ status: 'active', approver: APPROVER, decidedAt: minutesBefore(10), ...over });

export const anExtension = (over: Partial<ExtensionRequest> = {}): ExtensionRequest => ({
  requester: REQUESTER,
  requestedAt: minutesBefore(5),
  expiresAt: daysAfter(60),
  reason: 'The migration slipped to next quarter (PROJ-88).',
  message: null,
  ...over,
});

export const coverage = (over: Partial<CoveragePreview> = {}): CoveragePreview => ({
  count: 12,
  byCheck: { s3_bucket_public_access_blocked: 10, s3_bucket_versioning_enabled: 2 },
  sample: [],
  undecided: 0,
  ...over,
});

/** Asserts the message is within Slack's limits and the message budget, and returns it. */
export const withinLimits = <P extends MessagePayload>(payload: P): P => {
  expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  return payload;
};

export const textOf = (p: { blocks: readonly Block[] }) => visibleText(p.blocks);

export const actionIdsOf = (p: { blocks: readonly Block[] }) => buttons(p.blocks).map((b) => b.action_id);

/** Every text the payload carries, fallback included, for escaping checks. */
export const allText = (p: { text?: string; blocks: readonly unknown[] }) => JSON.stringify(p);

/** Text a hostile user might type, with every Slack control sequence we must neutralize. */
export const HOSTILE = '<!channel> <@U999> <https://evil.example|click> & <b>bold</b>';

/** Hostile text shows as typed: escaped once, never twice (`&amp;lt;` would read as "&lt;" in Slack). */
export const expectEscapedOnce = (text: string) => {
  for (const raw of ['<!channel>', '<@U999>', '<https://evil', '<b>']) expect(text).not.toContain(raw);
  expect(text).not.toMatch(/&amp;(lt|gt|amp);/);
};
