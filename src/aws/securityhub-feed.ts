import pLimit from 'p-limit';
import type { Config } from '../config';
import { describeCollectError } from '../core/checks/define';
import type { ObservedItem } from '../core/digest/model';
import type { Severity } from '../core/model';
import type { ClientFactory } from './clients';
import { openEstate } from './estate';
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
    const estate = await openEstate(deps);
    const { homeRegion } = estate;
    const targets = accountIds ? estate.targets.filter((t) => accountIds.includes(t.accountId)) : estate.targets;

    const result: SecurityHubFeedResult = { items: [], failures: [], failedAccounts: [], calls: 0 };
    const accountLimit = pLimit(deps.config.concurrency.accounts);
    const regionLimit = pLimit(deps.config.concurrency.regions);
    await Promise.all(
      targets.map((target) =>
        accountLimit(async () => {
          const clients = estate.clientsOf(target);
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
          // Only findings of trusted products (securityhub-products.ts): Security Hub's own plus the configured ones.
          const { productArns } = deps.config.securityhub;
          const read = (region: string): Promise<SecurityHubObservation> =>
            mode.kind === 'baseline'
              ? collectSecurityHubBaseline(ctx, region, { severities, productArns })
              : collectSecurityHubChanges(ctx, region, {
                  severities,
                  productArns,
                  since: mode.since,
                  until: mode.until,
                });
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
