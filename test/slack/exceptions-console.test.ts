/**
 * The console demo (`npm run demo`) walks the accepted-risk flow: accept the public bucket's risk as
 * U0DEMO, approve it as U0LEAD from the approval card, see it hidden (and counted) in the check,
 * and listed by `/cloudsec exceptions`. Driven through src/main.ts as a person types it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/main';
import { findingId } from '../../src/core/findings';
import { tempDbPath } from '../fixtures/app';
import { NOW } from '../fixtures/snapshot-builders';

const runDemo = async (lines: string[]) => {
  let out = '';
  let err = '';
  const code = await main(['--demo'], {
    env: { CLOUDSEC_DB: tempDbPath() },
    stdin: Readable.from(lines.map((l) => `${l}\n`)),
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    clock: () => NOW,
  });
  return { code, out, err };
};

/** The demo's public bucket, failing "does not block public access" (ids are stable: src/core/findings.ts). */
const LEGACY_PUBLIC = findingId({
  source: 'cloudsec',
  checkId: 's3_bucket_public_access_blocked',
  accountId: '111111111111',
  region: 'us-east-1',
  resourceId: 'legacy-public',
});

describe('accepted risks in the console demo', () => {
  it('when U0DEMO accepts a risk and U0LEAD approves it, then the check hides it, counts it, and /cloudsec exceptions lists it', async () => {
    const run = await runDemo([
      '/cloudsec check s3 acme-prod',
      `/cloudsec accept ${LEGACY_PUBLIC}`,
      'Public by design: the static website bucket (SEC-42).',
      'as U0LEAD',
      // The approval card was the last message with buttons: [1] Approve [2] Deny.
      '1',
      'as U0DEMO',
      '/cloudsec check s3 acme-prod',
      '/cloudsec exceptions',
    ]);

    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    const [before, rest] = run.out.split('[dialog] Accept risk');
    expect(before).toContain('does not block public access · `legacy-public`');
    // The console says what the dialog's other inputs are submitted as, and which one the line answers.
    expect(rest).toMatch(/Submitted as shown:\n {2}Checks: s3_bucket_public_access_blocked\n/);
    expect(rest).toContain('  Owner of the risk: U0DEMO\n');
    expect(rest).toContain('Type "Why is this risk accepted?" on one line');
    expect(rest).toMatch(/\[posted in C0SECLEADS\][\s\S]*\[1\] Approve\s+\[2\] Deny/);
    expect(rest).toMatch(/\[DM to U0DEMO\][\s\S]*Asked for approval/);
    const [, afterApproval] = rest!.split('> pressed [1] Approve');
    expect(afterApproval).toMatch(/Approved: accepted risk ex_[0-9a-f]{24} is in force/);
    const [check, list] = afterApproval!.split('Accepted risks in force');
    const answer = check!.slice(check!.lastIndexOf('cloudsec check: s3'));
    expect(answer).toMatch(/1 accepted risk hidden \(by 1 exception\)/);
    expect(answer).not.toContain('does not block public access · `legacy-public`');
    expect(list).toMatch(/Active · `ex_[0-9a-f]{24}` · slack/);
    expect(list).toContain('`s3_bucket_public_access_blocked` · account `111111111111` · `us-east-1`');
    expect(list).toContain('Owner @U0DEMO');
  });
});

describe('cloudsec.yml accepted risks at start-up', () => {
  it('when an entry expires further ahead than exceptions.maxDays, then cloudsec refuses to start and names it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-main-'));
    const file = path.join(dir, 'cloudsec.yml');
    const far = new Date(NOW.getTime() + 200 * 86_400_000).toISOString().slice(0, 10);
    fs.writeFileSync(
      file,
      [
        'accounts:',
        '  - id: "111111111111"',
        '    name: prod',
        'exceptions:',
        '  - name: legacy-website',
        '    scope: { accounts: ["111111111111"], checks: ["s3_*"] }',
        '    reason: Static site, public by design (SEC-7).',
        '    owner: U0OWNER',
        '    approver: Dana Lee',
        `    expires: ${far}`,
        '',
      ].join('\n'),
    );
    let err = '';
    const code = await main(['--console'], {
      env: { CLOUDSEC_CONFIG: file, CLOUDSEC_DB: path.join(dir, 'cloudsec.db') },
      stdin: Readable.from([]),
      stdout: () => undefined,
      stderr: (t) => (err += t),
      clock: () => NOW,
    });

    expect(code).toBe(2);
    expect(err).toMatch(/exception "legacy-website": expires .* more than 90 days ahead/);
    expect(fs.existsSync(path.join(dir, 'cloudsec.db'))).toBe(false);
  });
});
