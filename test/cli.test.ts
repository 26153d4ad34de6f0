import { demoConfigPath } from '../src/paths';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './fixtures/cli';
import { CHECKS } from '../src/core/checks';
import { SERVICES, SEVERITIES } from '../src/core/model';
import { REMEDIATIONS } from '../src/core/remediations';

const made: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-cli-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('cloudsec checks', () => {
  it('when asked for JSON, then it lists every check with its framework ids and remediation', async () => {
    const run = await runCli(['checks', '--format', 'json']);
    expect(run.code).toBe(0);
    const catalog = run.json() as Record<string, unknown>[];
    expect(catalog.map((c) => c.id)).toEqual(CHECKS.map((c) => c.id));
    for (const entry of catalog) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining(['id', 'service', 'severity', 'title', 'cis', 'securityHub', 'remediationId']),
      );
    }
  });

  it('when asked for text, then it prints a table with a header and the count', async () => {
    const run = await runCli(['checks']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ID\s+SERVICE\s+SEVERITY\s+CIS\s+SECURITY HUB/);
    expect(run.stdout).toContain(`${CHECKS.length} checks`);
  });
});

describe('cloudsec check --demo', () => {
  it('when asked for JSON, then it prints the documented shape, labelled as demo data', async () => {
    const run = await runCli(['check', 'all', '--demo', '--format', 'json']);
    expect(run.code).toBe(0);
    const report = run.json() as {
      demo: boolean;
      generatedAt: string;
      accounts: { id: string }[];
      findings: Record<string, unknown>[];
      summary: { bySeverity: Record<string, number>; byStatus: Record<string, number> };
    };
    expect(report.demo).toBe(true);
    expect(report.accounts.map((a) => a.id)).toEqual(['111111111111', '222222222222']);
    expect(report.findings.length).toBeGreaterThan(0);
    for (const f of report.findings) {
      expect(Object.keys(f)).toEqual(
        expect.arrayContaining([
          'id',
          'checkId',
          'status',
          'severity',
          'accountId',
          'region',
          'resource',
          'title',
          'message',
          'remediationId',
        ]),
      );
      expect(Object.keys(f.resource as object).sort()).toEqual(['arn', 'id', 'type']);
    }
    const failing = report.findings.filter((f) => f.status === 'fail');
    expect(report.summary.byStatus.fail).toBe(failing.length);
    for (const s of SEVERITIES)
      expect(report.summary.bySeverity[s]).toBe(failing.filter((f) => f.severity === s).length);
  });

  it('when asked for text, then findings are grouped by severity with the demo banner', async () => {
    const run = await runCli(['check', 's3', '--demo']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DEMO DATA');
    expect(run.stdout).toMatch(/\nHIGH \(\d+\)\n/);
    expect(run.stdout).toContain('legacy-public');
  });

  it('when CLOUDSEC_DEMO=1 is set, then the demo estate is used without the flag', async () => {
    const run = await runCli(['check', 's3', '--format', 'json'], { env: { CLOUDSEC_DEMO: '1' } });
    expect(run.code).toBe(0);
    expect((run.json() as { demo: boolean }).demo).toBe(true);
  });

  it('when --account limits the scope, then only that account is reported', async () => {
    const run = await runCli(['check', 'all', '--demo', '--account', '222222222222', '--format', 'json']);
    const report = run.json() as { findings: { accountId: string }[] };
    expect(new Set(report.findings.map((f) => f.accountId))).toEqual(new Set(['222222222222']));
  });

  it('when --region limits the scope, then regional findings of other regions are dropped and global ones kept', async () => {
    const run = await runCli(['check', 'all', '--demo', '--region', 'eu-west-1', '--format', 'json']);
    const regions = new Set((run.json() as { findings: { region: string }[] }).findings.map((f) => f.region));
    expect([...regions].sort()).toEqual(expect.arrayContaining(['eu-west-1']));
    expect([...regions].every((r) => r === 'eu-west-1' || r === 'global')).toBe(true);
  });
});

describe('exit codes', () => {
  it('when a failing finding is at or above --fail-on, then it exits 1', async () => {
    const run = await runCli(['check', 'all', '--demo', '--fail-on', 'high', '--format', 'json']);
    expect(run.code).toBe(1);
  });

  it('when no failing finding reaches --fail-on, then it exits 0', async () => {
    // The demo's staging account has no critical S3 finding in eu-west-1: scope to something clean.
    const run = await runCli([
      'check',
      's3',
      '--demo',
      '--account',
      '222222222222',
      '--region',
      'us-east-1',
      '--fail-on',
      'critical',
      '--format',
      'json',
    ]);
    const report = run.json() as { findings: { status: string; severity: string }[] };
    expect(report.findings.some((f) => f.status === 'fail' && f.severity === 'critical')).toBe(false);
    expect(run.code).toBe(0);
  });

  it('when the service is not one cloudsec knows, then it exits 2 naming the allowed choices', async () => {
    const run = await runCli(['check', 'dynamodb', '--demo']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Allowed choices are ${[...SERVICES, 'all'].join(', ')}`);
  });

  it('when a flag is unknown, then it exits 2 and suggests the closest one', async () => {
    const run = await runCli(['check', 's3', '--demo', '--formt', 'json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--format');
  });

  it('when --fail-on is not a severity, then it exits 2', async () => {
    const run = await runCli(['check', 's3', '--demo', '--fail-on', 'severe']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('critical, high, medium, low, informational');
  });

  it('when --account is not a 12-digit id, then it exits 2 with the expected form', async () => {
    const run = await runCli(['check', 's3', '--demo', '--account', 'prod']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected a 12-digit AWS account id');
  });

  it('when --account names an account outside the scope, then it exits 2 saying it is not scanned, without listing the others', async () => {
    const run = await runCli(['check', 's3', '--demo', '--account', '999999999999']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Account 999999999999 is not in scope: cloudsec did not scan it');
    expect(run.stderr).not.toContain('111111111111');
  });

  it('when both --demo and --snapshot are given, then it exits 2', async () => {
    const run = await runCli(['check', 's3', '--demo', '--snapshot', 'x.json']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('either --demo or --snapshot');
  });
});

describe('regions and unknown findings in CI', () => {
  it('when --region is misspelt, then it exits 2 suggesting the real region, before any scan', async () => {
    const run = await runCli(['check', 'ec2', '--demo', '--region', 'us-eats-1', '--fail-on', 'low']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('us-eats-1 is not an AWS region');
    expect(run.stderr).toContain('did you mean us-east-1?');
    expect(run.stdout).toBe('');
  });

  it('when collect gets a misspelt --region, then it exits 2 and writes nothing', async () => {
    const out = path.join(tmp(), 'snap.json');
    const run = await runCli(['collect', '--demo', '--out', out, '--region', 'eu-wset-1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean eu-west-1?');
    expect(fs.existsSync(out)).toBe(false);
  });

  // The demo's staging account cannot read one bucket's policy in us-west-2: an unknown, nothing failing.
  const ONLY_UNKNOWN = ['check', 's3', '--demo', '--account', '222222222222', '--region', 'us-west-2'];

  it('when only unknown findings are in scope, then --fail-on alone exits 0, as before', async () => {
    const run = await runCli([...ONLY_UNKNOWN, '--fail-on', 'low', '--format', 'json']);
    const report = run.json() as { summary: { byStatus: Record<string, number> } };
    expect(report.summary.byStatus).toMatchObject({ fail: 0, unknown: 1 });
    expect(run.code).toBe(0);
  });

  it('when --fail-on-unknown is given and a check could not be evaluated, then it exits 1 saying why', async () => {
    const run = await runCli([...ONLY_UNKNOWN, '--fail-on-unknown']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('1 finding could not be checked (unknown)');
  });

  it('when --fail-on-unknown is combined with --fail-on, then only unknowns at or above that severity count', async () => {
    expect((await runCli([...ONLY_UNKNOWN, '--fail-on', 'medium', '--fail-on-unknown'])).code).toBe(1);
    expect((await runCli([...ONLY_UNKNOWN, '--fail-on', 'high', '--fail-on-unknown'])).code).toBe(0);
  });

  it('when asked for JSON, then the summary counts unknown findings by severity next to the existing counts', async () => {
    const run = await runCli([...ONLY_UNKNOWN, '--format', 'json']);
    const summary = (run.json() as { summary: Record<string, unknown> }).summary;
    expect(summary).toEqual({
      bySeverity: { critical: 0, high: 0, medium: 0, low: 0, informational: 0 },
      byStatus: { fail: 0, unknown: 1, pass: 14 },
      unknownBySeverity: { critical: 0, high: 0, medium: 1, low: 0, informational: 0 },
    });
  });

  it('when a flag is misspelt, then the closest flag is suggested', async () => {
    const run = await runCli(['check', 's3', '--demo', '--fail-on-unknwon']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--fail-on-unknown');
  });
});

describe('collect and offline check', () => {
  it('when a snapshot is collected to a file, then check --snapshot gives the same findings', async () => {
    const out = path.join(tmp(), 'snap.json');
    const collected = await runCli(['collect', '--demo', '--out', out]);
    expect(collected.code).toBe(0);
    // The demo's own configuration (its break-glass role) applies to the offline run too.
    const offline = await runCli(['check', 'all', '--snapshot', out, '--config', demoConfigPath(), '--format', 'json']);
    const demo = await runCli(['check', 'all', '--demo', '--format', 'json']);
    expect((offline.json() as { findings: unknown[] }).findings).toEqual(
      (demo.json() as { findings: unknown[] }).findings,
    );
  });

  it('when the snapshot file is not a snapshot, then it exits 2 naming the bad field', async () => {
    const file = path.join(tmp(), 'bad.json');
    fs.writeFileSync(
      file,
      JSON.stringify({ schemaVersion: 1, generatedAt: 'x', services: ['s3'], accounts: [{ accountId: 'abc' }] }),
    );
    const run = await runCli(['check', 's3', '--snapshot', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('accounts[0].accountId');
  });

  it('when the snapshot file does not exist or is not JSON, then it exits 2 saying so', async () => {
    const missingRun = await runCli(['check', 's3', '--snapshot', '/nonexistent/snap.json']);
    expect(missingRun.code).toBe(2);
    expect(missingRun.stderr).toContain('Cannot read snapshot /nonexistent/snap.json');
    const file = path.join(tmp(), 'garbage.json');
    fs.writeFileSync(file, '{not json');
    const garbage = await runCli(['check', 's3', '--snapshot', file]);
    expect(garbage.code).toBe(2);
  });

  it('when the snapshot lacks the service asked for, then it exits 2 and says to collect it', async () => {
    const out = path.join(tmp(), 'iam-only.json');
    await runCli(['collect', '--demo', '--out', out]);
    const snap = JSON.parse(fs.readFileSync(out, 'utf8'));
    snap.services = ['iam'];
    fs.writeFileSync(out, JSON.stringify(snap));
    const run = await runCli(['check', 'ec2', '--snapshot', out]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('has no ec2 data');
  });
});

describe('configuration errors', () => {
  it('when cloudsec.yml has a bad account id, then it exits 2 naming the exact path', async () => {
    const file = path.join(tmp(), 'cloudsec.yml');
    fs.writeFileSync(file, 'accounts:\n  - id: 12345\n    name: prod\n');
    const run = await runCli(['check', 's3', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: accounts[0].id:`);
  });

  it('when cloudsec.yml has an unknown key, then it exits 2 naming it', async () => {
    const file = path.join(tmp(), 'cloudsec.yml');
    fs.writeFileSync(file, 'regionz: [eu-west-1]\n');
    const run = await runCli(['check', 's3', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('regionz');
  });

  it('when cloudsec.yml is not YAML, then it exits 2 saying so', async () => {
    const file = path.join(tmp(), 'cloudsec.yml');
    fs.writeFileSync(file, 'accounts: [\n');
    const run = await runCli(['check', 's3', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('is not valid YAML');
  });

  it('when cloudsec.yml lists a misspelt region, then it exits 2 naming the place and the real region', async () => {
    const file = path.join(tmp(), 'cloudsec.yml');
    fs.writeFileSync(file, 'regions: [eu-west-1, us-eats-1]\n');
    const run = await runCli(['check', 's3', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}: regions[1]:`);
    expect(run.stderr).toContain('did you mean us-east-1?');
  });

  it('when the named config file does not exist, then it exits 2', async () => {
    const run = await runCli(['check', 's3', '--config', '/nonexistent/cloudsec.yml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Cannot read config file /nonexistent/cloudsec.yml');
  });
});

describe('cloudsec iam-policy', () => {
  it('when asked, then it prints a read-only policy document covering every service', async () => {
    const run = await runCli(['iam-policy']);
    expect(run.code).toBe(0);
    const policy = run.json() as { Statement: { Effect: string; Action: string[]; Resource: string }[] };
    const actions = policy.Statement.flatMap((s) => s.Action);
    for (const prefix of ['iam:', 's3:', 'ec2:', 'cloudtrail:', 'securityhub:']) {
      expect(actions.some((a) => a.startsWith(prefix))).toBe(true);
    }
    expect(actions.some((a) => /:(Put|Delete|Update|Create|Modify|Revoke|Start|Stop)/.test(a))).toBe(false);
    expect(actions).not.toContain('organizations:ListAccounts');
  });

  it('when --organization is given, then organizations:ListAccounts is included', async () => {
    const run = await runCli(['iam-policy', '--organization']);
    const policy = run.json() as { Statement: { Action: string[] }[] };
    expect(policy.Statement[0]!.Action).toContain('organizations:ListAccounts');
  });
});

describe('cloudsec iam-policy --read / --write', () => {
  type Policy = { Statement: { Sid: string; Effect: string; Action: string[]; Resource: string }[] };

  it('when --write is given, then it prints the write role policy: every fix call and no scan read', async () => {
    const run = await runCli(['iam-policy', '--write']);
    expect(run.code).toBe(0);
    const actions = (run.json() as Policy).Statement.flatMap((s) => s.Action);
    // The undo calls are in `--undo` (test/cli-iam-policy.test.ts).
    for (const remediation of REMEDIATIONS) {
      expect(actions).toEqual(expect.arrayContaining([...remediation.permissions]));
    }
    const readPolicy = (await runCli(['iam-policy'])).json() as Policy;
    const scanActions = readPolicy.Statement.flatMap((s) => s.Action);
    expect(actions.filter((a) => scanActions.includes(a))).toEqual([]);
  });

  it('when --read is given, then it prints the same read-only policy as without a flag', async () => {
    const explicit = await runCli(['iam-policy', '--read']);
    const implicit = await runCli(['iam-policy']);
    expect(explicit.code).toBe(0);
    expect(explicit.stdout).toBe(implicit.stdout);
    expect((explicit.json() as Policy).Statement[0]!.Sid).toBe('CloudsecReadOnlyScan');
  });

  it.each([[['--read', '--write']], [['--write', '--organization']]])(
    'when %j are combined, then it refuses with a usage error and prints no policy',
    async (flags) => {
      const run = await runCli(['iam-policy', ...flags]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/cannot be used with/);
    },
  );
});
