/**
 * The queued scan's port (src/app/scan-jobs/collector.ts) over the live AWS source: the coordinator
 * lists the estate once (the directory stays current), and each worker collects one account from
 * its target as stored in the job row, read back through the AWS side's own schema.
 */
import type { JobCollector } from './app/scan-jobs/collector';
import { AccountTargetSchema } from './aws/collect-target';
import type { LiveSnapshotSource } from './aws/live-source';
import { CloudsecError } from './errors';

export const liveJobCollector = (source: Pick<LiveSnapshotSource, 'targets' | 'collectTarget'>): JobCollector => ({
  targets: async (request) =>
    (await source.targets(request)).map((target) => ({
      accountId: target.accountId,
      accountName: target.name,
      ou: target.ou ?? null,
      partition: target.partition,
      target,
    })),
  collect: async (stored, request) => {
    const target = AccountTargetSchema.safeParse(stored);
    if (!target.success) {
      throw new CloudsecError('internal', `the job's account target is not one (${target.error.issues[0]?.message})`);
    }
    return source.collectTarget(target.data, request);
  },
});
