import type { DigestConfig } from '../../digest-config';
import { DEFAULT_RECLAIM_MS, previewDigest, runDigest, type DigestOutcome } from './run-digest';
import type { DigestDeps, DigestMode } from './ports';

export * from './ports';
export type { DigestOutcome } from './run-digest';
export { runDigest, previewDigest, digestScopeKey } from './run-digest';
export { buildRun, describeScope, type BuiltRun } from './build-run';

export interface DigestListing {
  digest: DigestConfig;
  /** The latest run of it, whatever its status. */
  last: { scheduledFor: string; status: string; completedAt: string | null } | null;
}

/** The digest use cases bound to their dependencies, as the scheduler, the commands and the CLI use them. */
export const makeDigestService = (deps: DigestDeps) => {
  const find = (name: string): DigestConfig | undefined => deps.config.digests.find((d) => d.name === name);
  return {
    digests: (): readonly DigestConfig[] => deps.config.digests,
    find,
    /** The digests `include` admits (all by default: the scheduler, the CLI), with their latest run. */
    list: async (include: (digest: DigestConfig) => boolean = () => true): Promise<DigestListing[]> =>
      Promise.all(
        deps.config.digests.filter(include).map(async (digest) => {
          const last = await deps.store.lastDigestRun(digest.name);
          return {
            digest,
            last: last ? { scheduledFor: last.scheduledFor, status: last.status, completedAt: last.completedAt } : null,
          };
        }),
      ),
    run: (digest: DigestConfig, scheduledFor: Date, mode: Exclude<DigestMode, 'preview'>): Promise<DigestOutcome> =>
      runDigest(deps, { digest, scheduledFor, mode }),
    preview: (digest: DigestConfig) => previewDigest(deps, digest),
    /**
     * Finishes runs another process claimed and then abandoned (it crashed or was killed): the
     * schedule will not ask for that time again, so without this the digest would be lost. Each
     * is taken over once its claim is older than the reclaim time; one already posted is finished
     * without posting again. Runs this process holds itself are left alone.
     */
    resumeAbandoned: async (): Promise<DigestOutcome[]> => {
      const outcomes: DigestOutcome[] = [];
      const now = deps.clock().getTime();
      for (const digest of deps.config.digests) {
        const last = await deps.store.lastDigestRun(digest.name);
        if (!last || last.status !== 'running' || last.owner === deps.owner) continue;
        if (Date.parse(last.claimedAt) + (deps.reclaimAfterMs ?? DEFAULT_RECLAIM_MS) > now) continue;
        outcomes.push(await runDigest(deps, { digest, scheduledFor: new Date(last.scheduledFor), mode: 'catch-up' }));
      }
      return outcomes;
    },
    lastScheduledFor: async (name: string): Promise<Date | null> => {
      const last = await deps.store.lastDigestRun(name);
      return last ? new Date(last.scheduledFor) : null;
    },
  };
};
export type DigestService = ReturnType<typeof makeDigestService>;
