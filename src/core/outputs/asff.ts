import type { AwsSecurityFinding, Partition as AsffPartition } from '@aws-sdk/client-securityhub';
import { checkCatalog } from '../checks/catalog';
import type { AnyCheck } from '../checks/define';
import { CIS_BENCHMARK } from '../cis-catalog';
import type { ExceptionNote, ExportRow } from '../exceptions/model';
import { GLOBAL_REGION, type Finding, type FindingStatus, type Severity } from '../model';

/**
 * cloudsec's findings in the AWS Security Finding Format (ASFF), as `BatchImportFindings` takes them
 * (`--format asff`, `cloudsec publish --security-hub`). Pure: the time, the partition and the home
 * region come in as values.
 *
 * - **Where a finding goes.** A custom integration imports under its account's default product,
 *   `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`, and only that account
 *   may import it (Security Hub user guide, "BatchImportFindings for finding providers": the caller's
 *   account must equal the finding's `AwsAccountId`; an administrator cannot import for members).
 *   A regional finding goes to its region; an account-wide one (IAM, the S3 account settings, region
 *   `global`) goes to the home region, so it is in exactly one place.
 * - **Re-runs update, never duplicate.** `Id` is derived from cloudsec's stable finding id (same
 *   check, account, region and resource → same id); Security Hub updates a finding whose `Id` it
 *   knows when `UpdatedAt` is later, so `UpdatedAt` is the time of this run.
 * - **Status.** fail → `Compliance.Status: FAILED`, `RecordState: ACTIVE`; pass → `PASSED`,
 *   `ARCHIVED` (a fixed finding is closed in Security Hub); unknown → `NOT_AVAILABLE`, `ACTIVE` —
 *   "could not check" never reads as passed.
 * - **Accepted risks.** An excepted finding names its exception in `ProductFields`
 *   (`cloudsec/exception_id`, …) and is imported with `Workflow.Status: SUPPRESSED` and a note.
 *   Security Hub honours `Workflow` and `Note` only when it creates a finding; afterwards they belong
 *   to its users and change only through `BatchUpdateFindings` (src/aws/securityhub-workflow.ts),
 *   which is how an exception approved, revoked or expired later reaches Security Hub.
 * - **Severity and types** go top-level (required when a finding is created) and in
 *   `FindingProviderFields`, the only place a provider's later updates of them are read.
 * - **Security Hub's own findings** (source `securityhub`) are never exported: they are already
 *   there, and importing them would make cloudsec their author.
 * - **Limits.** Title ≤ 256, Description ≤ 1024, Remediation text and Note ≤ 512, ProductFields at
 *   most 50 pairs (keys ≤ 128, values ≤ 2048): longer text is clipped with "…", never rejected.
 */

export const ASFF_SCHEMA_VERSION = '2018-10-08';

// The marks of cloudsec's own findings live apart (asff-marks.ts): readers of Security Hub need them
// without this module's checks catalog.
import { CLOUDSEC_FINDING_FIELD, CLOUDSEC_GENERATOR_PREFIX } from './asff-marks';
export { CLOUDSEC_FINDING_FIELD, CLOUDSEC_GENERATOR_PREFIX };

export const ASFF_LIMITS = {
  title: 256,
  description: 1024,
  recommendation: 512,
  note: 512,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  resourceTags: 50,
  tagKey: 128,
  tagValue: 256,
} as const;

/** The ASFF `Types` of every cloudsec finding, and the one added when the check maps to CIS. */
export const ASFF_TYPES = {
  bestPractices: 'Software and Configuration Checks/AWS Security Best Practices',
  cis: 'Software and Configuration Checks/Industry and Regulatory Standards/CIS AWS Foundations Benchmark',
} as const;

type SeverityLabel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW' | 'INFORMATIONAL';
type ComplianceStatus = 'PASSED' | 'FAILED' | 'NOT_AVAILABLE';

export interface AsffResource {
  Type: string;
  Id: string;
  Partition: AsffPartition;
  Region: string;
  Tags?: Record<string, string>;
}

/** What cloudsec sends: the required ASFF attributes and the optional ones it fills. */
export interface AsffFinding {
  SchemaVersion: typeof ASFF_SCHEMA_VERSION;
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt: string;
  LastObservedAt: string;
  Severity: { Label: SeverityLabel; Original: Severity };
  FindingProviderFields: { Severity: { Label: SeverityLabel; Original: Severity }; Types: string[] };
  Title: string;
  Description: string;
  Remediation?: { Recommendation: { Text: string } };
  ProductFields: Record<string, string>;
  Resources: AsffResource[];
  Compliance: { Status: ComplianceStatus; RelatedRequirements?: string[] };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  /** Only on an excepted failing finding; Security Hub reads it when it creates the finding. */
  Workflow?: { Status: 'SUPPRESSED' };
  Note?: { Text: string; UpdatedBy: string; UpdatedAt: string };
}

// What is sent is the SDK's input type: a field renamed in the SDK breaks the build, not the import.
type Assignable = AsffFinding extends AwsSecurityFinding ? true : never;
const _assignable: Assignable = true;

export interface AsffContext {
  /** This run's time: `UpdatedAt`, so Security Hub takes the update over what it has. */
  now: Date;
  /** `aws`, `aws-us-gov`, `aws-cn`: for product ARNs and resources. */
  partition: string;
  /** Where account-wide (`global`) findings are imported. */
  homeRegion: string;
  /** The catalog the checks' remediation text and CIS ids come from (default: CHECKS). */
  checks?: readonly AnyCheck[];
}

/** The Security Hub identity of one exported finding: what BatchUpdateFindings names it by. */
export interface AsffIdentifier {
  id: string;
  productArn: string;
  accountId: string;
  region: string;
}

/** The default product of an account in a region: where a custom integration imports. */
export const defaultProductArn = (partition: string, region: string, accountId: string): string =>
  `arn:${partition}:securityhub:${region}:${accountId}:product/${accountId}/default`;

/** The region a finding is imported in: its own, or the home region for account-wide findings. */
export const asffRegion = (finding: Pick<Finding, 'region'>, homeRegion: string): string =>
  finding.region === GLOBAL_REGION ? homeRegion : finding.region;

/** Deterministic: the check and cloudsec's stable finding id (itself from account, region and resource). */
export const asffId = (finding: Pick<Finding, 'id' | 'checkId'>): string =>
  `${CLOUDSEC_GENERATOR_PREFIX}${finding.checkId}/${finding.id}`;

/**
 * How Security Hub names a finding cloudsec exported, without exporting it: for the accepted-risk
 * flow, which suppresses (and reopens) cloudsec's own published findings with BatchUpdateFindings.
 */
export const asffIdentifier = (
  finding: Pick<Finding, 'id' | 'checkId' | 'accountId' | 'region'>,
  ctx: Pick<AsffContext, 'partition' | 'homeRegion'>,
): AsffIdentifier => {
  const region = asffRegion(finding, ctx.homeRegion);
  return {
    id: asffId(finding),
    productArn: defaultProductArn(ctx.partition, region, finding.accountId),
    accountId: finding.accountId,
    region,
  };
};

/**
 * The rows `cloudsec publish` sends: cloudsec's own findings only; with `onlyFailed`, only failing
 * and excepted ones (a fixed finding is then not archived in Security Hub until a full publish).
 */
export const rowsToPublish = (rows: readonly ExportRow[], options: { onlyFailed: boolean }): ExportRow[] =>
  rows.filter(
    (r) =>
      r.finding.source === 'cloudsec' &&
      (!options.onlyFailed || r.finding.status === 'fail' || r.exception !== undefined),
  );

/** cloudsec's findings as ASFF, in the rows' order; Security Hub's own findings are left out. */
export const toAsff = (rows: readonly ExportRow[], ctx: AsffContext): AsffFinding[] => {
  const checks = new Map((ctx.checks ?? checkCatalog()).map((c) => [c.id, c]));
  return rows
    .filter((r) => r.finding.source === 'cloudsec')
    .map((r) => asffFinding(r, checks.get(r.finding.checkId), ctx));
};

/** `--format asff`: the findings as one JSON array (each element a BatchImportFindings finding). */
export const renderAsff = (rows: readonly ExportRow[], ctx: AsffContext): string =>
  `${JSON.stringify(toAsff(rows, ctx), null, 2)}\n`;

const COMPLIANCE: Record<FindingStatus, ComplianceStatus> = {
  fail: 'FAILED',
  pass: 'PASSED',
  // Not evaluated is not passed: it stays active, marked as unknown.
  unknown: 'NOT_AVAILABLE',
};

const asffFinding = (row: ExportRow, check: AnyCheck | undefined, ctx: AsffContext): AsffFinding => {
  const f = row.finding;
  const now = ctx.now.toISOString();
  const { id, productArn, region } = asffIdentifier(f, ctx);
  const severity = { Label: f.severity.toUpperCase() as SeverityLabel, Original: f.severity };
  const types = f.frameworks.cis ? [ASFF_TYPES.bestPractices, ASFF_TYPES.cis] : [ASFF_TYPES.bestPractices];
  const suppressed = row.exception !== undefined && f.status === 'fail';
  const title = f.status === 'unknown' ? `Could not check: ${f.title}` : f.title;
  const description = [f.message, check?.rationale].filter((s) => s && s.trim() !== '').join(' ');
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: id,
    ProductArn: productArn,
    ProductName: 'cloudsec',
    CompanyName: 'cloudsec',
    GeneratorId: `${CLOUDSEC_GENERATOR_PREFIX}${f.checkId}`,
    AwsAccountId: f.accountId,
    Region: region,
    Types: types,
    // Export rows carry no first-seen time: the finding is "created" when this run observed it.
    CreatedAt: f.observedAt,
    UpdatedAt: now,
    FirstObservedAt: f.observedAt,
    LastObservedAt: f.observedAt,
    Severity: severity,
    FindingProviderFields: { Severity: severity, Types: types },
    Title: clip(title.trim() || f.checkId, ASFF_LIMITS.title),
    Description: clip(description.trim() || title.trim() || f.checkId, ASFF_LIMITS.description),
    ...(check?.remediationText?.trim()
      ? { Remediation: { Recommendation: { Text: clip(check.remediationText.trim(), ASFF_LIMITS.recommendation) } } }
      : {}),
    ProductFields: productFields(f, row.exception),
    Resources: [resourceOf(f, ctx.partition, region)],
    Compliance: {
      Status: COMPLIANCE[f.status],
      ...(f.frameworks.cis ? { RelatedRequirements: [`${CIS_BENCHMARK}/${f.frameworks.cis}`] } : {}),
    },
    RecordState: f.status === 'pass' ? 'ARCHIVED' : 'ACTIVE',
    ...(suppressed && row.exception
      ? {
          Workflow: { Status: 'SUPPRESSED' as const },
          Note: { Text: clip(exceptionText(row.exception), ASFF_LIMITS.note), UpdatedBy: 'cloudsec', UpdatedAt: now },
        }
      : {}),
  };
};

/** The note of an excepted finding: which accepted risk, whose, until when, why. */
export const exceptionText = (e: ExceptionNote): string =>
  `Accepted risk ${e.id} (${e.source}), owner ${e.owner}, until ${e.expiresAt}: ${e.reason}`;

const productFields = (f: Finding, exception: ExceptionNote | undefined): Record<string, string> => {
  const fields: [string, string | null][] = [
    [CLOUDSEC_FINDING_FIELD, f.id],
    ['cloudsec/check_id', f.checkId],
    ['cloudsec/status', f.status],
    ['cloudsec/service', f.service],
    ['cloudsec/resource_id', f.resource.id],
    ['cloudsec/remediation_id', f.remediationId],
    ['cloudsec/cis', f.frameworks.cis],
    ['cloudsec/securityhub_control', f.frameworks.securityHub],
    ['cloudsec/exception_id', exception?.id ?? null],
    ['cloudsec/exception_source', exception?.source ?? null],
    ['cloudsec/exception_owner', exception?.owner ?? null],
    ['cloudsec/exception_expires_at', exception?.expiresAt ?? null],
    ['cloudsec/exception_reason', exception?.reason ?? null],
  ];
  return Object.fromEntries(
    fields
      .filter((e): e is [string, string] => e[1] !== null && e[1].trim() !== '')
      .slice(0, ASFF_LIMITS.productFields)
      .map(([k, v]) => [k, clip(v, ASFF_LIMITS.productFieldValue)]),
  );
};

const resourceOf = (f: Finding, partition: string, region: string): AsffResource => {
  const tags = Object.entries(f.resource.tags ?? {})
    .filter(([k]) => k.length > 0 && k.length <= ASFF_LIMITS.tagKey)
    .slice(0, ASFF_LIMITS.resourceTags)
    .map(([k, v]) => [k, clip(v, ASFF_LIMITS.tagValue)] as const);
  return {
    Type: f.resource.type,
    // Security Hub names an account resource `AWS::::Account:<id>`; everything else by its ARN.
    Id: f.resource.arn ?? (f.resource.type === 'AwsAccount' ? `AWS::::Account:${f.resource.id}` : f.resource.id),
    // The partition of the account's ARNs (`aws`, `aws-cn`, `aws-us-gov`); Security Hub checks the value.
    Partition: partition as AsffPartition,
    Region: region,
    ...(tags.length > 0 ? { Tags: Object.fromEntries(tags) } : {}),
  };
};

const encoder = new TextEncoder();

/**
 * At most `max` UTF-8 bytes (a character is at most one byte of a limit counted in characters, so
 * this holds whichever way Security Hub counts), cut at a character boundary and marked with "…".
 */
export const clip = (text: string, max: number): string => {
  if (encoder.encode(text).length <= max) return text;
  const ellipsis = '…';
  let budget = max - encoder.encode(ellipsis).length;
  let out = '';
  for (const ch of text) {
    const size = encoder.encode(ch).length;
    if (size > budget) break;
    budget -= size;
    out += ch;
  }
  return out + ellipsis;
};
