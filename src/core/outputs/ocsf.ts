import { checkCatalog } from '../checks/catalog';
import type { AnyCheck } from '../checks/define';
import type { ExportRow, ExceptionNote } from '../exceptions/model';
import { GLOBAL_REGION, type Finding, type FindingStatus, type Severity } from '../model';
import { headingOf } from '../render/headline';

/**
 * Findings as OCSF events, for SIEMs and data lakes.
 *
 * Class: Compliance Finding (class_uid 2003, category Findings = 2) of OCSF 1.3.0. cloudsec's
 * results are configuration evaluations against controls (CIS AWS Foundations, Security Hub
 * controls), which is what that class describes; Detection Finding (2004) is for detections of
 * activity. 1.3.0 is the first release with `resources` (an array) on this class; the `cloud`
 * profile is applied (metadata.profiles), which makes `cloud` required.
 *
 * Output: one pretty-printed JSON array (like `--format json` and Prowler's json-ocsf), one event
 * per finding, in the order given. The required attributes and the enum values used here are
 * checked against the schema pieces in test/fixtures/ocsf/ (see its README for their sources).
 *
 * Status mapping (fail closed: nothing that was not seen to pass is reported as passing):
 * - fail → status New, compliance Fail; unknown → status New, compliance Warning ("did not yield
 *   a result due to missing information", OCSF's words for exactly our `unknown`), never Pass;
 * - pass → status Resolved, compliance Pass, activity Close (this finding id is closed);
 * - a failing or unknown finding hidden by an accepted risk → status Suppressed, the exception
 *   in `status_detail` and `unmapped.cloudsec.exception`; its compliance status stays Fail/Warning.
 */

export const OCSF_VERSION = '1.3.0';

export const OCSF_CATEGORY = { uid: 2, name: 'Findings' } as const;
export const OCSF_CLASS = { uid: 2003, name: 'Compliance Finding' } as const;

/** What the writer needs besides the rows; time comes in as a value (the core has no clock). */
export interface OcsfContext {
  /** When the export was made (metadata.processed_time). */
  now: Date;
  /** cloudsec's version (metadata.product.version). */
  productVersion: string;
  /** Account id → display name (cloud.account.name), when known. */
  accountNames?: ReadonlyMap<string, string>;
}

/** OCSF severity_id: 1 Informational … 5 Critical (base_event enum). */
const SEVERITY: Record<Severity, { id: number; name: string }> = {
  informational: { id: 1, name: 'Informational' },
  low: { id: 2, name: 'Low' },
  medium: { id: 3, name: 'Medium' },
  high: { id: 4, name: 'High' },
  critical: { id: 5, name: 'Critical' },
};

/** compliance.status_id (compliance object enum). */
const COMPLIANCE: Record<FindingStatus, { id: number; name: string }> = {
  pass: { id: 1, name: 'Pass' },
  unknown: { id: 2, name: 'Warning' },
  fail: { id: 3, name: 'Fail' },
};

/** Finding status_id (finding class enum). */
const FINDING_STATUS = {
  new: { id: 1, name: 'New' },
  suppressed: { id: 3, name: 'Suppressed' },
  resolved: { id: 4, name: 'Resolved' },
} as const;

/** Finding activity_id (finding class enum). */
const ACTIVITY = { create: { id: 1, name: 'Create' }, close: { id: 3, name: 'Close' } } as const;

const STATUS_CODE: Record<FindingStatus, string> = { fail: 'FAIL', unknown: 'UNKNOWN', pass: 'PASS' };

/** OCSF account type_id 10 = "AWS Account". */
const AWS_ACCOUNT = { type_id: 10, type: 'AWS Account' } as const;

const CIS_STANDARD = 'CIS AWS Foundations Benchmark v3.0.0';
const SECURITY_HUB_STANDARD = 'AWS Security Hub';
/** A check mapped to no framework is still measured against something: cloudsec's own catalog. */
const CLOUDSEC_STANDARD = 'cloudsec AWS checks';

export interface OcsfAccount {
  uid: string;
  name?: string;
  type: string;
  type_id: number;
}

export interface OcsfResource {
  uid: string;
  name: string;
  type: string;
  region?: string;
  cloud_partition?: string;
  labels?: string[];
}

/** One Compliance Finding event (the attributes cloudsec fills). */
export interface OcsfComplianceFinding {
  activity_id: number;
  activity_name: string;
  category_uid: number;
  category_name: string;
  class_uid: number;
  class_name: string;
  type_uid: number;
  type_name: string;
  severity_id: number;
  severity: string;
  time: number;
  message: string;
  status_id: number;
  status: string;
  status_code: string;
  status_detail?: string;
  metadata: {
    version: string;
    profiles: string[];
    event_code: string;
    processed_time: number;
    product: { name: string; vendor_name: string; version: string; uid: string };
  };
  finding_info: { uid: string; title: string; desc: string; types: string[] };
  compliance: {
    standards: string[];
    requirements?: string[];
    control: string;
    status_id: number;
    status: string;
    status_detail?: string;
  };
  resources: OcsfResource[];
  cloud: { provider: string; region?: string; account: OcsfAccount };
  remediation?: { desc: string };
  unmapped: { cloudsec: Record<string, unknown> };
}

// Built at the first export: the catalog loads then (checks/catalog.ts).
let catalog: Map<string, AnyCheck> | undefined;
const catalogCheck = (id: string) => (catalog ??= new Map(checkCatalog().map((c) => [c.id, c]))).get(id);

/**
 * How to fix it, in words: the check's own text; for a Security Hub finding, the text of the
 * cloudsec check that names the same control, else a pointer to the control. Nothing when no
 * source says anything (remediation is recommended, not required; an invented text is worse).
 */
const remediationText = (f: Finding): string | null => {
  const own = catalogCheck(f.checkId)?.remediationText;
  if (own) return own;
  const control = f.frameworks.securityHub;
  if (!control) return null;
  const sibling = checkCatalog().find((c) => c.frameworks.securityHub === control)?.remediationText;
  return sibling ?? `Follow the remediation guidance of AWS Security Hub control ${control}.`;
};

/** The partition an ARN names (aws, aws-cn, aws-us-gov); none without an ARN, never a guess. */
const partitionOf = (arn: string | null): string | undefined => {
  const m = arn === null ? null : /^arn:([a-z][a-z0-9-]*):/.exec(arn);
  return m?.[1];
};

/** `global` is cloudsec's name for account-wide resources, not an AWS region: it is left out. */
const awsRegion = (region: string): string | undefined =>
  region === GLOBAL_REGION || region.trim() === '' ? undefined : region;

const describeException = (e: ExceptionNote): string =>
  `Accepted risk ${e.id} (${e.source}): ${e.reason} — owner ${e.owner}, expires ${e.expiresAt}`;

const standardsOf = (f: Finding): { standards: string[]; requirements: string[] } => {
  const { cis, securityHub } = f.frameworks;
  const standards: string[] = [];
  const requirements: string[] = [];
  if (cis) {
    standards.push(CIS_STANDARD);
    requirements.push(`${CIS_STANDARD} ${cis}`);
  }
  if (securityHub) {
    standards.push(SECURITY_HUB_STANDARD);
    requirements.push(`${SECURITY_HUB_STANDARD} ${securityHub}`);
  }
  if (standards.length === 0) standards.push(CLOUDSEC_STANDARD);
  return { standards, requirements };
};

/** One finding (with the accepted risk that hides it, if any) as one Compliance Finding event. */
export const toOcsf = ({ finding: f, exception }: ExportRow, ctx: OcsfContext): OcsfComplianceFinding => {
  const severity = SEVERITY[f.severity];
  const compliance = COMPLIANCE[f.status];
  const suppressed = exception !== undefined && f.status !== 'pass';
  const status =
    f.status === 'pass' ? FINDING_STATUS.resolved : suppressed ? FINDING_STATUS.suppressed : FINDING_STATUS.new;
  const activity = f.status === 'pass' ? ACTIVITY.close : ACTIVITY.create;
  const observed = Date.parse(f.observedAt);
  const region = awsRegion(f.region);
  const partition = partitionOf(f.resource.arn);
  const accountName = ctx.accountNames?.get(f.accountId);
  const tags = f.resource.tags;
  const remediation = remediationText(f);
  const { standards, requirements } = standardsOf(f);
  // A finding without a title still needs one (finding_info.title is required): its check id.
  const title = headingOf(f).trim() || f.checkId;
  const statusDetail = suppressed ? describeException(exception) : f.status === 'unknown' ? f.message : undefined;

  return {
    activity_id: activity.id,
    activity_name: activity.name,
    category_uid: OCSF_CATEGORY.uid,
    category_name: OCSF_CATEGORY.name,
    class_uid: OCSF_CLASS.uid,
    class_name: OCSF_CLASS.name,
    type_uid: OCSF_CLASS.uid * 100 + activity.id,
    type_name: `${OCSF_CLASS.name}: ${activity.name}`,
    severity_id: severity.id,
    severity: severity.name,
    // An unreadable observation time falls back to the export time; the raw value stays in `unmapped`.
    time: Number.isNaN(observed) ? ctx.now.getTime() : observed,
    message: f.message,
    status_id: status.id,
    status: status.name,
    status_code: STATUS_CODE[f.status],
    ...(statusDetail !== undefined ? { status_detail: statusDetail } : {}),
    metadata: {
      version: OCSF_VERSION,
      profiles: ['cloud'],
      event_code: f.checkId,
      processed_time: ctx.now.getTime(),
      product: { name: 'cloudsec', vendor_name: 'cloudsec', version: ctx.productVersion, uid: 'cloudsec' },
    },
    finding_info: {
      // cloudsec's finding id is stable across scans (source, check, account, region, resource):
      // a re-run updates the same finding in the SIEM instead of adding one.
      uid: f.id,
      title,
      desc: f.message,
      types: [f.checkId],
    },
    compliance: {
      standards,
      ...(requirements.length > 0 ? { requirements } : {}),
      control: f.frameworks.securityHub ?? (f.frameworks.cis ? `CIS ${f.frameworks.cis}` : f.checkId),
      status_id: compliance.id,
      status: compliance.name,
      ...(f.status !== 'pass' ? { status_detail: f.message } : {}),
    },
    resources: [
      {
        uid: f.resource.arn ?? f.resource.id,
        name: f.resource.id,
        type: f.resource.type,
        ...(region ? { region } : {}),
        ...(partition ? { cloud_partition: partition } : {}),
        // Absent tags are unknown, not "no tags": only a known tag set is written.
        ...(tags ? { labels: Object.entries(tags).map(([k, v]) => `${k}=${v}`) } : {}),
      },
    ],
    cloud: {
      provider: 'AWS',
      ...(region ? { region } : {}),
      account: { uid: f.accountId, ...(accountName ? { name: accountName } : {}), ...AWS_ACCOUNT },
    },
    ...(remediation ? { remediation: { desc: remediation } } : {}),
    unmapped: {
      cloudsec: {
        finding_id: f.id,
        check_id: f.checkId,
        source: f.source,
        service: f.service,
        region: f.region,
        status: f.status,
        observed_at: f.observedAt,
        remediation_id: f.remediationId,
        evidence: f.evidence,
        ...(exception
          ? {
              exception: {
                id: exception.id,
                source: exception.source,
                reason: exception.reason,
                owner: exception.owner,
                expires_at: exception.expiresAt,
              },
            }
          : {}),
      },
    },
  };
};

/** All rows as one pretty-printed JSON array of Compliance Finding events, newline-terminated. */
export const writeOcsf = (rows: readonly ExportRow[], ctx: OcsfContext): string =>
  JSON.stringify(
    rows.map((r) => toOcsf(r, ctx)),
    null,
    2,
  ) + '\n';
