/**
 * Several bot processes behind one "load balancer" (this test, choosing the replica), on one
 * PostgreSQL schema: a Slack request delivered to more than one replica is answered once, and
 * approvals pressed on different replicas at the same moment execute a fix once. Everything the
 * bots do outside the database goes to the fake Slack and fake AWS on loopback, where it is counted.
 */
import type { ChildProcess } from 'node:child_process';
import { EBS_WRITE, WRITE_ROLE_KEY_ID } from '../fixtures/replicas/fake-aws';
import { eventually, useReplicas, type Bot } from '../fixtures/replicas/bot-process';
import {
  PEOPLE,
  buttonPress,
  command,
  deliver,
  homeOpened,
  modalSubmission,
  sign,
  type Person,
} from '../fixtures/replicas/slack-requests';

jest.setTimeout(120_000);

describe('three cloudsec processes on one PostgreSQL schema, in HTTP mode', () => {
  const replicas = useReplicas();
  let bots: Bot[] = [];

  beforeAll(async () => {
    // The first migrates the new schema; the others start together, as a deployment's would.
    const first = await replicas.start('a');
    bots = [first, ...(await Promise.all([replicas.start('b'), replicas.start('c')]))];
    // Real processes, each with a pid of its own.
    expect(new Set(bots.map((b) => (b.process as ChildProcess).pid)).size).toBe(3);
  });

  const loggedBy = (bot: Bot, msg: string) => bot.logs.filter((l) => l.msg === msg);

  it('when Slack replays a signed slash command to another replica, then it is answered once and the replay refused', async () => {
    const [a, b] = bots as [Bot, Bot];
    const request = command(replicas.slack, 'help');
    const signed = sign(request);

    expect(await deliver(a.url, signed)).toBe(200);
    expect(await deliver(b.url, signed)).toBe(401);

    await eventually(() => replicas.slack.responsesTo(request.responsePath).length > 0, 'the answer to help');
    await b.waitForLog((l) => l.msg === 'Slack request refused' && l.reason === 'replay', 'the refused replay');
    expect(replicas.slack.responsesTo(request.responsePath)).toHaveLength(1);
  });

  it('when Slack retries a slash command (re-signed, X-Slack-Retry-Num) on another replica, then it is answered once', async () => {
    const [a, b] = bots as [Bot, Bot];
    const request = command(replicas.slack, 'help');
    const ignoredBefore = loggedBy(b, 'interaction already handled; retry ignored').length;

    expect(await deliver(a.url, sign(request))).toBe(200);
    // A retry is signed afresh: only the trigger id says it is the same command.
    expect(await deliver(b.url, sign(request, { retryNum: 1, timestamp: Math.floor(Date.now() / 1000) + 1 }))).toBe(
      200,
    );

    await eventually(() => replicas.slack.responsesTo(request.responsePath).length > 0, 'the answer to help');
    // Either b says it ignored the retry, or a second answer shows it did not.
    await eventually(
      () =>
        loggedBy(b, 'interaction already handled; retry ignored').length > ignoredBefore ||
        replicas.slack.responsesTo(request.responsePath).length > 1,
      'replica b ignoring the retry',
    );
    expect(replicas.slack.responsesTo(request.responsePath)).toHaveLength(1);
  });

  it('when a button press is replayed and then retried on other replicas, then it has one effect and one answer', async () => {
    const [a, b, c] = bots as [Bot, Bot, Bot];
    // Approve on a request that does not exist: the answer says so, once.
    const press = buttonPress(
      replicas.slack,
      PEOPLE.approver,
      'remediation.approve',
      '00000000-0000-4000-8000-000000000001',
    );
    const signed = sign(press);
    const ignoredBefore = loggedBy(c, 'interaction already handled; retry ignored').length;

    expect(await deliver(a.url, signed)).toBe(200);
    expect(await deliver(b.url, signed)).toBe(401);
    expect(await deliver(c.url, sign(press, { retryNum: 2, timestamp: Math.floor(Date.now() / 1000) + 1 }))).toBe(200);

    await eventually(() => replicas.slack.responsesTo(press.responsePath).length > 0, 'the answer to the press');
    await eventually(
      () =>
        loggedBy(c, 'interaction already handled; retry ignored').length > ignoredBefore ||
        replicas.slack.responsesTo(press.responsePath).length > 1,
      'replica c ignoring the retry',
    );
    expect(replicas.slack.responsesTo(press.responsePath)).toHaveLength(1);
    expect(String(replicas.slack.responsesTo(press.responsePath)[0]!.fields.text)).toMatch(
      /no such remediation request/i,
    );
  });

  it('when Slack retries an event (same event_id, X-Slack-Retry-Num) on another replica, then it is handled once', async () => {
    const [a, b] = bots as [Bot, Bot];
    const user: Person = PEOPLE.secondApprover;
    const event = homeOpened(user);
    const published = () => replicas.slack.callsOf('views.publish').filter((c) => c.fields.user_id === user.id);

    expect(await deliver(a.url, sign(event))).toBe(200);
    expect(await deliver(b.url, sign(event, { retryNum: 1, timestamp: Math.floor(Date.now() / 1000) + 1 }))).toBe(200);

    await eventually(() => published().length > 0, 'the Home tab published');
    await eventually(
      () =>
        b.logs.some((l) => l.msg === 'event already handled; retry ignored' && l.eventId === event.eventId) ||
        published().length > 1,
      'replica b ignoring the retry',
    );
    expect(published()).toHaveLength(1);
  });

  /** The requester checks EC2 on one replica, opens the request modal on another, submits it on a third. */
  const requestEbsFix = async (): Promise<string> => {
    const [a, b, c] = bots as [Bot, Bot, Bot];
    const store = await replicas.store();
    const check = command(replicas.slack, 'check ec2');
    expect(await deliver(a.url, sign(check))).toBe(200);
    let findingId = '';
    await eventually(() => {
      const answers = JSON.stringify(replicas.slack.responsesTo(check.responsePath).map((r) => r.fields));
      findingId = /remediate:(f_[0-9a-f]{16})/.exec(answers)?.[1] ?? '';
      return findingId !== '';
    }, 'the failing EBS finding with its Remediate option');

    const opened = replicas.slack.callsOf('views.open').length;
    expect(
      await deliver(b.url, sign(buttonPress(replicas.slack, PEOPLE.requester, 'remediation.request', findingId))),
    ).toBe(200);
    await eventually(() => replicas.slack.callsOf('views.open').length > opened, 'the request modal');
    const modal = JSON.parse(String(replicas.slack.callsOf('views.open').at(-1)!.fields.view)) as {
      callback_id: string;
      private_metadata: string;
    };

    const submission = modalSubmission(PEOPLE.requester, {
      callbackId: modal.callback_id,
      privateMetadata: modal.private_metadata,
      blockId: 'justification',
      value: 'New volumes in prod must be encrypted (SEC-42).',
    });
    expect(await deliver(c.url, sign(submission))).toBe(200);
    let requestId = '';
    await eventually(async () => {
      const request = (await store.listRequests({})).find((r) => r.finding.id === findingId && r.message?.ts);
      requestId = request?.id ?? '';
      return requestId !== '';
    }, 'the request with its approval card');
    return requestId;
  };

  it('when 20 approvals of one request arrive at once across three replicas, then AWS gets exactly one write', async () => {
    const requestId = await requestEbsFix();
    const store = await replicas.store();
    expect(await store.getRequest(requestId)).toMatchObject({ status: 'pending' });
    expect(replicas.aws.writes).toHaveLength(0);

    // Two approvers, twenty presses, round-robin over the replicas, all in flight together.
    const presses = Array.from({ length: 20 }, (_, i) =>
      buttonPress(
        replicas.slack,
        i % 2 === 0 ? PEOPLE.approver : PEOPLE.secondApprover,
        'remediation.approve',
        requestId,
      ),
    );
    const statuses = await Promise.all(presses.map((p, i) => deliver(bots[i % 3]!.url, sign(p))));
    expect(statuses).toEqual(presses.map(() => 200));

    await eventually(
      () => presses.every((p) => replicas.slack.responsesTo(p.responsePath).length > 0),
      'an answer to every press',
    );
    await eventually(async () => (await store.getRequest(requestId))?.status === 'succeeded', 'the request to succeed');

    expect(replicas.aws.writes).toEqual([
      expect.objectContaining({ action: EBS_WRITE, accessKeyId: WRITE_ROLE_KEY_ID }),
    ]);
    expect(replicas.aws.count(EBS_WRITE)).toBe(1);
    const audit = await store.listAudit({ requestId });
    const started = audit.filter((e) => e.action === 'remediation.execute' && e.outcome === 'started');
    expect(started).toHaveLength(1);
    expect(audit.filter((e) => e.action === 'aws.write' && e.outcome === 'started')).toHaveLength(1);
    // Each press answered once; one of them is the approval that ran it, the rest are told it is done.
    expect(presses.map((p) => replicas.slack.responsesTo(p.responsePath).length)).toEqual(presses.map(() => 1));
    const texts = presses.map((p) => String(replicas.slack.responsesTo(p.responsePath)[0]!.fields.text));
    expect(texts.filter((t) => t.startsWith('Approved.'))).toHaveLength(1);
    // Writers on three processes appended to one linear, verifiable audit chain.
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });
});
