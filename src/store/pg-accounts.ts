import { AccountDirectorySchema, AccountDirectoryUpdateSchema } from '../core/account-directory';
import { pgNowIso, pgTransaction, type PgContext } from './pg-context';
import { fromJsonText, parseStored, toJsonText } from './stored-values';
import type { Store } from './store';

type AccountMethods = Pick<Store, 'replaceAccountDirectory' | 'accountDirectory'>;

interface DirectoryRow {
  source: string;
  refreshed_at: string;
  account_id: string | null;
  name: string | null;
  ou_path: string | null;
}

/**
 * The account directory in PostgreSQL, the same as src/store/sqlite-accounts.ts: replaced whole in
 * one transaction (all accounts in one INSERT, however large the organization), and read in one
 * statement, which sees one snapshot: a reader gets one discovery or the next, never a mix.
 */
export const makePgAccounts = (ctx: PgContext): AccountMethods => ({
  replaceAccountDirectory: async (update) => {
    const directory = AccountDirectorySchema.parse({
      ...AccountDirectoryUpdateSchema.parse(update),
      refreshedAt: pgNowIso(ctx),
    });
    const ids = new Set<string>();
    for (const a of directory.accounts) {
      if (ids.has(a.id)) throw new RangeError(`account ${a.id} appears twice in one account directory`);
      ids.add(a.id);
    }
    await pgTransaction(ctx, async (client) => {
      await client.query('DELETE FROM account_directory');
      await client.query(
        `INSERT INTO account_directory (account_id, name, ou_path)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
        [
          directory.accounts.map((a) => a.id),
          directory.accounts.map((a) => a.name),
          directory.accounts.map((a) => (a.ouPath === null ? null : toJsonText(a.ouPath))),
        ],
      );
      await client.query(
        `INSERT INTO account_directory_refresh (id, source, refreshed_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET source = excluded.source, refreshed_at = excluded.refreshed_at`,
        [directory.source, directory.refreshedAt],
      );
    });
  },
  accountDirectory: async () => {
    // No refresh row: never discovered (null). A refresh row and no account: an empty directory.
    const { rows } = await ctx.pool.query<DirectoryRow>(
      `SELECT r.source, r.refreshed_at, a.account_id, a.name, a.ou_path
         FROM account_directory_refresh r LEFT JOIN account_directory a ON TRUE
        WHERE r.id = 1 ORDER BY a.account_id COLLATE "C"`,
    );
    const first = rows[0];
    if (!first) return null;
    return parseStored(
      AccountDirectorySchema,
      {
        source: first.source,
        refreshedAt: first.refreshed_at,
        accounts: rows
          .filter((row) => row.account_id !== null)
          .map((row) => ({
            id: row.account_id,
            name: row.name,
            ouPath: fromJsonText(row.ou_path, `OU path of account ${row.account_id}`),
          })),
      },
      'account directory',
    );
  },
});
