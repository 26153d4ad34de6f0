/**
 * The local servers bench/idle.ts points both apps at: a fake Slack Web API (auth.test answers, so
 * the apps "connect") and a fake AWS endpoint that counts every call it gets.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';

export const TEAM_ID = 'T0BENCH';
export const CALLER_ACCOUNT = '111111111111';

export interface FakeServer {
  url: string;
  /** What was asked, with when (performance.now() of the bench's process). */
  calls: Array<{ at: number; what: string }>;
  close(): Promise<void>;
}

interface Answer {
  what: string;
  status: number;
  type: string;
  body: string;
}

export const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });

const startFake = async (answer: (req: http.IncomingMessage, body: string) => Answer): Promise<FakeServer> => {
  const calls: FakeServer['calls'] = [];
  const server = http.createServer((req, res) => {
    readBody(req).then(
      (body) => {
        const a = answer(req, body);
        calls.push({ at: performance.now(), what: a.what });
        res.writeHead(a.status, { 'content-type': a.type }).end(a.body);
      },
      () => res.writeHead(400).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};

/** auth.test says who the bot is (cloudsec needs the bot and team ids); every other method just says ok. */
export const fakeSlack = () =>
  startFake((req) => {
    const method = (req.url ?? '').replace(/^\/api\//, '').split('?')[0] ?? '';
    const body =
      method === 'auth.test'
        ? {
            ok: true,
            url: 'https://bench.slack.com/',
            team: 'bench',
            user: 'cloudsec',
            team_id: TEAM_ID,
            user_id: 'U0BOT',
            bot_id: 'B0BOT',
          }
        : { ok: true };
    return { what: method, status: 200, type: 'application/json', body: JSON.stringify(body) };
  });

/**
 * Every AWS call, counted as service:operation (the service from the SigV4 credential scope).
 * sts:GetCallerIdentity is answered (the bot discovers its accounts at start-up); anything else is
 * refused, so an unexpected call cannot pass unnoticed as a success.
 */
export const fakeAws = () =>
  startFake((req, body) => {
    const scope = /Credential=[^/]+\/\d{8}\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '');
    const service = scope?.[1] ?? 'unsigned';
    const target = req.headers['x-amz-target'];
    const action =
      (typeof target === 'string' ? target.split('.').pop() : undefined) ??
      new URLSearchParams(body).get('Action') ??
      `${req.method} ${req.url}`;
    const what = `${service}:${action}`;
    if (what === 'sts:GetCallerIdentity')
      return {
        what,
        status: 200,
        type: 'text/xml',
        body:
          '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
          `<Arn>arn:aws:iam::${CALLER_ACCOUNT}:user/bench</Arn><UserId>AIDABENCHIDLE</UserId><Account>${CALLER_ACCOUNT}</Account>` +
          '</GetCallerIdentityResult><ResponseMetadata><RequestId>bench</RequestId></ResponseMetadata></GetCallerIdentityResponse>',
      };
    return {
      what,
      status: 400,
      type: 'text/xml',
      body: '<ErrorResponse><Error><Type>Sender</Type><Code>BenchIdle</Code><Message>not expected while idle</Message></Error><RequestId>bench</RequestId></ErrorResponse>',
    };
  });
