import pLimit from 'p-limit';
import type { Config } from '../config';
import type { AccountSnapshot, Snapshot } from '../core/model';
import { CloudsecError } from '../errors';
import type { SnapshotRequest, SnapshotSource } from '../core/snapshot-source';
import type { ClientFactory } from './clients';
import type { AccountTarget } from './accounts';
import { openClientPool, openEstate, resolveTargets, type ClientPool, type EstateDeps } from './estate';
import { collectTargetFrom, ownAccountCheck, sharedPool, type CollectTargetDeps } from './collect-target';

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

/** What targets() and collectTarget() share for the life of the source. */
interface WorkerPool {
  pool: ClientPool;
  ownAccountProblem: ReturnType<typeof ownAccountCheck>;
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
  /**
   * The accounts a scan of `request` covers, narrowed as `load` narrows them (same error for an
   * account not in scope), without collecting any. Lists the estate, so the account directory is
   * told of it as on every scan.
   */
  targets(request: LiveSnapshotRequest): Promise<AccountTarget[]>;
  /**
   * Collects one account exactly as `load` collects each of its accounts, without listing the
   * estate: a job worker is handed the target by the scan that listed it. An account that cannot
   * be entered comes back unreachable with the reason; a throw is only what `load` would throw
   * (no AWS region configured). A target without a role is first checked to be the account of this
   * process's own credentials (src/aws/collect-target.ts ownAccountCheck).
   */
  collectTarget(
    target: AccountTarget,
    request: Pick<LiveSnapshotRequest, 'services' | 'regions'>,
  ): Promise<AccountSnapshot>;
}

/** Snapshots straight from AWS: resolve accounts, then collect them with bounded concurrency. */
export const makeLiveSnapshotSource = (given: LiveSourceDeps): LiveSnapshotSource => {
  // One gate for every scan of this source (one source per process): AWS calls in flight are bounded
  // for the process, whatever number of scans and accounts are running.
  const deps = { ...given, callGate: pLimit(given.config.concurrency.inFlight) };
  const collectDeps: CollectTargetDeps = {
    config: deps.config,
    clock: deps.clock ?? (() => new Date()),
    sleep: deps.sleep ?? realSleep,
  };
  // One pool for every targets() and collectTarget() of this source, opened on first use: a worker
  // collects hundreds of accounts one job at a time and would otherwise resolve the home region and
  // make the caller's clients again for each. A failed opening is not kept, so the next call retries.
  let pool: Promise<WorkerPool> | undefined;
  const sharedClients = (): Promise<WorkerPool> => {
    pool ??= openClientPool(deps).then(
      (opened) => ({ pool: sharedPool(opened), ownAccountProblem: ownAccountCheck(opened) }),
      (err: unknown) => {
        pool = undefined;
        throw err;
      },
    );
    return pool;
  };

  return {
    kind: 'live',
    load: async (request: LiveSnapshotRequest): Promise<Snapshot> => {
      // Its own estate per scan, as before: its clients go with it.
      const estate = await openEstate(deps);
      const targets = narrow(estate.targets, request);
      const limit = pLimit(deps.config.concurrency.accounts);
      let done = 0;
      const accounts = await Promise.all(
        targets.map((target) =>
          limit(async (): Promise<AccountSnapshot> => {
            const account = await collectTargetFrom(estate, target, request, collectDeps);
            const kept = request.onAccount ? request.onAccount(account) : account;
            request.onProgress?.({ done: ++done, total: targets.length, accountId: target.accountId });
            return kept;
          }),
        ),
      );
      return {
        schemaVersion: 1,
        generatedAt: collectDeps.clock().toISOString(),
        demo: false,
        services: [...request.services],
        accounts,
      };
    },
    targets: async (request) => narrow(await resolveTargets((await sharedClients()).pool, deps), request),
    collectTarget: async (target, request) => {
      const worker = await sharedClients();
      return collectTargetFrom(worker.pool, target, request, {
        ...collectDeps,
        ownAccountProblem: worker.ownAccountProblem,
      });
    },
  };
};

/** Narrowed to the asker's scope before anything is collected (accounts outside it are not entered). */
const narrow = (targets: AccountTarget[], request: LiveSnapshotRequest): AccountTarget[] =>
  selectTargets(targets, request.accountIds).filter(
    (t) =>
      !request.admitAccount ||
      request.admitAccount({
        id: t.accountId,
        name: t.name,
        ...(t.ou ? { ou: t.ou } : {}),
        ...(t.ouPath ? { ouPath: t.ouPath } : {}),
      }),
  );

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
