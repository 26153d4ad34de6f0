/**
 * The Slack digest poster against a real Web API client whose SLACK_API_URL is answered by nock:
 * what Slack sees (calls, their order, the uploaded bytes) and how long the poster waits between
 * attempts, read from an injected sleep that records and returns at once.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import type { WebClient } from '@slack/web-api';
import { DigestPostError } from '../../src/app/digest';
import { header, section } from '../../src/core/render/blocks/kit';
import { createDigestWebClient, makeSlackDigestPoster, type DigestPosterOptions } from '../../src/slack/digest-poster';
import { createLogger } from '../../src/slack/logger';
import { readSlackEnv } from '../../src/slack/slack-env';
import { WEB_API_SCOPES } from '../../src/slack/web-api-scopes';
import { answerIfAsked } from '../fixtures/answer-if-asked';
import { BOT_TOKEN, SIGNING_SECRET } from '../fixtures/slack';

const SLACK_API = 'https://slack.test';
const FILES_HOST = 'https://files.slack.test';
const CHANNEL = 'C0DIGESTS';
const TS = '1764144000.000100';
const env = readSlackEnv({
  SLACK_BOT_TOKEN: BOT_TOKEN,
  SLACK_SIGNING_SECRET: SIGNING_SECRET,
  PORT: '0',
  SLACK_API_URL: `${SLACK_API}/api/`,
});
const logger = createLogger({ level: 'silent' });

const DIGEST = {
  text: 'Posture digest prod-daily: Posture score 72.5 / 100 (▼ 1.0 points since the last digest)',
  blocks: [header('Posture digest: prod-daily'), section('*Posture score 72.5 / 100* · ▼ 1.0 points')],
};
/** A real 1×1 PNG: its bytes are not valid UTF-8, as a chart's never are. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

interface Call {
  method: string;
  params: Record<string, string>;
}
type Answer = { status: number; body: Record<string, unknown> | string; headers?: Record<string, string> };

const ok = (body: Record<string, unknown> = {}): Answer => ({ status: 200, body: { ok: true, ...body } });
const slackError = (error: string): Answer => ({ status: 200, body: { ok: false, error } });
const rateLimited = (seconds: number): Answer => ({
  status: 429,
  body: { ok: false, error: 'ratelimited' },
  headers: { 'Retry-After': String(seconds) },
});
const serverError = (status = 500): Answer => ({ status, body: 'upstream failure' });
const posted = (): Answer => ok({ channel: CHANNEL, ts: TS });

let calls: Call[];
let sleeps: number[];
let uploads: Buffer[];

beforeEach(() => {
  calls = [];
  sleeps = [];
  uploads = [];
});

afterEach(() => {
  // Every Web API method the poster calls must be granted in manifest.yml (see manifest.test.ts).
  const webApi = calls.map((c) => c.method).filter((m) => !m.startsWith('upload '));
  expect(webApi.filter((m) => !(m in WEB_API_SCOPES))).toEqual([]);
});

/** Slack answers `method` with `answers`, one per call, in order. */
const slack = (method: string, ...answers: Answer[]) => {
  for (const answer of answers) {
    nock(SLACK_API)
      .post(`/api/${method}`)
      .reply((_uri, body) => {
        calls.push({ method, params: Object.fromEntries(new URLSearchParams(String(body))) });
        return [answer.status, answer.body, answer.headers ?? {}];
      });
  }
};

/**
 * The bytes of the file in an upload (a multipart form with the file under `body`). nock hands the
 * body over as text when it is valid UTF-8 and as hex otherwise.
 */
const fileIn = async (body: string, contentType: string): Promise<Buffer> => {
  const boundary = /boundary=(.+)$/.exec(contentType)?.[1] ?? '';
  const raw = body.startsWith(`--${boundary}`) ? Buffer.from(body, 'utf8') : Buffer.from(body, 'hex');
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  const file = form.get('body');
  if (!(file instanceof Blob)) throw new Error('the upload carried no file');
  return Buffer.from(await file.arrayBuffer());
};

/** The upload URL Slack hands out for file `n` (files.getUploadURLExternal). */
const uploadUrl = (n: number) => `${FILES_HOST}/upload/v1/F0DIGEST${n}`;

/** Slack's side of one files.uploadV2, with the bytes it received kept in `uploads`. */
const acceptUpload = (n: number) => {
  slack('files.getUploadURLExternal', ok({ upload_url: uploadUrl(n), file_id: `F0DIGEST${n}` }));
  nock(FILES_HOST)
    .post(`/upload/v1/F0DIGEST${n}`)
    .reply(async function (_uri, body) {
      calls.push({ method: `upload ${n}`, params: {} });
      uploads.push(await fileIn(String(body), String(this.req.headers['content-type'])));
      return [200, 'OK'];
    });
};

const recordingSleep = async (ms: number) => {
  sleeps.push(ms);
};

const posterOn = (client: WebClient, options: DigestPosterOptions = {}) =>
  makeSlackDigestPoster(client, { sleep: recordingSleep, ...options });
const poster = (options: DigestPosterOptions = {}) => posterOn(createDigestWebClient(env, logger), options);

const failureOf = async (promise: Promise<unknown>): Promise<DigestPostError> => {
  try {
    await promise;
  } catch (err) {
    if (err instanceof DigestPostError) return err;
    throw err;
  }
  throw new Error('expected the post to fail');
};

const methods = () => calls.map((c) => c.method);

describe('posting a digest', () => {
  it('when Slack accepts the digest, then it goes to the channel with its text and blocks and the poster says where it is', async () => {
    slack('chat.postMessage', posted());

    const ref = await poster().post(CHANNEL, DIGEST);

    expect(ref).toEqual({ channel: CHANNEL, ts: TS });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.params).toMatchObject({ channel: CHANNEL, text: DIGEST.text });
    expect(JSON.parse(calls[0]!.params['blocks']!)).toEqual(DIGEST.blocks);
    expect(sleeps).toEqual([]);
  });

  it('when Slack answers 429 with Retry-After: 7, then the poster waits exactly 7000 ms and posts once more', async () => {
    slack('chat.postMessage', rateLimited(7), posted());
    const retries: unknown[] = [];

    const ref = await poster({ onRetry: (info) => retries.push(info) }).post(CHANNEL, DIGEST);

    expect(ref).toEqual({ channel: CHANNEL, ts: TS });
    expect(sleeps).toEqual([7000]);
    expect(methods()).toEqual(['chat.postMessage', 'chat.postMessage']);
    expect(calls[1]!.params).toEqual(calls[0]!.params);
    expect(retries).toEqual([
      { what: 'posting the digest', attempt: 1, waitMs: 7000, reason: expect.stringContaining('Retry-After 7s') },
    ]);
  });

  it('when Retry-After is longer than the poster waits, then it fails at once without waiting, naming the wait', async () => {
    slack('chat.postMessage', rateLimited(900));

    const err = await failureOf(poster({ maxRetryAfterMs: 600_000 }).post(CHANNEL, DIGEST));

    expect(err.code).toBe('ratelimited');
    expect(err.message).toContain('900s');
    expect(sleeps).toEqual([]);
    expect(methods()).toEqual(['chat.postMessage']);
  });

  it('when Slack answers 500 twice, then the poster backs off as configured and the third attempt posts', async () => {
    slack('chat.postMessage', serverError(), serverError(503), posted());

    const ref = await poster({ attempts: 3, backoffMs: [1_500, 4_000] }).post(CHANNEL, DIGEST);

    expect(ref).toEqual({ channel: CHANNEL, ts: TS });
    expect(sleeps).toEqual([1_500, 4_000]);
    expect(methods()).toEqual(['chat.postMessage', 'chat.postMessage', 'chat.postMessage']);
  });

  it('when Slack keeps failing with 5xx, then the poster stops after the configured attempts with a DigestPostError', async () => {
    slack('chat.postMessage', serverError(), serverError(), serverError());

    const err = await failureOf(poster({ attempts: 3, backoffMs: [1_500, 4_000] }).post(CHANNEL, DIGEST));

    expect(err.message).toMatch(/^posting the digest: .*\(after 3 attempts\)$/);
    expect(sleeps).toEqual([1_500, 4_000]);
    expect(calls).toHaveLength(3);
    // Nothing is left unanswered: the poster did not try a fourth time.
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when no backoff is configured, then 5xx failures wait 2 s, 10 s, 30 s and 60 s, and five attempts are made', async () => {
    slack('chat.postMessage', ...Array.from({ length: 5 }, () => serverError(502)));

    await failureOf(poster().post(CHANNEL, DIGEST));

    expect(sleeps).toEqual([2_000, 10_000, 30_000, 60_000]);
    expect(calls).toHaveLength(5);
  });

  it('when the connection cannot be made, then the poster backs off and tries again', async () => {
    nock(SLACK_API)
      .post('/api/chat.postMessage')
      .replyWithError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }));
    slack('chat.postMessage', posted());

    const ref = await poster({ backoffMs: [3_000] }).post(CHANNEL, DIGEST);

    expect(ref).toEqual({ channel: CHANNEL, ts: TS });
    expect(sleeps).toEqual([3_000]);
  });

  it('when the connection drops after the digest was sent, then it is not posted again (it may be in the channel)', async () => {
    nock(SLACK_API)
      .post('/api/chat.postMessage')
      .replyWithError(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
    const second = answerIfAsked(nock(SLACK_API).post('/api/chat.postMessage'), 200, {
      ok: true,
      channel: CHANNEL,
      ts: TS,
    });

    const err = await poster({ backoffMs: [3_000] })
      .post(CHANNEL, DIGEST)
      .then(
        () => null,
        (e: unknown) => e as DigestPostError,
      );

    expect(err).toBeInstanceOf(DigestPostError);
    expect(err?.message).toContain('it may have been posted, so it is not sent again');
    expect(second.asked).toBe(0);
    expect(sleeps).toEqual([]);
  });

  it('when Slack answers ok:false ratelimited (HTTP 200), then the poster backs off and tries again', async () => {
    slack('chat.postMessage', slackError('ratelimited'), posted());

    await poster({ backoffMs: [5_000] }).post(CHANNEL, DIGEST);

    expect(sleeps).toEqual([5_000]);
    expect(calls).toHaveLength(2);
  });

  it('when the bot is not in the channel, then it fails at once, telling to /invite the bot', async () => {
    slack('chat.postMessage', slackError('not_in_channel'));

    const err = await failureOf(poster().post(CHANNEL, DIGEST));

    expect(err.code).toBe('not_in_channel');
    expect(err.message).toContain('/invite @cloudsec');
    expect(sleeps).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['channel_not_found', /invite the bot/],
    ['is_archived', /archived/],
    ['invalid_auth', /SLACK_BOT_TOKEN/],
    ['missing_scope', /chat:write/],
    ['msg_too_long', /msg_too_long/],
  ])('when Slack answers %s, then nothing is retried and the error says what to do', async (code, advice) => {
    slack('chat.postMessage', slackError(code));

    const err = await failureOf(poster().post(CHANNEL, DIGEST));

    expect(err.code).toBe(code);
    expect(err.message).toMatch(advice);
    expect(sleeps).toEqual([]);
    expect(calls).toHaveLength(1);
  });

  it('when Slack says ok but not where the message is, then the digest is not posted a second time', async () => {
    slack('chat.postMessage', ok());
    const second = answerIfAsked(nock(SLACK_API).post('/api/chat.postMessage'), 200, posted().body);

    const err = await failureOf(poster().post(CHANNEL, DIGEST));

    expect(err.code).toBe('no_ts');
    expect(calls).toHaveLength(1);
    expect(second.asked).toBe(0);
  });
});

describe('attaching files to the digest’s thread', () => {
  const ref = { channel: CHANNEL, ts: TS };

  it('when the chart is attached, then files.uploadV2 asks for an upload URL, sends the PNG bytes there, and completes into the thread', async () => {
    acceptUpload(1);
    slack('files.completeUploadExternal', ok({ files: [{ id: 'F0DIGEST1' }] }));

    await poster().attach(ref, { filename: 'prod-daily-trend.png', title: 'prod-daily: posture trend', content: PNG });

    expect(methods()).toEqual(['files.getUploadURLExternal', 'upload 1', 'files.completeUploadExternal']);
    expect(calls[0]!.params).toMatchObject({ filename: 'prod-daily-trend.png', length: String(PNG.length) });
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.equals(PNG)).toBe(true);
    const complete = calls[2]!.params;
    expect(complete).toMatchObject({ channel_id: CHANNEL, thread_ts: TS });
    expect(JSON.parse(complete['files']!)).toEqual([{ id: 'F0DIGEST1', title: 'prod-daily: posture trend' }]);
    expect(sleeps).toEqual([]);
  });

  it('when a file on disk is attached (the full list), then the uploaded bytes are the file’s', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-poster-'));
    const csvPath = path.join(dir, 'prod-daily-findings.csv');
    const csv = 'finding,severity,account\nf_1,critical,111111111111\nf_2,"high, really",222222222222\n';
    fs.writeFileSync(csvPath, csv);
    acceptUpload(1);
    slack('files.completeUploadExternal', ok({ files: [{ id: 'F0DIGEST1' }] }));
    try {
      await poster().attach(ref, { filename: 'prod-daily-findings.csv', title: 'every finding', path: csvPath });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }

    expect(uploads.map((u) => u.toString('utf8'))).toEqual([csv]);
    expect(calls[2]!.params).toMatchObject({ channel_id: CHANNEL, thread_ts: TS });
  });

  it('when a step of the upload is rate limited, then the poster waits Retry-After and the upload goes through', async () => {
    acceptUpload(1);
    slack('files.completeUploadExternal', rateLimited(3));
    acceptUpload(2);
    slack('files.completeUploadExternal', ok({ files: [{ id: 'F0DIGEST2' }] }));

    await poster().attach(ref, { filename: 'prod-daily-trend.png', title: 'trend', content: PNG });

    expect(sleeps).toEqual([3_000]);
    expect(methods()).toEqual([
      'files.getUploadURLExternal',
      'upload 1',
      'files.completeUploadExternal',
      'files.getUploadURLExternal',
      'upload 2',
      'files.completeUploadExternal',
    ]);
    expect(uploads.map((u) => u.equals(PNG))).toEqual([true, true]);
    expect(calls[5]!.params).toMatchObject({ channel_id: CHANNEL, thread_ts: TS });
  });

  it('when asking for an upload URL is rate limited, then the poster waits Retry-After and tries the upload again', async () => {
    slack('files.getUploadURLExternal', rateLimited(2));
    acceptUpload(1);
    slack('files.completeUploadExternal', ok({ files: [{ id: 'F0DIGEST1' }] }));

    await poster().attach(ref, { filename: 'prod-daily-trend.png', title: 'trend', content: PNG });

    expect(sleeps).toEqual([2_000]);
    expect(uploads).toHaveLength(1);
    expect(uploads[0]!.equals(PNG)).toBe(true);
  });

  it('when the bot may not write files, then the upload fails at once naming the scope', async () => {
    slack('files.getUploadURLExternal', slackError('missing_scope'));

    const err = await failureOf(poster().attach(ref, { filename: 'trend.png', title: 'trend', content: PNG }));

    expect(err.message).toMatch(/^uploading trend\.png: .*files:write/);
    expect(sleeps).toEqual([]);
  });
});

describe('the Web API client the poster is given', () => {
  // src/main.ts builds the poster on createDigestWebClient: the bot's shared client retries 5xx on
  // its own timers, which would hide the poster's configured backoff and multiply the calls.
  it('when it is the digest client, then a 500 reaches the poster at once and backs off as configured', async () => {
    slack('chat.postMessage', serverError(), posted());

    await posterOn(createDigestWebClient(env, logger), { backoffMs: [1_500] }).post(CHANNEL, DIGEST);

    expect(sleeps).toEqual([1_500]);
  });
});
