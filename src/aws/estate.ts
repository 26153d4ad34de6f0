import type { Config } from '../config';
import { CloudsecError } from '../errors';
import type { AccountDirectoryUpdate } from '../core/account-directory';
import { directoryUpdateOf, resolveAccounts, type AccountTarget } from './accounts';
import { makeClientFactory, resolveHomeRegion, type AccountClients, type ClientFactory } from './clients';

export interface EstateDeps {
  config: Config;
  /** Tests inject a factory with a fixed home region; production resolves it from the AWS environment. */
  clientFactory?: ClientFactory;
  homeRegion?: string;
  onCall?: (service: string, errorCode: string | null) => void;
  /**
   * Told the whole estate every time the accounts are discovered (each scan, start-up), so the
   * account directory in the store follows the organization. Its failure fails the discovery:
   * authorization would otherwise go on with a directory nobody knows is stale.
   */
  onAccountsResolved?: (update: AccountDirectoryUpdate) => Promise<void>;
}

export interface Estate {
  homeRegion: string;
  factory: ClientFactory;
  callerClients: AccountClients;
  targets: AccountTarget[];
  /** The clients for one account: its role's, or the caller's own for the caller's account. */
  clientsOf(target: AccountTarget): AccountClients;
}

/**
 * Where a scan starts: the home region from the AWS environment, clients, and the accounts in
 * scope (listed, or the organization's). Errors are for the operator: what to set or grant.
 */
export const openEstate = async (deps: EstateDeps): Promise<Estate> => {
  const homeRegion = deps.homeRegion ?? (await resolveHomeRegion());
  if (!homeRegion) {
    throw new CloudsecError(
      'credentials',
      'No AWS region configured: set AWS_REGION (or a region in the profile named by AWS_PROFILE), or run with --demo.',
    );
  }
  const factory =
    deps.clientFactory ?? makeClientFactory({ homeRegion, ...(deps.onCall ? { onCall: deps.onCall } : {}) });
  const callerClients = factory({ accountId: 'caller' });
  const accountsConfig = {
    ...(deps.config.accounts ? { accounts: deps.config.accounts } : {}),
    ...(deps.config.organization ? { organization: deps.config.organization } : {}),
  };
  const resolved = await resolveAccounts(callerClients, accountsConfig);
  if (!resolved.ok) {
    throw new CloudsecError(resolved.error.kind === 'aws' ? 'aws' : resolved.error.kind, resolved.error.message);
  }
  await deps.onAccountsResolved?.(directoryUpdateOf(accountsConfig, resolved.accounts));
  return {
    homeRegion,
    factory,
    callerClients,
    targets: resolved.accounts,
    clientsOf: (target) => (target.roleArn ? factory(target) : callerClients),
  };
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
