/**
 * The simulated AWS estate of bench/org-estate.ts served from a process of its own, over real TLS on
 * 127.0.0.1:443, so that the measured processes reach it the way they reach AWS: real sockets,
 * Node's own HTTP client and parser pool, keep-alive, TLS sessions. With nock in the measured
 * process instead (the in-process mode), the interceptor's mock sockets (two native HTTP parsers
 * per request, freed only when V8 collects them) are counted in the scan's memory.
 *
 * Run by bench/scan-queue.ts: `node fake-aws-server.js <accounts> <regions> <cert dir>`; prints
 * READY once listening and, on SIGTERM, `RESULT {"calls":…,"throttled":…,"unhandled":[…]}`.
 * The measured processes resolve *.amazonaws.com to 127.0.0.1 (bench/aws-on-loopback.ts) and trust
 * the bench's CA (NODE_EXTRA_CA_CERTS, bench/bench-tls.ts).
 */
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { makeFakeAwsResponder } from '../test/fixtures/aws/fake-aws';
import { estateOf } from './org-estate';

const [accounts, regions, certDir] = process.argv.slice(2);
const cpuStart = process.cpuUsage();
/** This process's CPU: on a 2-core machine it competes with the measured processes. */
const cpuMs = () => {
  const used = process.cpuUsage(cpuStart);
  return Math.round((used.user + used.system) / 1000);
};
const responder = makeFakeAwsResponder(estateOf(Number(accounts), Number(regions)));

const server = https.createServer(
  {
    key: fs.readFileSync(path.join(certDir!, 'server.key')),
    cert: fs.readFileSync(path.join(certDir!, 'server.crt')),
    // The SDK keeps its connections open between calls; AWS's own endpoints allow it too.
    keepAliveTimeout: 60_000,
  },
  (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      responder.reply(headers, req.method ?? 'GET', req.url ?? '/', Buffer.concat(chunks).toString('utf8')).then(
        ([status, body, replyHeaders]) => {
          res.writeHead(status, replyHeaders).end(typeof body === 'string' ? body : JSON.stringify(body));
        },
        (err: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(String(err)),
      );
    });
  },
);
// Connections opened by the measured processes: what their keep-alive and pooling saved.
let connections = 0;
server.on('secureConnection', () => (connections += 1));
server.on('error', (err) => {
  process.stderr.write(`fake AWS could not listen on 127.0.0.1:443: ${err.message}\n`);
  process.exit(2);
});
server.listen(443, '127.0.0.1', () => process.stdout.write('READY\n'));
process.on('SIGTERM', () => {
  process.stdout.write(
    `RESULT ${JSON.stringify({ calls: responder.total, connections, cpuMs: cpuMs(), throttled: responder.throttled, unhandled: responder.unhandled.slice(0, 5) })}\n`,
  );
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
