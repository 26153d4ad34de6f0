import { isDemo, isDryRun, loadConfig, parseConfig, readEnv, validateConfigExceptions, type Config } from './config';
import { CloudsecError, isCloudsecError } from './errors';
import { auditKeyNotice } from './app/audit';
import { demoConfigPath, demoSnapshotPath, packageRoot } from './paths';
import { DEFAULT_DB_PATH } from './store/sqlite';
import { configuredStoreTarget, describeStoreTarget, openStoreAt } from './store/open-store';
import type { Store } from './store/store';
import { recordedSnapshotSource, type SnapshotSource } from './app/snapshot-source';
import { makeLiveSnapshotSource } from './aws/live-source';
import { discoverAccounts } from './aws/estate';
import { recordAccountDirectory } from './app/account-directory';
import { composeApp, exportDirFor, liveLaneConfigured, noGroups, noWriteExecutor } from './compose';
import { consoleActor, makeConsoleScreen, runConsole } from './slack/console-adapter';
import { createLogger, type Logger } from './slack/logger';
import { createMetrics } from './slack/metrics';
import { consoleInsteadOfBotNotice, readSlackEnv } from './slack/slack-env';
import { createSlackWebClient, startSlackApp } from './slack/bolt-app';
import { makeGroupResolver } from './slack/usergroups';
import { makeSlackMessenger } from './slack/messenger';
import { resolveHomeRegion } from './aws/clients';
import fs from 'node:fs';
import os from 'node:os';
import { processJobScans, type ProcessJobScans } from './schedule/job-scans';
import { liveJobCollector } from './job-collectors';
import { recordedJobCollector } from './app/scan-jobs/recorded-collector';
import { randomUUID } from 'node:crypto';
import { renderTrendPng } from './charts/trend-chart';
import { makeSecurityHubFeed } from './aws/securityhub-feed';
import { startDigestScheduler } from './schedule/digest-scheduler';
import { createDigestWebClient, makeSlackDigestPoster } from './slack/digest-poster';
import { makeConsoleDigestPoster } from './slack/console-digest-poster';
import { installProcessGuards } from './process-guard';
import { buildExecutor, buildSecurityHubWorkflow } from './aws-wiring';
import { housekeeping, leaderTtl, REPLICA_RECONCILE_AFTER_MS } from './schedule/bot-duties';
import { startPeriodicDuties, type PeriodicDuties, type PeriodicDuty } from './schedule/periodic-duties';
import { makeLeaderLease } from './schedule/leader-lease';
import { detectionSettingsProblems } from './core/detections/settings-check';
import { cloudTrailEdges, cloudTrailResourceHistory, liveSources } from './schedule/live-sources';
import { makeSlackPeopleDirectory } from './slack/user-lookup';
import path from 'node:path';
import { loadSampleEvents } from './app/detections/samples';

/**
 * The composition root: config → store → AWS (or the demo estate) → app → transport (Slack or the
 * console). `npm start` runs the Slack bot; `npm run demo` runs the console with the demo estate.
 */

export interface MainIo {
  env: NodeJS.ProcessEnv;
  stdin: NodeJS.ReadableStream;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  clock: () => Date;
}

const DEMO_DB = './data/demo.db';
const DEMO_USER = 'U0DEMO';
/** Where the demo's alert cards go (`/cloudsec demo-event <name>`), unless the demo config routes them. */
const DEMO_ALERT_CHANNEL = 'C0ALERTS';
const sampleEventsDir = () => path.join(packageRoot(), 'data', 'sample-events');

const demoConfig = (): Config => {
  const file = demoConfigPath();
  return parseConfig(fs.readFileSync(file, 'utf8'), file);
};

const openStore = async (
  rawEnv: NodeJS.ProcessEnv,
  demo: boolean,
  clock: () => Date,
  config: Config,
  source: string | null,
  actorId: string,
) => {
  // PostgreSQL when CLOUDSEC_DATABASE_URL is set (replicas), else the SQLite file; the demo always SQLite.
  const target = configuredStoreTarget(rawEnv, { demo, defaultSqlitePath: demo ? DEMO_DB : DEFAULT_DB_PATH });
  const store = await openStoreAt(target, { clock, auditKey: readEnv(rawEnv).CLOUDSEC_AUDIT_KEY });
  await store.appendAudit({
    actor: { kind: 'system', id: actorId },
    action: 'config.load',
    outcome: 'ok',
    target: source,
    details: {
      demo,
      store: describeStoreTarget(target),
      accounts: config.accounts?.map((a) => a.id) ?? [],
      organization: config.organization?.roleName ?? null,
      roles: Object.keys(config.roles),
      bindings: config.bindings.length,
      channels: config.channels,
    },
  });
  return store;
};

/**
 * Refused at start: cloudsec.yml's accepted risks that expire further ahead than exceptions.maxDays
 * allows, and detection settings naming no detection (or counting settings on a rule that does not count).
 */
const checkConfigExceptions = (config: Config, now: Date) => {
  const problems = validateConfigExceptions(config, now);
  if (problems.length > 0) throw new CloudsecError('config', `cloudsec.yml exceptions: ${problems.join('; ')}.`);
  // A misspelt rule id would leave that rule on, or its exclusions off, without a word. The catalog
  // (~30 modules) loads only when there are rule settings to check against it: without any there is
  // nothing to refuse, and a bot without a live lane never needs it (npm run bench:idle).
  if (Object.keys(config.detections.rules).length === 0) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand (above)
  const { DETECTIONS } = require('./core/detections') as typeof import('./core/detections');
  const detections = detectionSettingsProblems(DETECTIONS, config.detections);
  if (detections.length > 0) throw new CloudsecError('config', `cloudsec.yml detections: ${detections.join('; ')}.`);
};

export const main = async (argv: readonly string[], io: MainIo): Promise<number> => {
  let store: Store | undefined;
  let uninstallGuards: (() => void) | undefined;
  let jobScans: ProcessJobScans | undefined;
  try {
    const env = readEnv(io.env);
    const demo = argv.includes('--demo') || isDemo(env);
    const consoleMode = demo || argv.includes('--console');
    const loaded = demo ? { config: demoConfig(), source: 'data/demo-cloudsec.yml' } : loadConfig(env.CLOUDSEC_CONFIG);
    const config = loaded.config;
    checkConfigExceptions(config, io.clock());

    if (consoleMode) {
      // Said before anything else: Slack settings in the environment mean someone expected the bot.
      const notice = consoleInsteadOfBotNotice(
        io.env,
        argv.includes('--demo') ? '--demo' : demo ? 'CLOUDSEC_DEMO' : '--console',
      );
      if (notice) io.stderr(notice);
      const logger = createLogger({ level: 'silent' });
      // The console's own log is silent; an unhandled rejection or a crash is still told, on stderr.
      uninstallGuards = installProcessGuards({
        log: createLogger({ level: 'error', destination: { write: (line: string) => io.stderr(line) } }),
      });
      const actorId = env.CLOUDSEC_CONSOLE_USER ?? DEMO_USER;
      store = await openStore(io.env, demo, io.clock, config, loaded.source, 'console');
      const screen = makeConsoleScreen(io.stdout);
      const live = demo ? null : makeLiveSnapshotSource({ config, onAccountsResolved: recordAccountDirectory(store) });
      const source: SnapshotSource = live ?? recordedSnapshotSource(demoSnapshotPath());
      // The console's estate-wide scans go through the same job queue as the bot's (in-process here).
      jobScans = processJobScans({
        store,
        collector: live ? liveJobCollector(live) : recordedJobCollector(demoSnapshotPath()),
        config,
        clock: io.clock,
        log: logger,
      });
      jobScans.start();
      const exportDir = exportDirFor(env.CLOUDSEC_DB ?? (demo ? DEMO_DB : DEFAULT_DB_PATH));
      const consoleRegion = demo ? undefined : await resolveHomeRegion();
      const { app, deps } = composeApp({
        config,
        store,
        source,
        queuedScans: jobScans.run,
        groups: noGroups,
        clock: io.clock,
        log: logger,
        metrics: { commandCompleted: () => undefined },
        messenger: screen.messenger,
        executor: demo ? noWriteExecutor : buildExecutor(consoleRegion, config, isDryRun(env), store, io.clock),
        dryRun: demo || isDryRun(env),
        securityHubWorkflow: demo ? null : buildSecurityHubWorkflow(consoleRegion, config),
        // The demo's live lane replays bundled samples (`/cloudsec demo-event`); the console never polls AWS.
        liveLane: demo ? { samples: loadSampleEvents(sampleEventsDir()), alertChannel: DEMO_ALERT_CHANNEL } : null,
        digests: {
          poster: makeConsoleDigestPoster(screen.messenger, exportDir, io.stdout),
          chart: renderTrendPng,
          securityHub: demo ? null : makeSecurityHubFeed({ config }),
          owner: `${os.hostname()}:${process.pid}:console`,
        },
      });
      // A console run killed mid-execution leaves requests `executing` too: verify them, never re-run.
      if (!demo) await deps.remediation?.reconcile();
      const actor = consoleActor({ slackUserId: actorId, demo });
      await runConsole(app, {
        input: io.stdin as NodeJS.ReadableStream & import('node:stream').Readable,
        screen,
        actor,
        // Acting as someone else would put their name on approvals: only where nothing is written to AWS.
        allowImpersonation: demo || isDryRun(env),
        exportDir,
        banner: demo
          ? `cloudsec console demo — DEMO DATA: a fictional estate, no AWS or Slack needed. You are ${actorId}.`
          : `cloudsec console — live AWS. You are ${actor.userName} with the roles of ${actorId}; the audit log records you as a CLI user.`,
      });
      return 0;
    }

    // Said before anything else: without the key, the audit log and the requests can be rewritten.
    const keyNotice = auditKeyNotice(env.CLOUDSEC_AUDIT_KEY, io.env.CLOUDSEC_REQUIRE_AUDIT_KEY);
    if (keyNotice?.refuse) {
      io.stderr(`cloudsec: ${keyNotice.message}\n`);
      return 2;
    }
    if (keyNotice) io.stderr(`${keyNotice.message}\n`);
    const slackEnv = readSlackEnv(io.env);
    const leaseTtl = leaderTtl(io.env);
    const logger: Logger = createLogger({ level: slackEnv.logLevel });
    // A promise nobody awaited that fails is logged and the bot serves on; an uncaught exception exits 1.
    uninstallGuards = installProcessGuards({ log: logger });
    if (keyNotice) logger.warn({ auditKey: 'missing' }, keyNotice.message);
    const metrics = createMetrics({ defaultMetrics: true });
    store = await openStore(io.env, false, io.clock, config, loaded.source, 'bot');
    const slack = createSlackWebClient(slackEnv, logger);
    const groups = makeGroupResolver({
      slack,
      cache: store,
      ttlMs: config.cache.groupTtlSeconds * 1000,
      clock: io.clock,
      logger,
    });
    const dryRun = isDryRun(env);
    const homeRegion = await resolveHomeRegion();
    const awsCall = (svc: string, code: string | null) => metrics.awsCall(svc, code);
    const executor = buildExecutor(homeRegion, config, dryRun, store, io.clock, awsCall);
    const edges = cloudTrailEdges(homeRegion, io.clock);
    const liveSource = makeLiveSnapshotSource({
      config,
      onCall: (service, code) => metrics.awsCall(service, code),
      onAccountsResolved: recordAccountDirectory(store),
    });
    // Every replica's worker takes accounts of any replica's estate-wide scan (src/app/scan-jobs).
    jobScans = processJobScans({
      store,
      collector: liveJobCollector(liveSource),
      config,
      clock: io.clock,
      log: logger,
    });
    jobScans.start();
    const { app, deps, liveLane } = composeApp({
      config,
      store,
      liveLane: liveLaneConfigured(config) ? {} : null,
      resourceHistory: edges ? cloudTrailResourceHistory(edges, config, io.clock) : null,
      people: config.detections.lookupByEmail ? makeSlackPeopleDirectory(slack) : null,
      source: liveSource,
      queuedScans: jobScans.run,
      groups,
      clock: io.clock,
      log: logger,
      metrics,
      messenger: makeSlackMessenger(slack),
      executor,
      dryRun,
      securityHubWorkflow: buildSecurityHubWorkflow(homeRegion, config, awsCall),
      digests: {
        // Its own client: the bot's retries 5xx on its own timers, which would hide the poster's backoff.
        poster: makeSlackDigestPoster(createDigestWebClient(slackEnv, logger), {
          onRetry: (info) => logger.warn(info, 'retrying a digest post'),
        }),
        chart: renderTrendPng,
        securityHub: makeSecurityHubFeed({ config, onCall: (service, code) => metrics.awsCall(service, code) }),
        owner: `${os.hostname()}:${process.pid}`,
      },
    });
    // The account directory is refreshed at start-up (and by every scan): digests are authorized on
    // the organization as it is. Until this finishes, scopes it cannot resolve are refused.
    discoverAccounts({
      config,
      onCall: (service, code) => metrics.awsCall(service, code),
      onAccountsResolved: recordAccountDirectory(store),
    }).catch((err: unknown) =>
      logger.warn({ err }, 'could not discover the accounts at start-up; every scan tries again'),
    );
    // The store remembers signed requests and event ids, so a replay is refused by every replica.
    const running = await startSlackApp({ app, env: slackEnv, logger, metrics, nonces: store, clock: io.clock });
    logger.info({ mode: running.mode, port: running.port, dryRun }, 'cloudsec is running');
    // Requests a crash left mid-execution are verified, never re-run. One process (SQLite): at once,
    // everything found executing is this process's own past. Replicas (PostgreSQL): only the leader,
    // every minute, and only requests unchanged for longer than any execution (another replica may be
    // executing one right now).
    // PostgreSQL is how replicas share state; SQLite is one node.
    const replicated =
      configuredStoreTarget(io.env, { demo: false, defaultSqlitePath: DEFAULT_DB_PATH }).kind === 'postgres';
    if (deps.remediation && !replicated) {
      const report = await deps.remediation.reconcile();
      logger.info({ report }, 'remediation requests reconciled');
    }
    let duties: PeriodicDuties | null = null;
    // One leader among the replicas runs the sweeps and pollers (a lease with a fencing token in the
    // store); each is exactly-once in the store anyway, so the lease spares work, not correctness.
    const lease = replicated
      ? makeLeaderLease({
          store,
          owner: `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`,
          clock: io.clock,
          log: logger,
          ...leaseTtl,
          // A new leader catches up at once: a dead leader's digest run, its requests, its polls.
          onLead: () => {
            for (const name of ['digest-resume', 'remediation-reconcile']) void duties?.runNow(name);
          },
        })
      : null;
    lease?.start();
    const live = liveSources({ lane: liveLane, deps, store, edges, log: logger, clock: io.clock });
    live.consumer?.start();
    const reconcileDuty: PeriodicDuty[] =
      replicated && deps.remediation
        ? [
            {
              name: 'remediation-reconcile',
              everyMs: 60_000,
              run: async () => {
                const report = await deps.remediation!.reconcile({ olderThanMs: REPLICA_RECONCILE_AFTER_MS });
                if (report.reconciled.length + report.resumed.length > 0)
                  logger.info({ report }, 'remediation requests reconciled');
              },
            },
          ]
        : [];
    duties = startPeriodicDuties({
      duties: [...housekeeping(deps, logger), ...reconcileDuty, jobScans.sweepDuty, ...live.duties],
      log: logger,
      ...(lease ? { leadership: lease } : {}),
    });
    // Every replica schedules every digest; the store's claim lets exactly one post each time.
    const digestService = deps.digests!;
    const scheduler = startDigestScheduler({
      digests: config.digests,
      runDue: async (name, scheduledFor, reason) => {
        const digest = digestService.find(name);
        if (!digest) return;
        const outcome = await digestService.run(digest, scheduledFor, reason === 'catch-up' ? 'catch-up' : 'scheduled');
        logger.info({ digest: name, scheduledFor, reason, outcome: outcome.kind }, 'digest run');
      },
      lastScheduledFor: (name) => digestService.lastScheduledFor(name),
      clock: io.clock,
      log: logger,
    });
    logger.info({ digests: scheduler.nextRuns() }, 'digests scheduled');
    await new Promise<void>((resolve) => {
      const stop = () => resolve();
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    // The consumer first: the batch in hand is stored and deleted before the store closes.
    await live.consumer?.stop();
    await duties.stop();
    await liveLane?.flush({ all: true });
    await scheduler.stop();
    await running.stop();
    // Last: a successor takes the lead at once instead of after the lease's TTL.
    await lease?.stop();
    return 0;
  } catch (err) {
    if (isCloudsecError(err)) {
      io.stderr(`cloudsec: ${err.message}\n`);
      return err.code === 'internal' || err.code === 'aws' ? 3 : 2;
    }
    io.stderr(`cloudsec: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    return 3;
  } finally {
    uninstallGuards?.();
    // Before the store closes: accounts in hand are written, or left to their lease.
    await jobScans?.stop();
    await store?.close().catch(() => undefined);
  }
};

if (require.main === module) {
  main(process.argv.slice(2), {
    env: process.env,
    stdin: process.stdin,
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    clock: () => new Date(),
  }).then(
    (code) => process.exit(code),
    (err: unknown) => {
      // main() reports its own failures; reaching here is a bug, so say so rather than die silently.
      process.stderr.write(`cloudsec: unexpected failure: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(3);
    },
  );
}
