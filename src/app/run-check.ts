import type { CheckDefinition } from '../core/checks/define';
import type { CheckSettings } from '../core/check-settings';
import { evaluateChecks, summarize, type Summary } from '../core/findings';
import { GLOBAL_REGION, SERVICES, type Finding, type Service, type Snapshot } from '../core/model';
import { CloudsecError } from '../errors';
import type { SnapshotRequest, SnapshotSource } from './snapshot-source';
import { checkRegionNames, describeUnknownRegion, isKnownRegion, suggestRegion } from '../aws/region-names';

export type ServiceSelector = Service | 'all';
export const SERVICE_SELECTORS: readonly ServiceSelector[] = [...SERVICES, 'all'];

/** The services a selector reports on. */
export const servicesFor = (selector: ServiceSelector): Service[] => (selector === 'all' ? [...SERVICES] : [selector]);

/**
 * The snapshot slices to collect to report on `services`: every slice the checks of those services
 * `require` (CloudTrail's log-bucket checks read S3's buckets), and each reported service's own
 * slice (Security Hub's findings are read from its slice, not by a check). The checks' `requires`
 * are the one definition: the CLI, Slack, App Home, digests and remediation re-collects all
 * collect through this, so a check never runs on data nobody collected.
 */
export const slicesFor = (checks: readonly CheckDefinition[], services: readonly Service[]): Service[] => {
  const wanted = new Set<Service>();
  // A service no check reads yet (being added) is not collected, so an older snapshot still answers.
  for (const check of checks) {
    if (!services.includes(check.service)) continue;
    wanted.add(check.service);
    for (const s of check.requires) wanted.add(s);
  }
  return SERVICES.filter((s) => wanted.has(s));
};

/**
 * A word of a check's arguments that is a region, or a near miss of one (`us-eats-1`), so a typo is
 * reported as a region rather than looked up as an account; an account name that merely has a
 * region's shape (`acme-prod-2`) is too far from every region to be taken for one.
 */
export const isRegionWord = (word: string): boolean =>
  /^[a-z]{2,4}(-[a-z]+)+-\d+$/i.test(word) && (isKnownRegion(word.toLowerCase()) || suggestRegion(word) !== undefined);

export type RegionCheck = { ok: true; region: string } | { ok: false; reason: string };

/**
 * A region a person asked a check for, lower-cased, or why it is not one (with the closest name;
 * `quote` marks names up, e.g. backticks in Slack). Checked before any scan: a misspelt region
 * would be scanned, fail, and answer only "unknown".
 */
export const checkRegionName = (name: string, quote: (name: string) => string = (n) => n): RegionCheck => {
  const checked = checkRegionNames([name]);
  if (!checked.ok) return { ok: false, reason: describeUnknownRegion(checked, quote) };
  return { ok: true, region: checked.regions[0]! };
};

export interface CheckRequest extends Omit<SnapshotRequest, 'services' | 'reporting'> {
  service: ServiceSelector;
}

export interface CheckOutcome {
  snapshot: Snapshot;
  findings: Finding[];
  summary: Summary;
  /** The services reported on (what was asked). */
  services: Service[];
  /** The slices collected for them (see slicesFor): a superset of `services`. */
  collected: Service[];
  evaluatedAt: Date;
}

export interface RunCheckDeps {
  source: SnapshotSource;
  checks: readonly CheckDefinition[];
  clock: () => Date;
  /** cloudsec.yml `checks:`; absent = defaults, which exempt nothing. */
  settings?: CheckSettings;
}

/**
 * Services collected account-wide, not per scanned region: IAM, and S3 (one ListBuckets lists every
 * bucket, each read in its own region; a bucket finding's region is the bucket's home).
 */
const ACCOUNT_WIDE: readonly Service[] = ['iam', 's3'];

/** The `check` use case shared by the CLI, Slack and the console demo. */
export const runCheck = async (deps: RunCheckDeps, request: CheckRequest): Promise<CheckOutcome> => {
  const services = servicesFor(request.service);
  const collected = slicesFor(deps.checks, services);
  // A service no check covers has nothing to report, so a snapshot without its slice still answers.
  const reporting = services.filter((s) => collected.includes(s));
  const snapshot = await deps.source.load({ ...request, services: collected, reporting });
  if (request.accountIds) {
    const present = new Set(snapshot.accounts.map((a) => a.accountId));
    const absent = request.accountIds.filter((id) => !present.has(id));
    if (absent.length > 0) {
      // The accounts that were scanned are not listed: whoever asked may not be allowed to see them
      // all (the Slack router lists the accounts the asker may see before any scan).
      throw new CloudsecError(
        'usage',
        `Account ${absent.join(', ')} is not in scope: cloudsec did not scan it (it is not listed in cloudsec.yml or in the organization).`,
      );
    }
  }
  // A region asked of S3 or IAM alone filters findings by where the resource lives: they are listed
  // account-wide, so every region was covered whatever the scan's regions were.
  if (request.regions && !services.every((s) => ACCOUNT_WIDE.includes(s))) {
    const scanned = new Set(snapshot.accounts.flatMap((a) => a.regions));
    const absent = request.regions.filter((r) => r !== GLOBAL_REGION && !scanned.has(r));
    if (absent.length > 0) {
      throw new CloudsecError(
        'usage',
        `Region ${absent.join(', ')} was not scanned. Regions available: ${[...scanned].sort().join(', ')}.`,
      );
    }
  }
  const evaluatedAt = deps.source.kind === 'live' ? deps.clock() : new Date(snapshot.generatedAt);
  const findings = evaluateChecks(deps.checks, snapshot, evaluatedAt, {
    services,
    ...(request.accountIds ? { accountIds: request.accountIds } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
    ...(deps.settings ? { settings: deps.settings } : {}),
  });
  return { snapshot, findings, summary: summarize(findings), services, collected, evaluatedAt };
};
