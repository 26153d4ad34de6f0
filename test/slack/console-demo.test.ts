import { spawn } from 'node:child_process';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/main';
import { tempDbPath } from '../fixtures/app';
import { NOW } from '../fixtures/snapshot-builders';
import { CHECKS } from '../../src/core/checks';
import { PUBLIC_BUCKET, expectProblemHeading } from '../fixtures/failing-titles';

const runDemo = async (lines: string[], env: Record<string, string> = {}, argv: string[] = ['--demo']) => {
  let out = '';
  let err = '';
  const code = await main(argv, {
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

  it('when /cloudsec check s3 lists the public bucket, then every failing item is headed by what is wrong, never by a desired state', async () => {
    const run = await runDemo(['/cloudsec check s3']);
    const answer = run.out.slice(run.out.indexOf('cloudsec check: s3'));
    const failing = answer.slice(0, answer.indexOf('could not be checked'));
    expectProblemHeading(failing, PUBLIC_BUCKET);
    for (const check of CHECKS.filter((c) => c.service === 's3')) expect(failing).not.toContain(check.title);
  });

  it('when CLOUDSEC_DEMO=1 is set with Slack tokens, then it says at start that the console demo runs and the bot does not', async () => {
    const run = await runDemo(
      ['/cloudsec whoami'],
      { CLOUDSEC_DEMO: '1', SLACK_BOT_TOKEN: 'xoxb-1-secret-bot', SLACK_APP_TOKEN: 'xapp-1-A1-secret-app' },
      [],
    );
    expect(run.code).toBe(0);
    expect(run.err).toMatch(
      /CLOUDSEC_DEMO=1 is set.*console demo.*Slack bot is not started.*SLACK_BOT_TOKEN, SLACK_APP_TOKEN/s,
    );
    expect(run.err).toContain('unset CLOUDSEC_DEMO');
    expect(`${run.out}${run.err}`).not.toMatch(/secret-bot|secret-app/);
    expect(run.out).toContain('cloudsec console demo');
  });

  it('when --demo is given without any Slack token, then nothing is said about the bot', async () => {
    const run = await runDemo(['/cloudsec whoami']);
    expect(run.err).toBe('');
  });

  it('when the answer has buttons, then typing a number presses one (Next page)', async () => {
    const first = await runDemo(['/cloudsec check all']);
    const number = /\[(\d+)\] Next page/.exec(first.out)?.[1];
    expect(number).toBeDefined();
    const run = await runDemo(['/cloudsec check all', number!]);
    expect(run.out).toContain(`> pressed [${number}] Next page`);
    // The second page continues where the first stopped.
    const pages = run.out.split(`> pressed [${number}] Next page`);
    expect(pages[1]).toMatch(/cloudsec check: all services/);
  });

  it('when a fix is requested and the approver approves it, then it runs as a dry run and the card says so', async () => {
    const first = await runDemo(['/cloudsec check s3 acme-prod']);
    const remediate = /\[(\d+)\] Remediate/.exec(first.out)?.[1];
    expect(remediate).toBeDefined();
    const run = await runDemo([
      '/cloudsec check s3 acme-prod',
      remediate!,
      'The bucket is shared with every AWS account; block it.',
      'as U0LEAD',
      '1',
    ]);
    expect(run.out).toContain('[posted in C0SECLEADS]');
    expect(run.out).toContain('> pressed [1] Approve');
    expect(run.out).toMatch(/Succeeded \(dry run\)/);
    expect(run.out).toContain('DRY RUN');
  });

  it('when the requester approves their own request, then it is refused (separation of duties)', async () => {
    const first = await runDemo(['/cloudsec check s3 acme-prod']);
    const remediate = /\[(\d+)\] Remediate/.exec(first.out)?.[1];
    const run = await runDemo([
      '/cloudsec check s3 acme-prod',
      remediate!,
      'The bucket is shared with every AWS account.',
      '1',
    ]);
    expect(run.out).toContain('> pressed [1] Approve');
    expect(run.out).not.toMatch(/Succeeded/);
    expect(run.out).toContain('someone else with remediation:approve must approve it (separation of duties)');
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
