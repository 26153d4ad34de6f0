import { isDemo, isDryRun, loadConfig, parseConfig, readEnv, type Config, type Env } from './config';
import { isCloudsecError } from './errors';
import { auditKeyNotice } from './app/audit';
import { demoConfigPath, demoSnapshotPath } from './paths';
import { DEFAULT_DB_PATH, openSqliteStore } from './store/sqlite';
import type { Store } from './store/store';
import { recordedSnapshotSource, type SnapshotSource } from './app/snapshot-source';
import { makeLiveSnapshotSource } from './aws/live-source';
import { discoverAccounts } from './aws/estate';
import { recordAccountDirectory } from './app/account-directory';
import { composeApp, exportDirFor, noGroups, noWriteExecutor } from './compose';
import { consoleActor, makeConsoleScreen, runConsole } from './slack/console-adapter';
import { createLogger, type Logger } from './slack/logger';
import { createMetrics } from './slack/metrics';
import { consoleInsteadOfBotNotice, readSlackEnv } from './slack/slack-env';
import { createSlackWebClient, startSlackApp } from './slack/bolt-app';
import { makeGroupResolver } from './slack/usergroups';
import { makeSlackMessenger } from './slack/messenger';
import { makeClientFactory, resolveHomeRegion } from './aws/clients';
import { makeRoleExecutor } from './aws/role-executor';
import fs from 'node:fs';
import os from 'node:os';
import { renderTrendPng } from './charts/trend-chart';
import { makeSecurityHubFeed } from './aws/securityhub-feed';
import { startDigestScheduler } from './schedule/digest-scheduler';
import { createDigestWebClient, makeSlackDigestPoster } from './slack/digest-poster';
import { makeConsoleDigestPoster } from './slack/console-digest-poster';
import { installProcessGuards } from './process-guard';

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

const demoConfig = (): Config => {
  const file = demoConfigPath();
  return parseConfig(fs.readFileSync(file, 'utf8'), file);
};

const openStore = async (
  env: Env,
  demo: boolean,
  clock: () => Date,
  config: Config,
  source: string | null,
  actorId: string,
) => {
  const store = openSqliteStore({
    path: env.CLOUDSEC_DB ?? (demo ? DEMO_DB : DEFAULT_DB_PATH),
    clock,
    auditKey: env.CLOUDSEC_AUDIT_KEY,
  });
  await store.appendAudit({
    actor: { kind: 'system', id: actorId },
    action: 'config.load',
    outcome: 'ok',
    target: source,
    details: {
      demo,
      accounts: config.accounts?.map((a) => a.id) ?? [],
      organization: config.organization?.roleName ?? null,
      roles: Object.keys(config.roles),
      bindings: config.bindings.length,
      channels: config.channels,
    },
  });
  return store;
};

/** The executor of the write and undo roles, or one that refuses when no AWS region is configured (remediation then says so). */
const buildExecutor = async (
  config: Config,
  dryRun: boolean,
  store: Store,
  clock: () => Date,
  onCall?: (service: string, errorCode: string | null) => void,
) => {
  const homeRegion = await resolveHomeRegion();
  if (!homeRegion) return noWriteExecutor;
  // One factory per role, so CloudTrail tells a fix's session from an undo's by its name.
  const clientsByRole = {
    fix: makeClientFactory({ homeRegion, sessionName: 'cloudsec-remediation', ...(onCall ? { onCall } : {}) }),
    undo: makeClientFactory({ homeRegion, sessionName: 'cloudsec-undo', ...(onCall ? { onCall } : {}) }),
  };
  return makeRoleExecutor({
    config,
    clientsOf: (access, purpose) => clientsByRole[purpose](access),
    homeRegion,
    dryRun,
    audit: (input) => store.appendAudit(input),
    clock,
  });
};

export const main = async (argv: readonly string[], io: MainIo): Promise<number> => {
  let store: Store | undefined;
  let uninstallGuards: (() => void) | undefined;
  try {
    const env = readEnv(io.env);
    const demo = argv.includes('--demo') || isDemo(env);
    const consoleMode = demo || argv.includes('--console');
    const loaded = demo ? { config: demoConfig(), source: 'data/demo-cloudsec.yml' } : loadConfig(env.CLOUDSEC_CONFIG);
    const config = loaded.config;

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
      store = await openStore(env, demo, io.clock, config, loaded.source, 'console');
      const screen = makeConsoleScreen(io.stdout);
      const source: SnapshotSource = demo
        ? recordedSnapshotSource(demoSnapshotPath())
        : makeLiveSnapshotSource({ config, onAccountsResolved: recordAccountDirectory(store) });
      const exportDir = exportDirFor(env.CLOUDSEC_DB ?? (demo ? DEMO_DB : DEFAULT_DB_PATH));
      const { app, deps } = composeApp({
        config,
        store,
        source,
        groups: noGroups,
        clock: io.clock,
        log: logger,
        metrics: { commandCompleted: () => undefined },
        messenger: screen.messenger,
        executor: demo ? noWriteExecutor : await buildExecutor(config, isDryRun(env), store, io.clock),
        dryRun: demo || isDryRun(env),
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
    const logger: Logger = createLogger({ level: slackEnv.logLevel });
    // A promise nobody awaited that fails is logged and the bot serves on; an uncaught exception exits 1.
    uninstallGuards = installProcessGuards({ log: logger });
    if (keyNotice) logger.warn({ auditKey: 'missing' }, keyNotice.message);
    const metrics = createMetrics({ defaultMetrics: true });
    store = await openStore(env, false, io.clock, config, loaded.source, 'bot');
    const slack = createSlackWebClient(slackEnv, logger);
    const groups = makeGroupResolver({
      slack,
      cache: store,
      ttlMs: config.cache.groupTtlSeconds * 1000,
      clock: io.clock,
      logger,
    });
    const dryRun = isDryRun(env);
    const executor = await buildExecutor(config, dryRun, store, io.clock, (svc, code) => metrics.awsCall(svc, code));
    const { app, deps } = composeApp({
      config,
      store,
      source: makeLiveSnapshotSource({
        config,
        onCall: (service, code) => metrics.awsCall(service, code),
        onAccountsResolved: recordAccountDirectory(store),
      }),
      groups,
      clock: io.clock,
      log: logger,
      metrics,
      messenger: makeSlackMessenger(slack),
      executor,
      dryRun,
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
    // Requests a crash left mid-execution are verified, never re-run; then expiry is swept every minute.
    if (deps.remediation) {
      const report = await deps.remediation.reconcile();
      logger.info({ report }, 'remediation requests reconciled');
    }
    let resuming = false;
    const resumeAbandonedDigests = () => {
      if (resuming) return;
      resuming = true;
      deps
        .digests!.resumeAbandoned()
        .then((outcomes) => {
          for (const o of outcomes)
            logger.warn({ outcome: o.kind }, 'finished a digest run a stopped process had claimed');
        })
        .catch((err: unknown) => logger.warn({ err }, 'could not resume abandoned digest runs'))
        .finally(() => (resuming = false));
    };
    const sweeper = setInterval(() => {
      deps.remediation?.expire().catch((err: unknown) => logger.warn({ err }, 'expiry sweep failed'));
      resumeAbandonedDigests();
    }, 60_000);
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
    clearInterval(sweeper);
    await scheduler.stop();
    await running.stop();
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
