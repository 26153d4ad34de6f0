import {
  GLOBAL_REGION,
  absentSlices,
  hasSlices,
  type AccountSnapshot,
  type AccountSnapshotWith,
  type CollectError,
  type Fact,
  type FindingStatus,
  type ResourceRef,
  type Service,
  type Severity,
} from '../model';
import type { CheckSettings } from '../check-settings';
import { errorText } from '../error-text';
import { accountResource } from '../resources';

/**
 * What a check is evaluated on. `R` is the list of services the check `requires`: their slices are
 * present in `account` (the check is only evaluated when they were collected), every other slice may
 * be absent. Without `R`, no slice is promised.
 */
export interface CheckContext<R extends readonly Service[] = readonly []> {
  account: AccountSnapshotWith<R[number]>;
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

/** What every check says about itself, whatever it reads. */
interface CheckMetadata {
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
  /** Id of the remediation in src/core/remediations that fixes it, if any. */
  remediation: string | null;
}

/**
 * A check as its file writes it. `requires` lists the snapshot slices it reads (the collector gathers
 * only these), and `evaluate` sees exactly those slices as present: reading one it did not list is a
 * type error, so a check cannot depend on data nobody collected for it.
 */
export interface CheckSpec<R extends readonly Service[]> extends CheckMetadata {
  requires: R;
  // NoInfer: `R` is read from `requires` only, so a shared evaluator typed for fewer slices still fits.
  evaluate: (ctx: CheckContext<NoInfer<R>>) => CheckResult[];
}

/**
 * A check in the catalog, whatever slices it reads: what `defineCheck` returns and `CHECKS` lists.
 * Its `evaluate` takes any account snapshot and is total: when a required slice was not collected it
 * returns one `unknown` result saying so, without running the check's own evaluation.
 */
export interface AnyCheck extends CheckMetadata {
  requires: readonly Service[];
  evaluate: (ctx: CheckContext) => CheckResult[];
}

/** The catalog's element type under its older name (importers across the app use it). */
export type CheckDefinition = AnyCheck;

/**
 * A check whose data is not in the snapshot (a file collected for other services, or an older
 * cloudsec that collected less) is reported, never skipped: a check that silently vanishes reads
 * as "nothing wrong" in a count, a digest or a CI gate.
 */
const notCollected = (check: CheckMetadata, account: AccountSnapshot, absent: readonly Service[]): CheckResult => ({
  status: 'unknown',
  resource: accountResource(account),
  region: GLOBAL_REGION,
  message: `Could not check: the ${absent.join(' and ')} data this check reads was not collected in this snapshot; collect it again (\`cloudsec collect --service ${check.service}\` gathers everything the ${check.service} checks read).`,
  evidence: { notCollected: [...absent] },
});

/**
 * Declares a check. The spec's `evaluate` runs only on an account holding every slice the spec
 * `requires` (the guard below is what makes its typed promise true); otherwise the check reports
 * `unknown` with the reason, so a missing slice is neither a crash nor a pass.
 */
export const defineCheck = <const R extends readonly Service[]>(spec: CheckSpec<R>): AnyCheck => ({
  ...spec,
  evaluate: (ctx) => {
    const { account } = ctx;
    return hasSlices(account, spec.requires)
      ? spec.evaluate({ ...ctx, account })
      : [notCollected(spec, account, absentSlices(account, spec.requires))];
  },
});

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
