/**
 * Accepted risks through the real Bolt app on loopback: requests signed like Slack's (slash
 * commands, button presses, an overflow menu, a scope input dispatching inside the open modal, modal
 * submissions), Slack's Web API and response_url recorded with nock, AWS the simulated estate of
 * fake-aws (one account with a public bucket), a real SQLite store and a clock the test moves.
 */
import nock from 'nock';
import type { ModalView, ViewStateValue } from '../../src/app/conversation';
import { acceptedRiskSweep, startPeriodicDuties } from '../../src/schedule/periodic-duties';
import { TEAM_ID, blockAction, postToSlackApp, slashCommand, type SlackRequest } from '../fixtures/slack';
import {
  ACCOUNT_ID,
  APPROVALS_CHANNEL,
  BUCKET,
  SLACK_API,
  eventually,
  startRemediationE2e,
  updatesOf,
  type OpenedView,
  type RemediationE2e,
} from '../fixtures/remediation-e2e';
import { stateOf } from '../handlers/exceptions-harness';

const DAY_MS = 86_400_000;
const STAGING_ID = '222222222222';
const CHECK_ID = 's3_bucket_public_access_blocked';

interface Person {
  id: string;
  name: string;
}

const PEOPLE = {
  /** Responder on every account: may ask, not approve. */
  alice: { id: 'U0ALICE001', name: 'alice' },
  /** Approvers of prod. */
  bob: { id: 'U0BOB00001', name: 'bob' },
  carol: { id: 'U0CAROL001', name: 'carol' },
  /** Approver of staging only. */
  dave: { id: 'U0DAVE0001', name: 'dave' },
} as const satisfies Record<string, Person>;
const { alice, bob, carol, dave } = PEOPLE;

const CONFIG = [
  'accounts:',
  `  - id: "${ACCOUNT_ID}"`,
  '    name: prod',
  `    roleArn: arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-read`,
  `  - id: "${STAGING_ID}"`,
  '    name: staging',
  `    roleArn: arn:aws:iam::${STAGING_ID}:role/cloudsec-read`,
  'regions: [us-east-1]',
  'bindings:',
  '  - role: responder',
  `    users: [${alice.id}]`,
  '  - role: approver',
  `    users: [${bob.id}, ${carol.id}]`,
  '    accounts: [prod]',
  '  - role: approver',
  `    users: [${dave.id}]`,
  '    accounts: [staging]',
  'remediation:',
  `  approvalsChannel: ${APPROVALS_CHANNEL}`,
  '',
].join('\n');

/** A form-encoded interactivity payload, as Slack posts block_actions and view_submission. */
const interactive = (payload: Record<string, unknown>): SlackRequest => ({
  contentType: 'application/x-www-form-urlencoded',
  body: new URLSearchParams({
    payload: JSON.stringify({
      team: { id: TEAM_ID, domain: 'cloudsec-test' },
      api_app_id: 'A0CLOUDSEC',
      token: 'deprecated-verification-token',
      trigger_id: '1.2.jkl',
      ...payload,
    }),
  }).toString(),
});

const userOf = (p: Person) => ({ id: p.id, username: p.name, name: p.name, team_id: TEAM_ID });

/** A modal submitted as `user`: every input as the modal opened it, with `typed` over them. */
const submitModal = async (
  e2e: RemediationE2e,
  user: Person,
  view: OpenedView,
  typed: Parameters<typeof stateOf>[1] = {},
): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await postToSlackApp(
    e2e.base,
    interactive({
      type: 'view_submission',
      user: userOf(user),
      view: {
        id: 'V0MODAL',
        type: 'modal',
        callback_id: view.callback_id,
        private_metadata: view.private_metadata,
        state: { values: stateOf(view as unknown as ModalView, typed) },
        blocks: view.blocks,
      },
    }),
  );
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
};

let pressCount = 0;

/** Presses a button as `user` (in the approvals channel) and waits for its private answer or its modal. */
const press = async (
  e2e: RemediationE2e,
  user: Person,
  actionId: string,
  value: string,
  expect: 'answer' | 'modal' = 'answer',
): Promise<string> => {
  const path = `/actions/${TEAM_ID}/exc-${++pressCount}`;
  const views = e2e.views.length;
  const res = await postToSlackApp(
    e2e.base,
    blockAction({
      actionId,
      value,
      userId: user.id,
      channel: { id: APPROVALS_CHANNEL, name: 'sec-leads' },
      responsePath: path,
    }),
  );
  if (res.status !== 200) throw new Error(`Slack app answered ${res.status} to ${actionId}`);
  if (expect === 'modal') {
    await eventually(() => e2e.views.length > views, `a modal after ${actionId}`);
    return '';
  }
  let answer = '';
  await eventually(() => {
    answer = e2e.responses.find((r) => r.path === path)?.body ?? '';
    return answer !== '';
  }, `the answer to ${actionId} by ${user.name}`);
  return answer;
};

/** `/cloudsec <text>` as `user`; resolves with the last answer posted to its response_url (JSON). */
const command = async (e2e: RemediationE2e, user: Person, text: string, done: RegExp): Promise<string> => {
  const path = `/commands/${TEAM_ID}/exc-${++pressCount}`;
  await postToSlackApp(e2e.base, slashCommand({ text, userId: user.id, userName: user.name, responsePath: path }));
  let answer = '';
  await eventually(() => {
    answer = e2e.responses.filter((r) => r.path === path).at(-1)?.body ?? '';
    return done.test(answer);
  }, `the answer to /cloudsec ${text}`);
  return answer;
};

/** The bucket's failing finding, after `check s3 prod`. */
const bucketFinding = async (e2e: RemediationE2e): Promise<string> => {
  await command(e2e, alice, 'check s3 prod', /cloudsec check \(s3\)/);
  const scan = await e2e.store.latestScan(`s3:${ACCOUNT_ID}:*`);
  const f = (await e2e.store.findingsOfScan(scan!.id)).find((x) => x.checkId === CHECK_ID && x.resource.id === BUCKET);
  if (!f) throw new Error('no failing bucket finding');
  return f.id;
};

const REASON = { type: 'plain_text_input', value: 'Public by design: the static website bucket (SEC-42).' };

/** Accept risk… → modal → submitted by `user`; resolves once the approval card is posted. */
const acceptRisk = async (e2e: RemediationE2e, user: Person, findingId: string, expiryDays?: number) => {
  await press(e2e, user, 'exception.request', findingId, 'modal');
  const modal = e2e.views.at(-1)!;
  expect(modal.callback_id).toBe('exception.request_modal');
  const expiry: Record<string, ViewStateValue> =
    expiryDays === undefined
      ? {}
      : {
          expiry: {
            type: 'datepicker',
            selected_date: new Date(e2e.clock.now().getTime() + expiryDays * DAY_MS).toISOString().slice(0, 10),
          },
        };
  const res = await submitModal(e2e, user, modal, { reason: REASON, ...expiry });
  expect(res).toEqual({ status: 200, body: {} });
  let exceptionId = '';
  await eventually(async () => {
    const stored = (await e2e.store.listExceptions({})).find((e) => e.message !== null);
    exceptionId = stored?.id ?? '';
    return exceptionId !== '';
  }, 'the approval card');
  return exceptionId;
};

const statusOf = async (e2e: RemediationE2e, id: string) => (await e2e.store.getException(id))!.status;

describe('accepted risks through Slack, end to end', () => {
  let e2e: RemediationE2e;
  let modalUpdates: { view_id: string; hash?: string; view: { blocks: unknown[] } }[];

  beforeEach(async () => {
    e2e = await startRemediationE2e({ config: CONFIG });
    modalUpdates = [];
    // views.update answers the scope preview; not every test dispatches one.
    nock(SLACK_API)
      .persist()
      .post('/api/views.update')
      .optionally()
      .reply(200, (_uri, body) => {
        const form = Object.fromEntries(new URLSearchParams(body as string));
        modalUpdates.push({ view_id: form.view_id!, hash: form.hash, view: JSON.parse(form.view ?? '{}') });
        return { ok: true };
      });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('when a risk is accepted and approved by another person, then check hides the finding and counts it; once revoked it is listed again', async () => {
    const findingId = await bucketFinding(e2e);
    const before = await command(e2e, alice, 'check s3 prod', /cloudsec check \(s3\)/);
    expect(before).toContain(`\`${BUCKET}\``);

    const exceptionId = await acceptRisk(e2e, alice, findingId);
    const card = e2e.posted.find((p) => p.channel === APPROVALS_CHANNEL)!;
    expect(card.blocks).toContain('exception.approve');
    await eventually(() => e2e.posted.some((p) => p.channel === alice.id), 'the requester’s confirmation');
    expect(e2e.posted.find((p) => p.channel === alice.id)!.text).toMatch(/Asked for approval/);

    const refused = await press(e2e, alice, 'exception.approve', exceptionId);
    expect(refused).toMatch(/Not allowed/);
    expect(await statusOf(e2e, exceptionId)).toBe('pending');

    const approved = await press(e2e, bob, 'exception.approve', exceptionId);
    expect(approved).toMatch(/Approved: accepted risk/);
    expect(await statusOf(e2e, exceptionId)).toBe('active');
    await eventually(() => updatesOf(e2e, card).length > 0, 'the card updated in place');
    expect(updatesOf(e2e, card).at(-1)!.blocks).toContain('exception.revoke');

    const hidden = await command(e2e, alice, 'check s3 prod', /cloudsec check \(s3\)/);
    expect(hidden).toMatch(/1 accepted risk hidden/);
    expect(hidden).not.toContain(`does not block public access* · \`${BUCKET}\``);
    expect(hidden).toContain('exception.show_hidden');

    await press(e2e, bob, 'exception.revoke', exceptionId, 'modal');
    const revoke = e2e.views.at(-1)!;
    expect(revoke.callback_id).toBe('exception.revoke_modal');
    expect(
      await submitModal(e2e, bob, revoke, {
        reason: { type: 'plain_text_input', value: 'The site moved to CloudFront.' },
      }),
    ).toEqual({ status: 200, body: {} });
    await eventually(async () => (await statusOf(e2e, exceptionId)) === 'revoked', 'the revocation');

    const listed = await command(e2e, alice, 'check s3 prod', /cloudsec check \(s3\)/);
    expect(listed).not.toMatch(/accepted risk hidden/);
    expect(listed).toContain(`does not block public access* · \`${BUCKET}\``);
  });

  it('when the approver who asked presses Approve, then separation of duties refuses it; another approver may', async () => {
    const exceptionId = await acceptRisk(e2e, bob, await bucketFinding(e2e));

    expect(await press(e2e, bob, 'exception.approve', exceptionId)).toMatch(/someone else with exception:approve/);
    expect(await statusOf(e2e, exceptionId)).toBe('pending');
    expect(await press(e2e, carol, 'exception.approve', exceptionId)).toMatch(/Approved/);
  });

  it('when an approver of another account presses Approve, then it is refused without naming the account', async () => {
    const exceptionId = await acceptRisk(e2e, alice, await bucketFinding(e2e));

    const refused = await press(e2e, dave, 'exception.approve', exceptionId);

    expect(refused).toMatch(/covers an account you may not see/);
    expect(refused).not.toMatch(new RegExp(`${ACCOUNT_ID}|prod|${BUCKET}`));
    expect(await statusOf(e2e, exceptionId)).toBe('pending');
  });

  it('when Approve is double-clicked (and pressed by two approvers at once), then the exception moves once', async () => {
    const exceptionId = await acceptRisk(e2e, alice, await bucketFinding(e2e));

    // Each click is its own payload (Slack stamps each with its action_ts), so none is a replay.
    await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        postToSlackApp(
          e2e.base,
          interactive({
            type: 'block_actions',
            user: userOf(i % 2 ? bob : carol),
            container: { type: 'message', message_ts: '1700000000.000100', channel_id: APPROVALS_CHANNEL },
            channel: { id: APPROVALS_CHANNEL, name: 'sec-leads' },
            response_url: `https://hooks.slack.test/actions/T0CLOUDSEC/double-${i}`,
            actions: [
              {
                type: 'button',
                action_id: 'exception.approve',
                block_id: 'b1',
                text: { type: 'plain_text', text: 'Approve' },
                value: exceptionId,
                action_ts: `1700000001.00020${i}`,
              },
            ],
          }),
        ),
      ),
    );
    await e2e.stop(); // drains every press

    expect(await statusOf(e2e, exceptionId)).toBe('active');
    const audit = await e2e.store.listAudit({ requestId: exceptionId });
    expect(audit.filter((a) => a.action === 'exception.approve' && a.outcome === 'ok')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'exception.approve' && a.outcome === 'denied')).toHaveLength(5);
  });

  it('when the modal has an empty reason and a date past maxDays, then Slack is told to keep it open with both errors', async () => {
    const findingId = await bucketFinding(e2e);
    await press(e2e, alice, 'exception.request', findingId, 'modal');
    const modal = e2e.views.at(-1)!;

    const res = await submitModal(e2e, alice, modal, {
      reason: { type: 'plain_text_input', value: '' },
      expiry: {
        type: 'datepicker',
        selected_date: new Date(e2e.clock.now().getTime() + 95 * DAY_MS).toISOString().slice(0, 10),
      },
    });

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      response_action: 'errors',
      errors: {
        reason: expect.stringMatching(/Say why/),
        expiry: expect.stringMatching(/more than 90 days away/),
      },
    });
    expect(await e2e.store.listExceptions({})).toHaveLength(0);
  });

  it('when a button carries a forged exception id, then the presser is told the button is stale and nothing moves', async () => {
    const exceptionId = await acceptRisk(e2e, alice, await bucketFinding(e2e));

    expect(await press(e2e, bob, 'exception.approve', 'ex_ffffffffffffffffffffffff')).toMatch(/no such accepted risk/);
    expect(await press(e2e, bob, 'exception.revoke', `${exceptionId}"}`)).toMatch(/no longer valid/);
    expect(await statusOf(e2e, exceptionId)).toBe('pending');
  });

  it('when /cloudsec exceptions is asked with each filter, then each lists what it says', async () => {
    const exceptionId = await acceptRisk(e2e, alice, await bucketFinding(e2e), 3);

    expect(await command(e2e, bob, 'exceptions pending', /waiting for approval/)).toContain(exceptionId);
    expect(await command(e2e, bob, 'exceptions', /in force/)).not.toContain(exceptionId);
    await press(e2e, carol, 'exception.approve', exceptionId);
    expect(await command(e2e, bob, 'exceptions', /in force/)).toContain(exceptionId);
    expect(await command(e2e, bob, 'exceptions expiring', /expiring within 7 days/)).toContain(exceptionId);
    expect(await command(e2e, alice, 'exceptions mine', /Your accepted risks/)).toContain(exceptionId);
    expect(await command(e2e, bob, 'exceptions expired', /xpired/)).not.toContain(exceptionId);
    expect(await command(e2e, dave, 'exceptions', /in force/)).not.toContain(exceptionId);
  });

  it('when the sweep runs every tick, then the owner is reminded exactly once, and told once when it expires', async () => {
    const exceptionId = await acceptRisk(e2e, alice, await bucketFinding(e2e), 3);
    await press(e2e, bob, 'exception.approve', exceptionId);
    const dmsToAlice = () => e2e.posted.filter((p) => p.channel === alice.id);
    const before = dmsToAlice().length;
    const log = { info: () => undefined, warn: () => undefined };
    const duties = startPeriodicDuties({
      duties: [acceptedRiskSweep(e2e.deps.exceptions, log)],
      log,
      timers: { every: () => null, cancel: () => undefined },
    });

    await duties.runNow('accepted-risk-sweep');
    await duties.runNow('accepted-risk-sweep');
    const reminders = dmsToAlice().slice(before);
    expect(reminders).toHaveLength(1);
    expect(reminders[0]!.blocks).toContain('exception.extend');

    e2e.clock.advance(4 * DAY_MS);
    await duties.runNow('accepted-risk-sweep');
    await duties.runNow('accepted-risk-sweep');
    await duties.stop();

    const after = dmsToAlice().slice(before + 1);
    expect(after).toHaveLength(1);
    expect(after[0]!.text).toMatch(/expired/i);
    expect(await statusOf(e2e, exceptionId)).toBe('expired');
  });

  it('when Enter is pressed in a scope input of the open modal, then the modal is updated in place with a new count', async () => {
    const findingId = await bucketFinding(e2e);
    await press(e2e, alice, 'exception.request', findingId, 'modal');
    const modal = e2e.views.at(-1)!;

    const res = await postToSlackApp(
      e2e.base,
      interactive({
        type: 'block_actions',
        user: userOf(alice),
        container: { type: 'view', view_id: 'V0ACCEPT' },
        view: {
          id: 'V0ACCEPT',
          hash: '1700000000.abcd',
          type: 'modal',
          callback_id: modal.callback_id,
          private_metadata: modal.private_metadata,
          state: { values: stateOf(modal as unknown as ModalView, { scope_accounts: { value: 'nine' } }) },
          blocks: modal.blocks,
        },
        actions: [
          {
            type: 'plain_text_input',
            action_id: 'exception.preview',
            block_id: 'scope_accounts',
            value: 'nine',
            action_ts: '1700000003.000400',
          },
        ],
      }),
    );
    expect(res.status).toBe(200);
    await eventually(() => modalUpdates.length > 0, 'views.update');

    expect(modalUpdates[0]).toMatchObject({ view_id: 'V0ACCEPT', hash: '1700000000.abcd' });
    expect(JSON.stringify(modalUpdates[0]!.view.blocks)).toContain('is not a 12-digit account id');
  });

  it('when Accept risk… is chosen in a finding’s overflow menu, then the modal opens', async () => {
    const findingId = await bucketFinding(e2e);
    const views = e2e.views.length;

    await postToSlackApp(
      e2e.base,
      interactive({
        type: 'block_actions',
        user: userOf(alice),
        container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0SECURITY', is_ephemeral: true },
        channel: { id: 'C0SECURITY', name: 'security' },
        response_url: 'https://hooks.slack.test/actions/T0CLOUDSEC/overflow',
        actions: [
          {
            type: 'overflow',
            action_id: 'finding.menu',
            block_id: 'f1',
            selected_option: { text: { type: 'plain_text', text: 'Accept risk…' }, value: `accept:${findingId}` },
            action_ts: '1700000001.000200',
          },
        ],
      }),
    );

    await eventually(() => e2e.views.length > views, 'the modal');
    expect(e2e.views.at(-1)!.callback_id).toBe('exception.request_modal');
    expect(JSON.parse(e2e.views.at(-1)!.private_metadata)).toEqual({ findingId });
  });
});
