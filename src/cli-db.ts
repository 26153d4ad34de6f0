import type { Command } from 'commander';
import { readEnv } from './env';
import { CloudsecError } from './errors';
import { copySqliteToPostgres, parseSqliteSource } from './store/copy';
import {
  checkPostgresUrl,
  checkSchemaName,
  configuredStoreTarget,
  DEFAULT_PG_SCHEMA,
  describeStoreTarget,
  latestVersionFor,
  openStoreAt,
  readSchemaVersion,
  type StoreTarget,
} from './store/open-store';
import { redactDatabaseUrl } from './database-env';

interface DbIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  clock: () => Date;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

const since = (iso: string, now: Date): string => {
  const minutes = Math.max(0, Math.round((now.getTime() - Date.parse(iso)) / 60_000));
  return `${iso}, ${minutes < 60 ? plural(minutes, 'minute') : plural(Math.round(minutes / 60), 'hour')} ago`;
};

/**
 * The streamed scans' queue (an up-to-date database only: opening one runs no migration then):
 * what is running and its accounts by state, so an operator sees a scan no replica is taking. False,
 * with the reason printed, when it cannot be read.
 */
const printScanQueue = async (target: StoreTarget, io: DbIo): Promise<boolean> => {
  let queue;
  try {
    const store = await openStoreAt(target, {
      clock: io.clock,
      auditKey: readEnv(io.env).CLOUDSEC_AUDIT_KEY,
      mustExist: true,
    });
    try {
      queue = await store.scanQueue();
    } finally {
      await store.close();
    }
  } catch (err) {
    io.stdout(`scan queue: could not be read (${err instanceof Error ? err.message : String(err)})\n`);
    return false;
  }
  if (queue.runningScans === 0 || !queue.oldestRunningSince) {
    io.stdout('scan queue: no scan running\n');
    return true;
  }
  const { queued, running, done, failed } = queue.jobs;
  io.stdout(
    `scan queue: ${plural(queue.runningScans, 'scan')} running (oldest began ${since(queue.oldestRunningSince, io.clock())}); ` +
      `accounts: ${queued} waiting, ${running} being collected, ${done} done, ${failed} failed\n`,
  );
  return true;
};

/**
 * `cloudsec db`: the database the environment selects (CLOUDSEC_DATABASE_URL, else CLOUDSEC_DB):
 * apply migrations before rolling replicas, say where a deployment stands, and move a single-node
 * SQLite install into PostgreSQL.
 */
export const registerDbCommand = (program: Command, io: DbIo, setExit: (code: number) => void): void => {
  const db = program
    .command('db')
    .description('the database: CLOUDSEC_DATABASE_URL (PostgreSQL), else the SQLite file at CLOUDSEC_DB');

  db.command('migrate')
    .description('apply pending schema migrations to the configured database and print the version reached')
    .action(async () => {
      const target = configuredStoreTarget(io.env);
      const before = await readSchemaVersion(target);
      // The same path the bot takes when it starts: migrations run under the database's lock, once.
      const store = await openStoreAt(target, { clock: io.clock, auditKey: readEnv(io.env).CLOUDSEC_AUDIT_KEY });
      await store.close();
      const after = await readSchemaVersion(target);
      if (after === null) throw new CloudsecError('internal', `${describeStoreTarget(target)} was not migrated.`);
      const was =
        before === null || before === 0 ? 'created' : before === after ? 'already up to date' : `was ${before}`;
      io.stdout(`${describeStoreTarget(target)}: schema version ${after} (${was}).\n`);
      setExit(0);
    });

  db.command('status')
    .description(
      'which database is configured, its schema version (exit 1 when it needs `db migrate`) and the scan queue',
    )
    .action(async () => {
      const target = configuredStoreTarget(io.env);
      const version = await readSchemaVersion(target);
      const latest = latestVersionFor(target);
      io.stdout(`database: ${describeStoreTarget(target)}\n`);
      if (version === null || version === 0) {
        io.stdout(
          `schema version: none, no cloudsec database there yet (latest ${latest}): run \`cloudsec db migrate\`\n`,
        );
        setExit(1);
      } else if (version < latest) {
        io.stdout(
          `schema version: ${version} of ${latest}: ${plural(latest - version, 'migration')} pending: run \`cloudsec db migrate\`\n`,
        );
        setExit(1);
      } else if (version > latest) {
        io.stdout(`schema version: ${version}, newer than this cloudsec knows (${latest}): upgrade cloudsec\n`);
        setExit(1);
      } else {
        io.stdout(`schema version: ${version} (up to date)\n`);
        setExit((await printScanQueue(target, io)) ? 0 : 1);
      }
    });

  db.command('copy')
    .description(
      'copy a SQLite install into an empty, migrated PostgreSQL database in one transaction (stop the bot first)',
    )
    .requiredOption('--from <sqlite>', 'the SQLite file: sqlite:PATH or a path')
    .option('--to <url>', 'the PostgreSQL URL (default CLOUDSEC_DATABASE_URL)')
    .option('--to-schema <schema>', 'the PostgreSQL schema (default CLOUDSEC_DATABASE_SCHEMA, else public)')
    .action(async (opts: { from: string; to?: string; toSchema?: string }) => {
      const env = readEnv(io.env);
      const url = opts.to ?? io.env.CLOUDSEC_DATABASE_URL?.trim();
      if (!url) {
        throw new CloudsecError(
          'usage',
          '--to: give the PostgreSQL URL, or set CLOUDSEC_DATABASE_URL (keeps the password off the command line).',
        );
      }
      const to = {
        url: checkPostgresUrl(url, '--to'),
        schema: checkSchemaName(
          opts.toSchema ?? (io.env.CLOUDSEC_DATABASE_SCHEMA?.trim() || DEFAULT_PG_SCHEMA),
          '--to-schema',
        ),
      };
      const from = parseSqliteSource(opts.from);
      const result = await copySqliteToPostgres({
        from,
        to,
        auditKey: env.CLOUDSEC_AUDIT_KEY,
        onTable: (table, rows) => io.stderr(`copied ${table}: ${plural(rows, 'row')}\n`),
      });
      const width = Math.max(5, ...result.tables.map((t) => t.table.length));
      const total = result.tables.reduce((sum, t) => sum + t.rows, 0);
      io.stdout(
        [
          `Copied ${from} to PostgreSQL ${redactDatabaseUrl(to.url)} (schema ${to.schema}), schema version ${result.version}:`,
          ...result.tables.map((t) => `  ${t.table.padEnd(width)}  ${String(t.rows).padStart(8)}`),
          `  ${'total'.padEnd(width)}  ${String(total).padStart(8)}`,
          `Audit chain verified in the copy: ${plural(result.audit.entries, 'entry', 'entries')}` +
            `${result.audit.entries > 0 ? ` (last #${result.audit.lastSeq})` : ''}.`,
          'Point the replicas at it with CLOUDSEC_DATABASE_URL' +
            `${to.schema === DEFAULT_PG_SCHEMA ? '' : ` and CLOUDSEC_DATABASE_SCHEMA=${to.schema}`}; keep the SQLite file as a backup.`,
          '',
        ].join('\n'),
      );
      setExit(0);
    });
};
