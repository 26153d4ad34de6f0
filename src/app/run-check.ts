import type { CheckDefinition } from '../core/checks/define';
import type { CheckSettings } from '../core/check-settings';
import { byRelevance, evaluateChecks, summarize, type EvaluateOptions, type Summary } from '../core/findings';
import {
  GLOBAL_REGION,
  SERVICES,
  type AccountSnapshot,
  type Finding,
  type Service,
  type Snapshot,
} from '../core/model';
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
  /**
   * The scan's accounts. An account the request named (`accountIds`: a re-check, one account asked
   * for) is kept whole: remediation plans from its data. Every other account keeps only who it is
   * and what the scan could reach (accountHeaderOf): its data was evaluated as soon as it was
   * collected and dropped, so a scan's memory does not grow with the estate. A check re-run on such
   * an account answers `unknown` (slice not collected), never a pass.
   */
  snapshot: Snapshot;
  findings: Finding[];
  summary: Summary;
  /** The services reported on (what was asked). */
  services: Service[];
  /** The slices collected for them (see slicesFor): a superset of `services`. */
  collected: Service[];
  evaluatedAt: Date;
  /**
   * Passing findings left out of `findings`, counted per account id (absent/empty: every finding is in `findings`).
   * They are in the store under `scanId`.
   */
  passesOmitted?: Readonly<Record<string, number>>;
  /** The stored scan holding every finding of this answer (set when findings were streamed to the store). */
  scanId?: string;
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

/**
 * An account without its collected data: who it is, the regions scanned, whether cloudsec got in and
 * the warnings. What the answer needs of an account once its findings are evaluated (reports list
 * the accounts, the partition builds ARNs, access scopes the answer).
 */
export const accountHeaderOf = (account: AccountSnapshot): AccountSnapshot => ({
  accountId: account.accountId,
  accountName: account.accountName,
  ou: account.ou,
  partition: account.partition,
  regions: account.regions,
  collectedAt: account.collectedAt,
  access: account.access,
  warnings: account.warnings,
});

/**
 * A region asked for that no account was scanned in is refused, naming the regions there are. A
 * region asked of S3 or IAM alone filters findings by where the resource lives: they are listed
 * account-wide, so every region was covered whatever the scan's regions were.
 */
export const assertRegionsScanned = (
  snapshot: Pick<Snapshot, 'accounts'>,
  request: Pick<CheckRequest, 'regions'>,
  services: readonly Service[],
): void => {
  if (!request.regions || services.every((s) => ACCOUNT_WIDE.includes(s))) return;
  const scanned = new Set(snapshot.accounts.flatMap((a) => a.regions));
  const absent = request.regions.filter((r) => r !== GLOBAL_REGION && !scanned.has(r));
  if (absent.length > 0) {
    throw new CloudsecError(
      'usage',
      `Region ${absent.join(', ')} was not scanned. Regions available: ${[...scanned].sort().join(', ')}.`,
    );
  }
};

/** The `check` use case shared by the CLI, Slack and the console demo. */
export const runCheck = async (deps: RunCheckDeps, request: CheckRequest): Promise<CheckOutcome> => {
  const services = servicesFor(request.service);
  const collected = slicesFor(deps.checks, services);
  // A service no check covers has nothing to report, so a snapshot without its slice still answers.
  const reporting = services.filter((s) => collected.includes(s));
  const options: EvaluateOptions = {
    services,
    ...(request.accountIds ? { accountIds: request.accountIds } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
    ...(deps.settings ? { settings: deps.settings } : {}),
  };
  // evaluateChecks reads only the accounts of the snapshot it is given.
  const evaluateOne = (account: AccountSnapshot, now: Date) =>
    evaluateChecks(
      deps.checks,
      { schemaVersion: 1, generatedAt: now.toISOString(), demo: false, services: collected, accounts: [account] },
      now,
      options,
    );
  // Checks read one account at a time (evaluateAccount): an account's findings are complete as soon
  // as it is collected. Each is kept by what the snapshot holds in the account's place.
  const early = new Map<AccountSnapshot, Finding[]>();
  const named = new Set(request.accountIds ?? []);
  const live = deps.source.kind === 'live';
  const onAccount = (account: AccountSnapshot): AccountSnapshot => {
    // Judged when it was read: a live scan of many accounts takes minutes.
    const findings = evaluateOne(account, deps.clock());
    const kept = named.has(account.accountId) ? account : accountHeaderOf(account);
    early.set(kept, findings);
    return kept;
  };
  const snapshot = await deps.source.load({
    ...request,
    services: collected,
    reporting,
    // Recorded snapshots are judged at the time they were taken, known only once read.
    ...(live ? { onAccount } : {}),
  });
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
  assertRegionsScanned(snapshot, request, services);
  const evaluatedAt = live ? deps.clock() : new Date(snapshot.generatedAt);
  // Accounts the source handed over whole (it ignored onAccount) are evaluated now, as before.
  const findings = snapshot.accounts
    .flatMap((account) => early.get(account) ?? evaluateOne(account, evaluatedAt))
    .sort(byRelevance);
  return { snapshot, findings, summary: summarize(findings), services, collected, evaluatedAt };
};
