import fs from 'node:fs';
import { Argument, Command, CommanderError, Option } from 'commander';
import { CHECKS } from './core/checks';
import { SEVERITIES, SERVICES, severityRank, type Service, type Severity } from './core/model';
import { acceptedRisksReport, buildCheckReport } from './core/render/report';
import { summarize } from './core/findings';
import { applyExceptions, exportRows } from './core/exceptions/apply';
import { acceptedRisksFor, rowsWithAcceptedRisks } from './cli-accepted-risks';
import { catalogJson, renderCatalogText } from './core/render/text';
import { runCheck, SERVICE_SELECTORS, slicesFor, type ServiceSelector } from './app/run-check';
import { suggest } from './core/suggest';
import type { SnapshotSource } from './app/snapshot-source';
import type { Config } from './config';
import { CloudsecError, exitCodeFor, isCloudsecError } from './errors';
import { CHECK_FORMATS, checkOutput, type CheckFormat } from './cli-check-output';
import { registerPublishCommand } from './cli-publish';
import { registerDetectionsCommand } from './cli-detections';
import { makeLiveSnapshotSource } from './aws/live-source';
import { registerIamPolicyCommand } from './cli-iam-policy';
import { registerDbCommand } from './cli-db';
import { registerAuditCommand } from './cli-audit';
import { registerDigestCommand } from './cli-digest';
import {
  chooseSource,
  collectRepeatable,
  judgingConfigFor,
  riskSourceOf,
  validateAccountIds,
  validRegions,
  withSourceOptions,
  type SourceOptions,
} from './cli-source';

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

  registerAuditCommand(program, io, setExit);

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

  registerDigestCommand(program, io, setExit);

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
