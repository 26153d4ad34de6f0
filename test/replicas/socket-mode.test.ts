/**
 * Two cloudsec processes in Socket Mode on one PostgreSQL schema, each with its own WebSocket to a
 * fake Slack (fake-socket-mode.ts). Slack hands each envelope to ONE of an app's connections, so
 * the replicas share the work, and a redelivery (`retry_attempt`) may reach the other process: it
 * must be handled once, and approvals arriving on both connections must execute a fix once,
 * because everything the bots decide is in the database they share.
 */
import type { ChildProcess } from 'node:child_process';
import { EBS_WRITE, WRITE_ROLE_KEY_ID } from '../fixtures/replicas/fake-aws';
import { eventually, useReplicas, type Bot } from '../fixtures/replicas/bot-process';
import { envelopeOf, type SocketConnection } from '../fixtures/replicas/fake-socket-mode';
import { PEOPLE, buttonPress, command, homeOpened, modalSubmission } from '../fixtures/replicas/slack-requests';
import { APP_TOKEN } from '../fixtures/slack';

jest.setTimeout(120_000);

const SOCKET_MODE = { SLACK_APP_TOKEN: APP_TOKEN, SLACK_SIGNING_SECRET: '' };

describe('two cloudsec processes in Socket Mode on one PostgreSQL schema', () => {
  const replicas = useReplicas();
  let bots: Bot[] = [];
  /** The connection each bot opened, in the same order. */
  let sockets: SocketConnection[] = [];

  beforeAll(async () => {
    // The first migrates the schema; then the second, so the order of connections is the bots'.
    bots = [await replicas.start('a', SOCKET_MODE)];
    await replicas.slack.socketMode.waitForConnections(1);
    bots.push(await replicas.start('b', SOCKET_MODE));
    sockets = await replicas.slack.socketMode.waitForConnections(2);
    expect(new Set(bots.map((b) => (b.process as ChildProcess).pid)).size).toBe(2);
  });

  const send = (socket: SocketConnection, request: Parameters<typeof envelopeOf>[0], retry?: number) =>
    replicas.slack.socketMode.send(
      socket,
      envelopeOf(request),
      retry === undefined ? undefined : { attempt: retry, reason: 'timeout' },
    );
  const loggedBy = (bot: Bot, msg: string) => bot.logs.filter((l) => l.msg === msg);

  it('when both processes start, then each opened its own connection with the app-level token and reports itself up', async () => {
    const opens = replicas.slack.callsOf('apps.connections.open');
    expect(opens).toHaveLength(2);
    expect(opens.every((c) => c.token === APP_TOKEN)).toBe(true);
    expect(sockets.map((s) => s.id)).toEqual([1, 2]);
    for (const bot of bots) {
      expect(bot.logs.find((l) => l.msg === 'cloudsec is running')).toMatchObject({ mode: 'socket' });
      expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    }
  });

  it('when Slack spreads 20 slash commands over the two connections, then each is acknowledged where it arrived and answered once, by both processes', async () => {
    const [a, b] = bots as [Bot, Bot];
    const before = [loggedBy(a, 'command received').length, loggedBy(b, 'command received').length];
    const commands = Array.from({ length: 20 }, () => command(replicas.slack, 'help'));

    const acks = await Promise.all(commands.map((c, i) => send(sockets[i % 2]!, c)));

    // A slash command is acknowledged at once, with nothing in the ack (the answer follows at response_url).
    expect(acks).toEqual(commands.map(() => ({})));
    await eventually(
      () => commands.every((c) => replicas.slack.responsesTo(c.responsePath).length > 0),
      'an answer to every command',
    );
    expect(commands.map((c) => replicas.slack.responsesTo(c.responsePath).length)).toEqual(commands.map(() => 1));
    // Each process ran the half that reached its connection.
    expect(loggedBy(a, 'command received').length - before[0]!).toBe(10);
    expect(loggedBy(b, 'command received').length - before[1]!).toBe(10);
  });

  it('when Slack redelivers an event (same event_id, retry_attempt 1) to the other process, then it is handled once', async () => {
    const [, b] = bots as [Bot, Bot];
    const event = homeOpened(PEOPLE.secondApprover);
    const published = () =>
      replicas.slack.callsOf('views.publish').filter((c) => c.fields.user_id === PEOPLE.secondApprover.id);

    await send(sockets[0]!, event);
    await send(sockets[1]!, event, 1);

    await eventually(() => published().length > 0, 'the Home tab published');
    await b.waitForLog(
      (l) => l.msg === 'event already handled; retry ignored' && l.eventId === event.eventId,
      'process b ignoring the redelivery',
    );
    expect(published()).toHaveLength(1);
  });

  it('when a slash command is redelivered (retry_attempt 1) to the other process, then it is answered once', async () => {
    const [a] = bots as [Bot, Bot];
    const ignoredBefore = loggedBy(a, 'interaction already handled; retry ignored').length;
    const request = command(replicas.slack, 'help');

    await send(sockets[1]!, request);
    await eventually(() => replicas.slack.responsesTo(request.responsePath).length > 0, 'the answer to help');
    await send(sockets[0]!, request, 1);

    await eventually(
      () =>
        loggedBy(a, 'interaction already handled; retry ignored').length > ignoredBefore ||
        replicas.slack.responsesTo(request.responsePath).length > 1,
      'process a ignoring the redelivery',
    );
    expect(replicas.slack.responsesTo(request.responsePath)).toHaveLength(1);
  });

  it('when 20 approvals of one request arrive at once on both connections, then AWS gets exactly one write', async () => {
    const store = await replicas.store();
    // Checked on one process, the request modal opened on the other, submitted on the first.
    const check = command(replicas.slack, 'check ec2');
    await send(sockets[0]!, check);
    let findingId = '';
    await eventually(() => {
      const answers = JSON.stringify(replicas.slack.responsesTo(check.responsePath).map((r) => r.fields));
      findingId = /remediate:(f_[0-9a-f]{16})/.exec(answers)?.[1] ?? '';
      return findingId !== '';
    }, 'the failing EBS finding with its Remediate option');
    const opened = replicas.slack.callsOf('views.open').length;
    await send(sockets[1]!, buttonPress(replicas.slack, PEOPLE.requester, 'remediation.request', findingId));
    await eventually(() => replicas.slack.callsOf('views.open').length > opened, 'the request modal');
    const modal = JSON.parse(String(replicas.slack.callsOf('views.open').at(-1)!.fields.view)) as {
      callback_id: string;
      private_metadata: string;
    };
    await send(
      sockets[0]!,
      modalSubmission(PEOPLE.requester, {
        callbackId: modal.callback_id,
        privateMetadata: modal.private_metadata,
        blockId: 'justification',
        value: 'New volumes in prod must be encrypted (SEC-42).',
      }),
    );
    let requestId = '';
    await eventually(async () => {
      const request = (await store.listRequests({})).find((r) => r.finding.id === findingId && r.message?.ts);
      requestId = request?.id ?? '';
      return requestId !== '';
    }, 'the request with its approval card');
    expect(replicas.aws.writes).toHaveLength(0);

    const presses = Array.from({ length: 20 }, (_, i) =>
      buttonPress(
        replicas.slack,
        i % 2 === 0 ? PEOPLE.approver : PEOPLE.secondApprover,
        'remediation.approve',
        requestId,
      ),
    );
    await Promise.all(presses.map((p, i) => send(sockets[i % 2]!, p)));

    await eventually(
      () => presses.every((p) => replicas.slack.responsesTo(p.responsePath).length > 0),
      'an answer to every press',
    );
    await eventually(async () => (await store.getRequest(requestId))?.status === 'succeeded', 'the request to succeed');
    expect(replicas.aws.writes).toEqual([
      expect.objectContaining({ action: EBS_WRITE, accessKeyId: WRITE_ROLE_KEY_ID }),
    ]);
    const texts = presses.map((p) => replicas.slack.responsesTo(p.responsePath).map((r) => String(r.fields.text)));
    expect(texts.map((t) => t.length)).toEqual(presses.map(() => 1));
    expect(texts.flat().filter((t) => t.startsWith('Approved.'))).toHaveLength(1);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it('when one process is killed, then Slack has one connection left and the survivor answers what comes on it', async () => {
    const [a, b] = bots as [Bot, Bot];
    await a.kill9();
    await eventually(
      () => replicas.slack.socketMode.connections().length === 1,
      'the dead process’s connection closing',
    );
    const [left] = replicas.slack.socketMode.connections();
    expect(left!.id).toBe(sockets[1]!.id);

    const request = command(replicas.slack, 'help');
    await send(left!, request);
    await eventually(() => replicas.slack.responsesTo(request.responsePath).length > 0, 'the answer to help');
    expect(b.alive()).toBe(true);
    expect(replicas.slack.responsesTo(request.responsePath)).toHaveLength(1);
  });
});
