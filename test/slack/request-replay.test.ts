/**
 * What a signed request may and may not do on the public port: it must be fresh in both directions
 * of time, it runs once, an event Slack retries (freshly signed) runs once, and it must come from
 * the workspace cloudsec is installed in.
 */
import { manualClock, useTempStores } from '../fixtures/store';
import {
  BOT_IDENTITY,
  TEAM_ID,
  blockAction,
  eventCallback,
  nowSeconds,
  postToSlackApp,
  signedHeaders,
  slashCommand,
  type SlackRequest,
} from '../fixtures/slack';
import { fakeWebApi, sleep, startEdgeApp, type EdgeApp } from './edge-harness';

let edge: EdgeApp | undefined;

afterEach(async () => {
  await edge?.stop();
  edge = undefined;
});

/** How long "nothing ran" is waited for: acked work reaches the app within milliseconds. */
const SETTLE_MS = 150;

/** A block_actions request whose payload was changed by `change` (then signed as Slack would). */
const actionWith = (change: (payload: Record<string, unknown>) => void): SlackRequest => {
  const request = blockAction({ actionId: 'remediation.approve', value: 'req_1' });
  const payload = JSON.parse(new URLSearchParams(request.body).get('payload')!) as Record<string, unknown>;
  change(payload);
  return { ...request, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() };
};

const commandWith = (fields: Record<string, string>): SlackRequest => {
  const request = slashCommand({ text: 'check s3 --fresh' });
  const params = new URLSearchParams(request.body);
  for (const [key, value] of Object.entries(fields)) params.set(key, value);
  return { ...request, body: params.toString() };
};

const postRaw = (baseUrl: string, request: SlackRequest, headers: Record<string, string>) =>
  fetch(`${baseUrl}/slack/events`, { method: 'POST', headers, body: request.body });

describe('request timestamps', () => {
  beforeEach(async () => {
    fakeWebApi();
    edge = await startEdgeApp();
  });

  it('when a validly signed Approve is timestamped 10 minutes in the future, then it gets 401 and nothing runs', async () => {
    const res = await postToSlackApp(edge!.baseUrl, blockAction({ actionId: 'remediation.approve', value: 'req_1' }), {
      timestamp: nowSeconds() + 10 * 60,
    });

    expect(res.status).toBe(401);
    await sleep(SETTLE_MS);
    expect(edge!.app.actions.all).toEqual([]);
  });

  it('when a command is timestamped 4 minutes ahead (clock skew within the window), then it runs', async () => {
    const res = await postToSlackApp(edge!.baseUrl, slashCommand({ text: 'whoami' }), {
      timestamp: nowSeconds() + 4 * 60,
    });

    expect(res.status).toBe(200);
    expect((await edge!.app.commands.next()).text).toBe('whoami');
  });

  it.each([
    ['not a number', 'soon'],
    ['a fraction', `${nowSeconds()}.5`],
    ['empty', ''],
  ])('when the timestamp header is %s, then the answer is 401', async (_what, value) => {
    const request = slashCommand();
    const headers = { ...signedHeaders(request), 'x-slack-request-timestamp': value };

    const res = await postRaw(edge!.baseUrl, request, headers);

    expect(res.status).toBe(401);
  });
});

describe('replayed requests', () => {
  beforeEach(async () => {
    fakeWebApi();
    edge = await startEdgeApp();
  });

  it('when a signed `check --fresh` is sent again with the same timestamp and signature, then the copy gets 401 and the check ran once', async () => {
    const request = slashCommand({ text: 'check s3 --fresh' });
    const headers = signedHeaders(request);

    const first = await postRaw(edge!.baseUrl, request, headers);
    const copy = await postRaw(edge!.baseUrl, request, headers);

    expect(first.status).toBe(200);
    expect(copy.status).toBe(401);
    await edge!.app.commands.next();
    await sleep(SETTLE_MS);
    expect(edge!.app.commands.all).toHaveLength(1);
  });

  it('when a signed view submission is replayed, then the second request is not created', async () => {
    const submission: SlackRequest = {
      contentType: 'application/x-www-form-urlencoded',
      body: new URLSearchParams({
        payload: JSON.stringify({
          type: 'view_submission',
          team: { id: TEAM_ID, domain: 'cloudsec-test' },
          user: { id: 'U0ALICE001', username: 'alice', name: 'alice', team_id: TEAM_ID },
          api_app_id: 'A0CLOUDSEC',
          trigger_id: '1.2.ghi',
          view: {
            id: 'V0MODAL',
            type: 'modal',
            callback_id: 'remediation.justify',
            private_metadata: 'f-1',
            state: { values: { justification: { value: { type: 'plain_text_input', value: 'fix it' } } } },
            blocks: [],
          },
        }),
      }).toString(),
    };
    const headers = signedHeaders(submission);

    expect((await postRaw(edge!.baseUrl, submission, headers)).status).toBe(200);
    expect((await postRaw(edge!.baseUrl, submission, headers)).status).toBe(401);
    await sleep(SETTLE_MS);
    expect(edge!.app.views.all).toHaveLength(1);
  });

  it('when the same body is signed again with another timestamp (a new request), then it runs again', async () => {
    const request = slashCommand({ text: 'digest now' });

    await postToSlackApp(edge!.baseUrl, request, { timestamp: nowSeconds() - 1 });
    await postToSlackApp(edge!.baseUrl, request, { timestamp: nowSeconds() });

    await edge!.app.commands.next();
    await edge!.app.commands.next();
    expect(edge!.app.commands.all).toHaveLength(2);
  });

  it('when an event is retried by Slack (new signature, X-Slack-Retry-Num, same event_id), then it is acked and handled once', async () => {
    const event = eventCallback({ type: 'subteam_members_changed', subteam_id: 'S0ADMINS' });

    const first = await postToSlackApp(edge!.baseUrl, event, { timestamp: nowSeconds() - 2 });
    const retry = await fetch(`${edge!.baseUrl}/slack/events`, {
      method: 'POST',
      headers: { ...signedHeaders(event), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' },
      body: event.body,
    });

    expect(first.status).toBe(200);
    expect(retry.status).toBe(200);
    await edge!.app.subteamEvents.next();
    await sleep(SETTLE_MS);
    expect(edge!.app.subteamEvents.all).toHaveLength(1);
  });
});

describe('replays across replicas (one store)', () => {
  const stores = useTempStores();

  it('when a request is replayed to a second replica sharing the store, then the second replica refuses it', async () => {
    fakeWebApi();
    const { store, path } = stores.open({ clock: manualClock(new Date()) });
    const other = stores.open({ path, clock: manualClock(new Date()) }).store;
    edge = await startEdgeApp({ extra: { nonces: store } });
    const replica = await startEdgeApp({ extra: { nonces: other } });
    try {
      const request = slashCommand({ text: 'check s3 --fresh' });
      const headers = signedHeaders(request);

      expect((await postRaw(edge.baseUrl, request, headers)).status).toBe(200);
      expect((await postRaw(replica.baseUrl, request, headers)).status).toBe(401);
      await sleep(SETTLE_MS);
      expect(replica.app.commands.all).toEqual([]);
    } finally {
      await replica.stop();
    }
  });

  it('when the store cannot record the request, then it is refused (503) rather than run unprotected', async () => {
    fakeWebApi();
    const { store } = stores.open({ clock: manualClock(new Date()) });
    edge = await startEdgeApp({ extra: { nonces: store } });
    await store.close();

    const res = await postToSlackApp(edge.baseUrl, slashCommand({ text: 'check s3 --fresh' }));

    expect(res.status).toBe(503);
    await sleep(SETTLE_MS);
    expect(edge.app.commands.all).toEqual([]);
  });
});

describe('the installed workspace', () => {
  beforeEach(() => {
    fakeWebApi();
  });

  it('when a signed command comes from another workspace (team_id), then it gets 403 and nothing runs', async () => {
    edge = await startEdgeApp();

    const res = await postToSlackApp(edge.baseUrl, commandWith({ team_id: 'T0OTHERORG' }));

    expect(res.status).toBe(403);
    await sleep(SETTLE_MS);
    expect(edge.app.commands.all).toEqual([]);
  });

  it('when an external Slack Connect user presses Approve (their team on the payload), then it gets 403 and nothing runs', async () => {
    edge = await startEdgeApp();
    const request = actionWith((p) => {
      p['team'] = { id: 'T0PARTNER1', domain: 'partner' };
      p['user'] = { id: 'U0PARTNER1', username: 'mallory', name: 'mallory', team_id: 'T0PARTNER1' };
    });

    const res = await postToSlackApp(edge.baseUrl, request);

    expect(res.status).toBe(403);
    await sleep(SETTLE_MS);
    expect(edge.app.actions.all).toEqual([]);
  });

  it('when only the user’s team differs from the payload team, then it is refused too', async () => {
    edge = await startEdgeApp();
    const request = actionWith((p) => {
      p['user'] = { id: 'U0PARTNER1', username: 'mallory', name: 'mallory', team_id: 'T0PARTNER1' };
    });

    expect((await postToSlackApp(edge.baseUrl, request)).status).toBe(403);
  });

  it('when a request names no workspace at all, then it is refused', async () => {
    edge = await startEdgeApp();
    const params = new URLSearchParams(slashCommand().body);
    params.delete('team_id');

    const res = await postToSlackApp(edge.baseUrl, {
      contentType: 'application/x-www-form-urlencoded',
      body: params.toString(),
    });

    expect(res.status).toBe(403);
  });

  it('when an event comes from another workspace, then it gets 403 and nothing runs', async () => {
    edge = await startEdgeApp();
    const event = JSON.parse(eventCallback({ type: 'subteam_updated', subteam: { id: 'S0X' } }).body) as Record<
      string,
      unknown
    >;
    event['team_id'] = 'T0OTHERORG';
    event['authorizations'] = [{ team_id: 'T0OTHERORG', user_id: 'U0BOT', is_bot: true }];

    const res = await postToSlackApp(edge.baseUrl, { contentType: 'application/json', body: JSON.stringify(event) });

    expect(res.status).toBe(403);
    await sleep(SETTLE_MS);
    expect(edge.app.subteamEvents.all).toEqual([]);
  });

  it('when the workspace is in an Enterprise Grid org, then a user of a sibling workspace of the same org is let in, and another org is not', async () => {
    edge = await startEdgeApp({ botIdentity: { ...BOT_IDENTITY, enterpriseId: 'E0ACMEORG' } });
    const sibling = commandWith({ team_id: 'T0SIBLING1', enterprise_id: 'E0ACMEORG', text: 'whoami' });
    const foreign = commandWith({ team_id: 'T0OTHERORG', enterprise_id: 'E0OTHERORG' });

    expect((await postToSlackApp(edge.baseUrl, sibling)).status).toBe(200);
    expect((await postToSlackApp(edge.baseUrl, foreign)).status).toBe(403);
    expect((await edge.app.commands.next()).text).toBe('whoami');
    await sleep(SETTLE_MS);
    expect(edge.app.commands.all).toHaveLength(1);
  });

  it('when the request carries an enterprise id but cloudsec is not installed in a Grid org, then it is refused', async () => {
    edge = await startEdgeApp();

    const res = await postToSlackApp(edge.baseUrl, commandWith({ enterprise_id: 'E0OTHERORG' }));

    expect(res.status).toBe(403);
  });

  it('when SLACK_TEAM_ID names the workspace, then requests from it run', async () => {
    const { teamId: _ignored, ...withoutTeam } = BOT_IDENTITY;
    edge = await startEdgeApp({ env: { SLACK_TEAM_ID: TEAM_ID }, botIdentity: withoutTeam });

    expect((await postToSlackApp(edge.baseUrl, slashCommand({ text: 'whoami' }))).status).toBe(200);
    expect((await edge.app.commands.next()).text).toBe('whoami');
  });
});
