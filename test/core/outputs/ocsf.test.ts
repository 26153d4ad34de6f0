import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { writeOcsf, toOcsf, OCSF_VERSION, type OcsfContext } from '../../../src/core/outputs';
import type { ExceptionNote, ExportRow } from '../../../src/core/exceptions/model';
import { SEVERITIES, type Finding } from '../../../src/core/model';
import { CHECKS } from '../../../src/core/checks';
import { aFinding, aPass, anUnknown, NOW } from '../render/blocks/builders';

// ---------------------------------------------------------------------------------------------
// The bundled schema pieces (test/fixtures/ocsf/README.md says where each comes from).

const AttributeSchema = z.object({
  type: z.enum(['integer_t', 'long_t', 'timestamp_t', 'string_t', 'object']),
  object_type: z.string().optional(),
  is_array: z.boolean().optional(),
  requirement: z.enum(['required', 'recommended', 'optional']),
  enum: z.record(z.string(), z.string()).optional(),
});
type Attribute = z.infer<typeof AttributeSchema>;
const ObjectSchema = z.object({
  attributes: z.record(z.string(), AttributeSchema),
  constraints: z.object({ at_least_one: z.array(z.string()) }).nullable(),
});
type SchemaObject = z.infer<typeof ObjectSchema>;
const FixtureSchema = z.object({
  version: z.string(),
  class: z.object({
    uid: z.number(),
    category: z.object({ uid: z.number() }),
    attributes: z.record(z.string(), AttributeSchema.extend({ from: z.string() })),
  }),
  objects: z.record(z.string(), ObjectSchema),
});

const SCHEMA = FixtureSchema.parse(
  JSON.parse(
    fs.readFileSync(path.join(__dirname, '../../fixtures/ocsf/compliance_finding-1.3.0.json'), 'utf8'),
  ) as unknown,
);
const CLASS: SchemaObject = { attributes: SCHEMA.class.attributes, constraints: null };

/** `x_id` attributes and the label attribute that must hold their enum caption. */
const CAPTION_OF: Record<string, string> = {
  activity_id: 'activity_name',
  category_uid: 'category_name',
  class_uid: 'class_name',
  type_uid: 'type_name',
  severity_id: 'severity',
  status_id: 'status',
  type_id: 'type',
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Everything in `value` the schema object does not allow, as readable paths. */
const violations = (value: unknown, schema: SchemaObject, at: string): string[] => {
  if (!isRecord(value)) return [`${at}: not an object`];
  const out: string[] = [];
  for (const [name, attr] of Object.entries(schema.attributes)) {
    const v = value[name];
    const missing = v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
    if (attr.requirement === 'required' && missing) out.push(`${at}.${name}: required, missing`);
  }
  for (const [name, v] of Object.entries(value)) {
    const attr = schema.attributes[name];
    if (!attr) {
      out.push(`${at}.${name}: not an attribute of the schema`);
      continue;
    }
    out.push(...attributeViolations(v, attr, name, `${at}.${name}`));
    const label = CAPTION_OF[name];
    if (attr.enum && label !== undefined && value[label] !== undefined && value[label] !== attr.enum[String(v)]) {
      out.push(`${at}.${label}: ${JSON.stringify(value[label])} is not the caption of ${name}=${String(v)}`);
    }
  }
  for (const group of schema.constraints?.at_least_one ? [schema.constraints.at_least_one] : []) {
    if (!group.some((n) => value[n] !== undefined && value[n] !== ''))
      out.push(`${at}: needs one of ${group.join(', ')}`);
  }
  return out;
};

const attributeViolations = (v: unknown, attr: Attribute, name: string, at: string): string[] => {
  if (attr.is_array) {
    if (!Array.isArray(v)) return [`${at}: not an array`];
    return v.flatMap((item, i) => attributeViolations(item, { ...attr, is_array: false }, name, `${at}[${i}]`));
  }
  switch (attr.type) {
    case 'integer_t':
    case 'long_t':
    case 'timestamp_t':
      if (!Number.isInteger(v)) return [`${at}: not an integer`];
      break;
    case 'string_t':
      if (typeof v !== 'string') return [`${at}: not a string`];
      break;
    case 'object': {
      if (attr.object_type === 'object') return isRecord(v) ? [] : [`${at}: not an object`];
      const object = SCHEMA.objects[attr.object_type ?? ''];
      if (!object) return [`${at}: no schema for object ${attr.object_type}`];
      return violations(v, object, at);
    }
  }
  if (attr.enum && !(String(v) in attr.enum)) return [`${at}: ${String(v)} is not in the enum`];
  return [];
};

const eventViolations = (event: unknown): string[] => violations(event, CLASS, 'event');

// ---------------------------------------------------------------------------------------------

const CTX: OcsfContext = {
  now: new Date('2026-11-02T08:00:00.000Z'),
  productVersion: '1.2.3',
  accountNames: new Map([['111111111111', 'acme-prod']]),
};

const anException = (over: Partial<ExceptionNote> = {}): ExceptionNote => ({
  id: 'ex_01',
  source: 'slack',
  reason: 'Public website bucket, reviewed by security.',
  owner: 'Dana',
  expiresAt: '2027-01-31T00:00:00.000Z',
  ...over,
});

const GLOBAL_NO_ARN = (over: Partial<Finding> = {}): Finding =>
  aFinding({
    checkId: 'iam_root_mfa_enabled',
    service: 'iam',
    region: 'global',
    resource: { type: 'AwsAccount', id: '111111111111', arn: null },
    frameworks: { cis: null, securityHub: null },
    remediationId: null,
    ...over,
  });

/** One row of every kind the writer distinguishes. */
const ROWS: Record<string, ExportRow> = {
  failing: { finding: aFinding() },
  'failing, accepted risk': { finding: aFinding(), exception: anException() },
  unknown: { finding: anUnknown('s3:GetBucketPolicy') },
  'unknown, accepted risk': { finding: anUnknown('s3:GetBucketPolicy'), exception: anException({ source: 'config' }) },
  passing: { finding: aPass() },
  'global, no ARN, no framework': { finding: GLOBAL_NO_ARN() },
  'tagged resource': {
    finding: aFinding({ resource: { type: 'AwsS3Bucket', id: 'b', arn: 'arn:aws:s3:::b', tags: { env: 'prod' } } }),
  },
  'from Security Hub': {
    finding: aFinding({
      source: 'securityhub',
      checkId: 'securityhub:S3.8',
      service: 'securityhub',
      title: 'S3 general purpose buckets should block public access',
      frameworks: { cis: null, securityHub: 'S3.8' },
    }),
  },
  'untitled, other account': { finding: aFinding({ title: '', checkId: 'custom_check', accountId: '222222222222' }) },
  ...Object.fromEntries(SEVERITIES.map((s) => [`severity ${s}`, { finding: aFinding({ severity: s }) }])),
};

const parse = (rows: readonly ExportRow[]) => JSON.parse(writeOcsf(rows, CTX)) as Record<string, unknown>[];
type Event = ReturnType<typeof toOcsf>;
const one = (row: ExportRow): Event => toOcsf(row, CTX);

describe('OCSF Compliance Finding writer against the bundled OCSF 1.3.0 schema', () => {
  it.each(Object.entries(ROWS))(
    'when the row "%s" is written, then every required attribute is there and every value is valid',
    (_, row) => {
      const [event] = parse([row]);
      expect(eventViolations(event)).toEqual([]);
    },
  );

  it('when the schema check sees a broken event, then it names each problem (the check can fail)', () => {
    const event = JSON.parse(JSON.stringify(one(ROWS['failing']!))) as Record<string, Record<string, unknown>>;
    delete event['finding_info']!['title'];
    event['compliance']!['status_id'] = 4;
    (event as Record<string, unknown>)['severity_id'] = 7;
    (event as Record<string, unknown>)['colour'] = 'red';
    (event['cloud']!['account'] as Record<string, unknown>)['type'] = 'Azure AD Account';
    delete event['metadata']!['product'];
    expect(eventViolations(event)).toEqual(
      expect.arrayContaining([
        'event.finding_info.title: required, missing',
        'event.compliance.status_id: 4 is not in the enum',
        'event.severity_id: 7 is not in the enum',
        'event.colour: not an attribute of the schema',
        'event.cloud.account.type: "Azure AD Account" is not the caption of type_id=10',
        'event.metadata.product: required, missing',
      ]),
    );
  });

  it('when rows are written, then the output is one pretty JSON array with one event per row, in order', () => {
    const rows = Object.values(ROWS);
    const text = writeOcsf(rows, CTX);
    expect(text.startsWith('[\n  {')).toBe(true);
    expect(text.endsWith(']\n')).toBe(true);
    const events = JSON.parse(text) as Event[];
    expect(events.map((e) => e.finding_info.uid)).toEqual(rows.map((r) => r.finding.id));
    expect(writeOcsf([], CTX)).toBe('[]\n');
  });
});

describe('OCSF mapping', () => {
  it('when an event is written, then class, category, version and product identify cloudsec', () => {
    const e = one(ROWS['failing']!);
    expect(e).toMatchObject({ class_uid: 2003, category_uid: 2, class_name: 'Compliance Finding' });
    expect(e.type_uid).toBe(e.class_uid * 100 + e.activity_id);
    expect(OCSF_VERSION).toBe(SCHEMA.version);
    expect(e.metadata).toMatchObject({
      version: '1.3.0',
      profiles: ['cloud'],
      product: { name: 'cloudsec', vendor_name: 'cloudsec', version: '1.2.3' },
      processed_time: CTX.now.getTime(),
    });
  });

  it('when the same finding is seen in two scans, then its uid is the same; another finding has another', () => {
    const first = aFinding({ observedAt: '2026-11-01T00:00:00.000Z' });
    const later = { ...first, observedAt: '2026-11-08T00:00:00.000Z', message: 'still public' };
    expect(one({ finding: later }).finding_info.uid).toBe(one({ finding: first }).finding_info.uid);
    expect(one({ finding: aFinding() }).finding_info.uid).not.toBe(one({ finding: first }).finding_info.uid);
  });

  it('when a finding is written, then time is its observation time in epoch milliseconds', () => {
    const e = one({ finding: aFinding({ observedAt: '2026-10-30T09:15:00.000Z' }) });
    expect(e.time).toBe(Date.parse('2026-10-30T09:15:00.000Z'));
    expect(one({ finding: aFinding({ observedAt: 'not a time' }) }).time).toBe(CTX.now.getTime());
  });

  it.each([
    ['informational', 1, 'Informational'],
    ['low', 2, 'Low'],
    ['medium', 3, 'Medium'],
    ['high', 4, 'High'],
    ['critical', 5, 'Critical'],
  ] as const)('when the severity is %s, then severity_id is %i (%s)', (severity, id, name) => {
    expect(one({ finding: aFinding({ severity }) })).toMatchObject({ severity_id: id, severity: name });
  });

  it('when a finding fails, then it is New and its compliance status is Fail', () => {
    expect(one(ROWS['failing']!)).toMatchObject({
      status_id: 1,
      status: 'New',
      status_code: 'FAIL',
      activity_id: 1,
      compliance: { status_id: 3, status: 'Fail' },
    });
  });

  it('when a finding could not be checked, then it is New and Warning with the reason, never Pass', () => {
    const e = one(ROWS['unknown']!);
    expect(e).toMatchObject({ status_id: 1, status_code: 'UNKNOWN', compliance: { status_id: 2, status: 'Warning' } });
    expect(e.compliance.status_detail).toContain('s3:GetBucketPolicy');
    expect(e.status_detail).toContain('s3:GetBucketPolicy');
  });

  it('when a finding passes, then it is Resolved, its activity is Close and its compliance status Pass', () => {
    expect(one(ROWS['passing']!)).toMatchObject({
      status_id: 4,
      status: 'Resolved',
      activity_id: 3,
      type_uid: 200303,
      compliance: { status_id: 1, status: 'Pass' },
    });
  });

  it('when an accepted risk hides a failing finding, then it is Suppressed with the exception, still failing', () => {
    const e = one(ROWS['failing, accepted risk']!);
    expect(e).toMatchObject({ status_id: 3, status: 'Suppressed', compliance: { status_id: 3, status: 'Fail' } });
    for (const part of ['ex_01', 'slack', 'Public website bucket, reviewed by security.', 'Dana', '2027-01-31']) {
      expect(e.status_detail).toContain(part);
    }
    expect(e.unmapped.cloudsec['exception']).toEqual({
      id: 'ex_01',
      source: 'slack',
      reason: 'Public website bucket, reviewed by security.',
      owner: 'Dana',
      expires_at: '2027-01-31T00:00:00.000Z',
    });
  });

  it('when an accepted risk covers an unknown finding, then it is Suppressed and still Warning', () => {
    expect(one(ROWS['unknown, accepted risk']!)).toMatchObject({
      status_id: 3,
      compliance: { status_id: 2 },
    });
  });

  it('when no accepted risk hides a finding, then nothing about exceptions is written', () => {
    const e = one(ROWS['failing']!);
    expect(e.unmapped.cloudsec).not.toHaveProperty('exception');
    expect(e).not.toHaveProperty('status_detail');
  });

  it('when a check maps to CIS and Security Hub, then both standards, requirements and the control are named', () => {
    expect(one(ROWS['failing']!).compliance).toMatchObject({
      standards: ['CIS AWS Foundations Benchmark v3.0.0', 'AWS Security Hub'],
      requirements: ['CIS AWS Foundations Benchmark v3.0.0 2.1.4', 'AWS Security Hub S3.8'],
      control: 'S3.8',
    });
  });

  it('when a check maps to no framework, then the standard is cloudsec’s catalog and the control its check id', () => {
    const { compliance } = one(ROWS['global, no ARN, no framework']!);
    expect(compliance.standards).toEqual(['cloudsec AWS checks']);
    expect(compliance.control).toBe('iam_root_mfa_enabled');
    expect(compliance).not.toHaveProperty('requirements');
  });

  it('when a resource has an ARN and a region, then it is the uid and region and partition are filled', () => {
    const e = one({
      finding: aFinding({
        region: 'us-gov-west-1',
        resource: { type: 'AwsS3Bucket', id: 'gov-logs', arn: 'arn:aws-us-gov:s3:::gov-logs' },
      }),
    });
    expect(e.resources).toEqual([
      {
        uid: 'arn:aws-us-gov:s3:::gov-logs',
        name: 'gov-logs',
        type: 'AwsS3Bucket',
        region: 'us-gov-west-1',
        cloud_partition: 'aws-us-gov',
      },
    ]);
    expect(e.cloud).toEqual({
      provider: 'AWS',
      region: 'us-gov-west-1',
      account: { uid: '111111111111', name: 'acme-prod', type: 'AWS Account', type_id: 10 },
    });
  });

  it('when a resource is global and has no ARN, then its id is the uid and no region or partition is guessed', () => {
    const e = one(ROWS['global, no ARN, no framework']!);
    expect(e.resources).toEqual([{ uid: '111111111111', name: '111111111111', type: 'AwsAccount' }]);
    expect(e.cloud).not.toHaveProperty('region');
    expect(e.unmapped.cloudsec['region']).toBe('global');
  });

  it('when an account has no known name, then only its id is written', () => {
    expect(one(ROWS['untitled, other account']!).cloud.account).toEqual({
      uid: '222222222222',
      type: 'AWS Account',
      type_id: 10,
    });
  });

  it('when a resource’s tags are known, then they are labels; when unknown, there are none', () => {
    expect(one(ROWS['tagged resource']!).resources[0]!.labels).toEqual(['env=prod']);
    expect(one(ROWS['failing']!).resources[0]).not.toHaveProperty('labels');
  });

  it('when a finding is written, then the title says what is wrong and the check’s remediation text is given', () => {
    const check = CHECKS.find((c) => c.id === 's3_bucket_public_access_blocked')!;
    const e = one(ROWS['failing']!);
    expect(e.finding_info.title).toBe(check.failTitle);
    expect(e.finding_info.desc).toBe(ROWS['failing']!.finding.message);
    expect(e.finding_info.types).toEqual(['s3_bucket_public_access_blocked']);
    expect(e.remediation).toEqual({ desc: check.remediationText });
  });

  it('when a Security Hub finding is written, then the remediation of the cloudsec check for its control is given', () => {
    const sibling = CHECKS.find((c) => c.frameworks.securityHub === 'S3.8')!;
    expect(one(ROWS['from Security Hub']!).remediation).toEqual({ desc: sibling.remediationText });
    expect(one(ROWS['from Security Hub']!).finding_info.title).toBe(
      'Fails S3.8: S3 general purpose buckets should block public access',
    );
  });

  it('when nothing says how to fix a finding, then no remediation is invented', () => {
    const e = one({ finding: aFinding({ checkId: 'custom_check', frameworks: { cis: null, securityHub: null } }) });
    expect(e).not.toHaveProperty('remediation');
  });

  it('when a finding has no title, then its check id stands in (finding_info.title is required)', () => {
    expect(one(ROWS['untitled, other account']!).finding_info.title).toBe('custom_check');
  });

  it('when a finding is written, then its cloudsec fields and evidence travel in unmapped', () => {
    const finding = anUnknown('s3:GetBucketPolicy');
    expect(one({ finding }).unmapped.cloudsec).toMatchObject({
      finding_id: finding.id,
      check_id: finding.checkId,
      source: 'cloudsec',
      service: 's3',
      status: 'unknown',
      observed_at: NOW.toISOString(),
      evidence: { missingPermission: 's3:GetBucketPolicy', errorCode: 'AccessDenied' },
    });
  });
});
