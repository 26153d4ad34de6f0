/**
 * The accepted-risk workflow wired to a real SQLite store and the real core, with fake ports that
 * record what they were asked: Slack (Messenger), Security Hub (setWorkflow) and the latest findings.
 * Not a suite itself (no `.test.ts`): the suites in this folder build on it.
 */
import { parseConfig, type Config } from '../../../src/config';
import type { AccountRef } from '../../../src/core/access/permissions';
import type { RiskException } from '../../../src/core/exceptions/model';
import type { Finding } from '../../../src/core/model';
import type { MessagePayload } from '../../../src/core/render/blocks/kit';
import type { MessageRef, Messenger } from '../../../src/app/conversation';
import {
  makeExceptionWorkflow,
  type ExceptionRenderers,
  type ExceptionWorkflowDeps,
  type SecurityHubTarget,
  type SecurityHubTargetResult,
  type SecurityHubWorkflowStatus,
  type WorkflowActor,
} from '../../../src/app/exceptions';
import type { Store } from '../../../src/store/store';
import { aFinding } from '../../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW, REGION } from '../../fixtures/snapshot-builders';
import { manualClock, type ManualClock, type TempStores } from '../../fixtures/store';

export const PROD = ACCOUNT_ID;
export const STAGING = '222222222222';
export const APPROVALS = 'C0SECLEADS';
export const DAY = 86_400_000;

/** Who is who in the config below. */
export const PEOPLE = {
  requester: { userId: 'U0REQUESTER', groups: [], name: 'rita' },
  approver: { userId: 'U0APPROVER', groups: [], name: 'alan' },
  secondApprover: { userId: 'U0APPROVER2', groups: [], name: 'bea' },
  /** Approver on staging only. */
  stagingApprover: { userId: 'U0STAGING', groups: [], name: 'sam' },
  /** Approver on prod only. */
  prodApprover: { userId: 'U0PRODAPPR', groups: [], name: 'pia' },
  /** Responder on prod only. */
  prodResponder: { userId: 'U0PRODRESP', groups: [], name: 'pat' },
  /** The risk's owner: a viewer of prod. */
  owner: { userId: 'U0OWNER', groups: [], name: 'olga' },
  /** Viewer of staging only. */
  stagingViewer: { userId: 'U0STAGVIEW', groups: [], name: 'stan' },
  stranger: { userId: 'U0STRANGER', groups: [], name: 'eve' },
} satisfies Record<string, WorkflowActor>;

const CONFIG = (extra: string) => `accounts:
  - id: "${PROD}"
    name: prod
  - id: "${STAGING}"
    name: staging
remediation:
  approvalsChannel: ${APPROVALS}
bindings:
  - role: responder
    users: [${PEOPLE.requester.userId}]
  - role: approver
    users: [${PEOPLE.approver.userId}, ${PEOPLE.secondApprover.userId}]
  - role: approver
    users: [${PEOPLE.stagingApprover.userId}]
    accounts: ["${STAGING}"]
  - role: approver
    users: [${PEOPLE.prodApprover.userId}]
    accounts: ["${PROD}"]
  - role: responder
    users: [${PEOPLE.prodResponder.userId}]
    accounts: ["${PROD}"]
  - role: viewer
    users: [${PEOPLE.owner.userId}]
    accounts: ["${PROD}"]
  - role: viewer
    users: [${PEOPLE.stagingViewer.userId}]
    accounts: ["${STAGING}"]
${extra}`;

export const exceptionConfig = (extra = ''): Config => parseConfig(CONFIG(extra), 'cloudsec.yml');

// ---------------------------------------------------------------- findings

export const publicBucket = aFinding({ id: 'f_public_bucket' });
export const logsBucket = aFinding({
  id: 'f_logs_bucket',
  resource: { type: 'AwsS3Bucket', id: 'logs-1', arn: 'arn:aws:s3:::logs-1' },
  message: 'Bucket logs-1 does not block public access.',
});
export const stagingBucket = aFinding({
  id: 'f_staging_bucket',
  accountId: STAGING,
  resource: { type: 'AwsS3Bucket', id: 'staging-data', arn: 'arn:aws:s3:::staging-data' },
});

export const SH_PRODUCT = `arn:aws:securityhub:${REGION}::product/aws/securityhub`;
export const shId = (n: number, account = PROD) =>
  `arn:aws:securityhub:${REGION}:${account}:subscription/aws-foundational-security-best-practices/v/1.0.0/S3.8/finding/0000000${n}`;

/** A Security Hub finding as normalizeSecurityHubFinding makes it. */
export const securityHubFinding = (n: number, over: Partial<Finding> = {}): Finding =>
  aFinding({
    id: `f_sh_${n}`,
    source: 'securityhub',
    checkId: 'securityhub:S3.8',
    service: 'securityhub',
    resource: { type: 'AwsS3Bucket', id: `arn:aws:s3:::shared-${n}`, arn: `arn:aws:s3:::shared-${n}` },
    evidence: {
      securityHubId: shId(n, over.accountId ?? PROD),
      productArn: SH_PRODUCT,
      complianceStatus: 'FAILED',
      workflowStatus: 'NEW',
      updatedAt: NOW.toISOString(),
    },
    frameworks: { cis: null, securityHub: 'S3.8' },
    ...over,
  });

// ---------------------------------------------------------------- Slack

export interface Sent {
  kind: 'post' | 'update' | 'dm';
  to: string;
  text: string;
  threadTs?: string;
}

/** Renderers that write what they were asked as text, so tests read what each message was about. */
export const textRenderers: ExceptionRenderers = {
  approvalCard: (e, ctx) => msg(`card ${e.id} ${e.status}${ctx.coverage ? ` covers=${ctx.coverage.count}` : ''}`),
  extensionCard: (e, ext, outcome) => msg(`extension-card ${e.id} ${outcome} to=${ext.expiresAt}`),
  statusNotice: (e, event) => msg(`notice ${e.id} ${event}`),
  extensionNotice: (e, ext, outcome, ctx) =>
    msg(`extension-notice ${e.id} ${outcome}${ctx.reason ? ` (${ctx.reason})` : ''}`),
  reminder: (e, ctx) => msg(`reminder ${e.id} days=${ctx.daysLeft} extendable=${ctx.extendable}`),
  securityHubReply: (e, r) =>
    msg(
      `securityhub ${e.id} ${r.status} processed=${r.processed.length} failed=${r.failed.map((f) => f.code).join(',')}${r.skipped ? ` skipped` : ''}`,
    ),
};
const msg = (text: string): MessagePayload => ({ text, blocks: [] });

export const recordingMessenger = () => {
  const sent: Sent[] = [];
  let ts = 0;
  const state = { failPosts: false };
  const messenger: Messenger = {
    post: async (channel, message, options) => {
      if (state.failPosts) throw new Error('channel_not_found');
      sent.push({
        kind: 'post',
        to: channel,
        text: message.text,
        ...(options?.threadTs ? { threadTs: options.threadTs } : {}),
      });
      return { channel, ts: `1700000000.${String(++ts).padStart(6, '0')}` };
    },
    update: async (ref: MessageRef, message) => {
      sent.push({ kind: 'update', to: `${ref.channel}/${ref.ts}`, text: message.text });
    },
    dm: async (userId, message) => {
      sent.push({ kind: 'dm', to: userId, text: message.text });
      return { channel: `D${userId}`, ts: `1700000001.${String(++ts).padStart(6, '0')}` };
    },
  };
  return {
    messenger,
    sent,
    state,
    dms: (userId?: string) => sent.filter((s) => s.kind === 'dm' && (userId === undefined || s.to === userId)),
    texts: (kind?: Sent['kind']) => sent.filter((s) => kind === undefined || s.kind === kind).map((s) => s.text),
  };
};

// ---------------------------------------------------------------- Security Hub

export interface ShCall {
  targets: SecurityHubTarget[];
  status: SecurityHubWorkflowStatus;
  note: string;
}

export const fakeSecurityHub = () => {
  const calls: ShCall[] = [];
  const state: {
    answer: (t: SecurityHubTarget) => SecurityHubTargetResult;
    throws: Error | null;
    /** Resolves before answering (to hold a call open). */
    gate: Promise<void> | null;
  } = { answer: (t) => ({ ...t, outcome: 'processed' }), throws: null, gate: null };
  return {
    calls,
    state,
    port: {
      setWorkflow: async (targets: readonly SecurityHubTarget[], status: SecurityHubWorkflowStatus, note: string) => {
        calls.push({ targets: [...targets], status, note });
        if (state.gate) await state.gate;
        if (state.throws) throw state.throws;
        return targets.map(state.answer);
      },
    },
  };
};

// ---------------------------------------------------------------- harness

export const KNOWN: AccountRef[] = [
  { id: PROD, name: 'prod', ouPath: [] },
  { id: STAGING, name: 'staging', ouPath: [] },
];

export interface Harness {
  deps: ExceptionWorkflowDeps;
  workflow: ReturnType<typeof makeExceptionWorkflow>;
  store: Store;
  dbPath: string;
  clock: ManualClock;
  slack: ReturnType<typeof recordingMessenger>;
  securityHub: ReturnType<typeof fakeSecurityHub>;
  findings: Finding[];
  /** A pending exception asked for by PEOPLE.requester from `finding` (its own scope unless given). */
  pending(over?: Partial<RequestOver>): Promise<RiskException>;
  /** Pending, then approved by PEOPLE.approver. */
  active(over?: Partial<RequestOver>): Promise<RiskException>;
  trail(id: string): Promise<string[]>;
}

export interface RequestOver {
  actor: WorkflowActor;
  finding: Finding;
  scope: unknown;
  reason: string;
  ownerId: string;
  expiresAt: string;
}

export const inDays = (clock: () => Date, days: number): string =>
  new Date(clock().getTime() + days * DAY).toISOString();

export const exceptionHarness = (
  stores: TempStores,
  options: {
    config?: Config;
    findings?: Finding[];
    store?: Store;
    path?: string;
    clock?: ManualClock;
    securityHub?: ReturnType<typeof fakeSecurityHub> | null;
    slack?: ReturnType<typeof recordingMessenger>;
  } = {},
): Harness => {
  const clock = options.clock ?? manualClock(NOW);
  const opened = options.store
    ? { store: options.store, path: options.path ?? '' }
    : stores.open({ clock, ...(options.path ? { path: options.path } : {}) });
  const findings = options.findings ?? [publicBucket, logsBucket, stagingBucket];
  const slack = options.slack ?? recordingMessenger();
  const securityHub = options.securityHub === undefined ? fakeSecurityHub() : options.securityHub;
  const deps: ExceptionWorkflowDeps = {
    store: opened.store,
    config: options.config ?? exceptionConfig(),
    clock,
    findings: { findFinding: async (id) => findings.find((f) => f.id === id) ?? null },
    latest: { latestFindings: async () => [...findings] },
    accounts: { knownAccounts: async () => KNOWN },
    messenger: slack.messenger,
    render: textRenderers,
    securityHub: securityHub?.port ?? null,
  };
  const workflow = makeExceptionWorkflow(deps);
  const h: Harness = {
    deps,
    workflow,
    store: opened.store,
    dbPath: opened.path,
    clock,
    slack,
    securityHub: securityHub ?? fakeSecurityHub(),
    findings,
    pending: async (over = {}) => {
      const finding = over.finding ?? publicBucket;
      const result = await workflow.request({
        actor: over.actor ?? PEOPLE.requester,
        findingId: finding.id,
        scope: over.scope ?? {
          accounts: [finding.accountId],
          checks: [finding.checkId],
          regions: [finding.region],
          resources: [finding.resource.arn ?? finding.resource.id],
        },
        reason: over.reason ?? 'Static website bucket, public by design (SEC-123).',
        ownerId: over.ownerId ?? PEOPLE.owner.userId,
        expiresAt: over.expiresAt ?? inDays(clock, 30),
      });
      if (!result.ok) throw new Error(`expected a pending exception, got ${result.code}: ${result.reason}`);
      return result.exception;
    },
    active: async (over = {}) => {
      const pending = await h.pending(over);
      const result = await workflow.approve({ actor: PEOPLE.approver, exceptionId: pending.id });
      if (!result.ok) throw new Error(`expected an approval, got ${result.code}: ${result.reason}`);
      return result.exception;
    },
    trail: async (id) => (await opened.store.listAudit({ requestId: id })).map((e) => `${e.action}:${e.outcome}`),
  };
  return h;
};
