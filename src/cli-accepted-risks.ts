import { estateView } from './app/account-directory';
import { makeAcceptedRisks } from './app/accepted-risks';
import { validateConfigExceptions, type Config } from './config';
import { applyExceptions, exportRows } from './core/exceptions/apply';
import type { ExportRow } from './core/exceptions/model';
import type { Finding } from './core/model';
import { CloudsecError } from './errors';
import { openConfiguredStoreIfPresent } from './store/open-store';

/**
 * The accepted risks the CLI applies (`check`, `publish`): cloudsec.yml's, and, when the bot's
 * database is there (never with the demo), those accepted in Slack, so the CLI and Slack hide the
 * same findings. The database is the one the environment selects (CLOUDSEC_DATABASE_URL, else the
 * SQLite file at CLOUDSEC_DB), opened as `digest --preview` opens it (which brings an older schema
 * up to date), only read from, and closed again. With no database there, only cloudsec.yml counts.
 */

export interface CliRiskSource {
  config: Config;
  /** The environment naming the bot's database, or null when none is read (the demo). */
  env: NodeJS.ProcessEnv | null;
  /** The SQLite file when neither CLOUDSEC_DATABASE_URL nor CLOUDSEC_DB is set. */
  defaultSqlitePath: string;
  auditKey: string | undefined;
  clock: () => Date;
}

/**
 * The exceptions in force at `now`, what could not be read, and where each account sits in the
 * organization (for OU scopes; unknown = not covered). An entry of cloudsec.yml expiring beyond
 * `exceptions.maxDays` is a configuration error, as it is for the bot.
 */
export const acceptedRisksFor = async (source: CliRiskSource, now: Date) => {
  const problems = validateConfigExceptions(source.config, now);
  if (problems.length > 0) throw new CloudsecError('config', `cloudsec.yml exceptions: ${problems.join('; ')}.`);
  const store =
    source.env === null
      ? null
      : await openConfiguredStoreIfPresent(source.env, {
          clock: source.clock,
          auditKey: source.auditKey,
          defaultSqlitePath: source.defaultSqlitePath,
        });
  try {
    const risks = await makeAcceptedRisks({ config: source.config, store, clock: source.clock }).read(['active']);
    const estate = estateView(source.config, store ? await store.accountDirectory().catch(() => null) : null);
    const paths = new Map(estate.accounts.map((a) => [a.id, a.ouPath]));
    return { ...risks, ouPath: (id: string) => paths.get(id) ?? null };
  } finally {
    await store?.close();
  }
};

/** Findings as output rows with the accepted risk hiding each (publish marks those SUPPRESSED). */
export const rowsWithAcceptedRisks = async (
  source: CliRiskSource,
  findings: readonly Finding[],
  now: Date,
  warn: (line: string) => void,
): Promise<ExportRow[]> => {
  const risks = await acceptedRisksFor(source, now);
  for (const problem of risks.problems) warn(`cloudsec: ${problem}\n`);
  return exportRows(findings, applyExceptions(findings, risks.exceptions, { now, ouPath: risks.ouPath }));
};
