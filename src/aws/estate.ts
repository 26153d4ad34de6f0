import type { Config } from '../config';
import { CloudsecError } from '../errors';
import type { AccountDirectoryUpdate } from '../core/account-directory';
import { directoryUpdateOf, resolveAccounts, type AccountTarget } from './accounts';
import {
  makeClientFactory,
  resolveHomeRegion,
  type AccountClients,
  type CallGate,
  type ClientFactory,
} from './clients';

export interface EstateDeps {
  config: Config;
  /** Tests inject a factory with a fixed home region; production resolves it from the AWS environment. */
  clientFactory?: ClientFactory;
  homeRegion?: string;
  onCall?: (service: string, errorCode: string | null) => void;
  /** Every AWS call of the estate's clients goes through it (clients.ts CallGate). */
  callGate?: CallGate;
  /**
   * Told the whole estate every time the accounts are discovered (each scan, start-up), so the
   * account directory in the store follows the organization. Its failure fails the discovery:
   * authorization would otherwise go on with a directory nobody knows is stale.
   */
  onAccountsResolved?: (update: AccountDirectoryUpdate) => Promise<void>;
}

/**
 * The clients of a scan without its list of accounts: what a job worker needs to collect one account
 * it was handed (listing the organization again for every account would cost a ListAccounts walk
 * per account and could disagree with the list the scan was planned on).
 */
export interface ClientPool {
  homeRegion: string;
  factory: ClientFactory;
  callerClients: AccountClients;
  /** The clients for one account: its role's, or the caller's own for the caller's account. */
  clientsOf(target: AccountTarget): AccountClients;
  /**
   * The scan is done with this account: its role's clients (one per service and region) are
   * destroyed and forgotten, so an estate of hundreds of accounts does not hold every account's
   * clients until the last one is scanned. A later clientsOf makes new ones. The caller's own
   * clients stay (they list the organization and scan the caller's account).
   */
  release(target: AccountTarget): void;
}

export interface Estate extends ClientPool {
  targets: AccountTarget[];
}

type Destroyable = { destroy(): void };

/**
 * The same clients, remembering every SDK client handed out (by client name and region) so that
 * they can be destroyed together when the account is done; a client the collection forgets is
 * forgotten here too, or this list would keep it alive until then.
 */
const tracked = (clients: AccountClients, made: Map<string, Destroyable>): AccountClients => {
  const wrapped = {} as Record<string, unknown>;
  for (const [name, make] of Object.entries(clients) as [string, (...args: unknown[]) => unknown][]) {
    if (name === 'forget') continue;
    wrapped[name] = (...args: unknown[]) => {
      const client = make(...args);
      if (typeof (client as Partial<Destroyable>)?.destroy === 'function')
        made.set(`${name}|${String(args[0] ?? '')}`, client as Destroyable);
      return client;
    };
  }
  const forget: AccountClients['forget'] = (name, region) => {
    made.delete(`${name}|${region}`);
    clients.forget?.(name, region);
  };
  return { ...wrapped, forget } as unknown as AccountClients;
};

/** The clients of an account are kept under how the account is entered (the same id with another role is not them). */
export const accessKeyOf = (target: AccountTarget): string =>
  `${target.accountId}|${target.roleArn ?? ''}|${target.externalId ?? ''}`;

/**
 * The home region from the AWS environment and the clients, without resolving any account. Throws
 * for the operator (what to set) when there is no region.
 */
export const openClientPool = async (deps: Omit<EstateDeps, 'onAccountsResolved'>): Promise<ClientPool> => {
  const homeRegion = deps.homeRegion ?? (await resolveHomeRegion());
  if (!homeRegion) {
    throw new CloudsecError(
      'credentials',
      'No AWS region configured: set AWS_REGION (or a region in the profile named by AWS_PROFILE), or run with --demo.',
    );
  }
  const options = {
    homeRegion,
    ...(deps.onCall ? { onCall: deps.onCall } : {}),
    ...(deps.callGate ? { callGate: deps.callGate } : {}),
  };
  const factory = deps.clientFactory ?? makeClientFactory(options);
  // A factory caches every account's clients for its lifetime; ours gets one factory per role
  // account, so releasing the account lets its cache go too. An injected factory (tests) is shared.
  const roleFactory = (target: AccountTarget) => (deps.clientFactory ?? makeClientFactory(options))(target);
  const callerClients = factory({ accountId: 'caller' });
  const open = new Map<string, { clients: AccountClients; made: Map<string, Destroyable> }>();
  return {
    homeRegion,
    factory,
    callerClients,
    clientsOf: (target) => {
      if (!target.roleArn) return callerClients;
      const key = accessKeyOf(target);
      let entry = open.get(key);
      if (!entry) {
        const made = new Map<string, Destroyable>();
        entry = { clients: tracked(roleFactory(target), made), made };
        open.set(key, entry);
      }
      return entry.clients;
    },
    release: (target) => {
      const key = accessKeyOf(target);
      const entry = open.get(key);
      if (!entry) return;
      open.delete(key);
      // An injected factory may hand the same clients out again: only ours are destroyed.
      if (!deps.clientFactory) for (const client of new Set(entry.made.values())) client.destroy();
    },
  };
};

/**
 * The accounts in scope (listed, or the organization's), resolved with the pool's caller clients,
 * and handed to the account directory. Errors are for the operator: what to set or grant.
 */
export const resolveTargets = async (
  pool: Pick<ClientPool, 'callerClients'>,
  deps: Pick<EstateDeps, 'config' | 'onAccountsResolved'>,
): Promise<AccountTarget[]> => {
  const accountsConfig = {
    ...(deps.config.accounts ? { accounts: deps.config.accounts } : {}),
    ...(deps.config.organization ? { organization: deps.config.organization } : {}),
  };
  const resolved = await resolveAccounts(pool.callerClients, accountsConfig);
  if (!resolved.ok) {
    throw new CloudsecError(resolved.error.kind === 'aws' ? 'aws' : resolved.error.kind, resolved.error.message);
  }
  await deps.onAccountsResolved?.(directoryUpdateOf(accountsConfig, resolved.accounts));
  return resolved.accounts;
};

/** Where a scan starts: the home region, clients, and the accounts in scope. */
export const openEstate = async (deps: EstateDeps): Promise<Estate> => {
  const pool = await openClientPool(deps);
  return { ...pool, targets: await resolveTargets(pool, deps) };
};

/**
 * Discovers the accounts without scanning them: at start-up, so the account directory is current
 * before the first command (a scan refreshes it again). Throws what openEstate throws.
 */
export const discoverAccounts = async (
  deps: EstateDeps & Required<Pick<EstateDeps, 'onAccountsResolved'>>,
): Promise<void> => {
  await openEstate(deps);
};
