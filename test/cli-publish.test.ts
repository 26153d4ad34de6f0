import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import nock from 'nock';
import { recordedSnapshotSource } from '../src/app/snapshot-source';
import type { CliIo } from '../src/cli';
import { registerPublishCommand, type PublishCliHelpers } from '../src/cli-publish';
import { DEFAULT_CHECK_SETTINGS } from '../src/core/check-settings';
import type { AsffFinding } from '../src/core/outputs/asff';
import { exitCodeFor, isCloudsecError } from '../src/errors';
import { demoSnapshotPath } from '../src/paths';
import { securityHubEndpoint, shOk } from './fixtures/aws/securityhub';
import { assumeRoleXml, onSts } from './fixtures/aws/sts';
import { NOW } from './fixtures/snapshot-builders';

/**
 * `cloudsec publish`, through the command src/cli-publish.ts registers and the real use case: the
 * demo estate as a dry run (no AWS at all), and the same estate, recorded, published to simulated
 * Security Hub endpoints (BatchImportFindings in its REST-JSON wire format) with each account's
 * write role.
 *
 * src/cli.ts registers the command with its own source choice and validation; here the harness
 * passes the recorded sources directly, and maps errors to exit codes the way `main` does.
 */

const HOME = '111111111111';
const PROD = '222222222222';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-cli-publish-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const writeRole = (account: string) => `arn:aws:iam::${account}:role/cloudsec-write`;
const configFile = (accounts: string[]) => {
  const file = path.join(dir, `cloudsec-${accounts.join('-')}.yml`);
  const lines = [HOME, PROD].flatMap((id) => [
    `  - id: "${id}"`,
    `    name: acct-${id.slice(0, 3)}`,
    ...(accounts.includes(id) ? [`    writeRoleArn: ${writeRole(id)}`] : []),
  ]);
  fs.writeFileSync(file, ['accounts:', ...lines].join('\n') + '\n');
  return file;
};

const helpers: PublishCliHelpers = {
  chooseSource: (opts) => recordedSnapshotSource(opts.demo ? demoSnapshotPath() : opts.snapshot!),
  checkSettingsFor: () => DEFAULT_CHECK_SETTINGS,
  validateAccountIds: () => undefined,
  validRegions: (names) => names,
};

const run = async (argv: string[]) => {
  let stdout = '';
  let stderr = '';
  let code = 0;
  const io: CliIo = {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    clock: () => NOW,
    liveSource: () => {
      throw new Error('no live scan in these tests');
    },
  };
  const program = new Command('cloudsec').exitOverride().configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  registerPublishCommand(program, io, (c) => (code = c), helpers);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) code = err.exitCode === 0 ? 0 : 2;
    else if (isCloudsecError(err)) {
      stderr += `cloudsec: ${err.message}\n`;
      code = exitCodeFor(err);
    } else throw err;
  }
  return { code, stdout, stderr };
};

/** Answers every import of a region, recording the findings sent and the key that signed them. */
const onImports = (region: string, answer: (ids: string[]) => [number, nock.Body, Record<string, string>]) => {
  const sent: { signedBy: string; findings: AsffFinding[] }[] = [];
  nock(securityHubEndpoint(region))
    .post('/findings/import')
    .times(10)
    .optionally() // how many batches a region gets is asserted on `sent`
    .reply(function (_uri, body) {
      const findings = ((typeof body === 'string' ? JSON.parse(body) : body) as { Findings: AsffFinding[] }).Findings;
      const signedBy = /Credential=([A-Z0-9]+)\//.exec(String(this.req.headers.authorization))?.[1] ?? '';
      sent.push({ signedBy, findings });
      return answer(findings.map((f) => f.Id));
    });
  return sent;
};
const allImported = (ids: string[]) => shOk({ FailedCount: 0, SuccessCount: ids.length, FailedFindings: [] });

const KEYS: Record<string, string> = { [HOME]: 'ASIAHOMEWRITEEXAMPLE', [PROD]: 'ASIAPRODWRITEEXAMPLE' };
const stubWriteRoles = () => {
  for (const account of [HOME, PROD]) {
    onSts('AssumeRole', (body) => body.RoleArn === writeRole(account))
      .optionally() // an account without a write role is never entered
      .reply(
        200,
        assumeRoleXml(writeRole(account), {
          accessKeyId: KEYS[account]!,
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          sessionToken: 'FwoGZXIvYXdzEXAMPLE',
        }),
      );
  }
};

describe('cloudsec publish --security-hub --demo', () => {
  it('when run on the demo, then nothing is sent and it says what would be, by account and region', async () => {
    const result = await run(['publish', '--security-hub', '--demo']);

    expect(result.code).toBe(0);
    expect(result.stderr).toContain('dry run');
    expect(result.stdout).toMatch(
      /^Dry run: nothing was sent to Security Hub\. Would send \d+ findings in \d+ batches: /,
    );
    expect(result.stdout).toContain(`  ${HOME} us-east-1: `);
    expect(result.stdout).toContain(`  ${PROD} us-west-2: `);
    expect(result.stdout).toMatch(/Not sent: 3 Security Hub findings \(already in Security Hub\)\./);
  });

  it('when --format json is asked, then the findings that would be sent are printed, all cloudsec’s own', async () => {
    const result = await run(['publish', '--security-hub', '--demo', '--format', 'json']);

    const out = JSON.parse(result.stdout) as { dryRun: boolean; count: number; findings: AsffFinding[] };
    expect(out.dryRun).toBe(true);
    expect(out.findings).toHaveLength(out.count);
    expect(out.findings.every((f) => f.GeneratorId.startsWith('cloudsec/'))).toBe(true);
    expect(new Set(out.findings.map((f) => f.Compliance.Status))).toEqual(
      new Set(['FAILED', 'PASSED', 'NOT_AVAILABLE']),
    );
  });

  it('when --only-failed is given, then only failing findings would be sent and the rest are counted as left out', async () => {
    const result = await run(['publish', '--security-hub', '--demo', '--only-failed', '--format', 'json']);

    const out = JSON.parse(result.stdout) as { findings: AsffFinding[]; leftOut: { notFailing: number } };
    expect(new Set(out.findings.map((f) => f.Compliance.Status))).toEqual(new Set(['FAILED']));
    expect(out.leftOut.notFailing).toBeGreaterThan(0);
  });

  it('when no destination is named, then it is a usage error', async () => {
    const result = await run(['publish', '--demo']);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain('cloudsec publish --security-hub');
  });
});

describe('cloudsec publish --security-hub (simulated Security Hub)', () => {
  const snapshot = demoSnapshotPath();

  it('when every account has a write role, then each imports its own findings in its regions and it exits 0', async () => {
    stubWriteRoles();
    const sent = Object.fromEntries(
      ['us-east-1', 'eu-west-1', 'ap-southeast-2', 'us-west-2'].map((r) => [r, onImports(r, allImported)]),
    );

    const result = await run([
      'publish',
      '--security-hub',
      '--only-failed',
      '--snapshot',
      snapshot,
      '--config',
      configFile([HOME, PROD]),
    ]);

    expect(result.stderr).not.toContain('cloudsec:');
    expect(result.code).toBe(0);
    const all = Object.values(sent).flat();
    expect(all.length).toBeGreaterThan(0);
    for (const call of all) {
      const accounts = new Set(call.findings.map((f) => f.AwsAccountId));
      expect(accounts.size).toBe(1);
      expect(call.signedBy).toBe(KEYS[[...accounts][0]!]);
      expect(call.findings.length).toBeLessThanOrEqual(100);
    }
    const count = all.reduce((n, c) => n + c.findings.length, 0);
    expect(result.stdout).toContain(`${count} imported.`);
    expect(all.flatMap((c) => c.findings).every((f) => f.Compliance.Status === 'FAILED')).toBe(true);
  });

  it('when an account has no write role and a finding is refused, then both are reported and it exits 1', async () => {
    stubWriteRoles();
    const usEast = onImports('us-east-1', (ids) =>
      shOk({
        FailedCount: 1,
        SuccessCount: ids.length - 1,
        FailedFindings: [{ Id: ids[0], ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' }],
      }),
    );
    onImports('eu-west-1', allImported);
    onImports('ap-southeast-2', allImported);

    const result = await run([
      'publish',
      '--security-hub',
      '--only-failed',
      '--snapshot',
      snapshot,
      '--config',
      configFile([HOME]),
    ]);

    expect(result.code).toBe(1);
    expect(usEast.length).toBeGreaterThan(0);
    expect(result.stdout).toMatch(/\d+ failed/);
    expect(result.stdout).toContain(`NoWriteRole — no write role configured for account ${PROD}`);
    expect(result.stdout).toContain('InvalidInput — Finding does not adhere to ASFF');
    expect(result.stdout).toMatch(
      new RegExp(`${PROD} us-west-2 batch 1: 0 of \\d+ imported; the call failed: NoWriteRole`),
    );
  });
});
