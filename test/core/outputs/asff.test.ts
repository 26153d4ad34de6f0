import { z } from 'zod';
import { readSnapshotFile } from '../../../src/app/snapshot-source';
import { CHECKS } from '../../../src/core/checks';
import type { ExceptionNote, ExportRow } from '../../../src/core/exceptions/model';
import { evaluateChecks } from '../../../src/core/findings';
import { SERVICES, type Finding } from '../../../src/core/model';
import {
  ASFF_LIMITS,
  ASFF_TYPES,
  asffIdentifier,
  clip,
  renderAsff,
  rowsToPublish,
  toAsff,
  type AsffContext,
  type AsffFinding,
} from '../../../src/core/outputs/asff';
import { demoSnapshotPath } from '../../../src/paths';
import { NOW } from '../../fixtures/snapshot-builders';

/**
 * The ASFF writer against the required top-level attributes of the Security Hub user guide
 * ("Required top-level ASFF attributes") and the field limits of the API reference
 * (AwsSecurityFinding, Resource, Note, Remediation, ProductFields), over every finding of the demo
 * estate (pass, fail and unknown; regional and account-wide; Security Hub's own among them).
 */

const utf8 = (s: string) => new TextEncoder().encode(s).length;
const text = (max: number) =>
  z
    .string()
    .regex(/\S/)
    .refine((s) => utf8(s) <= max, `at most ${max} bytes`);
const iso = z.string().refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString() === s, 'ISO-8601');
const SEVERITY_LABELS = ['INFORMATIONAL', 'LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

/** Namespace/Category[/Classifier]: "Software and Configuration Checks" is one of ASFF's namespaces. */
const asffType = z.string().regex(/^Software and Configuration Checks\/[^/]+(\/[^/]+)?$/);

const RequiredAsffSchema = z.object({
  SchemaVersion: z.literal('2018-10-08'),
  Id: text(512),
  ProductArn: z.string().regex(/^arn:aws[a-z-]*:securityhub:[a-z0-9-]+:(\d{12}):product\/\1\/default$/),
  GeneratorId: text(512),
  AwsAccountId: z.string().regex(/^\d{12}$/),
  Types: z.array(asffType).min(1).max(50),
  CreatedAt: iso,
  UpdatedAt: iso,
  Severity: z.object({ Label: z.enum(SEVERITY_LABELS) }),
  Title: text(ASFF_LIMITS.title),
  Description: text(ASFF_LIMITS.description),
  Resources: z
    .array(
      z.object({
        Type: text(256),
        Id: text(512),
        Partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']),
        Region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
      }),
    )
    .min(1)
    .max(32),
  Region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
  Compliance: z.object({ Status: z.enum(['PASSED', 'WARNING', 'FAILED', 'NOT_AVAILABLE']) }),
  RecordState: z.enum(['ACTIVE', 'ARCHIVED']),
  ProductFields: z
    .record(z.string().max(ASFF_LIMITS.productFieldKey), text(ASFF_LIMITS.productFieldValue))
    .refine((m) => Object.keys(m).length <= ASFF_LIMITS.productFields),
  FindingProviderFields: z.object({ Severity: z.object({ Label: z.enum(SEVERITY_LABELS) }), Types: z.array(asffType) }),
  Remediation: z.object({ Recommendation: z.object({ Text: text(ASFF_LIMITS.recommendation) }) }).optional(),
  Workflow: z.object({ Status: z.enum(['NEW', 'NOTIFIED', 'RESOLVED', 'SUPPRESSED']) }).optional(),
  Note: z.object({ Text: text(ASFF_LIMITS.note), UpdatedBy: text(512), UpdatedAt: iso }).optional(),
});

const CTX: AsffContext = { now: NOW, partition: 'aws', homeRegion: 'eu-central-1' };

const demoFindings = (now: Date = NOW): Finding[] =>
  evaluateChecks(CHECKS, readSnapshotFile(demoSnapshotPath()), now, { services: SERVICES });
const rowsOf = (findings: readonly Finding[]): ExportRow[] => findings.map((finding) => ({ finding }));

const aCloudsecFinding = (over: Partial<Finding> = {}): Finding => {
  const base = demoFindings().find((f) => f.source === 'cloudsec' && f.status === 'fail' && f.region !== 'global')!;
  return { ...base, ...over };
};

const AN_EXCEPTION: ExceptionNote = {
  id: 'ex_7f3a',
  source: 'slack',
  reason: 'Static website assets: public by design, reviewed by the web team.',
  owner: 'Dana Reyes',
  expiresAt: '2027-01-31T00:00:00.000Z',
};

describe('toAsff over the demo estate', () => {
  const findings = demoFindings();
  const asff = toAsff(rowsOf(findings), CTX);

  it('when the demo estate is exported, then every finding holds the required ASFF attributes within their limits', () => {
    expect(asff.length).toBeGreaterThan(300);
    const invalid = asff.flatMap((a) => {
      const parsed = RequiredAsffSchema.safeParse(a);
      return parsed.success ? [] : [`${a.Id}: ${z.prettifyError(parsed.error)}`];
    });
    expect(invalid).toEqual([]);
  });

  it("when some findings came from Security Hub, then they are not exported: they are Security Hub's already", () => {
    const fromHub = findings.filter((f) => f.source === 'securityhub');
    expect(fromHub.length).toBeGreaterThan(0);
    expect(asff).toHaveLength(findings.length - fromHub.length);
    expect(asff.every((a) => a.GeneratorId.startsWith('cloudsec/'))).toBe(true);
  });

  it('when the same estate is exported in two runs, then every Id is the same and only UpdatedAt moves', () => {
    const later = new Date(NOW.getTime() + 86_400_000);
    const again = toAsff(rowsOf(demoFindings(later)), { ...CTX, now: later });
    expect(again.map((a) => a.Id)).toEqual(asff.map((a) => a.Id));
    expect(new Set(asff.map((a) => a.Id)).size).toBe(asff.length);
    expect(again.every((a) => a.UpdatedAt === later.toISOString())).toBe(true);
    expect(asff.every((a) => a.UpdatedAt === NOW.toISOString())).toBe(true);
  });

  it('when a check could not be evaluated, then its finding is NOT_AVAILABLE and active, never PASSED', () => {
    const unknown = findings.filter((f) => f.source === 'cloudsec' && f.status === 'unknown');
    expect(unknown.length).toBeGreaterThan(0);
    const byId = new Map(asff.map((a) => [a.Id, a]));
    for (const f of unknown) {
      const a = byId.get(asffIdentifier(f, CTX).id)!;
      expect([a.Compliance.Status, a.RecordState]).toEqual(['NOT_AVAILABLE', 'ACTIVE']);
      expect(a.Title.startsWith('Could not check: ')).toBe(true);
    }
    // Whatever the finding, PASSED only ever comes from a pass.
    const passed = asff.filter((a) => a.Compliance.Status === 'PASSED').map((a) => a.ProductFields['cloudsec/status']);
    expect(new Set(passed)).toEqual(new Set(['pass']));
  });

  it('when a finding fails or passes, then it is FAILED and active, or PASSED and archived (closed in Security Hub)', () => {
    const states = new Set(
      asff.map((a) => `${a.ProductFields['cloudsec/status']} ${a.Compliance.Status} ${a.RecordState}`),
    );
    expect(states).toEqual(new Set(['fail FAILED ACTIVE', 'pass PASSED ARCHIVED', 'unknown NOT_AVAILABLE ACTIVE']));
  });

  it("when a finding is account-wide, then it goes to the home region under the account's default product", () => {
    const root = findings.find((f) => f.checkId === 'iam_root_access_keys_absent' && f.status === 'fail')!;
    const a = asff.find((x) => x.Id === asffIdentifier(root, CTX).id)!;
    expect(a).toMatchObject({
      Region: 'eu-central-1',
      ProductArn: `arn:aws:securityhub:eu-central-1:${root.accountId}:product/${root.accountId}/default`,
      AwsAccountId: root.accountId,
      Resources: [
        {
          Type: 'AwsAccount',
          Id: `AWS::::Account:${root.accountId}`,
          Partition: 'aws',
          Region: 'eu-central-1',
        },
      ],
    });
  });

  it('when a check maps to CIS, then the finding is typed as a CIS finding and names the requirement', () => {
    const root = findings.find((f) => f.checkId === 'iam_root_access_keys_absent' && f.status === 'fail')!;
    const a = asff.find((x) => x.Id === asffIdentifier(root, CTX).id)!;
    expect(a.Types).toEqual([ASFF_TYPES.bestPractices, ASFF_TYPES.cis]);
    expect(a.FindingProviderFields.Types).toEqual(a.Types);
    expect(a.Compliance.RelatedRequirements).toEqual(['CIS AWS Foundations Benchmark v3.0.0/1.4']);
    expect(a.Severity).toEqual({ Label: 'CRITICAL', Original: 'critical' });
    expect(a.FindingProviderFields.Severity).toEqual(a.Severity);
    expect(a.ProductFields).toMatchObject({
      'cloudsec/finding_id': root.id,
      'cloudsec/check_id': 'iam_root_access_keys_absent',
      'cloudsec/cis': '1.4',
      'cloudsec/securityhub_control': 'IAM.4',
    });
    expect(a.Remediation?.Recommendation.Text).toBe(
      CHECKS.find((c) => c.id === 'iam_root_access_keys_absent')!.remediationText,
    );
  });

  it('when a regional finding is exported, then it stays in its own region with its ARN as resource id', () => {
    const regional = findings.find((f) => f.source === 'cloudsec' && f.region !== 'global' && f.resource.arn)!;
    const a = asff.find((x) => x.Id === asffIdentifier(regional, CTX).id)!;
    expect(a.Region).toBe(regional.region);
    expect(a.ProductArn).toContain(`:securityhub:${regional.region}:${regional.accountId}:`);
    expect(a.Resources[0]).toMatchObject({ Id: regional.resource.arn, Region: regional.region });
  });
});

describe('toAsff for accepted risks', () => {
  it('when a failing finding is excepted, then it names the exception and is imported suppressed with a note', () => {
    const finding = aCloudsecFinding();
    const [a] = toAsff([{ finding, exception: AN_EXCEPTION }], CTX);
    expect(a!.ProductFields).toMatchObject({
      'cloudsec/exception_id': 'ex_7f3a',
      'cloudsec/exception_source': 'slack',
      'cloudsec/exception_owner': 'Dana Reyes',
      'cloudsec/exception_expires_at': '2027-01-31T00:00:00.000Z',
      'cloudsec/exception_reason': AN_EXCEPTION.reason,
    });
    expect(a!.Workflow).toEqual({ Status: 'SUPPRESSED' });
    expect(a!.Note).toEqual({
      Text: `Accepted risk ex_7f3a (slack), owner Dana Reyes, until 2027-01-31T00:00:00.000Z: ${AN_EXCEPTION.reason}`,
      UpdatedBy: 'cloudsec',
      UpdatedAt: NOW.toISOString(),
    });
    // Still a failure: the risk is accepted, not gone.
    expect([a!.Compliance.Status, a!.RecordState]).toEqual(['FAILED', 'ACTIVE']);
  });

  it('when a finding is not excepted, then it sets no workflow or note (those belong to Security Hub users)', () => {
    const [a] = toAsff([{ finding: aCloudsecFinding() }], CTX);
    expect(a!.Workflow).toBeUndefined();
    expect(a!.Note).toBeUndefined();
    expect(Object.keys(a!.ProductFields).filter((k) => k.startsWith('cloudsec/exception'))).toEqual([]);
  });

  it('when an excepted finding passes now, then it is archived and not suppressed', () => {
    const [a] = toAsff([{ finding: aCloudsecFinding({ status: 'pass' }), exception: AN_EXCEPTION }], CTX);
    expect([a!.Compliance.Status, a!.RecordState, a!.Workflow]).toEqual(['PASSED', 'ARCHIVED', undefined]);
    expect(a!.ProductFields['cloudsec/exception_id']).toBe('ex_7f3a');
  });
});

describe('toAsff limits', () => {
  it('when the text is longer than ASFF allows, then it is clipped with an ellipsis within the limit', () => {
    const long = 'Bucket é'.repeat(400);
    const finding = aCloudsecFinding({ title: long, message: long });
    const [a] = toAsff([{ finding, exception: { ...AN_EXCEPTION, reason: long.repeat(2) } }], CTX);
    expect(RequiredAsffSchema.safeParse(a).success).toBe(true);
    expect(a!.Title.endsWith('…')).toBe(true);
    expect(utf8(a!.Title)).toBeLessThanOrEqual(256);
    expect(utf8(a!.Description)).toBeLessThanOrEqual(1024);
    expect(utf8(a!.Note!.Text)).toBeLessThanOrEqual(512);
    expect(utf8(a!.ProductFields['cloudsec/exception_reason']!)).toBeLessThanOrEqual(2048);
  });

  it('when a character straddles the limit, then it is never cut in half', () => {
    expect(clip('ab😀cd', 6)).toBe('ab…');
    expect(clip('short', 6)).toBe('short');
    expect(clip('😀😀😀', 7)).toBe('😀…');
  });

  it("when the resource's tags are known, then they are carried, bounded", () => {
    const tags = Object.fromEntries(Array.from({ length: 60 }, (_, i) => [`k${i}`, 'v'.repeat(300)]));
    const [a] = toAsff([{ finding: aCloudsecFinding({ resource: { ...aCloudsecFinding().resource, tags } }) }], CTX);
    const carried = a!.Resources[0]!.Tags!;
    expect(Object.keys(carried)).toHaveLength(50);
    expect(Object.values(carried).every((v) => utf8(v) <= 256)).toBe(true);
  });
});

describe('rowsToPublish', () => {
  const findings = demoFindings();
  const rows = rowsOf(findings).map((r, i) => (i === 0 ? { ...r, exception: AN_EXCEPTION } : r));

  it('when only failed findings are wanted, then failing and excepted cloudsec findings are kept, nothing else', () => {
    const kept = rowsToPublish(rows, { onlyFailed: true });
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.every((r) => r.finding.source === 'cloudsec' && (r.finding.status === 'fail' || r.exception))).toBe(
      true,
    );
    expect(kept).toHaveLength(
      rows.filter((r) => r.finding.source === 'cloudsec' && (r.finding.status === 'fail' || r.exception)).length,
    );
  });

  it("when everything is wanted, then passing and unknown ones are kept too, Security Hub's own still not", () => {
    const kept = rowsToPublish(rows, { onlyFailed: false });
    expect(kept).toHaveLength(findings.filter((f) => f.source === 'cloudsec').length);
  });
});

describe('renderAsff', () => {
  it('when rendered, then it is the JSON array toAsff gives', () => {
    const rows = rowsOf(demoFindings().slice(0, 5));
    expect(JSON.parse(renderAsff(rows, CTX)) as AsffFinding[]).toEqual(toAsff(rows, CTX));
  });
});
