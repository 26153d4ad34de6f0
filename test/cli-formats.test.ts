import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'csv-parse/sync';
import { runCli } from './fixtures/cli';
import { CSV_COLUMNS } from '../src/core/outputs';

interface ReportFinding {
  id: string;
  status: string;
  severity: string;
  accountId: string;
}

/** The same scan as JSON: the reference the other formats are compared with. */
const jsonFindings = async (args: string[]): Promise<ReportFinding[]> => {
  const run = await runCli([...args, '--format', 'json']);
  return (run.json() as { findings: ReportFinding[] }).findings;
};

const PACKAGE_VERSION = (
  JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }
).version;

describe('cloudsec check --format ocsf', () => {
  it('when the demo is checked, then stdout is a JSON array with one Compliance Finding per finding', async () => {
    const expected = await jsonFindings(['check', 'all', '--demo']);
    const run = await runCli(['check', 'all', '--demo', '--format', 'ocsf']);
    const events = run.json() as {
      class_uid: number;
      finding_info: { uid: string };
      metadata: { version: string; product: { name: string; version: string } };
      cloud: { account: { uid: string; name?: string } };
      compliance: { status_id: number };
    }[];
    expect(expected.length).toBeGreaterThan(0);
    expect(Array.isArray(events)).toBe(true);
    expect(events.map((e) => e.finding_info.uid)).toEqual(expected.map((f) => f.id));
    for (const e of events) {
      expect(e.class_uid).toBe(2003);
      expect(e.metadata.version).toBe('1.3.0');
      expect(e.metadata.product).toMatchObject({ name: 'cloudsec', version: PACKAGE_VERSION });
    }
    // The demo's accounts are named in its snapshot: the names travel with the ids.
    expect(events.every((e) => typeof e.cloud.account.name === 'string' && e.cloud.account.name !== '')).toBe(true);
    // No finding that did not pass is reported as passing (compliance status 1 = Pass).
    events.forEach((e, i) => expect(e.compliance.status_id === 1).toBe(expected[i]!.status === 'pass'));
  });

  it('when --fail-on is given with --format ocsf, then the exit code follows the findings as with json', async () => {
    const run = await runCli(['check', 'all', '--demo', '--fail-on', 'high', '--format', 'ocsf']);
    expect(run.code).toBe(1);
    expect(Array.isArray(run.json())).toBe(true);
  });
});

describe('cloudsec check --format csv', () => {
  it('when the demo is checked, then stdout is a header and one row per finding', async () => {
    const expected = await jsonFindings(['check', 's3', '--demo']);
    const run = await runCli(['check', 's3', '--demo', '--format', 'csv']);
    expect(run.code).toBe(0);
    expect(expected.length).toBeGreaterThan(0);
    const [head, ...body] = parse(run.stdout) as string[][];
    expect(head).toEqual([...CSV_COLUMNS]);
    expect(body.map((r) => r[head!.indexOf('id')])).toEqual(expected.map((f) => f.id));
    expect(body.map((r) => r[head!.indexOf('status')])).toEqual(expected.map((f) => f.status));
    // The demo's cloudsec.yml accepts no risk: the exception columns are empty.
    for (const row of body) expect(row[head!.indexOf('exception_id')]).toBe('');
  });

  it('when a scope has nothing failing at --fail-on, then csv exits 0 as json does', async () => {
    const scope = ['check', 's3', '--demo', '--account', '222222222222', '--region', 'us-east-1'];
    const run = await runCli([...scope, '--fail-on', 'critical', '--format', 'csv']);
    expect(run.code).toBe(0);
    expect(run.stdout.split('\r\n')[0]).toBe(CSV_COLUMNS.join(','));
  });
});

describe('cloudsec check --format (bad value)', () => {
  it('when the format is not one cloudsec writes, then it exits 2 naming the choices', async () => {
    const run = await runCli(['check', 's3', '--demo', '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Allowed choices are text, json, ocsf, asff, csv');
  });
});
