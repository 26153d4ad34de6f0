import fs from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import { CHECKS } from './core/checks';
import { SEVERITIES, SERVICES, severityRank, type Service, type Severity } from './core/model';
import { acceptedRisksReport, buildCheckReport } from './core/render/report';
import { summarize } from './core/findings';
import { applyExceptions, exportRows } from './core/exceptions/apply';
import { acceptedRisksFor, rowsWithAcceptedRisks, type CliRiskSource } from './cli-accepted-risks';
import { catalogJson, renderCatalogText } from './core/render/text';
import { runCheck, SERVICE_SELECTORS, slicesFor, type ServiceSelector } from './app/run-check';
import { suggest } from './core/suggest';
import { checkRegionNames, describeUnknownRegion } from './aws/region-names';
import { recordedSnapshotSource, type SnapshotSource } from './app/snapshot-source';
import { loadConfig, readEnv, type Config } from './config';
import { CloudsecError, exitCodeFor, isCloudsecError } from './errors';
import { demoSnapshotPath } from './paths';
import { CHECK_FORMATS, checkOutput, type CheckFormat } from './cli-check-output';
import { registerPublishCommand } from './cli-publish';
import { registerDetectionsCommand } from './cli-detections';
import { makeLiveSnapshotSource } from './aws/live-source';
import { registerIamPolicyCommand } from './cli-iam-policy';
import { registerDbCommand } from './cli-db';
import { liveSourceConfigured } from './core/detections/settings';
import { openSqliteStore } from './store/sqlite';
import { openConfiguredStore, openConfiguredStoreIfPresent } from './store/open-store';
import type { Store } from './store/store';
import { describeVerification } from './app/audit';
import { makeDigestService } from './app/digest';
import { demoConfigPath } from './paths';
import { makeSecurityHubFeed } from './aws/securityhub-feed';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  clock: () => Date;
  /** Builds the AWS-backed source; tests keep the default and intercept HTTP with nock. */
  liveSource: (config: Config) => SnapshotSource;
}

const defaultIo = (): CliIo => ({
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  clock: () => new Date(),
  liveSource: (config) => makeLiveSnapshotSource({ config }),
});

const collectRepeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',')];

interface SourceOptions {
  demo?: boolean;
  snapshot?: string;
  config?: string;
}

const chooseSource = (opts: SourceOptions, io: CliIo): SnapshotSource => {
  const env = readEnv(io.env);
  const demo = opts.demo || env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
  if (demo && opts.snapshot) throw new CloudsecError('usage', 'Use either --demo or --snapshot, not both.');
  if (demo) return recordedSnapshotSource(demoSnapshotPath());
  if (opts.snapshot) return recordedSnapshotSource(opts.snapshot);
  return io.liveSource(loadConfig(opts.config ?? env.CLOUDSEC_CONFIG).config);
};

/**
 * cloudsec.yml for judging a scan, whatever its source: `checks:` (break-glass roles…) and the
 * accepted risks under `exceptions:`. The demo has its own file.
 */
const judgingConfigFor = (opts: SourceOptions, io: CliIo): Config => {
  const env = readEnv(io.env);
  const demo = opts.demo || env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
  return loadConfig(demo ? demoConfigPath() : (opts.config ?? env.CLOUDSEC_CONFIG)).config;
};

/** Where the CLI reads accepted risks: cloudsec.yml, and the bot's database unless this is the demo. */
const riskSourceOf = (opts: SourceOptions, io: CliIo, config: Config): CliRiskSource => {
  const env = readEnv(io.env);
  const demo = opts.demo || env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
  return {
    config,
    env: demo ? null : io.env,
    defaultSqlitePath: DEFAULT_DB,
    auditKey: env.CLOUDSEC_AUDIT_KEY,
    clock: io.clock,
  };
};

const validateAccountIds = (ids: string[] | undefined) => {
  for (const id of ids ?? []) {
    if (!/^\d{12}$/.test(id)) throw new CloudsecError('usage', `--account ${id}: expected a 12-digit AWS account id.`);
  }
};

/**
 * `--region` values checked against the SDK's region list before anything runs: a misspelt region
 * would otherwise be scanned, fail every call, and pass a CI gate with only `unknown` findings.
 */
const validRegions = (names: string[] | undefined): string[] | undefined => {
  if (!names) return undefined;
  const checked = checkRegionNames(names);
  if (!checked.ok) throw new CloudsecError('usage', `--region: ${describeUnknownRegion(checked)}.`);
  return checked.regions;
};

const buildProgram = (io: CliIo, setExit: (code: number) => void): Command => {
  const program = new Command('cloudsec')
    .description('AWS security posture checks (the CLI of the cloudsec Slack assistant)')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showSuggestionAfterError(true)
    .showHelpAfterError('(run `cloudsec --help` for usage)');

  program
    .command('checks')
    .description('list the check catalog')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action((opts: { format: 'text' | 'json' }) => {
      io.stdout(
        opts.format === 'json' ? JSON.stringify(catalogJson(CHECKS), null, 2) + '\n' : renderCatalogText(CHECKS),
      );
    });

  registerIamPolicyCommand(program, io);

  registerDbCommand(program, io, setExit);

  const audit = program
    .command('audit')
    .description('the tamper-evident audit log (CLOUDSEC_DATABASE_URL or CLOUDSEC_DB, CLOUDSEC_AUDIT_KEY)');
  audit
    .command('verify')
    .description('walk the hash chain; exit 0 when intact, 1 at the first broken entry')
    .action(async () => {
      const verification = await withAuditStore(io, (store) => store.verifyAudit());
      (verification.ok ? io.stdout : io.stderr)(`${describeVerification(verification)}\n`);
      setExit(verification.ok ? 0 : 1);
    });
  audit
    .command('export')
    .description('print entries for a SIEM, oldest first')
    .option('--since <time>', 'only entries at or after this ISO-8601 time')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'json']).default('jsonl'))
    .action(async (opts: { since?: string; format: 'jsonl' | 'json' }) => {
      if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) {
        throw new CloudsecError(
          'usage',
          `--since ${opts.since}: expected an ISO-8601 time such as 2026-11-01T00:00:00Z.`,
        );
      }
      const since = opts.since === undefined ? undefined : new Date(opts.since).toISOString();
      await withAuditStore(io, async (store) => {
        // Pages keep memory flat however long the log is.
        let first = true;
        if (opts.format === 'json') io.stdout('[');
        for (let next = 1; ;) {
          const page = await store.listAudit({ sinceSeq: next, ...(since ? { sinceTime: since } : {}), limit: 1000 });
          for (const entry of page) {
            io.stdout(
              opts.format === 'json' ? `${first ? '\n' : ',\n'}${JSON.stringify(entry)}` : `${JSON.stringify(entry)}\n`,
            );
            first = false;
          }
          if (page.length < 1000) break;
          next = page[page.length - 1]!.seq + 1;
        }
        if (opts.format === 'json') io.stdout(first ? ']\n' : '\n]\n');
      });
      setExit(0);
    });

  const withSourceOptions = (cmd: Command) =>
    cmd
      .option('--account <id>', 'only this AWS account (repeatable)', collectRepeatable)
      .option('--region <region>', 'only this region for regional services (repeatable)', collectRepeatable)
      .option('--snapshot <file>', 'evaluate a snapshot written by `cloudsec collect` instead of calling AWS')
      .option('--demo', 'use the bundled demo estate (fictional, no AWS needed)')
      .option('--config <file>', 'configuration file (default ./cloudsec.yml, or CLOUDSEC_CONFIG)');

  withSourceOptions(
    program
      .command('check')
      .description('run the checks of a service (or all) and report findings')
      .addArgument(new Argument('<service>', 'what to check').choices(SERVICE_SELECTORS as string[])),
  )
    .addOption(
      new Option(
        '--format <format>',
        'output format: text, json (the report), ocsf (OCSF 1.3.0 Compliance Findings, a JSON array), asff (what publish --security-hub sends) or csv',
      )
        .choices([...CHECK_FORMATS])
        .default('text'),
    )
    .addOption(
      new Option(
        '--fail-on <severity>',
        'exit 1 when a failing finding is at or above this severity (findings hidden by accepted risks do not count)',
      ).choices([...SEVERITIES]),
    )
    .addOption(
      new Option(
        '--fail-on-unknown',
        'also exit 1 when a check could not be evaluated (unknown), at or above --fail-on when given',
      ),
    )
    .action(
      async (
        service: ServiceSelector,
        opts: SourceOptions & {
          account?: string[];
          region?: string[];
          format: CheckFormat;
          failOn?: Severity;
          failOnUnknown?: boolean;
        },
      ) => {
        validateAccountIds(opts.account);
        const regions = validRegions(opts.region);
        const config = judgingConfigFor(opts, io);
        const outcome = await runCheck(
          { source: chooseSource(opts, io), checks: CHECKS, clock: io.clock, settings: config.checks },
          {
            service,
            ...(opts.account ? { accountIds: opts.account } : {}),
            ...(regions ? { regions } : {}),
          },
        );
        // Accepted risks hide failing findings from the report, the text and --fail-on, as in Slack:
        // `findings`/`summary` hold what is shown, `acceptedRisks` what is hidden (json), and the
        // file formats keep every finding, a hidden one carrying its exception.
        const now = io.clock();
        const risks = await acceptedRisksFor(riskSourceOf(opts, io, config), now);
        const applied = applyExceptions(outcome.findings, risks.exceptions, { now, ouPath: risks.ouPath });
        const report = buildCheckReport(
          outcome.snapshot,
          applied.shown,
          summarize(applied.shown),
          outcome.evaluatedAt,
          outcome.services,
          acceptedRisksReport(applied, risks.exceptions, risks.problems),
        );
        for (const problem of risks.problems) io.stderr(`cloudsec: ${problem}\n`);
        const rows = exportRows(outcome.findings, applied);
        io.stdout(await checkOutput(opts.format, { report, rows, snapshot: outcome.snapshot, now: io.clock() }));
        const failOn = opts.failOn;
        const atOrAbove = (s: Severity) => failOn === undefined || severityRank(s) <= severityRank(failOn);
        // A finding hidden by an accepted risk does not fail the gate (it was accepted, with an owner
        // and an expiry); one shown again because it got worse does.
        const breached =
          failOn !== undefined && applied.shown.some((f) => f.status === 'fail' && atOrAbove(f.severity));
        // "Could not check" must be able to stop a pipeline: a refused role or an unreachable region
        // otherwise passes the gate as if everything had been checked and found fine.
        const unchecked = opts.failOnUnknown
          ? outcome.findings.filter((f) => f.status === 'unknown' && atOrAbove(f.severity)).length
          : 0;
        if (unchecked > 0) {
          io.stderr(
            `cloudsec: ${unchecked} finding${unchecked === 1 ? '' : 's'} could not be checked (unknown)` +
              `${failOn ? ` at or above ${failOn}` : ''}; failing because of --fail-on-unknown.\n`,
          );
        }
        setExit(breached || unchecked > 0 ? 1 : 0);
      },
    );

  withSourceOptions(
    program
      .command('collect')
      .description('collect a snapshot from AWS (or the demo) and write it to a file for offline checks')
      .requiredOption('--out <file>', 'where to write the snapshot JSON'),
  )
    .addOption(
      new Option('--service <service>', 'only this service (repeatable; default all)').argParser(collectRepeatable),
    )
    .action(
      async (opts: SourceOptions & { out: string; service?: string[]; account?: string[]; region?: string[] }) => {
        validateAccountIds(opts.account);
        const regions = validRegions(opts.region);
        const unknownService = (opts.service ?? []).find((s) => !(SERVICES as readonly string[]).includes(s));
        if (unknownService) {
          const near = suggest(unknownService, SERVICES);
          throw new CloudsecError(
            'usage',
            `--service ${unknownService}: expected one of ${SERVICES.join(', ')}${near ? ` (did you mean ${near}?)` : ''}.`,
          );
        }
        // A snapshot of a service holds every slice its checks read, so `check <service> --snapshot`
        // on it gives the same answer as a live check.
        const services = opts.service ? slicesFor(CHECKS, opts.service as Service[]) : slicesFor(CHECKS, SERVICES);
        const snapshot = await chooseSource(opts, io).load({
          services,
          ...(opts.account ? { accountIds: opts.account } : {}),
          ...(regions ? { regions } : {}),
          onProgress: (p) => io.stderr(`collected ${p.accountId} (${p.done}/${p.total})\n`),
        });
        try {
          // A new file is private (the snapshot maps the estate's weak spots); an existing one keeps its mode.
          fs.writeFileSync(opts.out, JSON.stringify(snapshot, null, 2) + '\n', { mode: 0o600 });
        } catch (err) {
          throw new CloudsecError('usage', `Cannot write ${opts.out}: ${(err as Error).message}`);
        }
        io.stderr(
          `wrote ${opts.out}: ${snapshot.accounts.length} account(s), services ${snapshot.services.join(', ')}\n`,
        );
        setExit(0);
      },
    );

  withSourceOptions(
    program
      .command('digest')
      .description('render a scheduled digest as it would be posted now, without posting or storing anything')
      .requiredOption('--preview <name>', 'the digest to preview (a name under `digests:` in cloudsec.yml)'),
  ).action(async (opts: SourceOptions & { preview: string; region?: string[] }) => {
    validRegions(opts.region);
    const env = readEnv(io.env);
    const demo = opts.demo || env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
    const config = loadConfig(demo ? demoConfigPath() : (opts.config ?? env.CLOUDSEC_CONFIG)).config;
    const digest = config.digests.find((d) => d.name === opts.preview);
    if (!digest) {
      const names = config.digests.map((d) => d.name);
      throw new CloudsecError(
        'usage',
        `No digest named "${opts.preview}". ${names.length > 0 ? `Digests: ${names.join(', ')}.` : 'Define digests under `digests:` in cloudsec.yml.'}`,
      );
    }
    const source = chooseSource(opts, io);
    // The delta is against the bot's stored state when its database (the configured one, PostgreSQL
    // or SQLite) is there; otherwise, and always in the demo, this is a first run in memory.
    const configured = demo
      ? null
      : await openConfiguredStoreIfPresent(io.env, {
          clock: io.clock,
          auditKey: env.CLOUDSEC_AUDIT_KEY,
          defaultSqlitePath: DEFAULT_DB,
        });
    const store = configured ?? openSqliteStore({ path: ':memory:', clock: io.clock });
    try {
      const nowhere = async (): Promise<never> => {
        throw new CloudsecError('internal', 'a preview posts nothing');
      };
      const service = makeDigestService({
        config,
        store,
        clock: io.clock,
        log: { info: () => undefined, warn: () => undefined, error: () => undefined },
        source,
        securityHub: source.kind === 'live' ? makeSecurityHubFeed({ config }) : null,
        poster: { post: nowhere, attach: nowhere },
        chart: () => Buffer.alloc(0),
        knownAccounts: async () => (config.accounts ?? []).map((a) => ({ id: a.id, name: a.name })),
        remediationEnabled: config.remediation.enabled,
        owner: 'cli-preview',
        // The demo has the live lane; a deployment has it with a CloudTrail source configured.
        liveLaneOn: demo || liveSourceConfigured(config.detections),
      });
      const outcome = await service.preview(digest);
      if (outcome.kind === 'preview') io.stdout(`${outcome.text.trimEnd()}\n`);
      setExit(0);
    } finally {
      await store.close();
    }
  });

  registerPublishCommand(program, io, setExit, {
    chooseSource: (opts) => chooseSource(opts, io),
    checkSettingsFor: (opts) => judgingConfigFor(opts, io).checks,
    validateAccountIds,
    validRegions,
    exceptionsOf: (opts, findings, now) =>
      rowsWithAcceptedRisks(riskSourceOf(opts, io, judgingConfigFor(opts, io)), findings, now, io.stderr),
  });
  registerDetectionsCommand(program, io, setExit);
  return program;
};

const DEFAULT_DB = './data/cloudsec.db';

/**
 * Opens the existing database the environment selects, PostgreSQL or SQLite (never creates one:
 * verifying a typo'd path or schema must not pass on zero entries).
 */
const withAuditStore = async <T>(io: CliIo, fn: (store: Store) => Promise<T>): Promise<T> => {
  const env = readEnv(io.env);
  const store = await openConfiguredStore(io.env, {
    clock: io.clock,
    auditKey: env.CLOUDSEC_AUDIT_KEY,
    defaultSqlitePath: DEFAULT_DB,
    mustExist: true,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
};

/** Runs the CLI and returns the exit status (0 ok, 1 findings at/above --fail-on, 2 usage/config/credentials). */
export const main = async (argv: string[], io: CliIo = defaultIo()): Promise<number> => {
  let exitCode = 0;
  const program = buildProgram(io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are successes; every parse error is a usage error.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (isCloudsecError(err)) {
      io.stderr(`cloudsec: ${err.message}\n`);
      return exitCodeFor(err);
    }
    io.stderr(`cloudsec: unexpected error: ${(err as Error)?.message ?? String(err)}\n`);
    return 3;
  }
};
