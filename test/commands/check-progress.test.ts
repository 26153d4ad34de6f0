/**
 * Progress updates of a long scan are a courtesy: when Slack refuses one (the response_url has
 * expired, is used up, or is rate limited), the answer must still come and the bot must go on
 * serving. Driven through the real Bolt app on a loopback port with signed slash commands; the
 * response_url is intercepted by nock (no Web API call is made: nock would refuse one); the scan
 * is the real scan service over a four-account estate whose source reports progress as each
 * account finishes.
 */
import nock from 'nock';
import { startSlackApp, type RunningSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import type { Store } from '../../src/store/store';
import {
  ACCOUNTS,
  countingSource,
  estateOf,
  removeScanAppDirs,
  scanApp,
  type CountingSource,
} from '../fixtures/counting-source';
import {
  BOT_IDENTITY,
  BOT_TOKEN,
  RESPONSE_URL_ORIGIN,
  SIGNING_SECRET,
  postToSlackApp,
  slashCommand,
} from '../fixtures/slack';
import { SLACK_API, callQueue } from '../slack/edge-harness';

afterAll(removeScanAppDirs);

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox, ACCOUNTS.dev]);

const CONFIG = `
accounts:
  - id: "111111111111"
    name: acme-prod
    roleArn: arn:aws:iam::111111111111:role/cloudsec-read
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
  - id: "333333333333"
    name: acme-sandbox
    roleArn: arn:aws:iam::333333333333:role/cloudsec-read
  - id: "444444444444"
    name: acme-dev
    roleArn: arn:aws:iam::444444444444:role/cloudsec-read
bindings:
  - role: admin
    users: [U0ADMIN001]
channels:
  findings: [C0SECURITY]
`;

const FIRST = '/commands/T0CLOUDSEC/1/first';
const SECOND = '/commands/T0CLOUDSEC/2/second';

interface Post {
  path: string;
  text: string;
  replace: boolean;
  body: string;
  /** What the intercepted response_url answered. */
  status: number;
}

/** How Slack refuses a post to a response_url. */
type Refusal = { status: number; body: string | object; headers?: Record<string, string> };

const isProgress = (text: string) => /\d+ of \d+ accounts scanned/.test(text);
const isAnswer = (post: Post) => post.replace && post.text.includes('cloudsec check');

describe('a scan whose progress updates Slack refuses', () => {
  let running: RunningSlackApp;
  let source: CountingSource;
  let store: Store;
  let appWarnings: { obj: object; msg?: string }[];
  let boltLines: Record<string, unknown>[];
  let baseUrl: string;

  beforeEach(async () => {
    source = countingSource(ESTATE);
    const made = scanApp(CONFIG, source);
    store = made.store;
    appWarnings = made.warnings;
    boltLines = [];
    running = await startSlackApp({
      app: made.app,
      env: readSlackEnv({
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: SIGNING_SECRET,
        PORT: '0',
        SLACK_API_URL: `${SLACK_API}/api/`,
      }),
      logger: createLogger({
        level: 'warn',
        destination: { write: (line: string) => void boltLines.push(JSON.parse(line) as Record<string, unknown>) },
      }),
      metrics: createMetrics(),
      botIdentity: BOT_IDENTITY,
      host: '127.0.0.1',
    });
    baseUrl = `http://127.0.0.1:${running.port}`;
  });

  afterEach(async () => {
    await running.stop();
    await store.close();
  });

  /** Intercepts every post to a response_url; progress posts to `refusedPath` get `refusal`. */
  const interceptResponses = (refusedPath: string, refusal: Refusal) => {
    const posts = callQueue<Post>();
    nock(RESPONSE_URL_ORIGIN)
      .persist()
      .post(/^\/commands\//)
      .reply((path, body) => {
        const payload = body as { text: string; replace_original?: boolean };
        const refuse = path === refusedPath && payload.replace_original === true && isProgress(payload.text);
        const [status, reply, headers] = refuse
          ? [refusal.status, refusal.body, refusal.headers ?? {}]
          : [200, 'ok', {}];
        posts.push({
          path,
          text: payload.text,
          replace: payload.replace_original === true,
          body: JSON.stringify(body),
          status,
        });
        return [status, reply, headers];
      });
    return posts;
  };

  /** The posts to `path`, up to and including its answer. */
  const untilAnswer = async (posts: ReturnType<typeof callQueue<Post>>, path: string): Promise<Post[]> => {
    const seen: Post[] = [];
    for (;;) {
      const post = await posts.next();
      if (post.path !== path) continue;
      seen.push(post);
      if (isAnswer(post)) return seen;
    }
  };

  it.each<[string, Refusal, boolean]>([
    ['404 expired_url', { status: 404, body: 'expired_url' }, true],
    ['429 rate limited', { status: 429, body: 'rate_limited', headers: { 'retry-after': '30' } }, true],
    // A 200 that says no: the post is not retried nor an error, and the answer still follows.
    ['200 {"ok":false,"error":"expired_url"}', { status: 200, body: { ok: false, error: 'expired_url' } }, false],
  ])(
    'when Slack answers the progress posts of a four-account scan with %s, then the answer is still posted and the next command works',
    async (_label, refusal, throwsInBolt) => {
      const posts = interceptResponses(FIRST, refusal);

      const ack = await postToSlackApp(
        baseUrl,
        slashCommand({ text: 'check all --fresh', userId: 'U0ADMIN001', responsePath: FIRST }),
      );
      expect(ack.status).toBe(200);
      const first = await untilAnswer(posts, FIRST);

      // Scanning…, the two progress updates (refused), then the answer over them.
      expect(first.map((p) => [isProgress(p.text), p.replace, p.status])).toEqual([
        [false, false, 200],
        [true, true, refusal.status],
        [true, true, refusal.status],
        [false, true, 200],
      ]);
      const answer = first[first.length - 1]!;
      for (const account of Object.values(ACCOUNTS)) expect(answer.body).toContain(`open-${account.name}`);
      expect(source.requests).toHaveLength(1);
      if (throwsInBolt) {
        expect(appWarnings.filter((w) => w.msg === 'scan progress update not delivered')).toEqual([
          expect.objectContaining({ obj: expect.objectContaining({ userId: 'U0ADMIN001' }) }),
          expect.objectContaining({ obj: expect.objectContaining({ userId: 'U0ADMIN001' }) }),
        ]);
      }
      // The interaction itself did not fail: no crash message, no "interaction failed" line.
      expect(boltLines.filter((l) => l['msg'] === 'interaction failed')).toEqual([]);
      expect(first.some((p) => /went wrong|unexpected/i.test(p.text))).toBe(false);

      // The bot goes on: another fresh scan, on a response_url that accepts everything.
      await postToSlackApp(
        baseUrl,
        slashCommand({ text: 'check s3 --fresh', userId: 'U0ADMIN001', responsePath: SECOND }),
      );
      const second = await untilAnswer(posts, SECOND);

      expect(second.every((p) => p.status === 200)).toBe(true);
      expect(second.filter((p) => isProgress(p.text)).map((p) => p.text)).toEqual([
        expect.stringContaining('2 of 4 accounts scanned'),
        expect.stringContaining('3 of 4 accounts scanned'),
      ]);
      expect(second[second.length - 1]!.body).toContain('open-acme-prod');
      expect(source.requests).toHaveLength(2);
    },
  );
});
