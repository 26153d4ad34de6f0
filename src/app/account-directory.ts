import type { Config } from '../config';
import {
  accountRefOf,
  type AccountDirectory,
  type AccountDirectoryUpdate,
  type DirectoryAccount,
  type DirectorySource,
  type EstateView,
} from '../core/account-directory';
import type { AccountRef } from '../core/access/permissions';
import type { Store } from '../store/store';

/**
 * The account directory as the use cases read it: what cloudsec.yml says and what the last
 * discovery stored (src/core/account-directory.ts), never what a scan happened to cache.
 */

/** Where the estate comes from under this config (the same rule as src/aws/accounts.ts). */
const sourceOf = (config: Pick<Config, 'accounts' | 'organization'>): DirectorySource =>
  config.organization ? 'organization' : (config.accounts?.length ?? 0) > 0 ? 'listed' : 'caller';

const UNKNOWN: Record<DirectorySource, string> = {
  organization:
    'the organization’s accounts have not been listed yet (cloudsec lists them at start-up and on every scan; check that organizations:ListAccounts works)',
  listed: 'the listed accounts are not known',
  caller: 'the account of cloudsec’s AWS credentials has not been identified yet (at start-up or on a scan)',
};

/**
 * What is known of the estate. Listed accounts are the whole estate and need no discovery (they
 * have no OU); an organization, or the credentials' own account, is known once discovered under
 * the same kind of config. A directory stored under another config (organization mode switched
 * off) is not used.
 */
export const estateView = (
  config: Pick<Config, 'accounts' | 'organization'>,
  stored: AccountDirectory | null,
): EstateView => {
  const source = sourceOf(config);
  const configured = (ouPath: DirectoryAccount['ouPath']): DirectoryAccount[] =>
    (config.accounts ?? []).map((a) => ({ id: a.id, name: a.name, ouPath }));
  if (source === 'listed') return { complete: true, accounts: configured([]) };
  if (stored && stored.source === source) return { complete: true, accounts: stored.accounts };
  // Listed accounts refine an organization: they are in the estate, in an OU nobody has read yet.
  return { complete: false, accounts: configured(null), why: UNKNOWN[source] };
};

export const loadEstateView = async (
  store: Pick<Store, 'accountDirectory'>,
  config: Pick<Config, 'accounts' | 'organization'>,
): Promise<EstateView> => estateView(config, await store.accountDirectory());

/**
 * The accounts cloudsec knows of, for names, scopes and whoami: the directory, then accounts a
 * cached scan saw that it does not hold yet (names and innermost OUs only).
 */
export const knownAccountRefs = (estate: EstateView, scanned: readonly AccountRef[]): AccountRef[] => {
  const known = estate.accounts.map(accountRefOf);
  return [...known, ...scanned.filter((s) => !known.some((k) => k.id === s.id))];
};

/** The hook a discovery calls (src/aws/estate.ts onAccountsResolved): stores what it found. */
export const recordAccountDirectory =
  (store: Pick<Store, 'replaceAccountDirectory'>) =>
  (update: AccountDirectoryUpdate): Promise<void> =>
    store.replaceAccountDirectory(update);
