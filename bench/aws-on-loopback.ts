/**
 * Preloaded (`node -r`) into a measured process of bench/scan-queue.ts whose AWS is the fake server
 * (bench/fake-aws-server.ts): every *.amazonaws.com name resolves to 127.0.0.1, nothing else changes.
 * Only name resolution is replaced: the SDK's requests, TLS and sockets are the real ones.
 */
import dns from 'node:dns';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: unknown, family?: number) => void;
const original = dns.lookup.bind(dns) as (...args: unknown[]) => void;

const patched = (hostname: string, options: unknown, callback?: LookupCallback): void => {
  const cb = (typeof options === 'function' ? options : callback) as LookupCallback;
  if (!/(^|\.)amazonaws\.com$/.test(hostname)) {
    original(hostname, options, callback);
    return;
  }
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all === true;
  process.nextTick(() => (all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)));
};
(dns as { lookup: unknown }).lookup = patched;
