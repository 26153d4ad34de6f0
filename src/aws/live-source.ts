import pLimit from 'p-limit';
import type { Config } from '../config';
import type { AccountSnapshot, Snapshot } from '../core/model';
import { CloudsecError } from '../errors';
import type { SnapshotRequest, SnapshotSource } from '../core/snapshot-source';
import type { ClientFactory } from './clients';
import type { AccountTarget } from './accounts';
import { openEstate, type EstateDeps } from './estate';
import { resolveRegions } from './regions';
import { collectAccount, needsRegions } from './collect-account';
import { describeCollectError } from '../core/checks/define';

export interface LiveSourceDeps {
  config: Config;
  /** Tests inject a factory with a fixed home region; production resolves it from the AWS environment. */
  clientFactory?: ClientFactory;
  homeRegion?: string;
  clock?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Every AWS call, once finished (metrics). */
  onCall?: (service: string, errorCode: string | null) => void;
  /** The estate as each scan discovers it: keeps the account directory current (src/aws/estate.ts). */
  onAccountsResolved?: EstateDeps['onAccountsResolved'];
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The request with the per-account hand-off of the use cases' port (src/app/snapshot-source.ts
 * documents it): each account goes to `onAccount` as soon as it is collected, and the snapshot holds
 * what that returns, so the collected data of a finished account need not outlive its evaluation.
 */
export interface LiveSnapshotRequest extends SnapshotRequest {
  onAccount?: (account: AccountSnapshot) => AccountSnapshot;
}

export interface LiveSnapshotSource extends SnapshotSource {
  load(request: LiveSnapshotRequest): Promise<Snapshot>;
}

/** Snapshots straight from AWS: resolve accounts, then collect them with bounded concurrency. */
export const makeLiveSnapshotSource = (deps: LiveSourceDeps): LiveSnapshotSource => ({
  kind: 'live',
  load: async (request: LiveSnapshotRequest): Promise<Snapshot> => {
    const clock = deps.clock ?? (() => new Date());
    const estate = await openEstate(deps);
    const { homeRegion } = estate;
    // Narrowed to the asker's scope before anything is collected (accounts outside it are not entered).
    const targets = selectTargets(estate.targets, request.accountIds).filter(
      (t) =>
        !request.admitAccount ||
        request.admitAccount({
          id: t.accountId,
          name: t.name,
          ...(t.ou ? { ou: t.ou } : {}),
          ...(t.ouPath ? { ouPath: t.ouPath } : {}),
        }),
    );

    const limit = pLimit(deps.config.concurrency.accounts);
    let done = 0;
    const accounts = await Promise.all(
      targets.map((target) =>
        limit(async (): Promise<AccountSnapshot> => {
          const clients = estate.clientsOf(target);
          const warnings: string[] = [];
          let regions: string[] = [homeRegion];
          let snapshot: AccountSnapshot;
          try {
            if (needsRegions(request.services)) {
              const configured = request.regions ?? (deps.config.regions === 'all' ? undefined : deps.config.regions);
              const found = await resolveRegions(clients, configured, homeRegion);
              if (found.ok) regions = found.value;
              else warnings.push(`Scanned ${homeRegion} only: ${describeCollectError(found.error)}`);
            }
            snapshot = await collectAccount(clients, target, {
              services: request.services,
              homeRegion,
              regions,
              regionConcurrency: deps.config.concurrency.regions,
              callConcurrency: deps.config.concurrency.calls,
              securityHub: {
                severities: deps.config.securityhub.severities,
                maxFindings: deps.config.securityhub.maxFindingsPerRegion,
                productArns: deps.config.securityhub.productArns,
              },
              sleep: deps.sleep ?? realSleep,
              clock,
            });
          } finally {
            // Every call of the account has finished: its clients are not needed again in this scan.
            estate.release(target);
          }
          const account = { ...snapshot, warnings: [...snapshot.warnings, ...warnings] };
          const kept = request.onAccount ? request.onAccount(account) : account;
          request.onProgress?.({ done: ++done, total: targets.length, accountId: target.accountId });
          return kept;
        }),
      ),
    );
    return {
      schemaVersion: 1,
      generatedAt: clock().toISOString(),
      demo: false,
      services: [...request.services],
      accounts,
    };
  },
});

const selectTargets = (targets: AccountTarget[], wanted: readonly string[] | undefined): AccountTarget[] => {
  if (!wanted) return targets;
  const unknown = wanted.filter((id) => !targets.some((t) => t.accountId === id));
  if (unknown.length > 0) {
    throw new CloudsecError(
      'usage',
      // Not listing the accounts in scope: whoever asked may not be allowed to see them all.
      `Account ${unknown.join(', ')} is not in scope: cloudsec does not scan it (it is not listed in cloudsec.yml or in the organization).`,
    );
  }
  return targets.filter((t) => wanted.includes(t.accountId));
};
