import type { AccountSnapshot, CollectError, Fact, FindingStatus, ResourceRef, Service, Severity } from '../model';
import type { CheckSettings } from '../check-settings';
import { errorText } from '../error-text';
import { GLOBAL_REGION } from '../model';

export interface CheckContext {
  account: AccountSnapshot;
  /** Evaluation time, passed in so checks stay pure and testable. */
  now: Date;
  /** Operator settings (cloudsec.yml `checks:`). Absent: the defaults, which exempt nothing. */
  settings?: CheckSettings;
}

/** What a check says about one resource; the engine turns it into a Finding with the check's metadata. */
export interface CheckResult {
  status: FindingStatus;
  resource: ResourceRef;
  region: string;
  message: string;
  evidence: Record<string, unknown>;
  /** This result's severity when it differs from the check's (an expected break-glass admin is reported lower). */
  severity?: Severity;
  /**
   * `false`: the check's remediation cannot act on this result (a trail owned by another account),
   * so the finding offers no Remediate button whose plan could only refuse.
   */
  remediable?: false;
}

export interface CheckDefinition {
  /** `<service>_<resource>_<condition>`, equal to the file name. */
  id: string;
  service: Service;
  severity: Severity;
  /** The desired state, shown for passing and unknown results ("S3 bucket blocks public access"). */
  title: string;
  /**
   * What is wrong, shown wherever a failing finding is listed ("S3 bucket is public through its bucket
   * policy"): a failing item headed by the desired state reads as a pass to someone skimming a digest.
   */
  failTitle: string;
  /** Why it matters, in a sentence or two. */
  rationale: string;
  /** How a human fixes it (console or CLI), whether or not cloudsec can. */
  remediationText: string;
  frameworks: { cis: string | null; securityHub: string | null };
  /** Snapshot slices the check reads; the collector gathers only these. */
  requires: readonly Service[];
  /** Id of the remediation in src/core/remediations that fixes it, if any. */
  remediation: string | null;
  evaluate: (ctx: CheckContext) => CheckResult[];
}

export const defineCheck = (check: CheckDefinition): CheckDefinition => check;

export const pass = (
  resource: ResourceRef,
  region: string,
  message: string,
  evidence: Record<string, unknown> = {},
): CheckResult => ({ status: 'pass', resource, region, message, evidence });

export const fail = (
  resource: ResourceRef,
  region: string,
  message: string,
  evidence: Record<string, unknown> = {},
): CheckResult => ({ status: 'fail', resource, region, message, evidence });

export const unknownFrom = (resource: ResourceRef, region: string, error: CollectError): CheckResult => ({
  status: 'unknown',
  resource,
  region,
  message: describeCollectError(error),
  evidence: {
    // Only a refusal names a permission to grant: a timeout or a throttled call is not fixed by IAM.
    ...(error.kind === 'access-denied' ? { missingPermission: error.permission } : {}),
    errorKind: error.kind,
    errorCode: error.code,
    operation: error.operation,
  },
});

/** Longest sentence describeCollectError returns: it must fit a table cell and a Slack section line. */
export const COLLECT_ERROR_TEXT_MAX = 400;

/**
 * Why a value is missing and what to do about it, as one line (no newline, at most
 * COLLECT_ERROR_TEXT_MAX characters, secrets and the caller's ARN removed): each kind names its own
 * next step, so nobody is told to grant a permission to fix a DNS failure.
 */
export const describeCollectError = (error: CollectError): string => {
  const op = errorText(error.operation, 80);
  const code = errorText(error.code, 80);
  const region = error.region ? errorText(error.region, 40) : null;
  const where = region && region !== GLOBAL_REGION ? ` in ${region}` : '';
  const detail = errorText(error.message, 160);
  const because = detail ? `${code}: ${detail}` : code;
  // Snapshots recorded before `unreachable` existed filed a DNS failure under region-unavailable.
  const kind = error.kind === 'region-unavailable' && /^E[A-Z_]+$/.test(error.code) ? 'unreachable' : error.kind;
  const sentence = ((): string => {
    switch (kind) {
      case 'access-denied':
        return `Could not check: cloudsec needs ${errorText(error.permission, 100)} (${code}); grant it to the role cloudsec uses and run the check again.`;
      case 'region-unavailable':
        return `Could not check: region ${region ?? '?'} is not enabled for this account (${code}); enable the region or leave it out of the regions cloudsec scans.`;
      case 'throttled':
        return `Could not check: AWS kept throttling ${op}${where} (${code}); run the check again later.`;
      case 'unreachable':
        return `Could not check: cloudsec could not reach AWS for ${op}${where} (${because}); check network access to AWS (DNS, proxy, firewall) and run the check again.`;
      case 'unsupported':
        return `Could not check: ${op} is not available${where} (${code}); AWS does not offer this service or operation there, so leave that region out of the regions cloudsec scans.`;
      case 'malformed':
        return `Could not check: AWS's answer to ${op}${where} could not be read (${because}); a proxy may be answering for AWS: check network access and run the check again.`;
      default:
        return `Could not check: ${op}${where} failed (${because}); run the check again, and see cloudsec's logs if it keeps failing.`;
    }
  })();
  return errorText(sentence, COLLECT_ERROR_TEXT_MAX);
};

/**
 * Evaluate `fn` on a collected value, or report one `unknown` result on `resource` when the value
 * could not be collected. This is how a refused API call becomes an honest "unknown" rather than a pass.
 */
export const withFact = <T>(
  f: Fact<T>,
  resource: ResourceRef,
  region: string,
  fn: (value: T) => CheckResult[],
): CheckResult[] => (f.ok ? fn(f.value) : [unknownFrom(resource, region, f.error)]);

/** Same as withFact for a single result. */
export const withFactOne = <T>(f: Fact<T>, resource: ResourceRef, region: string, fn: (value: T) => CheckResult) =>
  withFact(f, resource, region, (v) => [fn(v)]);
