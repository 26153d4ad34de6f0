/**
 * One account of a live scan, collected from a client pool: what `load` does for each account of
 * the estate, and what a job worker does for the one account it was handed (src/app/scan-jobs).
 */
import { z } from 'zod';
import type { Config } from '../config';
import { missing, type AccountSnapshot, type CollectError, type Fact } from '../core/model';
import type { SnapshotRequest } from '../core/snapshot-source';
import { OU_ID } from '../core/account-directory';
import { describeCollectError } from '../core/checks/define';
import type { AccountTarget } from './accounts';
import { collectAccount, needsRegions } from './collect-account';
import { accessKeyOf, type ClientPool } from './estate';
import { resolveRegions } from './regions';
import { attempt } from './attempt';
import { MalformedAnswerError } from './errors';
import { sdk } from './sdk';

const ROLE_ARN = /^arn:[a-z-]+:iam::(\d{12}):role\/.+$/;

/**
 * An AccountTarget as stored in a job row and read back by whichever replica runs the job. Strict
 * and checked: a target that does not read back exactly (an unknown field from newer code, a role
 * in another account) fails its job with the reason instead of entering an account some other way
 * or attributing one account's findings to another.
 */
export const AccountTargetSchema = z
  .strictObject({
    accountId: z.string().regex(/^\d{12}$/),
    name: z.string(),
    partition: z.string().min(1),
    roleArn: z.string().regex(ROLE_ARN).optional(),
    externalId: z.string().min(1).optional(),
    ou: z.string().regex(OU_ID).optional(),
    ouPath: z.array(z.string().regex(OU_ID)).optional(),
  })
  .refine((t) => !t.roleArn || ROLE_ARN.exec(t.roleArn)?.[1] === t.accountId, {
    message: 'roleArn belongs to another account than accountId',
    path: ['roleArn'],
  })
  .refine((t) => !t.externalId || t.roleArn, {
    message: 'externalId is only used to assume roleArn, which is absent',
    path: ['externalId'],
  });

export interface CollectTargetDeps {
  config: Config;
  clock: () => Date;
  sleep: (ms: number) => Promise<void>;
}

export type CollectTargetRequest = Pick<SnapshotRequest, 'services' | 'regions'>;

/**
 * Collects one account: its regions (falling back to the home region with a warning when they
 * cannot be listed), then the requested services. AWS errors never throw: an account whose role
 * cannot be assumed comes back unreachable with the reason (collectAccount). The account's role
 * clients are released once its calls are done, whatever happened.
 */
export const collectTargetFrom = async (
  pool: ClientPool,
  target: AccountTarget,
  request: CollectTargetRequest,
  deps: CollectTargetDeps & {
    /** Why the caller's credentials cannot stand for a role-less target (null: they can). */
    ownAccountProblem?: (target: AccountTarget) => Promise<CollectError | null>;
  },
): Promise<AccountSnapshot> => {
  const { homeRegion } = pool;
  const problem = !target.roleArn && deps.ownAccountProblem ? await deps.ownAccountProblem(target) : null;
  if (problem) {
    return {
      accountId: target.accountId,
      accountName: target.name,
      ou: target.ou ?? null,
      partition: target.partition,
      regions: [homeRegion],
      collectedAt: deps.clock().toISOString(),
      warnings: [],
      access: missing(problem),
    };
  }
  const clients = pool.clientsOf(target);
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
      sleep: deps.sleep,
      clock: deps.clock,
    });
  } finally {
    // Every call of the account has finished: its clients are not needed again for this collection.
    pool.release(target);
  }
  return { ...snapshot, warnings: [...snapshot.warnings, ...warnings] };
};

/**
 * A pool shared by collections that may overlap: a worker can collect the same account for two
 * scans at once, and the first to finish must not destroy the clients the other is still calling
 * with. Each clientsOf is a lease that its release returns; the account's clients are released
 * when the last lease is. (collectTargetFrom pairs them: one clientsOf, one release.)
 */
export const sharedPool = (pool: ClientPool): ClientPool => {
  const leases = new Map<string, number>();
  return {
    ...pool,
    clientsOf: (target) => {
      const clients = pool.clientsOf(target);
      // Counted once the clients exist: a clientsOf that threw has no release to wait for.
      const key = accessKeyOf(target);
      leases.set(key, (leases.get(key) ?? 0) + 1);
      return clients;
    },
    release: (target) => {
      const key = accessKeyOf(target);
      const left = (leases.get(key) ?? 1) - 1;
      if (left > 0) {
        leases.set(key, left);
        return;
      }
      leases.delete(key);
      pool.release(target);
    },
  };
};

/**
 * A target without a role means "the account of the credentials that listed it". A worker on
 * another replica reads it with its own credentials: if those belong to another account (a replica
 * deployed with other credentials), collecting would file that account's resources under the
 * target's id. So the worker asks STS who it is (once per pool; a failed answer is asked again next
 * time) and leaves the account unreachable, with the reason, when it is someone else.
 */
export const ownAccountCheck = (pool: Pick<ClientPool, 'callerClients'>) => {
  let caller: Promise<Fact<string>> | undefined;
  const meta = { service: 'sts', operation: 'GetCallerIdentity', permission: 'sts:GetCallerIdentity' };
  const whoAmI = (): Promise<Fact<string>> =>
    attempt(meta, async () => {
      const out = await pool.callerClients.sts().send(new sdk.sts.GetCallerIdentityCommand({}));
      if (!out.Account) throw new MalformedAnswerError('GetCallerIdentity answered without the account');
      return out.Account;
    });
  return async (target: AccountTarget): Promise<CollectError | null> => {
    const asked = (caller ??= whoAmI());
    const found = await asked;
    if (!found.ok) {
      if (caller === asked) caller = undefined;
      return found.error;
    }
    if (found.value === target.accountId) return null;
    return {
      ...meta,
      code: 'CallerNotTargetAccount',
      kind: 'other',
      message:
        `cloudsec's own credentials here belong to account ${found.value}, not ${target.accountId}, and the ` +
        'account has no role to assume: every replica needs credentials of the same account.',
    };
  };
};
