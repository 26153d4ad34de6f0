import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { runCli } from './fixtures/cli';
import { demoSnapshotPath } from '../src/paths';
import { openSqliteStore } from '../src/store/sqlite';
import { NOW } from './fixtures/snapshot-builders';

// `cloudsec check` applies the accepted risks of cloudsec.yml (and of the bot's database when it is
// there): hidden findings leave the failing lists, the text says how many and by which, json lists
// them apart, the file formats mark them, and --fail-on does not count them.

const made: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-cli-accepted-'));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

const PROD = '111111111111';

/** legacy-public (prod, us-east-1) fails five S3 checks in the demo estate, one of them critical. */
const LEGACY_WEBSITE = `
exceptions:
  - name: legacy-website
    scope: { accounts: ["${PROD}"], checks: ["s3_bucket_*"], resources: ["legacy-*"] }
    reason: "Static site; public by design, reviewed in SEC-123"
    owner: U0123ABCD
    approver: "Dana Lee"
    expires: 2026-12-01
`;

/** Every critical S3 finding of the demo: public by ACL or by policy. */
const PUBLIC_BUCKETS = `
exceptions:
  - name: public-buckets
    scope: { accounts: ["${PROD}"], checks: ["s3_bucket_not_public_*"] }
    reason: "Reviewed with the web team"
    owner: "Olivia Owner"
    approver: "Dana Lee"
    expires: 2026-11-20
`;

interface JsonFinding {
  id: string;
  checkId: string;
  status: string;
  severity: string;
  resource: { id: string };
}
interface JsonReport {
  findings: JsonFinding[];
  summary: { byStatus: Record<'fail' | 'pass' | 'unknown', number> };
  acceptedRisks: {
    hidden: number;
    exceptions: { id: string; source: string; hides: number }[];
    findings: (JsonFinding & { exception: { id: string; reason: string; owner: string; expiresAt: string } })[];
    resurfaced: unknown[];
    problems: string[];
  };
}

/**
 * The demo estate as a recorded snapshot, judged with `yaml` as cloudsec.yml, and the bot's
 * database at `db` (default: none there).
 */
const checkWith = async (yaml: string | null, db: string | null, ...args: string[]) => {
  const dir = tmp();
  const config = path.join(dir, 'cloudsec.yml');
  fs.writeFileSync(config, yaml ?? 'regions: [us-east-1]\n');
  return runCli(['check', 's3', '--snapshot', demoSnapshotPath(), '--config', config, ...args], {
    env: { CLOUDSEC_DB: db ?? path.join(dir, 'no-such.db') },
  });
};
const check = (yaml: string | null, ...args: string[]) => checkWith(yaml, null, ...args);

/** The bot's database with one accepted risk approved in Slack: partner-share's findings, until 2026-11-15. */
const databaseAccepting = async (): Promise<{ db: string; id: string }> => {
  const db = path.join(tmp(), 'cloudsec.db');
  const store = openSqliteStore({ path: db, clock: () => NOW });
  try {
    const created = await store.createException({
      scope: { accounts: [PROD], checks: ['s3_*'], resources: ['partner-share'] },
      reason: 'Partner integration, contract ends in November',
      owner: { id: 'U0OWNER2', name: 'Olivia Owner' },
      requester: { kind: 'slack-user', id: 'U0OWNER2' },
      expiresAt: '2026-11-15T00:00:00.000Z',
      accepted: [],
    });
    await store.transitionException(created.id, ['pending'], 'active', {
      approver: { id: 'U0APPROVER' },
      decidedAt: NOW.toISOString(),
    });
    return { db, id: created.id };
  } finally {
    await store.close();
  }
};

describe('cloudsec check with accepted risks in cloudsec.yml', () => {
  it('when an accepted risk covers failing findings, then json lists them apart with the exception and counts only the rest as failing', async () => {
    const without = (await check(null, '--format', 'json')).json() as JsonReport;
    const run = await check(LEGACY_WEBSITE, '--format', 'json');

    expect(run.code).toBe(0);
    const report = run.json() as JsonReport;
    const hiddenIds = without.findings
      .filter((f) => f.status === 'fail' && f.resource.id === 'legacy-public')
      .map((f) => f.id);
    expect(hiddenIds).toHaveLength(5);
    expect(report.acceptedRisks.hidden).toBe(5);
    expect(report.acceptedRisks.findings.map((f) => f.id)).toEqual(hiddenIds);
    expect(report.acceptedRisks.findings[0]!.exception).toEqual({
      id: 'cfg_legacy-website',
      source: 'config',
      reason: 'Static site; public by design, reviewed in SEC-123',
      owner: 'U0123ABCD',
      expiresAt: '2026-12-01T23:59:59.999Z',
    });
    expect(report.acceptedRisks.exceptions).toEqual([expect.objectContaining({ id: 'cfg_legacy-website', hides: 5 })]);
    expect(report.findings.some((f) => hiddenIds.includes(f.id))).toBe(false);
    expect(report.summary.byStatus.fail).toBe(without.summary.byStatus.fail - 5);
    expect(report.summary.byStatus.pass).toBe(without.summary.byStatus.pass);
    expect(without.acceptedRisks).toEqual({ hidden: 0, exceptions: [], findings: [], resurfaced: [], problems: [] });
  });

  it('when findings are hidden, then the text answer says how many and by which accepted risks, and leaves them out of the list', async () => {
    const run = await check(LEGACY_WEBSITE);

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('5 accepted risks hidden (cloudsec.yml: legacy-website)');
    expect(run.stdout).toMatch(/^13 failing/m);
    expect(run.stdout).not.toContain('legacy-public');
    expect(run.stdout).toContain('partner-share');
  });

  it('when nothing is covered, then the text says nothing about accepted risks', async () => {
    const run = await check(null);

    expect(run.stdout).toMatch(/^18 failing/m);
    expect(run.stdout).not.toContain('accepted risk');
  });

  it('when the accepted risk hides every critical finding, then --fail-on critical passes, and fails again without it', async () => {
    expect((await check(null, '--fail-on', 'critical')).code).toBe(1);

    const run = await check(PUBLIC_BUCKETS, '--fail-on', 'critical');

    expect(run.code).toBe(0);
    expect(run.stdout).toContain('4 accepted risks hidden (cloudsec.yml: public-buckets)');
    // High findings are not covered: the gate still sees them.
    expect((await check(PUBLIC_BUCKETS, '--fail-on', 'high')).code).toBe(1);
  });

  it('when written as csv or ocsf, then every finding is there and only the hidden ones carry the exception', async () => {
    const csv = await check(LEGACY_WEBSITE, '--format', 'csv');
    const [head, ...rows] = parse(csv.stdout) as string[][];
    const col = (name: string) => head!.indexOf(name);
    const hidden = rows.filter((r) => r[col('exception_id')] !== '');

    expect(rows.length).toBeGreaterThan(5);
    expect(hidden.map((r) => r[col('resource_id')])).toEqual(Array(5).fill('legacy-public'));
    expect(new Set(hidden.map((r) => r[col('exception_id')]))).toEqual(new Set(['cfg_legacy-website']));

    const ocsf = (await check(LEGACY_WEBSITE, '--format', 'ocsf')).json() as { status?: string; status_id?: number }[];
    expect(ocsf).toHaveLength(rows.length);
    // OCSF status 3 = Suppressed: the writer marks the rows that carry an exception.
    expect(ocsf.filter((e) => e.status_id === 3)).toHaveLength(5);
  });

  it('when an accepted risk in cloudsec.yml has expired, then it hides nothing', async () => {
    const expired = LEGACY_WEBSITE.replace('expires: 2026-12-01', 'expires: 2026-10-31');
    const report = (await check(expired, '--format', 'json')).json() as JsonReport;

    expect(report.acceptedRisks.hidden).toBe(0);
    expect(report.findings.filter((f) => f.resource.id === 'legacy-public' && f.status === 'fail')).toHaveLength(5);
  });

  it('when an accepted risk in cloudsec.yml expires further ahead than exceptions.maxDays, then check refuses the file', async () => {
    const run = await check(LEGACY_WEBSITE.replace('expires: 2026-12-01', 'expires: 2027-06-01'));

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('legacy-website');
    expect(run.stderr).toContain('exceptions.maxDays');
  });

  it('when the bot’s database holds accepted risks, then check applies them too and names them by source', async () => {
    const { db, id } = await databaseAccepting();

    const run = await checkWith(LEGACY_WEBSITE, db);
    const report = (await checkWith(LEGACY_WEBSITE, db, '--format', 'json')).json() as JsonReport;

    // partner-share fails three S3 checks in the demo; legacy-public five.
    expect(run.stdout).toContain(`8 accepted risks hidden (cloudsec.yml: legacy-website; database: ${id})`);
    expect(report.acceptedRisks.exceptions.map((e) => [e.source, e.id, e.hides])).toEqual([
      ['config', 'cfg_legacy-website', 5],
      ['slack', id, 3],
    ]);
    expect(report.findings.some((f) => f.resource.id === 'partner-share' && f.status === 'fail')).toBe(false);
  });

  it('when the database’s accepted risks cannot be read, then their findings are shown and stderr says why', async () => {
    const { db, id } = await databaseAccepting();
    const raw = new Database(db);
    raw.prepare('UPDATE risk_exceptions SET scope = ? WHERE id = ?').run('{"accounts":5}', id);
    raw.close();

    const run = await checkWith(null, db, '--format', 'json');

    expect(run.code).toBe(0);
    expect(run.stderr).toContain('accepted risks stored in the database could not be read');
    const report = run.json() as JsonReport;
    expect(report.acceptedRisks.hidden).toBe(0);
    expect(report.acceptedRisks.problems).toHaveLength(1);
    expect(report.findings.filter((f) => f.resource.id === 'partner-share' && f.status === 'fail')).toHaveLength(3);
  });
});

describe('accepted risks in ASFF and in publish (the real CLI)', () => {
  interface Asff {
    Id: string;
    Workflow?: { Status: string };
    ProductFields?: Record<string, string>;
    Compliance: { Status: string };
    Resources: { Id: string }[];
  }

  it('when check prints ASFF, then a finding an accepted risk hides is SUPPRESSED and names its exception', async () => {
    const run = await check(LEGACY_WEBSITE, '--format', 'asff');
    expect(run.code).toBe(0);
    const findings = run.json() as Asff[];
    const legacy = findings.filter(
      (f) => f.Compliance.Status === 'FAILED' && f.Resources[0]!.Id.includes('legacy-public'),
    );
    const others = findings.filter((f) => f.Compliance.Status === 'FAILED' && !f.Resources[0]!.Id.includes('legacy-'));

    expect(legacy.length).toBeGreaterThan(0);
    for (const f of legacy) {
      expect(f.Workflow?.Status).toBe('SUPPRESSED');
      expect(f.ProductFields?.['cloudsec/exception_id']).toBe('cfg_legacy-website');
    }
    expect(others.length).toBeGreaterThan(0);
    for (const f of others) expect(f.ProductFields?.['cloudsec/exception_id']).toBeUndefined();
  });

  it('when publish runs as a dry run, then what it would send marks the accepted risk the same way', async () => {
    const dir = tmp();
    const config = path.join(dir, 'cloudsec.yml');
    fs.writeFileSync(config, LEGACY_WEBSITE);
    const run = await runCli(
      [
        'publish',
        '--security-hub',
        '--dry-run',
        '--snapshot',
        demoSnapshotPath(),
        '--config',
        config,
        '--format',
        'json',
      ],
      { env: { CLOUDSEC_DB: path.join(dir, 'no-such.db'), AWS_REGION: 'us-east-1' } },
    );
    expect(run.code).toBe(0);
    const sent = JSON.stringify(run.json());
    expect(sent).toContain('cfg_legacy-website');
    expect(sent).toContain('SUPPRESSED');
  });
});
