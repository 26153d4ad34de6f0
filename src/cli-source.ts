import type { Command } from 'commander';
import { recordedSnapshotSource, type SnapshotSource } from './app/snapshot-source';
import { checkRegionNames, describeUnknownRegion } from './aws/region-names';
import type { CliRiskSource } from './cli-accepted-risks';
import type { CliIo } from './cli';
import { loadConfig, type Config } from './config';
import { readEnv } from './env';
import { CloudsecError } from './errors';
import { demoConfigPath, demoSnapshotPath } from './paths';

// What the commands that read an estate share: where the snapshot comes from (AWS, a file or the
// demo), the cloudsec.yml that judges it, and the checks on --account and --region.

/** The SQLite file the bot writes by default (CLOUDSEC_DB overrides it). */
export const DEFAULT_DB = './data/cloudsec.db';

export const collectRepeatable = (value: string, previous: string[] | undefined) => [
  ...(previous ?? []),
  ...value.split(','),
];

export interface SourceOptions {
  demo?: boolean;
  snapshot?: string;
  config?: string;
}

export const chooseSource = (opts: SourceOptions, io: CliIo): SnapshotSource => {
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
export const judgingConfigFor = (opts: SourceOptions, io: CliIo): Config => {
  const env = readEnv(io.env);
  const demo = opts.demo || env.CLOUDSEC_DEMO === '1' || env.CLOUDSEC_DEMO === 'true';
  return loadConfig(demo ? demoConfigPath() : (opts.config ?? env.CLOUDSEC_CONFIG)).config;
};

/** Where the CLI reads accepted risks: cloudsec.yml, and the bot's database unless this is the demo. */
export const riskSourceOf = (opts: SourceOptions, io: CliIo, config: Config): CliRiskSource => {
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

export const validateAccountIds = (ids: string[] | undefined) => {
  for (const id of ids ?? []) {
    if (!/^\d{12}$/.test(id)) throw new CloudsecError('usage', `--account ${id}: expected a 12-digit AWS account id.`);
  }
};

/**
 * `--region` values checked against the SDK's region list before anything runs: a misspelt region
 * would otherwise be scanned, fail every call, and pass a CI gate with only `unknown` findings.
 */
export const validRegions = (names: string[] | undefined): string[] | undefined => {
  if (!names) return undefined;
  const checked = checkRegionNames(names);
  if (!checked.ok) throw new CloudsecError('usage', `--region: ${describeUnknownRegion(checked)}.`);
  return checked.regions;
};

/** --account, --region, --snapshot, --demo and --config, as every estate-reading command takes them. */
export const withSourceOptions = (cmd: Command) =>
  cmd
    .option('--account <id>', 'only this AWS account (repeatable)', collectRepeatable)
    .option('--region <region>', 'only this region for regional services (repeatable)', collectRepeatable)
    .option('--snapshot <file>', 'evaluate a snapshot written by `cloudsec collect` instead of calling AWS')
    .option('--demo', 'use the bundled demo estate (fictional, no AWS needed)')
    .option('--config <file>', 'configuration file (default ./cloudsec.yml, or CLOUDSEC_CONFIG)');
