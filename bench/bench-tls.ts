/**
 * A throw-away CA and a server certificate for every *.amazonaws.com name a scan of the bench's
 * estate uses (services by region, S3 buckets and S3 Control account prefixes), made with the
 * openssl command line, for bench/fake-aws-server.ts. The CA is handed to the measured processes in
 * a bundle with the machine's own (NODE_EXTRA_CA_CERTS), so nothing else they trust changes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface BenchTls {
  dir: string;
  /** The machine's extra CAs (if any) and the bench's CA, for NODE_EXTRA_CA_CERTS. */
  caBundle: string;
  remove(): void;
}

export const makeBenchTls = (regions: readonly string[]): BenchTls => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-bench-tls-'));
  const at = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(
    'req',
    '-x509',
    ...ec,
    '-keyout',
    at('ca.key'),
    '-out',
    at('ca.crt'),
    '-days',
    '2',
    '-subj',
    '/CN=cloudsec bench CA',
  );
  openssl('req', ...ec, '-keyout', at('server.key'), '-out', at('server.csr'), '-subj', '/CN=amazonaws.com');
  const names = ['*.amazonaws.com', '*.s3.amazonaws.com', '*.s3-control.amazonaws.com'];
  for (const r of regions)
    names.push(
      `*.${r}.amazonaws.com`,
      `*.ecr.${r}.amazonaws.com`,
      `*.s3.${r}.amazonaws.com`,
      `*.s3-control.${r}.amazonaws.com`,
    );
  fs.writeFileSync(
    at('server.ext'),
    `subjectAltName=${names.map((n) => `DNS:${n}`).join(',')}\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    at('server.csr'),
    '-CA',
    at('ca.crt'),
    '-CAkey',
    at('ca.key'),
    '-CAcreateserial',
    '-out',
    at('server.crt'),
    '-days',
    '2',
    '-extfile',
    at('server.ext'),
  );
  const machine = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = [
    machine && fs.existsSync(machine) ? fs.readFileSync(machine, 'utf8') : '',
    fs.readFileSync(at('ca.crt'), 'utf8'),
  ];
  fs.writeFileSync(at('bundle.crt'), bundle.join('\n'));
  return { dir, caBundle: at('bundle.crt'), remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
};
