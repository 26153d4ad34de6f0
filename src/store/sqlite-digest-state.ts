import { DigestItemSchema, zeroCounts, type DigestItem } from '../core/digest/model';
import { SEVERITIES, severityRank, type Severity } from '../core/model';
import type { DigestItemCounts } from './schemas';
import { parseStored, placeholders, type SqliteContext } from './sqlite-context';
import type { Store } from './store';

interface ItemRow {
  digest_name: string;
  finding_id: string;
  source: string;
  check_id: string;
  service: string;
  severity: string;
  severity_rank: number;
  account_id: string;
  region: string;
  resource_type: string;
  resource_id: string;
  resource_arn: string | null;
  title: string;
  message: string;
  remediation_id: string | null;
  state: string;
  first_seen_at: string;
  last_seen_at: string;
}

const itemOf = (row: ItemRow): DigestItem =>
  parseStored(
    DigestItemSchema,
    {
      findingId: row.finding_id,
      source: row.source,
      checkId: row.check_id,
      service: row.service,
      severity: row.severity,
      accountId: row.account_id,
      region: row.region,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      resourceArn: row.resource_arn,
      title: row.title,
      message: row.message,
      remediationId: row.remediation_id,
      state: row.state,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    },
    `digest item ${row.digest_name}/${row.finding_id}`,
  );

/** SQLite allows 32,766 bound parameters; stay far below with room for the digest name. */
const ID_BATCH = 500;
/** Rows read at a time by `eachDigestItem`, so 100,000 items never sit in memory at once. */
const PAGE = 1_000;

/**
 * Applies a run's delta to the digest's items. It runs inside the caller's transaction: the one
 * that completes the run (src/store/sqlite-digests.ts), so state and run change together.
 */
export const makeDigestItemWriter = (ctx: SqliteContext) => {
  const { db } = ctx;
  const upsert = db.prepare(
    `INSERT INTO digest_items (digest_name, finding_id, source, check_id, service, severity, severity_rank, account_id,
       region, resource_type, resource_id, resource_arn, title, message, remediation_id, state, first_seen_at, last_seen_at)
     VALUES (@digestName, @findingId, @source, @checkId, @service, @severity, @severityRank, @accountId, @region,
       @resourceType, @resourceId, @resourceArn, @title, @message, @remediationId, @state, @firstSeenAt, @lastSeenAt)
     ON CONFLICT (digest_name, finding_id) DO UPDATE SET
       source = excluded.source, check_id = excluded.check_id, service = excluded.service,
       severity = excluded.severity, severity_rank = excluded.severity_rank, account_id = excluded.account_id,
       region = excluded.region, resource_type = excluded.resource_type, resource_id = excluded.resource_id,
       resource_arn = excluded.resource_arn, title = excluded.title, message = excluded.message,
       remediation_id = excluded.remediation_id, state = excluded.state,
       first_seen_at = excluded.first_seen_at, last_seen_at = excluded.last_seen_at`,
  );
  const remove = db.prepare('DELETE FROM digest_items WHERE digest_name = ? AND finding_id = ?');
  return (name: string, upserts: readonly DigestItem[], removals: readonly string[]): void => {
    for (const item of upserts) {
      upsert.run({ digestName: name, ...DigestItemSchema.parse(item), severityRank: severityRank(item.severity) });
    }
    for (const id of removals) remove.run(name, id);
  };
};

type StateMethods = Pick<Store, 'digestItems' | 'digestItemCounts' | 'oldestOpenDigestItems' | 'eachDigestItem'>;

export const makeSqliteDigestState = (ctx: SqliteContext): StateMethods => {
  const { db } = ctx;
  const bySource = db.prepare<[string, string], ItemRow>(
    'SELECT * FROM digest_items WHERE digest_name = ? AND source = ? ORDER BY finding_id',
  );
  const counts = db.prepare<[string], { account_id: string; severity: string; state: string; n: number }>(
    'SELECT account_id, severity, state, COUNT(*) AS n FROM digest_items WHERE digest_name = ? GROUP BY account_id, severity, state',
  );
  const oldest = db.prepare<[string, number], ItemRow>(
    `SELECT * FROM digest_items WHERE digest_name = ? AND state = 'open'
     ORDER BY first_seen_at ASC, severity_rank ASC, finding_id ASC LIMIT ?`,
  );
  const page = db.prepare<[string, string, number], ItemRow>(
    'SELECT * FROM digest_items WHERE digest_name = ? AND finding_id > ? ORDER BY finding_id LIMIT ?',
  );
  const byIds = (name: string, ids: readonly string[]): DigestItem[] => {
    const found: DigestItem[] = [];
    for (let i = 0; i < ids.length; i += ID_BATCH) {
      const batch = ids.slice(i, i + ID_BATCH);
      const rows = db
        .prepare<unknown[], ItemRow>(
          `SELECT * FROM digest_items WHERE digest_name = ? AND finding_id IN (${placeholders(batch.length)})`,
        )
        .all(name, ...batch);
      for (const row of rows) found.push(itemOf(row));
    }
    return found;
  };

  return {
    digestItems: async (name, filter) =>
      'source' in filter ? bySource.all(name, filter.source).map(itemOf) : byIds(name, filter.ids),
    digestItemCounts: async (name): Promise<DigestItemCounts> => {
      const total: DigestItemCounts = { open: zeroCounts(), suppressed: 0, byAccount: [] };
      const accounts = new Map<string, DigestItemCounts['byAccount'][number]>();
      for (const row of counts.all(name)) {
        const account =
          accounts.get(row.account_id) ??
          accounts
            .set(row.account_id, { accountId: row.account_id, open: zeroCounts(), suppressed: 0 })
            .get(row.account_id)!;
        if (row.state === 'suppressed') {
          total.suppressed += row.n;
          account.suppressed += row.n;
        } else if ((SEVERITIES as readonly string[]).includes(row.severity)) {
          total.open[row.severity as Severity] += row.n;
          account.open[row.severity as Severity] += row.n;
        }
      }
      total.byAccount = [...accounts.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
      return total;
    },
    oldestOpenDigestItems: async (name, limit) => oldest.all(name, Math.max(0, Math.floor(limit))).map(itemOf),
    eachDigestItem: async (name, visit) => {
      let after = '';
      let seen = 0;
      for (;;) {
        const rows = page.all(name, after, PAGE);
        for (const row of rows) {
          await visit(itemOf(row));
          seen += 1;
        }
        if (rows.length < PAGE) return seen;
        after = rows[rows.length - 1]!.finding_id;
      }
    },
  };
};
