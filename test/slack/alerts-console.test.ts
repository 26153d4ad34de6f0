/**
 * The console demo (`npm run demo`) shows the live lane: `/cloudsec demo-event bucket-made-public`
 * replays a bundled CloudTrail sample, and the alert card appears in the demo's alert channel with
 * its buttons and menu, as a person at the terminal reads it. Driven through src/main.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/main';
import { NOW } from '../fixtures/snapshot-builders';

const runDemo = async (lines: string[]) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-alerts-console-'));
  let out = '';
  let err = '';
  try {
    const code = await main(['--demo'], {
      env: { CLOUDSEC_DB: path.join(dir, 'demo.db') },
      stdin: Readable.from(lines.map((l) => `${l}\n`)),
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      clock: () => NOW,
    });
    return { code, out, err };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
};

describe('alerts in the console demo', () => {
  it('when demo-event bucket-made-public is typed, then the alert card is posted in the alert channel with its buttons and menu', async () => {
    const run = await runDemo(['/cloudsec demo-event list', '/cloudsec demo-event bucket-made-public']);

    expect(run.code).toBe(0);
    expect(run.err).toBe('');
    expect(run.out).toContain('`bucket-made-public`');
    // Each card is its own post; a public bucket policy is also a bucket policy change (CIS 4.8).
    const card = run.out.split('[posted in C0ALERTS]').find((post) => post.includes('S3 bucket made public'));
    expect(card).toBeDefined();
    expect(card).toContain('legacy-public');
    expect(card).toMatch(/MFA: (yes|no|unknown)/);
    expect(card).toContain('Why it matters');
    // The menu's options and the buttons, numbered in reading order so they can be pressed.
    expect(card).toMatch(/\[1\] Assign…\s+\[2\] Resolve…\s+\[3\] False positive…\s+\[4\] Ask the actor…/);
    expect(card).toMatch(/\[5\] Re-check\s+\[6\] Undo…\s+\[7\] Acknowledge/);
    expect(run.out).toMatch(/(\d+) new alerts? \(\1 cards? posted to #C0ALERTS\)/);
  });

  it('when Undo is pressed on the public-bucket card and a reason typed, then an approval card for blocking public access goes to the approvers, and nothing runs before approval', async () => {
    const run = await runDemo(['/cloudsec demo-event bucket-made-public', '6', 'the policy was a mistake']);

    expect(run.code).toBe(0);
    const approval = run.out.split('[posted in C0SECLEADS]')[1] ?? '';
    expect(approval).toContain('Waiting for approval');
    expect(approval).toContain('PutPublicAccessBlock');
    expect(approval).toContain('legacy-public');
    expect(approval).toMatch(/Undo of alert al_[0-9a-f]+: .*the policy was a mistake/);
    expect(approval).toMatch(/\[1\] Approve\s+\[2\] Deny/);
    expect(run.out).not.toMatch(/succeeded|Fixed/);
  });

  it('when who is asked about the bucket after the replay, then the change is listed once, by its actor, marked as not the whole history', async () => {
    const run = await runDemo([
      '/cloudsec demo-event bucket-made-public',
      '/cloudsec who legacy-public --account 111111111111 --region us-east-1',
    ]);

    const who = run.out.slice(run.out.indexOf('Who changed legacy-public'));
    expect(who).toContain('PutBucketPolicy');
    expect(who.match(/PutBucketPolicy/g)).toHaveLength(1);
    expect(who).toContain('alice@acme.example');
    expect(who).toMatch(/incomplete/i);
  });
});
