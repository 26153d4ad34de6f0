import { z } from 'zod';
import type { AccountRef } from './access/permissions';
import type { Scope } from './access/policy';

/**
 * The account directory: every account cloudsec scans, with the OU path Organizations gave for it,
 * as last discovered (at start-up and by every scan) and kept in the store. Authorization of
 * anything that covers several accounts (a digest) resolves its scope here, never from a scan
 * cache: after a restart the cache is empty, and "no account known" must not read as "nothing to
 * check". Pure: the store keeps it, src/aws discovers it.
 */

/** An OU id as Organizations writes it (`ou-<root part>-<ou part>`). */
export const OU_ID = /^ou-[0-9a-z]+-[0-9a-z]+$/;

export const DirectoryAccountSchema = z.object({
  id: z.string().regex(/^\d{12}$/),
  name: z.string(),
  /**
   * OU ids from the root down, the account's own OU last; `[]` for an account directly under the
   * root or outside an organization; null when Organizations did not say (then no OU scope can be
   * known to leave the account out).
   */
  ouPath: z.array(z.string().regex(OU_ID)).nullable(),
});
export type DirectoryAccount = z.infer<typeof DirectoryAccountSchema>;

/**
 * How the accounts were found, as cloudsec.yml asks: `organization` (ListAccounts, refined by any
 * listed accounts), `listed` (the `accounts:` list alone), `caller` (the credentials' own account).
 */
export const DIRECTORY_SOURCES = ['organization', 'listed', 'caller'] as const;
export type DirectorySource = (typeof DIRECTORY_SOURCES)[number];

export const AccountDirectoryUpdateSchema = z.object({
  source: z.enum(DIRECTORY_SOURCES),
  accounts: z.array(DirectoryAccountSchema),
});
/** What one discovery found: the whole estate, replacing what was known before. */
export type AccountDirectoryUpdate = z.infer<typeof AccountDirectoryUpdateSchema>;

export const AccountDirectorySchema = AccountDirectoryUpdateSchema.extend({
  refreshedAt: z.string().datetime(),
});
export type AccountDirectory = z.infer<typeof AccountDirectorySchema>;

/**
 * The estate as far as it is known now. `complete`: these are all the accounts cloudsec scans.
 * Otherwise `accounts` are only some of them (those listed in cloudsec.yml) and `why` says what is
 * missing, for people ("the organization's accounts have not been listed yet").
 */
export type EstateView =
  | { complete: true; accounts: readonly DirectoryAccount[] }
  | { complete: false; accounts: readonly DirectoryAccount[]; why: string };

/** The directory entry as the policy reads an account: innermost OU, and the whole path for parents. */
export const accountRefOf = (a: DirectoryAccount): AccountRef => {
  const ou = a.ouPath?.[a.ouPath.length - 1];
  return { id: a.id, name: a.name, ...(ou ? { ou } : {}), ...(a.ouPath ? { ouPath: [...a.ouPath] } : {}) };
};

/**
 * The accounts a scope (a digest's) covers: `accounts` is every account it may cover, counting
 * those whose OU is unknown when the scope names OUs (fail closed: they may be in it). Not resolved
 * when the estate is not completely known and the answer depends on what is missing.
 */
export type ScopeAccounts = { resolved: true; accounts: AccountRef[] } | { resolved: false; reason: string };

const isAccountId = (entry: string) => /^\d{12}$/.test(entry);

export const resolveScopeAccounts = (scope: Scope, estate: EstateView): ScopeAccounts => {
  if (scope.kind === 'all')
    return estate.complete
      ? { resolved: true, accounts: estate.accounts.map(accountRefOf) }
      : { resolved: false, reason: `it covers every account, and ${estate.why}` };

  const named = (a: DirectoryAccount) => scope.accounts.some((entry) => entry === a.id || entry === a.name);
  const inOu = (a: DirectoryAccount) => a.ouPath !== null && a.ouPath.some((ou) => scope.ous.includes(ou));
  const mayBeInOu = (a: DirectoryAccount) => a.ouPath === null && scope.ous.length > 0;
  const covered = estate.accounts.filter((a) => named(a) || inOu(a) || mayBeInOu(a)).map(accountRefOf);
  if (estate.complete) return { resolved: true, accounts: covered };

  // Partly known: which accounts an OU holds, or which account a name stands for, may be in what
  // is missing. An account id needs no directory: it is the account.
  if (scope.ous.length > 0)
    return { resolved: false, reason: `it covers OU ${scope.ous.join(', ')}, and ${estate.why}` };
  const unknownNames = scope.accounts.filter(
    (entry) => !isAccountId(entry) && !estate.accounts.some((a) => a.name === entry),
  );
  // The names are not repeated: the reason reaches people who may not see those accounts.
  if (unknownNames.length > 0)
    return { resolved: false, reason: `it names accounts cloudsec cannot find by name yet, and ${estate.why}` };
  const ids = scope.accounts.filter((entry) => isAccountId(entry) && !covered.some((a) => a.id === entry));
  return { resolved: true, accounts: [...covered, ...ids.map((id) => ({ id, name: id }))] };
};
