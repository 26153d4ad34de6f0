/**
 * Issue 11 guard rail: every way into the bot (each /cloudsec subcommand, each button, each modal
 * submission and the App Home), sent as each kind of person, through the same CloudsecApp the Bolt
 * app drives. For each row: the answer is the expected one (allowed answers carry data, refusals say
 * why), no account outside the person's scope is named in anything the bot sent (answers, uploads,
 * modals, DMs, channel posts), nothing outside their scope was collected from AWS, and no AWS write
 * happened unless the row is the one allowed approval.
 *
 * The estate: acme-prod (111111111111) holds the requests and findings the buttons name; acme-staging
 * (222222222222) is "the other account", with its own pending request and findings for forged values. *
 * Accepted risks (issue 14) are in the table too: `/cloudsec exceptions` and `accept`, Accept risk… and the
 * finding menu, every button of the approval and extension cards, Show and Next page, and every modal; the
 * estate holds a pending, an active and an extended accepted risk in acme-prod and a pending one in
 * acme-staging, and a refused row must leave every accepted risk as it was.
 *
 * The table found two leaks, both fixed: remediation refusals named the account of the request or
 * finding (src/app/remediation/support.ts `authorizeOn` now refuses people who may not see that account
 * in words that name none), and Download all named the button's scope in the file name.
 */
import fs from 'node:fs';
import { parseConfig } from '../../src/config';
import { composeApp } from '../../src/compose';
import { SnapshotSchema } from '../../src/core/model';
import { demoSnapshotPath } from '../../src/paths';
import type { ActionInvocation, ModalView, ViewSubmission, ViewSubmissionResult } from '../../src/app/conversation';
import type { ExecutionContext, RemediationExecutor } from '../../src/app/remediation';
import type { ApiCall } from '../../src/core/remediations/define';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { noGroups } from '../../src/compose';
import { invocation, recordingMessenger, recordingResponder } from '../fixtures/app';
import { countingSource, removeScanAppDirs, tempStore } from '../fixtures/counting-source';
import { NOW } from '../fixtures/snapshot-builders';

const PROD = { id: '111111111111', name: 'acme-prod' };
const STAGING = { id: '222222222222', name: 'acme-staging' };
const APPROVALS = 'C0SECLEADS';

const account = (a: { id: string; name: string }) => `  - id: "${a.id}"
    name: ${a.name}
    roleArn: arn:aws:iam::${a.id}:role/cloudsec-read
    writeRoleArn: arn:aws:iam::${a.id}:role/cloudsec-write
    undoRoleArn: arn:aws:iam::${a.id}:role/cloudsec-undo
`;

const CONFIG = `accounts:
${account(PROD)}${account(STAGING)}remediation:
  enabled: true
  approvalsChannel: ${APPROVALS}
  undoWindowHours: 24
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEWOUT]
    accounts: [${STAGING.name}]
  - role: viewer
    users: [U0VIEWIN]
    accounts: [${PROD.name}]
  - role: responder
    users: [U0REQ]
    accounts: [${PROD.name}]
  - role: approver
    users: [U0APPR]
    accounts: [${PROD.name}]
  - role: responder
    users: [U0REQSTG]
    accounts: [${STAGING.name}]
accessHelp: "#sec-leads"
`;

type Account = typeof PROD;
interface Persona {
  label: string;
  userId: string;
  /** Accounts whose id or name must never reach this person. */
  outside: Account[];
  /** The account whose data an allowed answer carries (none: nothing to show). */
  inside: Account | null;
}

const PERSONAS = {
  nobody: { label: 'no role', userId: 'U0NOBODY', outside: [PROD, STAGING], inside: null },
  viewerOut: { label: 'viewer of the other account', userId: 'U0VIEWOUT', outside: [PROD], inside: STAGING },
  viewerIn: { label: 'viewer in scope', userId: 'U0VIEWIN', outside: [STAGING], inside: PROD },
  requester: { label: 'requester', userId: 'U0REQ', outside: [STAGING], inside: PROD },
  approver: { label: 'approver', userId: 'U0APPR', outside: [STAGING], inside: PROD },
} satisfies Record<string, Persona>;
type PersonaKey = keyof typeof PERSONAS;

/** An executor that records every call it is asked to send and sends nothing. */
const countingExecutor = () => {
  const writes: { calls: readonly ApiCall[]; ctx: ExecutionContext }[] = [];
  const executor: RemediationExecutor = {
    execute: async (calls, ctx) => {
      writes.push({ calls, ctx });
      return { ok: false, failedAt: -1, error: { code: 'TestExecutor', message: 'recorded, not sent' }, calls: [] };
    },
  };
  return { executor, writes };
};

const demoSnapshot = () => SnapshotSchema.parse(JSON.parse(fs.readFileSync(demoSnapshotPath(), 'utf8')));

/** A fresh app with a pending request and stored findings in each account, and counters zeroed. */
const world = async () => {
  const source = countingSource(demoSnapshot());
  const { executor, writes } = countingExecutor();
  const messenger = recordingMessenger();
  const store = tempStore();
  const { app } = composeApp({
    config: parseConfig(CONFIG, 'cloudsec.yml'),
    store,
    source,
    groups: noGroups,
    clock: () => NOW,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined },
    metrics: { commandCompleted: () => undefined },
    executor,
    dryRun: false,
    messenger: messenger.messenger,
  });

  const buttonsOf = async (userId: string, text: string) => {
    const r = recordingResponder();
    await app.handleCommand(invocation(text, { actor: { userId } }), r.responder);
    return r.sent.flatMap((s) => renderBlocksAsText(s.message).buttons);
  };
  // One account's list fits on a page, so no Next/Download buttons are drawn: the values are the
  // ones such buttons carry (scope key `service:accounts:regions`, see scopeKeyOf), which is also
  // what a forger would write.
  const scopeOf = (a: Account) => `all:${a.id}:*`;
  const prodButtons = await buttonsOf('U0ADMIN', `check all ${PROD.name}`);
  const stagingButtons = await buttonsOf('U0ADMIN', `check all ${STAGING.name}`);

  /** Opens the request modal on the first remediable finding of the account, then submits it. */
  /**
   * The findings a list offers to remediate: the Remediate button's value, or the `remediate:` entry of
   * a finding's menu (finding.menu) where the finding offers Accept risk… too.
   */
  const remediable = (buttons: typeof prodButtons) =>
    buttons.flatMap((b) =>
      b.actionId === 'remediation.request' && b.value
        ? [b.value]
        : b.actionId === 'finding.menu' && b.value?.startsWith('remediate:')
          ? [b.value.slice('remediate:'.length)]
          : [],
    );
  const makeRequest = async (acct: Account, requester: string, buttons: typeof prodButtons) => {
    for (const findingId of remediable(buttons)) {
      const b = { actionId: 'remediation.request', value: findingId };
      const modals: ModalView[] = [];
      const r = recordingResponder();
      await app.handleAction(
        {
          requestId: 'setup',
          actor: { userId: requester },
          channel: { id: 'D0DM', kind: 'dm' },
          actionId: b.actionId,
          value: b.value!,
        },
        { ...r.responder, openModal: async (v) => void modals.push(v) },
      );
      const modal = modals[0];
      if (!modal) continue;
      const result = await app.handleViewSubmission({
        requestId: 'setup',
        actor: { userId: requester },
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        values: { justification: { value: { value: 'Found in the weekly review; fix it now (SEC-1).' } } },
      });
      if ('work' in result) await result.work();
      const request = (await store.listRequests({})).find((q) => q.finding.accountId === acct.id);
      if (request) return { requestId: request.id, findingId: b.value! };
    }
    throw new Error(`setup: no remediable finding in ${acct.name}`);
  };
  const prod = await makeRequest(PROD, 'U0REQ', prodButtons);
  const staging = await makeRequest(STAGING, 'U0REQSTG', stagingButtons);

  // Accepted risks: each account's failing findings, as the full check of that account found them.
  const failingOf = async (acct: Account) => {
    const scan = await store.latestScan(scopeOf(acct));
    return (await store.findingsOfScan(scan!.id)).filter((f) => f.status === 'fail');
  };
  const [prodA, prodB, prodC] = await failingOf(PROD);
  const [stagingA] = await failingOf(STAGING);
  /** Accept risk… and its modal, as `requester`, left as it opened but for a reason. */
  const acceptRisk = async (requester: string, findingId: string) => {
    const modals: ModalView[] = [];
    const r = recordingResponder();
    const actor = { userId: requester };
    await app.handleAction(
      {
        requestId: 'setup',
        actor,
        channel: { id: 'D0DM', kind: 'dm' },
        actionId: 'exception.request',
        value: findingId,
      },
      { ...r.responder, openModal: async (v) => void modals.push(v) },
    );
    if (!modals[0]) throw new Error(`setup: no accept-risk modal: ${r.sent.map((x) => x.text).join()}`);
    const result = await app.handleViewSubmission({
      requestId: 'setup',
      actor,
      callbackId: modals[0].callback_id,
      privateMetadata: modals[0].private_metadata,
      values: initialValues(modals[0], { reason: { value: { value: 'Accepted in the weekly review (SEC-3).' } } }),
    });
    if ('work' in result) await result.work();
    const stored = (await store.listExceptions({})).find((e) => e.accepted.some((a) => a.findingId === findingId));
    if (!stored) throw new Error(`setup: no exception stored for ${findingId}`);
    return stored.id;
  };
  const pressAs = (userId: string, actionId: string, value: string) =>
    app.handleAction(
      { requestId: 'setup', actor: { userId }, channel: { id: 'D0DM', kind: 'dm' }, actionId, value },
      recordingResponder().responder,
    );
  const prodPendingException = await acceptRisk('U0REQ', prodA!.id);
  const prodActiveException = await acceptRisk('U0REQ', prodB!.id);
  await pressAs('U0APPR', 'exception.approve', prodActiveException);
  const prodExtendedException = await acceptRisk('U0REQ', prodC!.id);
  await pressAs('U0APPR', 'exception.approve', prodExtendedException);
  const extend = await store.getException(prodExtendedException);
  await app
    .handleViewSubmission({
      requestId: 'setup',
      actor: { userId: 'U0REQ' },
      callbackId: 'exception.extend_modal',
      privateMetadata: JSON.stringify({ exceptionId: prodExtendedException }),
      values: {
        expiry: {
          value: { selected_date: new Date(Date.parse(extend!.expiresAt) + 5 * DAY_MS).toISOString().slice(0, 10) },
        },
        reason: { value: { value: 'The migration slipped to next quarter.' } },
      },
    })
    .then((r) => ('work' in r ? r.work() : undefined));
  const stagingPendingException = await acceptRisk('U0REQSTG', stagingA!.id);
  if ((await store.getException(prodActiveException))?.status !== 'active') throw new Error('setup: not approved');
  if (!(await store.getException(prodExtendedException))?.extension) throw new Error('setup: no extension');

  const mark = {
    posts: messenger.posts.length,
    updates: messenger.updates.length,
    dms: messenger.dms.length,
    writes: writes.length,
    requests: (await store.listRequests({})).length,
    exceptions: (await store.listExceptions({})).map(
      (e) => `${e.id}:${e.status}:${e.expiresAt}:${e.extension ? 'ext' : ''}`,
    ),
  };
  source.collected.clear();
  return {
    app,
    store,
    source,
    writes,
    messenger,
    mark,
    values: {
      prodPage: JSON.stringify({ s: scopeOf(PROD), o: 0 }),
      prodExport: JSON.stringify({ s: scopeOf(PROD) }),
      stagingPage: JSON.stringify({ s: scopeOf(STAGING), o: 0 }),
      stagingExport: JSON.stringify({ s: scopeOf(STAGING) }),
      prodFinding: prod.findingId,
      stagingFinding: staging.findingId,
      prodRequest: prod.requestId,
      stagingRequest: staging.requestId,
      prodPendingException,
      prodActiveException,
      prodExtendedException,
      stagingPendingException,
      prodFindingCheck: (await failingOf(PROD)).find((f) => f.id === prod.findingId)!.checkId,
      stagingFindingCheck: (await failingOf(STAGING)).find((f) => f.id === staging.findingId)!.checkId,
      prodHiddenScope: JSON.stringify({ s: scopeOf(PROD) }),
      stagingHiddenScope: JSON.stringify({ s: scopeOf(STAGING) }),
    },
  };
};
type World = Awaited<ReturnType<typeof world>>;
type Values = World['values'];

/** What one row sent, as text a person or a channel would read. */
interface Outgoing {
  /** What the person saw (answers, uploads, modals, modal errors, the home tab). */
  answer: string;
  /** Everything that left the bot: the answer plus channel posts, card updates and every DM. */
  all: string;
}

type Surface =
  | { kind: 'command'; text: (v: Values) => string }
  | { kind: 'button'; actionId: string; value: (v: Values) => string }
  | {
      kind: 'view';
      callbackId: string;
      metadata: (v: Values) => string;
      blockId: string;
      /** The whole view state, for modals with more than one input. */
      values?: (v: Values) => ViewSubmission['values'];
    }
  | { kind: 'home' };

const send = async (w: World, who: Persona, surface: Surface): Promise<Outgoing> => {
  const r = recordingResponder();
  const modals: ModalView[] = [];
  const extra: string[] = [];
  const responder = { ...r.responder, openModal: async (v: ModalView) => void modals.push(v) };
  const actor = { userId: who.userId };
  if (surface.kind === 'command') {
    await w.app.handleCommand(invocation(surface.text(w.values), { actor }), responder);
  } else if (surface.kind === 'button') {
    const press: ActionInvocation = {
      requestId: 'req-row',
      actor,
      channel: { id: 'D0DM', kind: 'dm' },
      actionId: surface.actionId,
      value: surface.value(w.values),
    };
    await w.app.handleAction(press, responder);
  } else if (surface.kind === 'view') {
    const result: ViewSubmissionResult = await w.app.handleViewSubmission({
      requestId: 'req-row',
      actor,
      callbackId: surface.callbackId,
      privateMetadata: surface.metadata(w.values),
      values: surface.values?.(w.values) ?? {
        [surface.blockId]: { value: { value: 'A reason long enough to pass validation (SEC-2).' } },
      },
    });
    if ('work' in result) await result.work();
    else extra.push(JSON.stringify(result.errors));
  } else {
    extra.push(JSON.stringify(await w.app.homeView(actor)));
  }
  const answer = [
    ...r.sent.flatMap((s) => [s.text, JSON.stringify(s.message)]),
    ...r.uploads.flatMap((u) => [u.filename, u.title, u.content]),
    ...modals.map((m) => JSON.stringify(m)),
    ...w.messenger.dms.slice(w.mark.dms).flatMap((d) => (d.userId === who.userId ? [d.text] : [])),
    ...extra,
  ].join('\n');
  const all = [
    answer,
    ...w.messenger.posts.slice(w.mark.posts).map((p) => JSON.stringify(p.message)),
    ...w.messenger.updates.slice(w.mark.updates).map((u) => JSON.stringify(u.message)),
    ...w.messenger.dms.slice(w.mark.dms).map((d) => JSON.stringify(d.message)),
  ].join('\n');
  return { answer, all };
};

/** Where the account's id or name appears in the text (with some context), or null. */
const leakOf = (text: string, a: Account): string | null => {
  const m = new RegExp(`${a.id}|${a.name}\\b`).exec(text);
  return m ? text.slice(Math.max(0, m.index - 120), m.index + 60) : null;
};

/** A refusal names its reason: a permission, a scope, a stale value, or "not found". */
const REFUSAL =
  /Not allowed|not an account you may see|no cloudsec role|no longer valid|out of date|not found|No such|may not|cannot|can't|do not have|don't have|need|no access|isn’t|is not/i;

type Expect = 'allowed' | 'refused';
interface Row {
  surface: string;
  send: Surface;
  /** Per persona (and the forged variants, which are refused for every persona). */
  expect: Record<PersonaKey, Expect>;
  /** An allowed answer carries this (default: the persona's own account). */
  shows?: RegExp;
  /** This row may write to AWS for this persona (an allowed approval). */
  writesFor?: PersonaKey;
  /** KNOWN LEAK (see the report at the top): these personas are told the account's id and name. */
}

const all = (e: Expect): Record<PersonaKey, Expect> => ({
  nobody: e,
  viewerOut: e,
  viewerIn: e,
  requester: e,
  approver: e,
});
const seeFindings: Record<PersonaKey, Expect> = { ...all('allowed'), nobody: 'refused' };
const prodViewers: Record<PersonaKey, Expect> = { ...all('allowed'), nobody: 'refused', viewerOut: 'refused' };
const prodRequesters: Record<PersonaKey, Expect> = { ...prodViewers, viewerIn: 'refused' };
const prodApprovers: Record<PersonaKey, Expect> = { ...all('refused'), approver: 'allowed' };
/** An accepted risk's owner and requester (the requester here) may revoke it, besides approvers. */
const prodOwnerOrApprover: Record<PersonaKey, Expect> = { ...prodApprovers, requester: 'allowed' };

const cmd = (text: string | ((v: Values) => string)): Surface => ({
  kind: 'command',
  text: typeof text === 'string' ? () => text : text,
});
const btn = (actionId: string, value: (v: Values) => string): Surface => ({ kind: 'button', actionId, value });
const view = (
  callbackId: string,
  metadata: (v: Values) => string,
  blockId: string,
  values?: (v: Values) => ViewSubmission['values'],
): Surface => ({
  kind: 'view',
  callbackId,
  metadata,
  blockId,
  ...(values ? { values } : {}),
});

/** A modal's inputs as Slack sends them when left as they opened, with `typed` over them. */
const initialValues = (modal: ModalView, typed: ViewSubmission['values'] = {}): ViewSubmission['values'] => {
  const values: ViewSubmission['values'] = {};
  for (const block of modal.blocks as {
    type?: string;
    block_id?: string;
    element?: { action_id?: string; initial_value?: string; initial_user?: string; initial_date?: string };
  }[]) {
    const e = block.element;
    if (block.type !== 'input' || !block.block_id || !e?.action_id) continue;
    const state = e.initial_user
      ? { selected_user: e.initial_user }
      : e.initial_date
        ? { selected_date: e.initial_date }
        : e.initial_value
          ? { value: e.initial_value }
          : null;
    if (state) values[block.block_id] = { [e.action_id]: state };
  }
  return { ...values, ...typed };
};

const DAY_MS = 86_400_000;
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
/** The "Accept risk…" modal as filled in for a finding of `account` (the scope is its own, by ARN or id). */
const requestModalValues = (account: Account, checkId: string): ViewSubmission['values'] => ({
  scope_checks: { 'exception.preview': { value: checkId } },
  scope_accounts: { 'exception.preview': { value: account.id } },
  reason: { value: { value: 'Accepted in the weekly review (SEC-3).' } },
  owner: { value: { selected_user: 'U0REQ' } },
  expiry: { value: { selected_date: day(NOW.getTime() + 10 * DAY_MS) } },
});
const extendModalValues = (): ViewSubmission['values'] => ({
  expiry: { value: { selected_date: day(NOW.getTime() + 80 * DAY_MS) } },
  reason: { value: { value: 'The migration slipped to next quarter.' } },
});

const ROWS: Row[] = [
  { surface: 'command check s3', send: cmd('check s3'), expect: seeFindings },
  { surface: 'command check all acme-prod', send: cmd(`check all ${PROD.name}`), expect: prodViewers },
  { surface: 'command findings', send: cmd('findings'), expect: seeFindings, shows: /finding|Scanning/i },
  { surface: 'command findings acme-prod', send: cmd(`findings ${PROD.name}`), expect: prodViewers },
  {
    surface: 'command remediate <prod finding>',
    send: cmd((v) => `remediate ${v.prodFinding}`),
    expect: prodRequesters,
    // The finding has an open request: the answer names it rather than opening a second one.
    shows: /Already requested/,
  },
  { surface: 'command requests all', send: cmd('requests all'), expect: seeFindings, shows: /./ },
  { surface: 'command digest list', send: cmd('digest list'), expect: seeFindings, shows: /./ },
  // No digests are configured here: who may read findings is told so, and nobody else learns it.
  {
    surface: 'command digest preview weekly',
    send: cmd('digest preview weekly'),
    expect: seeFindings,
    shows: /No digests/,
  },
  { surface: 'command digest now weekly', send: cmd('digest now weekly'), expect: seeFindings, shows: /No digests/ },
  { surface: 'command whoami', send: cmd('whoami'), expect: all('allowed'), shows: /./ },
  { surface: 'command access', send: cmd('access'), expect: all('refused') },
  { surface: 'command audit', send: cmd('audit'), expect: all('refused') },
  { surface: 'command help', send: cmd('help'), expect: all('allowed'), shows: /check/ },
  // A page is the presser's own view of the scope: someone outside it gets an empty list, not prod's.
  {
    surface: 'button findings.page (prod scope)',
    send: btn('findings.page', (v) => v.prodPage),
    expect: seeFindings,
    shows: /cloudsec check/,
  },
  {
    surface: 'button findings.export (prod scope)',
    send: btn('findings.export', (v) => v.prodExport),
    expect: seeFindings,
    shows: /cloudsec findings/,
  },
  {
    surface: 'button remediation.request (prod finding)',
    send: btn('remediation.request', (v) => v.prodFinding),
    expect: prodRequesters,
    shows: /Already requested|pending/i,
  },
  {
    surface: 'button remediation.approve (prod request)',
    send: btn('remediation.approve', (v) => v.prodRequest),
    expect: prodApprovers,
    shows: /Approv/,
    writesFor: 'approver',
  },
  {
    surface: 'button remediation.deny (prod request)',
    send: btn('remediation.deny', (v) => v.prodRequest),
    expect: prodApprovers,
    shows: /deny/i,
  },
  {
    surface: 'button remediation.undo (pending prod request)',
    send: btn('remediation.undo', (v) => v.prodRequest),
    expect: all('refused'),
  },
  {
    surface: 'view remediation.request_submit (prod finding)',
    send: view('remediation.request_submit', (v) => JSON.stringify({ f: v.prodFinding, r: 'x' }), 'justification'),
    expect: all('refused'),
  },
  {
    surface: 'view remediation.deny_submit (prod request)',
    send: view('remediation.deny_submit', (v) => v.prodRequest, 'reason'),
    expect: prodApprovers,
    shows: /denied/,
  },
  {
    surface: 'view remediation.breakglass_submit (prod request)',
    send: view('remediation.breakglass_submit', (v) => v.prodRequest, 'reason'),
    // An approver who is not the requester is approving, with a reason attached: allowed.
    expect: prodApprovers,
    shows: /Break-glass approval/,
    writesFor: 'approver',
  },
  {
    surface: 'view remediation.undo_submit (pending prod request)',
    send: view('remediation.undo_submit', (v) => v.prodRequest, 'justification'),
    expect: all('refused'),
  },
  { surface: 'App Home', send: { kind: 'home' }, expect: seeFindings },
  // Accepted risks (issue 14).
  { surface: 'command exceptions', send: cmd('exceptions'), expect: seeFindings, shows: /Accepted risks/ },
  {
    surface: 'command exceptions pending',
    send: cmd('exceptions pending'),
    expect: seeFindings,
    shows: /waiting for approval/,
  },
  {
    surface: 'command accept <prod finding>',
    send: cmd((v) => `accept ${v.prodFinding}`),
    expect: prodRequesters,
    shows: /exception\.request_modal/,
  },
  {
    surface: 'button exception.request (prod finding)',
    send: btn('exception.request', (v) => v.prodFinding),
    expect: prodRequesters,
    shows: /exception\.request_modal/,
  },
  {
    surface: 'button finding.menu accept (prod finding)',
    send: btn('finding.menu', (v) => `accept:${v.prodFinding}`),
    expect: prodRequesters,
    shows: /exception\.request_modal/,
  },
  {
    surface: 'button exception.approve (prod pending)',
    send: btn('exception.approve', (v) => v.prodPendingException),
    expect: prodApprovers,
    shows: /Approved: accepted risk/,
  },
  {
    surface: 'button exception.deny (prod pending)',
    send: btn('exception.deny', (v) => v.prodPendingException),
    expect: prodApprovers,
    shows: /exception\.deny_modal/,
  },
  {
    surface: 'button exception.revoke (prod active)',
    send: btn('exception.revoke', (v) => v.prodActiveException),
    // Its owner and requester may revoke it, and approvers.
    expect: prodOwnerOrApprover,
    shows: /exception\.revoke_modal/,
  },
  {
    surface: 'button exception.extend (prod active)',
    send: btn('exception.extend', (v) => v.prodActiveException),
    expect: prodRequesters,
    shows: /exception\.extend_modal/,
  },
  {
    surface: 'button exception.extend_approve (prod extension)',
    send: btn('exception.extend_approve', (v) => v.prodExtendedException),
    expect: prodApprovers,
    shows: /Extension approved/,
  },
  {
    surface: 'button exception.extend_deny (prod extension)',
    send: btn('exception.extend_deny', (v) => v.prodExtendedException),
    expect: prodApprovers,
    shows: /exception\.extend_deny_modal/,
  },
  {
    surface: 'button exception.show_hidden (prod scope)',
    send: btn('exception.show_hidden', (v) => v.prodHiddenScope),
    // A viewer of the other account gets their own (empty) view of the scope.
    expect: seeFindings,
    shows: /hidden/i,
  },
  {
    surface: 'button exception.list_page',
    send: btn('exception.list_page', () => '{"f":"mine","o":0}'),
    expect: seeFindings,
    shows: /accepted risk/i,
  },
  {
    surface: 'view exception.request_modal (prod finding)',
    send: view(
      'exception.request_modal',
      (v) => JSON.stringify({ findingId: v.prodFinding }),
      'reason',
      (v) => requestModalValues(PROD, v.prodFindingCheck),
    ),
    expect: prodRequesters,
    shows: /Asked for approval/,
  },
  {
    surface: 'view exception.deny_modal (prod pending)',
    send: view('exception.deny_modal', (v) => JSON.stringify({ exceptionId: v.prodPendingException }), 'reason'),
    expect: prodApprovers,
    shows: /denied/,
  },
  {
    surface: 'view exception.revoke_modal (prod active)',
    send: view('exception.revoke_modal', (v) => JSON.stringify({ exceptionId: v.prodActiveException }), 'reason'),
    expect: prodOwnerOrApprover,
    shows: /revoked/,
  },
  {
    surface: 'view exception.extend_modal (prod active)',
    send: view(
      'exception.extend_modal',
      (v) => JSON.stringify({ exceptionId: v.prodActiveException }),
      'reason',
      extendModalValues,
    ),
    expect: prodRequesters,
    shows: /Extension of accepted risk/,
  },
  {
    surface: 'view exception.extend_deny_modal (prod extension)',
    send: view(
      'exception.extend_deny_modal',
      (v) => JSON.stringify({ exceptionId: v.prodExtendedException }),
      'reason',
    ),
    expect: prodApprovers,
    shows: /Extension of accepted risk .* denied/,
  },
];

/**
 * Values naming the other account's things, or nothing that exists, pressed by people of prod. A
 * scope of the other account is answered with the presser's own (empty) view of it; everything else
 * is refused.
 */
const FORGED: { surface: string; send: Surface; expect?: Expect; shows?: RegExp }[] = [
  {
    surface: 'button findings.page with a staging scope',
    send: btn('findings.page', (v) => v.stagingPage),
    expect: 'allowed',
    shows: /cloudsec check/,
  },
  {
    surface: 'button findings.export with a staging scope',
    send: btn('findings.export', (v) => v.stagingExport),
    expect: 'allowed',
    shows: /cloudsec findings \(0\)/,
  },
  {
    surface: 'button findings.page with a made-up scope',
    send: btn('findings.page', () => '{"s":"s3:999999999999:*","o":0}'),
  },
  {
    surface: 'button remediation.request on a staging finding',
    send: btn('remediation.request', (v) => v.stagingFinding),
  },
  {
    surface: 'button remediation.request on a made-up finding',
    send: btn('remediation.request', () => 'f_0123456789abcdef'),
  },
  {
    surface: 'button remediation.approve on a staging request',
    send: btn('remediation.approve', (v) => v.stagingRequest),
  },
  {
    surface: 'button remediation.deny on a staging request',
    send: btn('remediation.deny', (v) => v.stagingRequest),
  },
  {
    surface: 'button remediation.undo on a staging request',
    send: btn('remediation.undo', (v) => v.stagingRequest),
  },
  {
    surface: 'button remediation.approve on a made-up request',
    send: btn('remediation.approve', () => '00000000-0000-4000-8000-000000000000'),
  },
  {
    surface: 'view remediation.request_submit on a staging finding',
    send: view('remediation.request_submit', (v) => JSON.stringify({ f: v.stagingFinding, r: 'x' }), 'justification'),
  },
  {
    surface: 'view remediation.deny_submit on a staging request',
    send: view('remediation.deny_submit', (v) => v.stagingRequest, 'reason'),
  },
  {
    surface: 'view remediation.breakglass_submit on a staging request',
    send: view('remediation.breakglass_submit', (v) => v.stagingRequest, 'reason'),
  },
  {
    surface: 'view remediation.undo_submit on a staging request',
    send: view('remediation.undo_submit', (v) => v.stagingRequest, 'justification'),
  },
  {
    surface: 'command remediate <staging finding>',
    send: cmd((v) => `remediate ${v.stagingFinding}`),
    // The router refuses a viewer before the finding is looked up; a requester of prod gets further.
  },
  { surface: 'command check s3 acme-staging', send: cmd(`check s3 ${STAGING.name}`) },
  { surface: 'command accept <staging finding>', send: cmd((v) => `accept ${v.stagingFinding}`) },
  { surface: 'button exception.request on a staging finding', send: btn('exception.request', (v) => v.stagingFinding) },
  {
    surface: 'button finding.menu accept on a staging finding',
    send: btn('finding.menu', (v) => `accept:${v.stagingFinding}`),
  },
  {
    surface: 'button exception.approve on a staging exception',
    send: btn('exception.approve', (v) => v.stagingPendingException),
  },
  {
    surface: 'button exception.deny on a staging exception',
    send: btn('exception.deny', (v) => v.stagingPendingException),
  },
  {
    surface: 'button exception.revoke on a staging exception',
    send: btn('exception.revoke', (v) => v.stagingPendingException),
  },
  {
    surface: 'button exception.extend on a staging exception',
    send: btn('exception.extend', (v) => v.stagingPendingException),
  },
  {
    surface: 'button exception.approve on a made-up exception',
    send: btn('exception.approve', () => 'ex_0123456789abcdef01234567'),
  },
  { surface: 'button exception.approve with a non-id', send: btn('exception.approve', () => '{"id":"ex_1"}') },
  {
    surface: 'button exception.show_hidden with a staging scope',
    send: btn('exception.show_hidden', (v) => v.stagingHiddenScope),
    expect: 'allowed',
    shows: /No finding is hidden/,
  },
  {
    surface: 'view exception.request_modal on a staging finding',
    send: view(
      'exception.request_modal',
      (v) => JSON.stringify({ findingId: v.stagingFinding }),
      'reason',
      (v) => requestModalValues(STAGING, v.stagingFindingCheck),
    ),
  },
  {
    surface: 'view exception.deny_modal on a staging exception',
    send: view('exception.deny_modal', (v) => JSON.stringify({ exceptionId: v.stagingPendingException }), 'reason'),
  },
  {
    surface: 'view exception.extend_modal on a staging exception',
    send: view(
      'exception.extend_modal',
      (v) => JSON.stringify({ exceptionId: v.stagingPendingException }),
      'reason',
      extendModalValues,
    ),
  },
];

interface Case {
  name: string;
  persona: PersonaKey;
  expected: Expect;
  shows: RegExp | undefined;
  writesFor: PersonaKey | undefined;
  send: Surface;
}

const CASES: Case[] = [
  ...ROWS.flatMap((row) =>
    (Object.keys(PERSONAS) as PersonaKey[]).map((p) => ({
      name: `${row.surface}, as ${PERSONAS[p].label}: ${row.expect[p]}`,
      persona: p,
      expected: row.expect[p],
      shows: row.shows,
      writesFor: row.writesFor,
      send: row.send,
    })),
  ),
  ...FORGED.flatMap((f) =>
    (['viewerIn', 'requester', 'approver'] as const).map((p) => ({
      name: `forged: ${f.surface}, as ${PERSONAS[p].label}: ${f.expect ?? 'refused'}`,
      persona: p,
      expected: f.expect ?? 'refused',
      shows: f.shows,
      writesFor: undefined,
      send: f.send,
    })),
  ),
];

afterAll(() => removeScanAppDirs());

describe('authorization table: every entry point, as every persona', () => {
  const run = async ({ persona: key, expected, shows: given, writesFor, send: surface }: Case) => {
    const w = await world();
    const who = PERSONAS[key];
    const out = await send(w, who, surface);

    // Nothing outside the persona's scope left the bot, in any message, file, modal or post.
    // A name the person typed themselves may be echoed back ("x is not an account you may see").
    const typed = surface.kind === 'command' ? surface.text(w.values).split(/\s+/) : [];
    const seen = typed.reduce(
      (text, word) => text.split(`\\"${word}\\"`).join('<typed>').split(`"${word}"`).join('<typed>'),
      out.all,
    );
    for (const a of who.outside) expect(leakOf(seen, a)).toBeNull();
    // Nothing outside their scope was collected from AWS.
    for (const a of who.outside) expect(w.source.collected.get(a.id) ?? 0).toBe(0);

    if (expected === 'refused') {
      expect(out.answer).toMatch(REFUSAL);
      expect(w.writes.length - w.mark.writes).toBe(0);
      expect(w.messenger.posts.length - w.mark.posts).toBe(0);
      expect(w.messenger.updates.length - w.mark.updates).toBe(0);
      expect(await w.store.listRequests({})).toHaveLength(w.mark.requests);
      expect(
        (await w.store.listExceptions({})).map((e) => `${e.id}:${e.status}:${e.expiresAt}:${e.extension ? 'ext' : ''}`),
      ).toEqual(w.mark.exceptions);
      expect(Object.values(w.values).includes((await w.store.getRequest(w.values.prodRequest))!.id)).toBe(true);
      expect((await w.store.getRequest(w.values.prodRequest))!.status).toBe('pending');
      expect((await w.store.getRequest(w.values.stagingRequest))!.status).toBe('pending');
    } else {
      expect(out.answer).not.toMatch(/Not allowed/);
      const shows = given ?? new RegExp(who.inside!.name);
      expect(out.answer).toMatch(shows);
      if (writesFor !== key) expect(w.writes.length - w.mark.writes).toBe(0);
      else for (const write of w.writes.slice(w.mark.writes)) expect(write.ctx.accountId).toBe(who.inside!.id);
    }
  };

  it.each(CASES.map((c) => [c.name, c] as const))('%s', async (_name, c) => run(c));
});
