import pLimit from 'p-limit';
import type { Config } from '../config';
import { describeCollectError } from '../core/checks/define';
import type { ObservedItem } from '../core/digest/model';
import type { Severity } from '../core/model';
import { CloudsecError } from '../errors';
import { resolveAccounts } from './accounts';
import { makeClientFactory, resolveHomeRegion, type ClientFactory } from './clients';
import type { CollectContext } from './collectors/context';
import {
  collectSecurityHubBaseline,
  collectSecurityHubChanges,
  type SecurityHubObservation,
} from './collectors/securityhub-changes';
import { resolveRegions } from './regions';

/**
 * Security Hub for digests, across the accounts and regions in scope: either what changed in a
 * time window (the usual run) or everything open now (first run and periodic resync). A region or
 * account that cannot be read is reported, never silently skipped: a missing baseline region would
 * otherwise read as "all fixed".
 */
export type SecurityHubRead = { kind: 'changes'; since: Date; until: Date } | { kind: 'baseline' };

export interface SecurityHubFeedResult {
  items: ObservedItem[];
  /** One line per account or region that could not be read ("prod (111111111111) eu-west-1: …"). */
  failures: string[];
  /** Accounts with at least one failure (for a baseline: their stored items are kept). */
  failedAccounts: string[];
  calls: number;
}

export interface SecurityHubFeed {
  read(request: {
    accountIds?: readonly string[];
    severities: readonly Severity[];
    mode: SecurityHubRead;
  }): Promise<SecurityHubFeedResult>;
}

export interface SecurityHubFeedDeps {
  config: Config;
  clientFactory?: ClientFactory;
  homeRegion?: string;
  sleep?: (ms: number) => Promise<void>;
  onCall?: (service: string, errorCode: string | null) => void;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export const makeSecurityHubFeed = (deps: SecurityHubFeedDeps): SecurityHubFeed => ({
  read: async ({ accountIds, severities, mode }) => {
    const homeRegion = deps.homeRegion ?? (await resolveHomeRegion());
    if (!homeRegion) {
      throw new CloudsecError('credentials', 'No AWS region configured: set AWS_REGION (or a region in the profile).');
    }
    const factory =
      deps.clientFactory ?? makeClientFactory({ homeRegion, ...(deps.onCall ? { onCall: deps.onCall } : {}) });
    const callerClients = factory({ accountId: 'caller' });
    const resolved = await resolveAccounts(callerClients, {
      ...(deps.config.accounts ? { accounts: deps.config.accounts } : {}),
      ...(deps.config.organization ? { organization: deps.config.organization } : {}),
    });
    if (!resolved.ok)
      throw new CloudsecError(resolved.error.kind === 'aws' ? 'aws' : resolved.error.kind, resolved.error.message);
    const targets = accountIds ? resolved.accounts.filter((t) => accountIds.includes(t.accountId)) : resolved.accounts;

    const result: SecurityHubFeedResult = { items: [], failures: [], failedAccounts: [], calls: 0 };
    const accountLimit = pLimit(deps.config.concurrency.accounts);
    const regionLimit = pLimit(deps.config.concurrency.regions);
    await Promise.all(
      targets.map((target) =>
        accountLimit(async () => {
          const clients = target.roleArn ? factory(target) : callerClients;
          const label = `${target.name} (${target.accountId})`;
          const configured = deps.config.regions === 'all' ? undefined : deps.config.regions;
          const regions = await resolveRegions(clients, configured, homeRegion);
          if (!regions.ok) {
            result.failures.push(`${label}: ${describeCollectError(regions.error)}`);
            result.failedAccounts.push(target.accountId);
            return;
          }
          const ctx: CollectContext = {
            clients,
            accountId: target.accountId,
            partition: target.partition,
            homeRegion,
            regions: regions.value,
            sleep: deps.sleep ?? realSleep,
            fanOut: (fn) => fn(),
          };
          const read = (region: string): Promise<SecurityHubObservation> =>
            mode.kind === 'baseline'
              ? collectSecurityHubBaseline(ctx, region, { severities })
              : collectSecurityHubChanges(ctx, region, { severities, since: mode.since, until: mode.until });
          const perRegion = await Promise.all(
            regions.value.map((r) => regionLimit(async () => [r, await read(r)] as const)),
          );
          for (const [region, observed] of perRegion) {
            if (observed.ok) {
              result.calls += observed.calls;
              for (const item of observed.items) result.items.push(item);
            } else {
              result.failures.push(`${label} ${region}: ${describeCollectError(observed.error)}`);
              if (!result.failedAccounts.includes(target.accountId)) result.failedAccounts.push(target.accountId);
            }
          }
        }),
      ),
    );
    return result;
  },
});
