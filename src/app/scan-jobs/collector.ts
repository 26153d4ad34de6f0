import type { AccountSnapshot, Service } from '../../core/model';
import type { SnapshotRequest } from '../../core/snapshot-source';

/** One account a queued scan covers, as the source resolved it. */
export interface JobTarget {
  accountId: string;
  accountName: string;
  ou: string | null;
  partition: string;
  /** How to reach the account, JSON-safe (it is stored in the job row); only the collector reads it. */
  target: unknown;
  /** A recorded estate's time (ISO): its accounts are judged then, not when the worker reads them. */
  judgeAt?: string;
}

/**
 * The port a queued scan collects through (src/aws/live-source.ts provides it): the coordinator
 * lists the accounts once, each worker collects one account at a time without listing the estate
 * again.
 */
export interface JobCollector {
  /** The accounts in scope of the request, narrowed by `admitAccount` before anything is collected. */
  targets(request: SnapshotRequest): Promise<JobTarget[]>;
  /**
   * Collects one account. An account cloudsec cannot enter comes back unreachable (its checks answer
   * `unknown`); a throw means the collection itself failed, and the worker records that reason.
   */
  collect(
    target: unknown,
    request: { services: readonly Service[]; regions?: readonly string[] },
  ): Promise<AccountSnapshot>;
}
