import fs from 'node:fs';
import Database from 'better-sqlite3';
import type { PoolClient } from 'pg';
import { isUnchecked, type ChainVerification } from '../core/audit';
import { CloudsecError, isCloudsecError } from '../errors';
import { AUDIT_COLUMNS_SQL, verifyAuditChain, type AuditRow } from './audit-chain';
import { latestSchemaVersion, MIGRATIONS } from './migrations';
import { checkSchemaName, openPgPool, pgSchemaVersion, sqliteSchemaVersion, unreachable } from './open-store';
import { redactDatabaseUrl } from './pg';
import { PG_MIGRATIONS } from './pg-migrations';

/**
 * `cloudsec db copy`: moves a single-node install (a SQLite file) into an empty, migrated PostgreSQL
 * schema so replicas can take over. Everything is generic over the schema (columns from PRAGMA
 * table_info, order from the foreign keys), so a new migration needs no change here; what it
 * guarantees is that the target holds exactly the source's rows (ids, audit seq/hash/hmac, seals,
 * insertion order) or nothing at all: one PostgreSQL transaction, rolled back unless the row counts
 * match and the audit chain verifies in the copy.
 */

export interface CopyTarget {
  url: string;
  schema: string;
}

export interface CopyOptions {
  /** The SQLite file (`sqlite:PATH` or a plain path; see parseSqliteSource). */
  from: string;
  to: CopyTarget;
  /** CLOUDSEC_AUDIT_KEY: the copied chain's HMACs are checked with it (without it, a keyed log does not verify). */
  auditKey?: string | undefined;
  /** Rows per INSERT (default 500; fewer for wide tables, to stay under PostgreSQL's parameter limit). */
  batchRows?: number;
  /** Told after each table is copied (progress for long copies). */
  onTable?: (table: string, rows: number) => void;
}

export interface CopyResult {
  version: number;
  /** In the order copied (parents before the tables that reference them). */
  tables: Array<{ table: string; rows: number }>;
  audit: { entries: number; lastSeq: number };
}

/** `sqlite:PATH`, `sqlite://PATH` or a plain path → the path; another scheme is refused. */
export const parseSqliteSource = (spec: string): string => {
  const trimmed = spec.trim();
  if (/^sqlite:/i.test(trimmed)) {
    const rest = trimmed.slice('sqlite:'.length);
    const file = rest.startsWith('//') ? rest.slice(2) : rest;
    if (file === '') throw new CloudsecError('usage', `--from ${spec}: no file after sqlite:.`);
    return file;
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) {
    throw new CloudsecError(
      'usage',
      `--from ${redactDatabaseUrl(trimmed)}: expected a SQLite file (sqlite:PATH or a path); db copy moves a SQLite install to PostgreSQL.`,
    );
  }
  return trimmed;
};

interface TablePlan {
  table: string;
  /** What is read from SQLite, in order (`rowid` first when the target has a rowid column). */
  select: string[];
  /** Where each selected value goes in PostgreSQL. */
  insert: string[];
  orderBy: string;
  /** Target columns set explicitly that a sequence backs: the sequence is moved past them. */
  sequenced: string[];
}

const quote = (name: string): string => `"${name.replace(/"/g, '""')}"`;

const MAX_PARAMETERS = 30_000; // PostgreSQL allows 65535 per statement; stay well under.

const sourceVersionProblem = (file: string, found: number | null, latest: number): string | null => {
  if (found === null) return `${file} is not a cloudsec database (it has no schema_migrations table).`;
  if (found > latest) {
    return `The source ${file} has schema version ${found}, newer than this cloudsec knows (${latest}): copy with the cloudsec that wrote it.`;
  }
  if (found < latest) {
    return (
      `The source ${file} is at schema version ${found}, this cloudsec's is ${latest}. Migrate it first ` +
      `(with the bot stopped): CLOUDSEC_DB=${file} cloudsec db migrate.`
    );
  }
  return null;
};

const targetVersionProblem = (where: string, schema: string, found: number | null, latest: number): string | null => {
  const how =
    `CLOUDSEC_DATABASE_URL=<the URL>${schema === 'public' ? '' : ` CLOUDSEC_DATABASE_SCHEMA=${schema}`} ` +
    'cloudsec db migrate';
  if (found === null || found === 0) return `The target ${where} has no cloudsec schema yet. Create it first: ${how}.`;
  if (found > latest) {
    return `The target ${where} has schema version ${found}, newer than this cloudsec knows (${latest}): copy with that cloudsec.`;
  }
  if (found < latest)
    return `The target ${where} is at schema version ${found}, not ${latest}. Migrate it first: ${how}.`;
  return null;
};

/** The source's tables, parents first (a table that references another comes after it). */
const sourceTables = (db: Database.Database): string[] => {
  const names = (
    db
      .prepare(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name <> 'schema_migrations' ORDER BY rowid",
      )
      .all() as Array<{ name: string }>
  ).map((r) => r.name);
  const parents = new Map(
    names.map((name) => [
      name,
      new Set(
        (db.prepare(`PRAGMA foreign_key_list(${quote(name)})`).all() as Array<{ table: string }>)
          .map((fk) => fk.table)
          // A self-reference (an undo naming its request) is satisfied by copying in insertion order.
          .filter((parent) => parent !== name),
      ),
    ]),
  );
  const ordered: string[] = [];
  const placed = new Set<string>();
  while (ordered.length < names.length) {
    const next = names.find(
      (n) => !placed.has(n) && [...parents.get(n)!].every((p) => placed.has(p) || !parents.has(p)),
    );
    if (next === undefined) {
      const rest = names.filter((n) => !placed.has(n));
      throw new CloudsecError('internal', `The source's foreign keys form a cycle among ${rest.join(', ')}.`);
    }
    ordered.push(next);
    placed.add(next);
  }
  return ordered;
};

const hasRowid = (db: Database.Database, table: string): boolean => {
  try {
    db.prepare(`SELECT rowid FROM ${quote(table)} LIMIT 0`);
    return true;
  } catch {
    return false; // WITHOUT ROWID
  }
};

interface TargetColumn {
  table_name: string;
  column_name: string;
  column_default: string | null;
}

/** Matches the source's tables and columns to the target's; refuses anything that would not copy exactly. */
const planTables = async (db: Database.Database, client: PoolClient, schema: string): Promise<TablePlan[]> => {
  const tables = sourceTables(db);
  const targetTables = new Set(
    (
      await client.query<{ table_name: string }>(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'",
        [schema],
      )
    ).rows
      .map((r) => r.table_name)
      .filter((t) => t !== 'schema_migrations'),
  );
  const missing = tables.filter((t) => !targetTables.has(t));
  const extra = [...targetTables].filter((t) => !tables.includes(t));
  if (missing.length > 0 || extra.length > 0) {
    throw new CloudsecError(
      'config',
      'The source and target schemas differ although both are at the same version' +
        `${missing.length ? `; missing in the target: ${missing.join(', ')}` : ''}` +
        `${extra.length ? `; only in the target: ${extra.join(', ')}` : ''}. Nothing was copied.`,
    );
  }
  const columns = (
    await client.query<TargetColumn>(
      'SELECT table_name, column_name, column_default FROM information_schema.columns WHERE table_schema = $1',
      [schema],
    )
  ).rows;

  return tables.map((table) => {
    const info = db.prepare(`PRAGMA table_info(${quote(table)})`).all() as Array<{ name: string; pk: number }>;
    const target = new Map(columns.filter((c) => c.table_name === table).map((c) => [c.column_name, c]));
    const sourceColumns = info.map((c) => c.name);
    const absent = sourceColumns.filter((c) => !target.has(c));
    if (absent.length > 0) {
      throw new CloudsecError(
        'config',
        `The target table ${table} has no column ${absent.join(', ')}: the schemas differ. Nothing was copied.`,
      );
    }
    const rowid = hasRowid(db, table);
    // SQLite's implicit rowid (insertion order) is an explicit column in PostgreSQL where queries order by it.
    const fillRowid = rowid && !sourceColumns.includes('rowid') && target.has('rowid');
    const unfilled = [...target.keys()].filter((c) => !sourceColumns.includes(c) && !(fillRowid && c === 'rowid'));
    if (unfilled.length > 0) {
      throw new CloudsecError(
        'config',
        `The target table ${table} has column ${unfilled.join(', ')} that the source does not: the schemas differ. Nothing was copied.`,
      );
    }
    const insert = fillRowid ? ['rowid', ...sourceColumns] : sourceColumns;
    const pk = info.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
    return {
      table,
      select: fillRowid ? ['rowid', ...sourceColumns.map(quote)] : sourceColumns.map(quote),
      insert,
      orderBy: rowid ? 'rowid' : (pk.length > 0 ? pk : info).map((c) => quote(c.name)).join(', '),
      sequenced: insert.filter((c) => target.get(c)?.column_default?.startsWith('nextval(') ?? false),
    };
  });
};

/**
 * The chain as it is in the copy, walked as the stores walk theirs (audit-chain.ts) but read through
 * the copying transaction: other connections cannot see the rows before the commit.
 */
const verifyCopiedAudit = (
  client: PoolClient,
  schema: string,
  auditKey: string | undefined,
): Promise<ChainVerification> => {
  const from = `SELECT ${AUDIT_COLUMNS_SQL} FROM ${schema}.audit_entries`;
  return verifyAuditChain(
    {
      entryAt: async (seq) => (await client.query<AuditRow>(`${from} WHERE seq = $1`, [seq])).rows[0],
      pageAfter: async (after, limit) =>
        (await client.query<AuditRow>(`${from} WHERE seq > $1 ORDER BY seq LIMIT $2`, [after, limit])).rows,
    },
    auditKey,
  );
};

const describeFailedChain = (v: Exclude<ChainVerification, { ok: true }>, file: string): string =>
  isUnchecked(v)
    ? `The audit log's ${v.hmacs} HMAC${v.hmacs === 1 ? '' : 's'} could not be checked: CLOUDSEC_AUDIT_KEY is not set. ` +
      'Set it to the key the log was written with.'
    : `The audit log does not verify: entry #${v.seq}: ${v.reason}. It is copied byte for byte, so the source is broken ` +
      `too: run CLOUDSEC_DB=${file} cloudsec audit verify.`;

const countRows = async (client: PoolClient, schema: string, table: string): Promise<number> =>
  Number((await client.query<{ n: number }>(`SELECT COUNT(*) AS n FROM ${schema}.${quote(table)}`)).rows[0]?.n ?? 0);

const copyTable = async (
  db: Database.Database,
  client: PoolClient,
  schema: string,
  plan: TablePlan,
  batchRows: number,
): Promise<number> => {
  const perBatch = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / plan.insert.length)));
  const into = `INSERT INTO ${schema}.${quote(plan.table)} (${plan.insert.map(quote).join(', ')}) VALUES `;
  const flush = async (rows: unknown[][]) => {
    const width = plan.insert.length;
    const tuples = rows.map((_, i) => `(${plan.insert.map((__, j) => `$${i * width + j + 1}`).join(', ')})`);
    await client.query(into + tuples.join(', '), rows.flat());
  };
  // One row at a time from SQLite, a batch at a time to PostgreSQL: memory stays flat however big the table.
  const rows = db
    .prepare(`SELECT ${plan.select.join(', ')} FROM ${quote(plan.table)} ORDER BY ${plan.orderBy}`)
    .raw(true)
    .iterate() as IterableIterator<unknown[]>;
  let batch: unknown[][] = [];
  let copied = 0;
  for (const row of rows) {
    batch.push(row);
    if (batch.length >= perBatch) {
      await flush(batch);
      copied += batch.length;
      batch = [];
    }
  }
  if (batch.length > 0) {
    await flush(batch);
    copied += batch.length;
  }
  for (const column of plan.sequenced) {
    // The next row PostgreSQL numbers itself must come after the copied ones, as in SQLite.
    await client.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), m) FROM (SELECT MAX(${quote(column)}) AS m FROM ${schema}.${quote(plan.table)}) x WHERE m IS NOT NULL`,
      [`${schema}.${quote(plan.table)}`, column],
    );
  }
  return copied;
};

const openSource = (file: string): Database.Database => {
  if (!fs.existsSync(file)) throw new CloudsecError('usage', `No SQLite database at ${file}.`);
  try {
    // Read-only: the copy never changes the install it moves.
    return new Database(file, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw new CloudsecError('config', `Cannot open the database ${file}: ${(err as Error).message}.`);
  }
};

export const copySqliteToPostgres = async (options: CopyOptions): Promise<CopyResult> => {
  const file = parseSqliteSource(options.from);
  const schema = checkSchemaName(options.to.schema, '--to-schema');
  const where = `${redactDatabaseUrl(options.to.url)} (schema ${schema})`;
  const latest = latestSchemaVersion(MIGRATIONS);
  if (latestSchemaVersion(PG_MIGRATIONS) !== latest) {
    throw new CloudsecError('internal', 'This cloudsec has different SQLite and PostgreSQL schema versions.');
  }

  const db = openSource(file);
  try {
    const sourceProblem = sourceVersionProblem(file, sqliteSchemaVersion(db), latest);
    if (sourceProblem) throw new CloudsecError('config', sourceProblem);

    const pool = openPgPool(options.to.url, schema, 1);
    try {
      const client = await pool.connect().catch((err: unknown) => {
        throw unreachable(options.to.url, err);
      });
      let broken = false;
      try {
        const targetProblem = targetVersionProblem(where, schema, await pgSchemaVersion(client, schema), latest);
        if (targetProblem) throw new CloudsecError('config', targetProblem);
        const plans = await planTables(db, client, schema);

        await client.query('BEGIN');
        // Nobody else writes (or reads half a copy) until the commit; a running replica makes this wait, then fail.
        await client.query("SET LOCAL lock_timeout = '10s'");
        await client.query(
          `LOCK TABLE ${plans.map((p) => `${schema}.${quote(p.table)}`).join(', ')} IN EXCLUSIVE MODE`,
        );
        const nonEmpty: string[] = [];
        for (const plan of plans) {
          const any = await client.query(`SELECT 1 FROM ${schema}.${quote(plan.table)} LIMIT 1`);
          if (any.rows.length > 0) nonEmpty.push(plan.table);
        }
        if (nonEmpty.length > 0) {
          throw new CloudsecError(
            'config',
            `The target ${where} is not empty (rows in ${nonEmpty.join(', ')}). db copy only fills a freshly ` +
              'migrated, empty database; nothing was copied.',
          );
        }

        // One read transaction on the source: every table as of the same moment, even if a bot still writes.
        db.exec('BEGIN');
        const tables: CopyResult['tables'] = [];
        for (const plan of plans) {
          const expected = (db.prepare(`SELECT COUNT(*) AS n FROM ${quote(plan.table)}`).get() as { n: number }).n;
          const copied = await copyTable(db, client, schema, plan, options.batchRows ?? 500);
          const landed = await countRows(client, schema, plan.table);
          if (copied !== expected || landed !== expected) {
            throw new CloudsecError(
              'internal',
              `Table ${plan.table}: the source has ${expected} rows, ${copied} were read and the target holds ${landed}. Rolled back; nothing was copied.`,
            );
          }
          tables.push({ table: plan.table, rows: expected });
          options.onTable?.(plan.table, expected);
        }
        db.exec('COMMIT');

        const verification = await verifyCopiedAudit(client, schema, options.auditKey || undefined);
        if (!verification.ok) {
          throw new CloudsecError(
            'config',
            `${describeFailedChain(verification, file)} Rolled back; nothing was copied.`,
          );
        }
        await client.query('COMMIT');
        return { version: latest, tables, audit: { entries: verification.count, lastSeq: verification.lastSeq } };
      } catch (err) {
        await client.query('ROLLBACK').catch(() => {
          broken = true;
        });
        if (isCloudsecError(err)) throw err;
        const code = (err as { code?: string }).code;
        if (code === '55P03') {
          throw new CloudsecError(
            'config',
            `The target ${where} is in use (its tables are locked): stop every cloudsec using it, then copy. Nothing was copied.`,
          );
        }
        throw new CloudsecError(
          'internal',
          `Copying to ${where} failed and was rolled back; nothing was copied: ${(err as Error).message}`,
        );
      } finally {
        client.release(broken);
      }
    } finally {
      await pool.end().catch(() => undefined);
    }
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
};
