/**
 * The real app (composeApp) over the demo estate with a real SQLite store and a recording Slack,
 * for the accepted-risk buttons, modals and commands: the helpers press buttons and submit modals
 * the way Slack sends them (a modal's untouched inputs as it opened them). Not a suite itself.
 */
import { parseConfig } from '../../src/config';
import { composeApp, noGroups, noWriteExecutor } from '../../src/compose';
import { recordedSnapshotSource } from '../../src/app/snapshot-source';
import { demoSnapshotPath } from '../../src/paths';
import type { ActionInvocation, ModalView, ViewStateValue, ViewSubmissionResult } from '../../src/app/conversation';
import type { Finding } from '../../src/core/model';
import { invocation, recordingMessenger, recordingResponder } from '../fixtures/app';
import { tempStore } from '../fixtures/counting-source';
import { NOW } from '../fixtures/snapshot-builders';

export const PROD = { id: '111111111111', name: 'acme-prod' };
export const STAGING = { id: '222222222222', name: 'acme-staging' };
export const APPROVALS = 'C0SECLEADS';
export const DAY_MS = 86_400_000;

export const USERS = {
  admin: 'U0ADMIN',
  /** Responder on prod: may ask, not approve. */
  requester: 'U0REQ',
  /** Approver on prod. */
  approver: 'U0APPR',
  /** Another approver on prod. */
  approver2: 'U0APPR2',
  /** Approver on staging only. */
  stagingApprover: 'U0APPRSTG',
  /** Viewer on prod: may read, not ask. */
  viewer: 'U0VIEW',
  nobody: 'U0NOBODY',
} as const;

const account = (a: { id: string; name: string }) => `  - id: "${a.id}"
    name: ${a.name}
    roleArn: arn:aws:iam::${a.id}:role/cloudsec-read
`;

export const exceptionsConfig = (extra = '') => `accounts:
${account(PROD)}${account(STAGING)}remediation:
  enabled: true
  approvalsChannel: ${APPROVALS}
bindings:
  - role: admin
    users: [${USERS.admin}]
  - role: responder
    users: [${USERS.requester}]
    accounts: [${PROD.name}]
  - role: approver
    users: [${USERS.approver}, ${USERS.approver2}]
    accounts: [${PROD.name}]
  - role: approver
    users: [${USERS.stagingApprover}]
    accounts: [${STAGING.name}]
  - role: viewer
    users: [${USERS.viewer}]
    accounts: [${PROD.name}]
channels:
  findings: []
  dms: true
  elsewhere: refuse
accessHelp: "#sec-leads"
${extra}`;

/** The public bucket's "does not block public access" finding in acme-prod (us-east-1). */
export const LEGACY_PUBLIC = { checkId: 's3_bucket_public_access_blocked', resource: 'legacy-public' };

export const exceptionsWorld = (options: { extra?: string; clock?: () => Date } = {}) => {
  const clock = options.clock ?? (() => NOW);
  const store = tempStore(clock);
  const slack = recordingMessenger();
  const { app, deps } = composeApp({
    config: parseConfig(exceptionsConfig(options.extra), 'cloudsec.yml'),
    store,
    source: recordedSnapshotSource(demoSnapshotPath()),
    groups: noGroups,
    clock,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: { commandCompleted: () => undefined },
    executor: noWriteExecutor,
    dryRun: true,
    messenger: slack.messenger,
  });

  /** Runs a /cloudsec command as `userId`; what they saw, and any modal it opened. */
  const command = async (userId: string, text: string) => {
    const r = recordingResponder();
    const modals: ModalView[] = [];
    await app.handleCommand(invocation(text, { actor: { userId } }), {
      ...r.responder,
      openModal: async (v) => void modals.push(v),
    });
    return { ...r, modals, text: r.sent.map((s) => s.text).join('\n') };
  };

  /** Presses a button as `userId`; `modal`/`updates` when the press comes from an open modal. */
  const press = async (
    userId: string,
    actionId: string,
    value: string,
    over: Partial<ActionInvocation> & { modal?: unknown } = {},
  ) => {
    const r = recordingResponder();
    const modals: ModalView[] = [];
    const updates: { viewId: string; view: ModalView }[] = [];
    await app.handleAction(
      { requestId: 'req-press', actor: { userId }, channel: { id: 'D0DM', kind: 'dm' }, actionId, value, ...over },
      {
        ...r.responder,
        openModal: async (v) => void modals.push(v),
        updateModal: async (origin: { viewId: string }, view: ModalView) =>
          void updates.push({ viewId: origin.viewId, view }),
      } as typeof r.responder,
    );
    return { ...r, modals, updates, text: r.sent.map((s) => s.text).join('\n') };
  };

  /**
   * Submits a modal as `userId`: every input as the modal opened it (what Slack sends for inputs
   * left alone), with `typed` (block id → state) over them. Runs the work a submission leads to.
   */
  const submit = async (
    userId: string,
    view: ModalView,
    typed: Record<string, ViewStateValue | null> = {},
  ): Promise<ViewSubmissionResult> => {
    const result = await app.handleViewSubmission({
      requestId: 'req-submit',
      actor: { userId },
      callbackId: view.callback_id,
      privateMetadata: view.private_metadata,
      values: stateOf(view, typed),
    });
    if ('work' in result) await result.work();
    return result;
  };

  /** The failing finding of the demo estate (after a check has run). */
  const finding = async (
    target: { checkId: string; resource: string } = LEGACY_PUBLIC,
    accountId = PROD.id,
  ): Promise<Finding> => {
    await command(USERS.admin, `check s3 ${accountId}`);
    const scan = await store.latestScan(`s3:${accountId}:*`);
    const found = (await store.findingsOfScan(scan!.id)).find(
      (f) => f.checkId === target.checkId && f.resource.id === target.resource,
    );
    if (!found) throw new Error(`no ${target.checkId} finding of ${target.resource}`);
    return found;
  };

  /** Accept risk… → modal → submitted with a reason (and `typed` over the rest) as `userId`. */
  const requestException = async (
    userId: string,
    findingId: string,
    typed: Record<string, ViewStateValue | null> = {},
  ) => {
    const opened = await press(userId, 'exception.request', findingId);
    const modal = opened.modals[0];
    if (!modal) throw new Error(`no modal: ${opened.text}`);
    const before = new Set((await store.listExceptions({})).map((e) => e.id));
    const result = await submit(userId, modal, {
      reason: { type: 'plain_text_input', value: 'Public by design: a static website bucket (SEC-42).' },
      ...typed,
    });
    const created = (await store.listExceptions({})).find((e) => !before.has(e.id)) ?? null;
    return { result, exception: created };
  };

  return { app, deps, store, slack, clock, command, press, submit, finding, requestException };
};
export type ExceptionsWorld = ReturnType<typeof exceptionsWorld>;

interface InputBlock {
  type?: string;
  block_id?: string;
  element?: {
    action_id?: string;
    type?: string;
    initial_value?: string;
    initial_user?: string;
    initial_date?: string;
  };
}

/** view.state.values as Slack would send it for the modal, with `typed` replacing whole inputs (null: left empty). */
export const stateOf = (view: ModalView, typed: Record<string, ViewStateValue | null> = {}) => {
  const values: Record<string, Record<string, ViewStateValue>> = {};
  for (const block of view.blocks as InputBlock[]) {
    const e = block.element;
    const actionId = e?.action_id;
    if (block.type !== 'input' || !block.block_id || !e || !actionId) continue;
    const initial: ViewStateValue =
      e.type === 'users_select'
        ? { type: e.type, selected_user: e.initial_user ?? null }
        : e.type === 'datepicker'
          ? { type: e.type, selected_date: e.initial_date ?? null }
          : { type: e.type ?? 'plain_text_input', value: e.initial_value ?? null };
    const state = block.block_id in typed ? typed[block.block_id] : initial;
    if (state) values[block.block_id] = { [actionId]: state };
  }
  return values;
};

export const text = (value: string): ViewStateValue => ({ type: 'plain_text_input', value });
export const date = (ms: number): ViewStateValue => ({
  type: 'datepicker',
  selected_date: new Date(ms).toISOString().slice(0, 10),
});

/** The action ids of a message's buttons, in order. */
export const actionIdsIn = (message: { blocks: readonly unknown[] }): string[] =>
  JSON.stringify(message.blocks)
    .match(/"action_id":"[^"]+"/g)
    ?.map((m) => m.slice(13, -1)) ?? [];
