import { renderDigestBlocks, renderDigestText, type DigestMessage } from '../../core/render/digest';
import type { DigestConfig } from '../../digest-config';
import { MessageRefSchema } from '../../core/remediations/request';
import type { DigestRun } from '../../store/store';
import { errorMessage } from '../remediation/support';
import { buildRun, type BuiltRun } from './build-run';
import { writeFullList } from './full-list';
import { DigestPostError, type DigestDeps, type DigestJob } from './ports';

/** Where a digest run stores the findings it evaluated, so its Remediate buttons find them. */
export const digestScopeKey = (name: string): string => `digest:${name}`;

export type DigestOutcome =
  /** Another process (or an earlier run of this one) has this scheduled time: nothing was posted here. */
  | { kind: 'skipped'; run: DigestRun }
  | { kind: 'preview'; message: DigestMessage; text: string; built: BuiltRun }
  | { kind: 'posted'; run: DigestRun | null; built: BuiltRun; attachmentErrors: string[] }
  | { kind: 'failed'; reason: string };

const SYSTEM = { kind: 'system' as const, id: 'digest-scheduler' };
/** A run still `running` this long after its claim is presumed dead and may be taken over. */
export const DEFAULT_RECLAIM_MS = 30 * 60_000;

/** Renders a digest for one person without claiming, posting or storing anything. */
export const previewDigest = async (deps: DigestDeps, digest: DigestConfig): Promise<DigestOutcome> => {
  const built = await buildRun(deps, digest, deps.clock());
  const options = { partition: built.partitionOf };
  return {
    kind: 'preview',
    message: renderDigestBlocks(built.report, options),
    text: renderDigestText(built.report, options),
    built,
  };
};

/**
 * One digest run, exactly once per (digest, scheduled time) across restarts and replicas: the run is
 * claimed in the store before anything is read, and the new state is stored in the same
 * transaction that marks the run done, after the message is out. A run whose scan failed posts an
 * honest "scan incomplete" digest; a post that fails for good is recorded and leaves the state as
 * it was, so the next digest still reports these changes.
 */
export const runDigest = async (deps: DigestDeps, job: DigestJob): Promise<DigestOutcome> => {
  if (job.mode === 'preview') return previewDigest(deps, job.digest);
  const { digest, scheduledFor } = job;
  const claim = await deps.store.claimDigestRun(digest.name, scheduledFor, {
    owner: deps.owner,
    reclaimAfterMs: deps.reclaimAfterMs ?? DEFAULT_RECLAIM_MS,
  });
  if (!claim.claimed) {
    deps.log.info({ digest: digest.name, scheduledFor, status: claim.run.status }, 'digest run already claimed');
    return { kind: 'skipped', run: claim.run };
  }
  const audit = (outcome: 'ok' | 'error', details: Record<string, unknown>) =>
    deps.store
      .appendAudit({
        actor: SYSTEM,
        action: 'digest.post',
        target: `digest:${digest.name}`,
        outcome,
        details: { scheduledFor: scheduledFor.toISOString(), mode: job.mode, ...details },
      })
      .catch((err: unknown) => deps.log.warn({ err, digest: digest.name }, 'could not audit a digest run'));
  const fail = async (reason: string, details: Record<string, unknown> = {}): Promise<DigestOutcome> => {
    await deps.store.completeDigestRun({
      digestName: digest.name,
      scheduledFor,
      status: 'failed',
      owner: deps.owner,
      details: { error: reason, ...details },
    });
    await audit('error', { error: reason, ...details });
    deps.log.error({ digest: digest.name, scheduledFor, reason }, 'digest run failed');
    return { kind: 'failed', reason };
  };

  let built: BuiltRun;
  try {
    built = await buildRun(deps, digest, scheduledFor);
  } catch (err) {
    return fail(`the digest could not be built: ${errorMessage(err)}`);
  }
  const message = renderDigestBlocks(built.report, { partition: built.partitionOf });
  // A run taken over from a crashed process may already be in the channel: then it is not posted twice.
  const earlier = MessageRefSchema.safeParse((claim.run.details as { posted?: unknown }).posted);
  let ref;
  try {
    ref = earlier.success ? earlier.data : await deps.poster.post(digest.channel, message);
  } catch (err) {
    const code = err instanceof DigestPostError ? err.code : 'error';
    return fail(`Slack refused the digest: ${errorMessage(err)}`, { code, summary: built.summary });
  }

  if (!earlier.success) {
    await deps.store.noteDigestRunProgress(digest.name, scheduledFor, deps.owner, { posted: ref });
  } else {
    deps.log.warn(
      { digest: digest.name, scheduledFor },
      'the digest was posted by a process that stopped; finishing its run',
    );
  }
  if (built.observation.generatedAt) {
    try {
      await deps.store.saveScan({
        scopeKey: digestScopeKey(digest.name),
        generatedAt: built.observation.generatedAt,
        // Only what a Remediate button can carry: the scan history would otherwise grow by every result of every run.
        findings: built.observation.findings.filter((f) => f.status === 'fail' && f.remediationId !== null),
      });
    } catch (err) {
      deps.log.warn(
        { err, digest: digest.name },
        'could not store the digest scan; its Remediate buttons may not find their findings',
      );
    }
  }

  const attachmentErrors: string[] = [];
  const attach = async (
    what: string,
    file: () => Promise<Parameters<DigestDeps['poster']['attach']>[1]>,
    cleanup?: () => void,
  ) => {
    try {
      await deps.poster.attach(ref, await file());
    } catch (err) {
      attachmentErrors.push(`${what}: ${errorMessage(err)}`);
      deps.log.warn({ err, digest: digest.name }, `could not attach the ${what}`);
    } finally {
      cleanup?.();
    }
  };
  await attach('trend chart', async () => ({
    filename: `${digest.name}-trend.png`,
    title: `${digest.name}: posture trend (last ${built.trend.length} runs)`,
    content: deps.chart(built.trend, { title: `${digest.name} · posture trend`, timezone: digest.timezone }),
  }));
  if (message.truncated) {
    let remove: (() => void) | undefined;
    await attach(
      'full list',
      async () => {
        const list = await writeFullList(deps.store, digest.name, built);
        remove = list.remove;
        return {
          filename: `${digest.name}-findings.csv`,
          title: `${digest.name}: every finding (${list.rows} rows)`,
          path: list.path,
        };
      },
      () => remove?.(),
    );
  }

  const details = {
    ...built.summary,
    message: ref,
    scope: built.scopeKey,
    alertsUntil: built.alertsUntil,
    ...(built.observation.securityHub ? { securityHub: built.observation.securityHub } : {}),
    securityHubCalls: built.observation.securityHubCalls,
    ...(attachmentErrors.length > 0 ? { attachmentErrors } : {}),
    ...(earlier.success ? { recovered: true } : {}),
  };
  const run = await deps.store.completeDigestRunWithState(
    { digestName: digest.name, scheduledFor, status: 'succeeded', owner: deps.owner, details },
    { upserts: built.delta.upserts, removals: built.delta.removals },
  );
  if (!run)
    deps.log.warn(
      { digest: digest.name, scheduledFor },
      'the digest run was taken over before it finished; its state was not stored',
    );
  await audit('ok', {
    channel: digest.channel,
    ts: ref.ts,
    opened: built.summary.opened,
    resolved: built.summary.resolved,
    incomplete: built.summary.incomplete.length > 0,
  });
  return { kind: 'posted', run, built, attachmentErrors };
};
