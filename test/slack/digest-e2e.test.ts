/**
 * `/cloudsec digest` end to end: signed slash commands into the real Bolt app on loopback, composed
 * like src/main.ts composes the bot (real commands, authorization, digest use case, SQLite store,
 * Slack digest poster, Chart.js trend chart), with AWS answered by the simulated estate and Slack's
 * Web API, the upload host and response_url answered and recorded by nock. The poster's waits go to
 * a recording sleep, so a 429 is waited out without waiting.
 */
import nock from 'nock';
import { composeApp, noGroups, noWriteExecutor } from '../../src/compose';
import { parseConfig } from '../../src/config';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { renderTrendPng } from '../../src/charts/trend-chart';
import { openSqliteStore } from '../../src/store/sqlite';
import type { Store } from '../../src/store/store';
import type { Block } from '../../src/core/render/blocks';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createDigestWebClient, makeSlackDigestPoster } from '../../src/slack/digest-poster';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { WEB_API_SCOPES } from '../../src/slack/web-api-scopes';
import { installFakeAws, type FakeAws } from '../fixtures/aws/fake-aws';
import { silentMessenger, tempDbPath } from '../fixtures/app';
import { eventually } from '../fixtures/remediation-e2e';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  RESPONSE_URL_ORIGIN,
  SIGNING_SECRET,
  postToSlackApp,
  slashCommand,
} from '../fixtures/slack';
import { allText, countFields } from '../core/render/digest/read-digest';

const SLACK_API = 'https://slack.test';
const FILES_HOST = 'https://files.slack.test';
const ACCOUNT_ID = '111111111111';
const DIGEST_CHANNEL = 'C0DIGESTS';
const ADMIN = 'U0ALICE001';
const VIEWER = 'U0VIEWER01';
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CONFIG = `
accounts:
  - id: "${ACCOUNT_ID}"
    name: prod
    roleArn: arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-read
regions: [us-east-1]
bindings:
  - role: admin
    users: [${ADMIN}]
  - role: viewer
    users: [${VIEWER}]
channels:
  findings: [C0SECURITY]
accessHelp: "#sec-leads"
digests:
  - name: prod-daily
    channel: ${DIGEST_CHANNEL}
    schedule: "0 9 * * 1-5"
    timezone: Europe/Berlin
  - name: prod-weekly
    channel: C0WEEKLY
    schedule: "0 9 * * 1"
    style: compact
    scope:
      minSeverity: high
`;

interface ChatPost {
  channel: string;
  text: string;
  blocks: Block[];
  ts: string;
}
interface WebApiCall {
  method: string;
  params: Record<string, string>;
}
interface Answer {
  path: string;
  response_type?: string;
  replace_original?: boolean;
  text: string;
  blocks?: Block[];
}
type SlackReply = [number, Record<string, unknown>, Record<string, string>];

const form = (body: unknown): Record<string, string> => Object.fromEntries(new URLSearchParams(String(body)));

/** The file in an upload's multipart body; nock gives the body as text when it is UTF-8, as hex otherwise. */
const fileIn = async (body: string, contentType: string): Promise<Buffer> => {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1] ?? '';
  const raw = body.startsWith(`--${boundary}`) ? Buffer.from(body, 'utf8') : Buffer.from(body, 'hex');
  const file = (await new Response(raw, { headers: { 'content-type': contentType } }).formData()).get('body');
  if (!(file instanceof Blob)) throw new Error('the upload carried no file');
  return Buffer.from(await file.arrayBuffer());
};

describe('/cloudsec digest through the Slack bot', () => {
  let fake: FakeAws;
  let store: Store;
  let running: RunningSlackApp;
  let base: string;
  let now: Date;
  /** Everything sent to Slack's Web API, in order. */
  let calls: WebApiCall[];
  /** Messages chat.postMessage placed (answered ok). */
  let posts: ChatPost[];
  /** Files that reached the upload host, by file id. */
  let uploads: Map<string, Buffer>;
  let answers: Answer[];
  let sleeps: number[];
  /** Answers for the next chat.postMessage calls, before the default `ok`. */
  let chatReplies: SlackReply[];
  /** chat.postMessage is answered only once this resolves. */
  let chatGate: Promise<void>;
  let commandCount: number;

  beforeEach(async () => {
    calls = [];
    posts = [];
    uploads = new Map();
    answers = [];
    sleeps = [];
    chatReplies = [];
    chatGate = Promise.resolve();
    commandCount = 0;
    now = new Date('2026-11-26T08:00:00.000Z');
    fake = installFakeAws({
      callerAccountId: '999999999999',
      organization: false,
      latencyMs: 0,
      accounts: [{ id: ACCOUNT_ID, name: 'prod', users: 2, buckets: 1, regions: ['us-east-1'], misconfigured: true }],
    });

    // A fake workspace recording every post and upload: the tests assert what was (or was not) posted
    // on those records, so each of these answers is optional.
    const api = nock(SLACK_API).persist();
    const route = (path: string) => api.post(path).optionally();
    route('/api/chat.postMessage').reply(async (_uri, body) => {
      const params = form(body);
      calls.push({ method: 'chat.postMessage', params });
      await chatGate;
      const queued = chatReplies.shift();
      if (queued) return queued;
      const ts = `1764144000.${String(posts.length + 1).padStart(6, '0')}`;
      posts.push({
        channel: params['channel']!,
        text: params['text']!,
        blocks: JSON.parse(params['blocks'] ?? '[]') as Block[],
        ts,
      });
      return [200, { ok: true, channel: params['channel'], ts }];
    });
    let files = 0;
    route('/api/files.getUploadURLExternal').reply((_uri, body) => {
      calls.push({ method: 'files.getUploadURLExternal', params: form(body) });
      files += 1;
      return [200, { ok: true, upload_url: `${FILES_HOST}/upload/v1/F0FILE${files}`, file_id: `F0FILE${files}` }];
    });
    route('/api/files.completeUploadExternal').reply((_uri, body) => {
      calls.push({ method: 'files.completeUploadExternal', params: form(body) });
      return [200, { ok: true, files: [] }];
    });
    nock(FILES_HOST)
      .persist()
      .post(/^\/upload\/v1\/F0FILE\d+$/)
      .optionally()
      .reply(async function (uri, body) {
        uploads.set(uri.split('/').pop()!, await fileIn(String(body), String(this.req.headers['content-type'])));
        return [200, 'OK'];
      });
    nock(RESPONSE_URL_ORIGIN)
      .persist()
      .post(/.*/)
      .reply((uri, body) => {
        // nock hands over a JSON body already parsed.
        const json = (typeof body === 'string' ? JSON.parse(body) : body) as Omit<Answer, 'path'>;
        answers.push({ path: uri, ...json });
        return [200, 'ok'];
      });

    const config = parseConfig(CONFIG, 'cloudsec.yml');
    const clock = () => now;
    store = openSqliteStore({ path: tempDbPath(), clock });
    const env = readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
    });
    const logger = createLogger({ level: 'silent' });
    const composed = composeApp({
      config,
      store,
      source: makeLiveSnapshotSource({ config, homeRegion: 'us-east-1', sleep: async () => {}, clock }),
      groups: noGroups,
      clock,
      log: { info: () => undefined, warn: () => undefined, error: () => undefined },
      metrics: { commandCompleted: () => undefined },
      messenger: silentMessenger,
      executor: noWriteExecutor,
      dryRun: false,
      digests: {
        poster: makeSlackDigestPoster(createDigestWebClient(env, logger), {
          sleep: async (ms) => {
            sleeps.push(ms);
          },
        }),
        chart: renderTrendPng,
        securityHub: null,
        owner: 'e2e-host:1',
      },
    });
    running = await startSlackApp({
      app: composed.app,
      env,
      logger,
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });
    base = `http://127.0.0.1:${running.port}`;
  });

  afterEach(async () => {
    await running.stop();
    fake.restore();
    await store.close();
    expect(calls.map((c) => c.method).filter((m) => !(m in WEB_API_SCOPES))).toEqual([]);
  });

  /** Sends `/cloudsec <text>` as `user`; resolves with Slack's HTTP answer (the ack) and this command's response path. */
  const command = async (text: string, user = ADMIN) => {
    const path = `/commands/T0CLOUDSEC/${++commandCount}/digest`;
    const ack = await postToSlackApp(base, slashCommand({ text, userId: user, responsePath: path }));
    return { ack, path };
  };
  const answersTo = (path: string) => answers.filter((a) => a.path === path);
  /** The answer on `path` that satisfies `predicate`, once it has come. */
  const answerOn = async (path: string, predicate: (a: Answer) => boolean, what: string): Promise<Answer> => {
    let found: Answer | undefined;
    await eventually(() => (found = answersTo(path).find(predicate)) !== undefined, what);
    return found!;
  };
  /** `now` answers twice: "Scanning and posting…", then the outcome in its place. */
  const outcomeOf = (path: string) => answerOn(path, (a) => a.replace_original === true, 'the outcome of digest now');
  const firstAnswer = (path: string) => answerOn(path, () => true, 'an answer');
  const textOf = (a: Answer) => allText(a.blocks ?? []);
  const callsOf = (method: string) => calls.filter((c) => c.method === method);

  it('when an admin runs digest now, then the ack comes at once, the digest is posted to its channel with the chart in its thread, and the admin is told', async () => {
    let release!: () => void;
    chatGate = new Promise<void>((resolve) => (release = resolve));

    const { ack, path } = await command('digest now prod-daily');

    // Slack has not yet answered the post (it is held): the ack did not wait for the digest.
    expect(ack.status).toBe(200);
    expect(await ack.text()).toBe('');
    expect(posts).toEqual([]);
    release();
    const outcome = await outcomeOf(path);

    expect(posts).toHaveLength(1);
    const digest = posts[0]!;
    expect(digest.channel).toBe(DIGEST_CHANNEL);
    const shown = allText(digest.blocks);
    expect(shown).toContain('Posture digest: prod-daily');
    expect(shown).toMatch(/\*Posture score \d{1,3}\.\d \/ 100\* · first digest, nothing to compare with yet/);
    const counts = countFields(digest.blocks);
    const open = counts.get('Open findings')!.count;
    // The estate is misconfigured on purpose: a public bucket among others, so critical findings are open.
    expect(open).toBeGreaterThan(0);
    expect(counts.get('Critical')!.count).toBeGreaterThan(0);
    expect(['Critical', 'High', 'Medium', 'Low', 'Informational'].reduce((n, s) => n + counts.get(s)!.count, 0)).toBe(
      open,
    );
    // On the first run everything open is new.
    expect(shown).toContain(`${open} new · 0 resolved since the last digest`);
    expect(digest.text).toContain('Posture digest prod-daily');

    // Then the chart, and (the lists were cut) the full list, each uploaded into the digest's thread.
    expect(shown).toContain('the full list is attached');
    expect(calls.map((c) => c.method)).toEqual([
      'chat.postMessage',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
      'files.getUploadURLExternal',
      'files.completeUploadExternal',
    ]);
    const [chartUrl, listUrl] = callsOf('files.getUploadURLExternal').map((c) => c.params);
    expect(chartUrl).toMatchObject({ filename: 'prod-daily-trend.png' });
    const png = uploads.get('F0FILE1')!;
    expect(png.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    expect([png.readUInt32BE(16), png.readUInt32BE(20)]).toEqual([1000, 500]);
    expect(chartUrl!['length']).toBe(String(png.length));
    expect(listUrl).toMatchObject({ filename: 'prod-daily-findings.csv' });
    const csvLines = uploads.get('F0FILE2')!.toString('utf8').trim().split('\n');
    // A header and each finding once: on a first digest every open one is new.
    expect(csvLines).toHaveLength(1 + open);
    expect(csvLines.slice(1).every((l) => l.startsWith('new,'))).toBe(true);
    expect(csvLines.filter((l) => l.includes('cs-111111111111-b0')).length).toBeGreaterThan(0);
    for (const complete of callsOf('files.completeUploadExternal'))
      expect(complete.params).toMatchObject({ channel_id: DIGEST_CHANNEL, thread_ts: digest.ts });

    // The admin's answers are only theirs.
    expect(answersTo(path).map((a) => a.response_type)).toEqual(['ephemeral', 'ephemeral']);
    expect(textOf(answersTo(path)[0]!)).toContain('Scanning and posting');
    expect(textOf(outcome)).toContain(`Posted to <#${DIGEST_CHANNEL}>: ${open} new, 0 resolved.`);
    expect(sleeps).toEqual([]);

    const audit = await store.listAudit({});
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'digest.now',
        target: 'digest:prod-daily',
        outcome: 'allowed',
        actor: expect.objectContaining({ id: ADMIN }),
      }),
    );
    expect(audit).toContainEqual(
      expect.objectContaining({
        action: 'digest.post',
        target: 'digest:prod-daily',
        outcome: 'ok',
        details: expect.objectContaining({ channel: DIGEST_CHANNEL, ts: digest.ts, mode: 'now', opened: open }),
      }),
    );
    expect(fake.unhandled).toEqual([]);
  });

  it('when digest now runs again later, then the new digest compares with the first and reports 0 new', async () => {
    const first = await command('digest now prod-daily');
    await outcomeOf(first.path);
    now = new Date(now.getTime() + 3_600_000);

    const second = await command('digest now prod-daily');
    const outcome = await outcomeOf(second.path);

    expect(textOf(outcome)).toContain(`Posted to <#${DIGEST_CHANNEL}>: 0 new, 0 resolved.`);
    expect(posts).toHaveLength(2);
    const shown = allText(posts[1]!.blocks);
    expect(shown).toMatch(/\*Posture score \d{1,3}\.\d \/ 100\* · no change since the last digest/);
    expect(shown).toContain('0 new · 0 resolved since the last digest');
    expect(countFields(posts[1]!.blocks).get('Open findings')).toEqual({
      count: countFields(posts[0]!.blocks).get('Open findings')!.count,
      change: 'no change',
    });
    // Each digest gets its own chart and full list, in its own thread.
    expect(callsOf('files.completeUploadExternal').map((c) => c.params['thread_ts'])).toEqual([
      posts[0]!.ts,
      posts[0]!.ts,
      posts[1]!.ts,
      posts[1]!.ts,
    ]);
    expect((await store.digestRunHistory('prod-daily', 10)).map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
  });

  it('when digest now is run twice for the same second, then the second posts nothing and says the digest was just posted', async () => {
    const first = await command('digest now prod-daily');
    await outcomeOf(first.path);

    const second = await command('digest now prod-daily');
    const outcome = await outcomeOf(second.path);

    expect(posts).toHaveLength(1);
    expect(textOf(outcome)).toContain('already posted');
    expect(textOf(outcome)).not.toContain('under way');
  });

  it('when someone previews a digest, then it comes only to them and nothing is posted, uploaded or recorded as a run', async () => {
    const { path } = await command('digest preview prod-daily', VIEWER);
    const preview = await firstAnswer(path);

    expect(preview.response_type).toBe('ephemeral');
    const shown = allText(preview.blocks ?? []);
    expect(shown).toContain('Posture digest: prod-daily');
    expect(shown).toMatch(/Posture score \d{1,3}\.\d \/ 100/);
    expect(countFields(preview.blocks ?? []).get('Open findings')!.count).toBeGreaterThan(0);
    expect(calls).toEqual([]);
    expect(await store.lastDigestRun('prod-daily')).toBeNull();
    expect(await store.listAudit({})).toContainEqual(
      expect.objectContaining({
        action: 'digest.preview',
        outcome: 'allowed',
        actor: expect.objectContaining({ id: VIEWER }),
      }),
    );
  });

  it('when someone lists digests, then each shows its schedule, channel, style and last run', async () => {
    const before = await command('digest list');
    const listed = textOf(await firstAnswer(before.path));

    // Channels are links (a code block would show the markup as it is).
    expect(listed).toContain(`\`prod-daily\` · \`0 9 * * 1-5\` Europe/Berlin → <#${DIGEST_CHANNEL}> · full`);
    expect(listed).toContain('`prod-weekly` · `0 9 * * 1` UTC → <#C0WEEKLY> · compact');
    expect(listed.match(/last run: never/g)).toHaveLength(2);

    await outcomeOf((await command('digest now prod-daily')).path);
    const after = await command('digest list');

    expect(textOf(await firstAnswer(after.path))).toContain('last run: 2026-11-26 08:00 UTC (succeeded)');
    expect(answersTo(after.path)[0]!.response_type).toBe('ephemeral');
  });

  it('when a viewer runs digest now, then they are refused with the permission named and nothing is posted', async () => {
    const { path } = await command('digest now prod-daily', VIEWER);
    const refusal = textOf(await firstAnswer(path));

    expect(refusal).toContain('digest:manage');
    expect(refusal).toContain('#sec-leads');
    expect(calls).toEqual([]);
    expect(await store.lastDigestRun('prod-daily')).toBeNull();
    expect(await store.listAudit({})).toContainEqual(
      expect.objectContaining({
        action: 'digest.now',
        outcome: 'denied',
        actor: expect.objectContaining({ id: VIEWER }),
      }),
    );
  });

  it('when the digest name is misspelt, then the answer suggests the closest one and nothing runs', async () => {
    const { path } = await command('digest now prod-daly');
    const answer = textOf(await firstAnswer(path));

    expect(answer).toContain('Did you mean "prod-daily"?');
    expect(answer).toContain('prod-weekly');
    expect(calls).toEqual([]);
    expect(fake.total).toBe(0);
  });

  it('when Slack rate-limits the post during digest now, then the poster waits out Retry-After and the digest is posted once', async () => {
    chatReplies.push([429, { ok: false, error: 'ratelimited' }, { 'Retry-After': '7' }]);

    const { path } = await command('digest now prod-daily');
    const outcome = await outcomeOf(path);

    expect(sleeps).toEqual([7_000]);
    expect(callsOf('chat.postMessage')).toHaveLength(2);
    expect(posts).toHaveLength(1);
    expect(textOf(outcome)).toContain(`Posted to <#${DIGEST_CHANNEL}>`);
    expect(callsOf('files.completeUploadExternal')[0]!.params['thread_ts']).toBe(posts[0]!.ts);
  });

  it('when the bot is not in the digest’s channel, then the admin is told to invite it and the failure is recorded', async () => {
    chatReplies.push([200, { ok: false, error: 'not_in_channel' }, {}]);

    const { path } = await command('digest now prod-daily');
    const outcome = await outcomeOf(path);

    expect(textOf(outcome)).toContain('Not posted');
    expect(textOf(outcome)).toContain('/invite @cloudsec');
    expect(sleeps).toEqual([]);
    expect(callsOf('files.getUploadURLExternal')).toEqual([]);
    expect((await store.lastDigestRun('prod-daily'))?.status).toBe('failed');
    expect(await store.listAudit({})).toContainEqual(
      expect.objectContaining({ action: 'digest.post', outcome: 'error', target: 'digest:prod-daily' }),
    );
  });
});
