import path from 'node:path';
import { checkCatalog } from './core/checks/catalog';
import type { Config } from './config';
import type { Store } from './store/store';
import type { AppDeps, AppLogger, AppMetrics, GroupLookup } from './app/deps';
import { makeScanService, type ScanServiceDeps } from './app/scan-service';
import { makeCloudsecApp } from '../handlers/cloudsec-app';
import type { SnapshotSource } from './app/snapshot-source';
import { accountRefsOf } from './app/visible-findings';
import { knownAccountRefs, loadEstateView } from './app/account-directory';
import { makeRemediationWorkflow, type RemediationExecutor } from './app/remediation';
import { makeFindingLookup } from './app/remediation/finding-lookup';
import { makeFindingRecheck } from './app/remediation/finding-recheck';
import { makeRemediationNotifier } from './app/remediation/notifier';
import type { CloudsecApp, Messenger } from './app/conversation';
import { digestScopeKey, makeDigestService, type DigestPoster, type SecurityHubFeedPort } from './app/digest';
import type { TrendPoint } from './core/digest/model';
import {
  blockKitRenderers,
  makeExceptionWorkflow,
  makeLatestFindings,
  type SecurityHubWorkflowPort,
} from './app/exceptions';
import { makeLiveLane, type LiveLaneService } from './app/detections/live-lane';
import type { SampleEvents } from './app/detections/samples';
import type { PeopleDirectory } from './app/detections/alert-people';
import type { ResourceHistory } from './app/detections/ports';
import { seenRecordsHistory } from './app/detections/seen-history';
import { makeDetectionEngine } from './core/detections/engine';
import { liveSourceConfigured } from './core/detections/settings';
import { getRemediation } from './core/remediations';

export interface ComposeOptions {
  config: Config;
  store: Store;
  source: SnapshotSource;
  /**
   * Estate-wide scans as jobs every replica's worker takes (src/schedule/job-scans.ts); absent:
   * collected in this process and saved at the end.
   */
  queuedScans?: ScanServiceDeps['queued'];
  groups: GroupLookup;
  clock: () => Date;
  log: AppLogger;
  metrics: AppMetrics & { scanObserved?(seconds: number): void };
  messenger: Messenger;
  /** Sends remediation calls with the write role; the workflow never calls it in dry-run mode. */
  executor: RemediationExecutor;
  /** Everything happens except the AWS write (always in the demo). */
  dryRun: boolean;
  /** Pauses between verification re-reads; tests pass one that does not wait. */
  sleep?: (ms: number) => Promise<void>;
  /** Digests: where they are posted, how the trend is drawn, and live Security Hub (null: from the snapshot). */
  digests?: {
    poster: DigestPoster;
    chart: (points: readonly TrendPoint[], options: { title: string; timezone: string }) => Buffer;
    securityHub: SecurityHubFeedPort | null;
    owner: string;
  };
  /**
   * Sets the Security Hub workflow status of findings an accepted risk hides (SUPPRESSED, and NEW
   * again when it ends), with each account's write role; null or absent where no write role can
   * reach Security Hub (the demo): those findings then stay as they are in Security Hub.
   */
  securityHubWorkflow?: SecurityHubWorkflowPort | null;
  /**
   * The live lane (CloudTrail detections → alert cards), built when given: the demo passes its
   * bundled samples and its alert channel (used when detections.routing has no default); a
   * deployment with an SQS queue or LookupEvents configured passes `{}`. Absent or null: off.
   */
  liveLane?: LiveLaneOptions | null;
  /** CloudTrail's event history for `/cloudsec who` and "Who did this?"; absent or null: not offered. */
  resourceHistory?: ResourceHistory | null;
  /** users.lookupByEmail for "Ask the actor" (detections.lookupByEmail); absent or null: config mapping only. */
  people?: PeopleDirectory | null;
}

export interface LiveLaneOptions {
  /** `/cloudsec demo-event` replays these; only the demo has them. */
  samples?: SampleEvents | null;
  /** Where cards go when detections.routing names no default channel (the demo's alert channel). */
  alertChannel?: string;
}

/**
 * The detections catalog, loaded when a live lane is built: a bot without one (and without rule
 * settings to check, src/main.ts) never loads its ~30 modules (npm run bench:idle).
 */
const detectionCatalog = (): typeof import('./core/detections').DETECTIONS =>
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (above)
  (require('./core/detections') as typeof import('./core/detections')).DETECTIONS;

/** Whether a deployment's live lane runs: a CloudTrail source is configured. */
export const liveLaneConfigured = (config: Config): boolean => liveSourceConfigured(config.detections);

/** The config with the demo's alert channel as the routing default, when none is set. */
const withAlertChannel = (config: Config, channel: string | undefined): Config =>
  channel === undefined || config.detections.routing.default !== undefined
    ? config
    : { ...config, detections: { ...config.detections, routing: { ...config.detections.routing, default: channel } } };

/** Users in no group and a lookup that never fails: the console, where Slack is not there to ask. */
export const noGroups: GroupLookup = {
  resolve: async () => ({ groups: [], warnings: [] }),
  onSubteamEvent: async () => undefined,
};

/** Used where no write role can exist (the demo): every execution is refused with the reason. */
export const noWriteExecutor: RemediationExecutor = {
  execute: async () => ({
    ok: false,
    failedAt: -1,
    error: { code: 'NoWriteRole', message: 'no write role is configured here: remediation runs only in dry-run mode' },
    calls: [],
  }),
};

/** Wires the use cases together; shared by the Slack bot and the console demo. */
export const composeApp = (
  options: ComposeOptions,
): { app: CloudsecApp; deps: AppDeps; liveLane: LiveLaneService | null } => {
  const config = withAlertChannel(options.config, options.liveLane?.alertChannel);
  const scans = makeScanService({
    source: options.source,
    ...(options.queuedScans ? { queued: options.queuedScans } : {}),
    // Read when a scan runs: the catalog loads then, not when the bot starts (core/checks/catalog.ts).
    get checks() {
      return checkCatalog();
    },
    settings: options.config.checks,
    store: options.store,
    clock: options.clock,
    ttlMs: options.config.cache.scanTtlSeconds * 1000,
    limits: options.config.limits,
    log: options.log,
    ...(options.metrics.scanObserved ? { onScanDuration: (s: number) => options.metrics.scanObserved!(s) } : {}),
  });
  const remediationOn = options.config.remediation.enabled;
  const knownAccounts = async () => {
    // The account directory (configured accounts, and the organization's as last discovered, with
    // their OU paths), plus any account a cached full scan saw that it does not hold yet.
    const seen = scans.cached('all:*:*');
    const found = seen ? accountRefsOf(seen.snapshot) : [];
    return knownAccountRefs(await loadEstateView(options.store, options.config), found);
  };
  // Where a finding a button names is looked up, and what accepted risks are counted on: the cache,
  // the latest full scan, then each digest's latest scan.
  const digestScopeKeys = () => options.config.digests.map((d) => digestScopeKey(d.name));
  const deps: AppDeps = {
    config,
    scans,
    store: options.store,
    groups: options.groups,
    clock: options.clock,
    log: options.log,
    metrics: options.metrics,
    features: {
      remediation: remediationOn,
      acceptRisk:
        options.config.remediation.approvalsChannel !== undefined ||
        (options.config.accounts ?? []).some((a) => a.approvalsChannel !== undefined),
      whoDidThis: false,
    },
    messenger: options.messenger,
    remediation: null,
    digests: null,
    liveLane: null,
    resourceHistory: null,
    people: options.people ?? null,
    knownAccounts,
    exceptions: makeExceptionWorkflow({
      store: options.store,
      config: options.config,
      clock: options.clock,
      findings: makeFindingLookup(scans, options.store, digestScopeKeys),
      latest: makeLatestFindings(scans, options.store, digestScopeKeys),
      accounts: { knownAccounts },
      messenger: options.messenger,
      render: blockKitRenderers,
      securityHub: options.securityHubWorkflow ?? null,
      dryRun: options.dryRun,
      log: options.log,
    }),
  };
  if (remediationOn) {
    deps.remediation = makeRemediationWorkflow({
      store: options.store,
      config: options.config,
      clock: options.clock,
      executor: options.executor,
      recheck: makeFindingRecheck(scans),
      findings: makeFindingLookup(scans, options.store, digestScopeKeys),
      accounts: { knownAccounts: deps.knownAccounts },
      notifier: makeRemediationNotifier({
        messenger: options.messenger,
        config: options.config,
        clock: options.clock,
        dryRun: options.dryRun,
        log: options.log,
        rememberRequesterMessage: (id, ref) => options.store.rememberRequesterMessage(id, ref),
      }),
      dryRun: options.dryRun,
      log: options.log,
      ...(options.sleep ? { sleep: options.sleep } : {}),
    });
  }
  if (options.digests) {
    deps.digests = makeDigestService({
      config: options.config,
      store: options.store,
      clock: options.clock,
      log: options.log,
      source: options.source,
      securityHub: options.digests.securityHub,
      poster: options.digests.poster,
      chart: options.digests.chart,
      knownAccounts: deps.knownAccounts,
      remediationEnabled: remediationOn,
      owner: options.digests.owner,
      // The alerts line shows whenever the live lane runs here, even on a quiet day.
      liveLaneOn: options.liveLane !== undefined && options.liveLane !== null,
    });
  }
  const liveLane = options.liveLane
    ? makeLiveLane({
        store: options.store,
        engine: makeDetectionEngine({ detections: detectionCatalog(), settings: config.detections }),
        config: config.detections,
        clock: options.clock,
        messenger: options.messenger,
        knownAccounts: deps.knownAccounts,
        log: options.log,
        samples: options.liveLane.samples ?? null,
        // Undo is a remediation request: offered only where remediation is on and knows the fix.
        canUndo: (alert) =>
          remediationOn && alert.undo !== null && getRemediation(alert.undo.remediationId) !== undefined,
      })
    : null;
  deps.liveLane = liveLane;
  // Who changed a resource: CloudTrail's event history where AWS can be asked; in the demo, the
  // records its live lane alerted on (marked incomplete).
  deps.resourceHistory =
    options.resourceHistory ?? (options.liveLane?.samples ? seenRecordsHistory(options.store, options.clock) : null);
  deps.features.whoDidThis = deps.resourceHistory !== null;
  return { app: makeCloudsecApp(deps), deps, liveLane };
};

export const exportDirFor = (dbPath: string) => path.join(path.dirname(path.resolve(dbPath)), 'exports');
