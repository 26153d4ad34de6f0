import { Option, type Command } from 'commander';
import { describePublish, publishFindings, publishSucceeded, type PublishOutcome } from './app/publish';
import type { SnapshotSource } from './app/snapshot-source';
import { makeClientFactory, resolveHomeRegion } from './aws/clients';
import { publishToSecurityHub, writeRoleClients } from './aws/securityhub-publish';
import type { CliIo } from './cli';
import { loadConfig } from './config';
import { isDemo, isDryRun, readEnv } from './env';
import type { Finding } from './core/model';
import type { ExportRow } from './core/exceptions/model';
import { CHECKS } from './core/checks';
import type { CheckSettings } from './core/check-settings';
import { CloudsecError } from './errors';

/**
 * `cloudsec publish --security-hub [--only-failed] [--account ID]… [--region R]… [--dry-run]
 * [--demo | --snapshot FILE] [--config FILE] [--format text|json]`
 *
 * Runs every check, as `cloudsec check all` does, and imports cloudsec's findings into each
 * account's Security Hub with the account's write role (src/app/publish.ts). `--demo` never calls
 * AWS: it is always a dry run, printing what would be sent. Exit 0 when every finding sent was
 * confirmed imported (or nothing was sent), 1 when any failed or could not be confirmed, 2 for usage.
 */

interface SourceOptions {
  demo?: boolean;
  snapshot?: string;
  config?: string;
}

/** What src/cli.ts already has for the other commands: the same source choice and validation. */
export interface PublishCliHelpers {
  chooseSource: (opts: SourceOptions) => SnapshotSource;
  checkSettingsFor: (opts: SourceOptions) => CheckSettings;
  validateAccountIds: (ids: string[] | undefined) => void;
  validRegions: (names: string[] | undefined) => string[] | undefined;
  /** The accepted risk hiding each finding (cloudsec.yml, and the bot's database when present). */
  exceptionsOf?: (opts: SourceOptions, findings: readonly Finding[], now: Date) => Promise<ExportRow[]>;
}

interface PublishOptions extends SourceOptions {
  securityHub?: boolean;
  onlyFailed?: boolean;
  dryRun?: boolean;
  account?: string[];
  region?: string[];
  format: 'text' | 'json';
}

const collectRepeatable = (value: string, previous: string[] | undefined) => [...(previous ?? []), ...value.split(',')];

/** Where account-wide findings go when nothing is configured and nothing is sent (a dry run). */
const DRY_RUN_HOME_REGION = 'us-east-1';

export const registerPublishCommand = (
  program: Command,
  io: CliIo,
  setExit: (code: number) => void,
  helpers: PublishCliHelpers,
): Command =>
  program
    .command('publish')
    .description(
      "import cloudsec's findings into Security Hub (ASFF, BatchImportFindings) with each account's write role",
    )
    .option('--security-hub', 'publish to AWS Security Hub (the only destination so far; required)')
    .option(
      '--only-failed',
      'send only failing (and accepted-risk) findings; without it passing ones are sent ARCHIVED so fixed findings close',
    )
    .option('--dry-run', 'run the checks and print what would be sent, without sending anything')
    .option('--account <id>', 'only this AWS account (repeatable)', collectRepeatable)
    .option('--region <region>', 'only this region for regional services (repeatable)', collectRepeatable)
    .option('--snapshot <file>', 'publish the findings of a snapshot written by `cloudsec collect`')
    .option('--demo', 'the bundled demo estate: always a dry run, no AWS needed')
    .option('--config <file>', 'configuration file (default ./cloudsec.yml, or CLOUDSEC_CONFIG)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .action(async (opts: PublishOptions) => {
      if (!opts.securityHub) {
        throw new CloudsecError('usage', 'Say where to publish: `cloudsec publish --security-hub`.');
      }
      helpers.validateAccountIds(opts.account);
      const regions = helpers.validRegions(opts.region);
      const env = readEnv(io.env);
      const demo = opts.demo === true || isDemo(env);
      const dryRun = demo || opts.dryRun === true || isDryRun(env);
      if (demo && opts.dryRun !== true) io.stderr('cloudsec: --demo never calls AWS: this is a dry run.\n');
      const source = helpers.chooseSource(opts);
      const homeRegion = (await resolveHomeRegion()) ?? (dryRun ? DRY_RUN_HOME_REGION : undefined);
      if (!homeRegion) {
        throw new CloudsecError(
          'credentials',
          'No AWS region configured: set AWS_REGION (or a region in the profile named by AWS_PROFILE); account-wide findings are published there.',
        );
      }
      const publish = dryRun ? null : livePublisher(opts, io, homeRegion);
      const outcome = await publishFindings(
        {
          source,
          checks: CHECKS,
          clock: io.clock,
          settings: helpers.checkSettingsFor(opts),
          homeRegion,
          publish,
          ...(helpers.exceptionsOf
            ? { exceptionsOf: (findings: readonly Finding[], now: Date) => helpers.exceptionsOf!(opts, findings, now) }
            : {}),
        },
        {
          onlyFailed: opts.onlyFailed === true,
          ...(opts.account ? { accountIds: opts.account } : {}),
          ...(regions ? { regions } : {}),
        },
      );
      io.stdout(
        opts.format === 'json' ? `${JSON.stringify(publishJson(outcome), null, 2)}\n` : describePublish(outcome),
      );
      setExit(publishSucceeded(outcome) ? 0 : 1);
    });

/** Imports with each account's write role (cloudsec.yml `accounts[].writeRoleArn` / `organization.writeRoleName`). */
const livePublisher = (opts: SourceOptions, io: CliIo, homeRegion: string) => {
  const env = readEnv(io.env);
  const { config } = loadConfig(opts.config ?? env.CLOUDSEC_CONFIG);
  const factory = makeClientFactory({ homeRegion, sessionName: 'cloudsec-publish' });
  return (findings: PublishOutcome['findings']) =>
    publishToSecurityHub(
      { clientsFor: writeRoleClients(config, factory), concurrency: config.concurrency.accounts },
      findings,
      {
        onBatch: (b) => io.stderr(`published ${b.accountId} ${b.region} batch ${b.batch}: ${b.succeeded}/${b.size}\n`),
      },
    );
};

/** `--format json`: the outcome; the ASFF findings themselves only in a dry run (what would be sent). */
const publishJson = (outcome: PublishOutcome) => ({
  dryRun: outcome.dryRun,
  onlyFailed: outcome.onlyFailed,
  count: outcome.findings.length,
  leftOut: outcome.leftOut,
  ...(outcome.report ? { report: outcome.report } : { findings: outcome.findings }),
});
