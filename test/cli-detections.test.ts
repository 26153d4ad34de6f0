import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { DETECTIONS } from '../src/core/detections';
import { EVENT_PATTERN_MAX_CHARS } from '../src/core/detections/pattern';
import { runCli } from './fixtures/cli';

const made: string[] = [];
const configFile = (text: string): string => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-cli-detections-'));
  made.push(dir);
  const file = path.join(dir, 'cloudsec.yml');
  fs.writeFileSync(file, text);
  return file;
};
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

const first = DETECTIONS[0]!;
const second = DETECTIONS[1]!;

interface ListEntry {
  id: string;
  severity: string;
  enabled: boolean;
  staged: boolean;
  eventNames: string[];
  exclude: Array<Record<string, string>>;
}

describe('cloudsec detections list', () => {
  it('when asked for JSON, then it lists every detection with its metadata and config state', async () => {
    const run = await runCli(['detections', 'list', '--format', 'json']);
    expect(run.code).toBe(0);
    const catalog = run.json() as { detections: Array<Record<string, unknown>>; exclude: unknown[] };
    expect(catalog.detections.map((d) => d.id)).toEqual(DETECTIONS.map((d) => d.id));
    for (const entry of catalog.detections) {
      expect(Object.keys(entry)).toEqual(
        expect.arrayContaining([
          'id',
          'title',
          'severity',
          'eventNames',
          'cis',
          'securityHub',
          'mitre',
          'remediation',
          'enabled',
          'staged',
        ]),
      );
      expect(entry.enabled).toBe(true);
    }
    expect(catalog.exclude).toEqual([]);
  });

  it('when cloudsec.yml disables, stages and tunes rules, then the list shows it', async () => {
    const file = configFile(
      [
        'detections:',
        '  exclude:',
        '    - { principal: "arn:aws:iam::*:role/terraform-*", reason: Terraform pipeline }',
        '  rules:',
        `    ${first.id}: { enabled: false }`,
        `    ${second.id}: { staged: true, severity: low, exclude: [{ account: "222222222222", userAgent: "*Terraform*", reason: tf runs } ] }`,
        '',
      ].join('\n'),
    );
    const run = await runCli(['detections', 'list', '--format', 'json', '--config', file]);
    expect(run.code).toBe(0);
    const { detections, exclude } = run.json() as { detections: ListEntry[]; exclude: unknown[] };
    expect(detections.find((d) => d.id === first.id)).toMatchObject({ enabled: false });
    expect(detections.find((d) => d.id === second.id)).toMatchObject({
      enabled: true,
      staged: true,
      severity: 'low',
      exclude: [{ account: '222222222222', userAgent: '*Terraform*', reason: 'tf runs' }],
    });
    expect(exclude).toEqual([{ principal: 'arn:aws:iam::*:role/terraform-*', reason: 'Terraform pipeline' }]);

    const text = await runCli(['detections', 'list', '--config', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^ID\s+SEVERITY\s+STATE/);
    expect(text.stdout).toContain(`${DETECTIONS.length} detections, ${DETECTIONS.length - 1} on, 1 off`);
    expect(text.stdout).toContain('every detection: principal=arn:aws:iam::*:role/terraform-*: Terraform pipeline');
  });

  it('when cloudsec.yml names a rule no detection has, then it exits 2 and suggests the id', async () => {
    const typo = `${first.id.slice(0, -1)}x`;
    const file = configFile(`detections:\n  rules:\n    ${typo}: { enabled: false }\n`);
    const run = await runCli(['detections', 'list', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`detections.rules.${typo}: no detection has this id (did you mean ${first.id}?)`);
  });

  it('when cloudsec.yml is invalid, then it exits 2 with the message', async () => {
    const file = configFile('detections:\n  dedupWindowMinutes: -1\n');
    const run = await runCli(['detections', 'list', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('dedupWindowMinutes');
  });
});

describe('cloudsec detections pattern', () => {
  it('when asked for JSON, then it prints rules whose patterns fit the EventBridge size quota', async () => {
    const run = await runCli(['detections', 'pattern']);
    expect(run.code).toBe(0);
    const rules = run.json() as Array<{ name: string; patternLength: number; pattern: Record<string, unknown> }>;
    expect(rules.length).toBeGreaterThan(0);
    for (const rule of rules) {
      expect(JSON.stringify(rule.pattern).length).toBe(rule.patternLength);
      expect(rule.patternLength).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
      expect(rule.pattern['detail-type']).toContain('AWS API Call via CloudTrail');
    }
  });

  it('when a rule is disabled, then the patterns no longer name its detection', async () => {
    const named = DETECTIONS.find((d) => d.events.every((e) => e.source !== '*'))!;
    const file = configFile(`detections:\n  rules:\n    ${named.id}: { enabled: false }\n`);
    const run = await runCli(['detections', 'pattern', '--config', file]);
    expect(run.code).toBe(0);
    const rules = run.json() as Array<{ detections: string[] }>;
    expect(rules.flatMap((r) => r.detections)).not.toContain(named.id);
  });

  it('when asked for CloudFormation, then it prints a template using the queue settings of cloudsec.yml', async () => {
    const file = configFile(
      'detections:\n  sources:\n    sqs: { queueUrl: "https://sqs.eu-west-1.amazonaws.com/111111111111/sec-events", maxReceives: 3 }\n',
    );
    const run = await runCli(['detections', 'pattern', '--format', 'cloudformation', '--config', file]);
    expect(run.code).toBe(0);
    const template = parse(run.stdout) as {
      Parameters: Record<string, { Default: unknown }>;
      Resources: Record<string, { Type: string }>;
    };
    expect(template.Parameters.QueueName!.Default).toBe('sec-events');
    expect(template.Parameters.MaxReceiveCount!.Default).toBe(3);
    const types = Object.values(template.Resources).map((r) => r.Type);
    expect(types.filter((t) => t === 'AWS::SQS::Queue')).toHaveLength(2);
    expect(types).toContain('AWS::SQS::QueuePolicy');
    expect(types).toContain('AWS::Events::Rule');
  });

  it('when every detection is disabled, then it exits 2 saying there is nothing to forward', async () => {
    const file = configFile(
      `detections:\n  rules:\n${DETECTIONS.map((d) => `    ${d.id}: { enabled: false }`).join('\n')}\n`,
    );
    const run = await runCli(['detections', 'pattern', '--config', file]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('nothing to forward');
  });

  it('when the format is unknown, then it exits 2 naming the choices', async () => {
    const run = await runCli(['detections', 'pattern', '--format', 'terraform']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('json, cloudformation');
  });
});

describe('cloudsec detections test', () => {
  const sample = (name: string): unknown[] =>
    JSON.parse(
      fs.readFileSync(path.join(__dirname, '..', 'data', 'sample-events', `${name}.json`), 'utf8'),
    ) as unknown[];
  const recordsFile = (content: string): string => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-cli-detections-'));
    made.push(dir);
    const file = path.join(dir, 'records.json');
    fs.writeFileSync(file, content);
    return file;
  };

  it('when given a CloudTrail log file, then each record that alerts is named with its detection, words and actor', async () => {
    const file = recordsFile(JSON.stringify({ Records: sample('bucket-made-public') }));
    const run = await runCli(['detections', 'test', file]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/ALERT critical s3_bucket_made_public: made bucket `legacy-public` public/);
    expect(run.stdout).toMatch(/^1 records: 2 alerts, 0 excluded/m);
  });

  it('when an exclusion in cloudsec.yml covers the caller, then the record is reported as excluded with its reason, not as an alert', async () => {
    const file = recordsFile(JSON.stringify(sample('bucket-made-public')));
    const config = configFile(
      'detections:\n  exclude:\n    - principal: "arn:aws:sts::*:assumed-role/AWSReservedSSO_Admin_*"\n      reason: break-glass admins\n',
    );
    const run = await runCli(['detections', 'test', file, '--config', config, '--format', 'json']);

    expect(run.code).toBe(0);
    const lines = run.json() as Array<{ outcomes: Array<{ kind: string; detail?: string }> }>;
    const kinds = lines.flatMap((l) => l.outcomes.map((o) => o.kind));
    expect(kinds).not.toContain('alert');
    expect(
      lines.flatMap((l) => l.outcomes).some((o) => o.kind === 'excluded' && /break-glass admins/.test(o.detail ?? '')),
    ).toBe(true);
  });

  it('when a line is not a CloudTrail record, then it is reported as unreadable and the others still run', async () => {
    const records = sample('port-22-opened');
    const file = recordsFile([JSON.stringify({ hello: 'world' }), ...records.map((r) => JSON.stringify(r))].join('\n'));
    const run = await runCli(['detections', 'test', file]);

    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/#1: unreadable: /);
    expect(run.stdout).toMatch(/ALERT critical ec2_ingress_opened_to_world/);
  });

  it('when the file is missing, then it exits 2 naming it', async () => {
    const run = await runCli(['detections', 'test', path.join(os.tmpdir(), 'no-such-records.json')]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/cannot read .*no-such-records\.json/);
  });
});
