import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/main';
import { tempDbPath } from '../fixtures/app';
import { NOW } from '../fixtures/snapshot-builders';

const runDemo = async (lines: string[], env: Record<string, string> = {}) => {
  let out = '';
  let err = '';
  const code = await main(['--demo'], {
    env: { CLOUDSEC_DB: tempDbPath(), ...env },
    stdin: Readable.from(lines.map((l) => `${l}\n`)),
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    clock: () => NOW,
  });
  return { code, out, err };
};

describe('the console demo (npm run demo)', () => {
  it('when a user types /cloudsec check s3, then the findings of the demo estate are shown as text, labelled as demo data', async () => {
    const run = await runDemo(['/cloudsec check s3']);
    expect(run.code).toBe(0);
    expect(run.out).toContain('DEMO DATA');
    expect(run.out).toContain('Scanning s3');
    expect(run.out).toMatch(/cloudsec check: s3\n=+/);
    expect(run.out).toContain('legacy-public');
    expect(run.out).toContain('s3:GetBucketPolicy');
  });

  it('when the answer has buttons, then typing a number presses one (Next page)', async () => {
    const run = await runDemo(['/cloudsec check all', '1']);
    expect(run.out).toMatch(/\[1\] Next page/);
    expect(run.out).toContain('> pressed [1] Next page');
    // The second page continues where the first stopped.
    const pages = run.out.split('> pressed [1] Next page');
    expect(pages[1]).toMatch(/cloudsec check: all services/);
  });

  it('when a number matches no button, then it says so instead of failing', async () => {
    const run = await runDemo(['/cloudsec whoami', '7']);
    expect(run.out).toContain('No button 7 on the last message.');
  });

  it('when "home" is typed, then the App Home posture summary is shown', async () => {
    const run = await runDemo(['home']);
    expect(run.out).toContain('security posture');
    expect(run.out).toContain('acme-prod');
    expect(run.out).toContain('Top findings');
  });

  it('when the user acts as a scoped viewer, then only that account is visible and admin commands are refused', async () => {
    const run = await runDemo(['/cloudsec check iam', '/cloudsec access'], { CLOUDSEC_CONSOLE_USER: 'U0VIEWER' });
    expect(run.out).toContain('acme-staging');
    expect(run.out).not.toContain('acme-prod (111111111111)');
    expect(run.out).toContain('Not allowed');
  });

  it('when something that is not a command is typed, then it explains what to type', async () => {
    const run = await runDemo(['hello']);
    expect(run.out).toContain('Type a command as in Slack');
  });

  it('when started as a real process, then it reads commands from stdin and exits at the end of input', async () => {
    const root = path.join(__dirname, '..', '..');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/main.ts', '--demo'], {
      cwd: root,
      env: { ...process.env, CLOUDSEC_DB: tempDbPath(), TS_NODE_TRANSPILE_ONLY: 'true' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stdin.end('/cloudsec check cloudtrail\nexit\n');
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(out).toContain('cloudsec check: cloudtrail');
    expect(out).toContain('acme-main');
  });
});
