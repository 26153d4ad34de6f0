import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from './fixtures/cli';
import { installFakeAws, type FakeAws } from './fixtures/aws/fake-aws';

const HOME = '111111111111';
const PROD = '222222222222';
const REGIONS = ['us-east-1', 'eu-west-1'];

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-cli-live-'));
const CONFIG = path.join(dir, 'cloudsec.yml');
fs.writeFileSync(
  CONFIG,
  `accounts:\n  - id: "${HOME}"\n    name: home\n  - id: "${PROD}"\n    name: prod\n` +
    `    roleArn: arn:aws:iam::${PROD}:role/cloudsec-read\nregions: [us-east-1, eu-west-1]\n`,
);

let fake: FakeAws;
beforeEach(() => {
  fake = installFakeAws({
    callerAccountId: HOME,
    organization: false,
    latencyMs: 0,
    accounts: [
      { id: HOME, name: 'home', users: 5, buckets: 2, regions: REGIONS },
      { id: PROD, name: 'prod', users: 5, buckets: 2, regions: REGIONS, misconfigured: true },
    ],
  });
});
afterEach(() => fake.restore());
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `fn` with these environment variables changed (undefined = unset), then puts them back. */
const withEnv = async <T>(changes: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> => {
  const saved = Object.fromEntries(Object.keys(changes).map((k) => [k, process.env[k]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [k, v] of Object.entries(values)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  apply(changes);
  try {
    return await fn();
  } finally {
    apply(saved);
  }
};

/** Shared AWS files that exist but hold nothing, so no profile on this machine can supply what a test removed. */
const emptyAwsFiles = () => {
  const files = fs.mkdtempSync(path.join(dir, 'aws-'));
  const credentials = path.join(files, 'credentials');
  const config = path.join(files, 'config');
  fs.writeFileSync(credentials, '');
  fs.writeFileSync(config, '');
  return { AWS_SHARED_CREDENTIALS_FILE: credentials, AWS_CONFIG_FILE: config };
};

interface Report {
  demo: boolean;
  accounts: { id: string; name: string; regions: string[]; reachable: boolean; error: string | null }[];
  findings: { checkId: string; status: string; severity: string; accountId: string; resource: { id: string } }[];
  summary: { byStatus: Record<string, number> };
}

const failing = (report: Report, accountId: string) =>
  report.findings.filter((f) => f.accountId === accountId && f.status === 'fail');

describe('cloudsec check against live AWS (simulated)', () => {
  it('when `check all --format json` runs, then both accounts are scanned and reported in the documented shape', async () => {
    const run = await runCli(['check', 'all', '--format', 'json', '--config', CONFIG]);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const report = run.json() as Report;
    expect(report.demo).toBe(false);
    expect(report.accounts).toEqual([
      { id: HOME, name: 'home', regions: REGIONS, reachable: true, error: null, warnings: [] },
      { id: PROD, name: 'prod', regions: REGIONS, reachable: true, error: null, warnings: [] },
    ]);
    for (const f of report.findings) {
      expect(Object.keys(f).sort()).toEqual(
        [
          'accountId',
          'checkId',
          'evidence',
          'frameworks',
          'id',
          'message',
          'observedAt',
          'region',
          'remediationId',
          'resource',
          'service',
          'severity',
          'source',
          'status',
          'title',
        ].sort(),
      );
    }
    expect(new Set(report.findings.map((f) => f.accountId))).toEqual(new Set([HOME, PROD]));
    // The one thing a complete scan cannot know: Access Analyzer's findings in a region without an
    // analyzer, which accessanalyzer_analyzer_enabled reports failing there.
    const unknowns = report.findings.filter((f) => f.status === 'unknown');
    const noAnalyzer = new Set(
      report.findings
        .filter((f) => f.checkId === 'accessanalyzer_analyzer_enabled' && f.status === 'fail')
        .map((f) => `${f.accountId}/${(f as { region?: string }).region}`),
    );
    expect(
      unknowns.filter(
        (f) =>
          f.checkId !== 'accessanalyzer_external_access_resolved' ||
          !noAnalyzer.has(`${f.accountId}/${(f as { region?: string }).region}`),
      ),
    ).toEqual([]);
    expect(report.summary.byStatus.unknown).toBe(unknowns.length);
    expect(fake.unhandled).toEqual([]);
  });

  it('when an account is misconfigured, then its public bucket, world-open SSH and MFA-less user fail, and the clean account fails nothing', async () => {
    const report = (await runCli(['check', 'all', '--format', 'json', '--config', CONFIG])).json() as Report;

    const prod = failing(report, PROD).map((f) => `${f.checkId} ${f.resource.id}`);
    expect(prod).toEqual(
      expect.arrayContaining([
        `s3_bucket_not_public_by_policy cs-${PROD}-b0`,
        'ec2_security_group_ssh_restricted sg-0web',
        'iam_user_console_mfa_enabled user-0000',
      ]),
    );
    expect(failing(report, HOME)).toEqual([]);
  });

  it('when --fail-on critical is given and an account has a critical failure, then the exit status is 1', async () => {
    const run = await runCli(['check', 'all', '--fail-on', 'critical', '--config', CONFIG]);

    expect(run.code).toBe(1);
  });

  it('when --fail-on critical is given and only the clean account is in scope, then the exit status is 0', async () => {
    const run = await runCli(['check', 'all', '--fail-on', 'critical', '--account', HOME, '--config', CONFIG]);

    expect(run.code).toBe(0);
  });

  it('when `check cloudtrail` runs live, then it reports what the same estate reports from a full snapshot (the log-bucket checks need S3 data)', async () => {
    const out = path.join(dir, 'estate.json');
    expect((await runCli(['collect', '--out', out, '--config', CONFIG])).code).toBe(0);
    const offline = (await runCli(['check', 'cloudtrail', '--snapshot', out, '--format', 'json'])).json() as Report;

    const live = (await runCli(['check', 'cloudtrail', '--format', 'json', '--config', CONFIG])).json() as Report;

    const checks = (r: Report) => [...new Set(r.findings.map((f) => f.checkId))].sort();
    expect(checks(live)).toEqual(
      expect.arrayContaining(['cloudtrail_bucket_access_logging', 'cloudtrail_bucket_not_public']),
    );
    expect(live.findings).toEqual(offline.findings);
    expect(live.summary.byStatus.unknown).toBe(0);
  });

  it('when --region is misspelt, then it exits 2 with a suggestion and AWS is never called', async () => {
    const run = await runCli(['check', 'ec2', '--region', 'us-eats-1', '--fail-on', 'low', '--config', CONFIG]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('did you mean us-east-1?');
    expect(fake.total).toBe(0);
  });

  it('when no AWS credentials are available, then it exits 2 saying what to set, without a stack trace', async () => {
    const run = await withEnv(
      { AWS_ACCESS_KEY_ID: undefined, AWS_SECRET_ACCESS_KEY: undefined, ...emptyAwsFiles() },
      () => runCli(['check', 'all', '--config', CONFIG]),
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/AWS_PROFILE/);
    expect(run.stderr).toMatch(/AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fake.total).toBe(0);
  });

  it('when no AWS region is configured, then it exits 2 naming AWS_REGION', async () => {
    const run = await withEnv({ AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, ...emptyAwsFiles() }, () =>
      runCli(['check', 'all', '--config', CONFIG]),
    );

    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/AWS_REGION/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(fake.total).toBe(0);
  });
});
