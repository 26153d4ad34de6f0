import { AccountDirectorySchema, AccountDirectoryUpdateSchema, type AccountDirectory } from '../core/account-directory';
import { fromJsonText, nowIso, parseStored, toJsonText, type SqliteContext } from './sqlite-context';
import type { Store } from './store';

type AccountMethods = Pick<Store, 'replaceAccountDirectory' | 'accountDirectory'>;

interface AccountRow {
  account_id: string;
  name: string;
  ou_path: string | null;
}

/**
 * The account directory: replaced whole by each discovery in one IMMEDIATE transaction, so a
 * reader sees one discovery or the next, never a mix, and an account that left the organization
 * leaves the directory.
 */
export const makeSqliteAccounts = (ctx: SqliteContext): AccountMethods => {
  const { db } = ctx;
  const selectRefresh = db.prepare<[], { source: string; refreshed_at: string }>(
    'SELECT source, refreshed_at FROM account_directory_refresh WHERE id = 1',
  );
  const selectAccounts = db.prepare<[], AccountRow>(
    'SELECT account_id, name, ou_path FROM account_directory ORDER BY account_id',
  );
  const deleteAccounts = db.prepare('DELETE FROM account_directory');
  const insertAccount = db.prepare('INSERT INTO account_directory (account_id, name, ou_path) VALUES (?, ?, ?)');
  const upsertRefresh = db.prepare(
    `INSERT INTO account_directory_refresh (id, source, refreshed_at) VALUES (1, ?, ?)
     ON CONFLICT (id) DO UPDATE SET source = excluded.source, refreshed_at = excluded.refreshed_at`,
  );

  const replace = db.transaction((directory: AccountDirectory): void => {
    deleteAccounts.run();
    for (const a of directory.accounts)
      insertAccount.run(a.id, a.name, a.ouPath === null ? null : toJsonText(a.ouPath));
    upsertRefresh.run(directory.source, directory.refreshedAt);
  });

  const read = db.transaction((): unknown => {
    const refresh = selectRefresh.get();
    if (!refresh) return null;
    return {
      source: refresh.source,
      refreshedAt: refresh.refreshed_at,
      accounts: selectAccounts.all().map((row) => ({
        id: row.account_id,
        name: row.name,
        ouPath: fromJsonText(row.ou_path, `OU path of account ${row.account_id}`),
      })),
    };
  });

  return {
    replaceAccountDirectory: async (update) => {
      const directory = AccountDirectorySchema.parse({
        ...AccountDirectoryUpdateSchema.parse(update),
        refreshedAt: nowIso(ctx),
      });
      const ids = new Set<string>();
      for (const a of directory.accounts) {
        if (ids.has(a.id)) throw new RangeError(`account ${a.id} appears twice in one account directory`);
        ids.add(a.id);
      }
      replace.immediate(directory);
    },
    accountDirectory: async () => {
      const value = read();
      return value === null ? null : parseStored(AccountDirectorySchema, value, 'account directory');
    },
  };
};
