import type { AccountSnapshot, CollectError, Fact, FindingStatus, ResourceRef, Service, Severity } from '../model';

export interface CheckContext {
  account: AccountSnapshot;
  /** Evaluation time, passed in so checks stay pure and testable. */
  now: Date;
}

/** What a check says about one resource; the engine turns it into a Finding with the check's metadata. */
export interface CheckResult {
  status: FindingStatus;
  resource: ResourceRef;
  region: string;
  message: string;
  evidence: Record<string, unknown>;
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
  evidence: { missingPermission: error.permission, errorCode: error.code, operation: error.operation },
});

export const describeCollectError = (error: CollectError): string => {
  switch (error.kind) {
    case 'access-denied':
      return `Could not check: cloudsec needs ${error.permission} (${error.code}).`;
    case 'region-unavailable':
      return `Could not check: region ${error.region ?? '?'} is not enabled or not supported (${error.code}).`;
    case 'throttled':
      return `Could not check: AWS kept throttling ${error.operation} (${error.code}); try again later.`;
    default:
      return `Could not check: ${error.operation} failed (${error.code}: ${error.message}).`;
  }
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
