import type { CommandContext } from './command';
import { claimFreshScan, type RunOptions } from '../src/app/scan-service';
import type { Emptiness } from '../src/app/visible-report';
import type { MessagePayload } from '../src/core/render/blocks';
import { renderErrorMessage, renderScanningMessage } from '../src/core/render/blocks';
import { renderQueuedMessage } from '../src/core/render/blocks/queued-message';
import type { Permission } from '../src/core/access/permissions';

/**
 * What `check` and `findings` tell the user while their scan waits and runs, and the limits they
 * meet before it starts. Slack lets a response_url be used five times: "scanning…", the answer and
 * a possible error take three, so at most two updates (queued, started, progress) go in between.
 */
const MAX_UPDATES = 2;

const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/**
 * Refuses a `--fresh` scan once the user has started `limits.freshScansPerUserPerHour` in the last
 * hour, saying when the next one is allowed. True when refused (the user has been told).
 */
export const refuseFreshScan = async (ctx: CommandContext, fresh: boolean): Promise<boolean> => {
  if (!fresh) return false;
  const { deps, invocation } = ctx;
  const claim = await claimFreshScan(deps, {
    userId: ctx.actor.userId,
    requestId: invocation.requestId,
    text: invocation.text,
  });
  if (claim.ok) return false;
  const now = deps.clock();
  const minutes = Math.max(1, Math.ceil((claim.retryAt.getTime() - now.getTime()) / 60_000));
  const ttlMinutes = Math.max(1, Math.round(deps.config.cache.scanTtlSeconds / 60));
  await ctx.responder.send(
    renderErrorMessage({
      title: 'Fresh scan limit reached',
      message:
        `You have started ${claim.limit} fresh ${claim.limit === 1 ? 'scan' : 'scans'} in the last hour, the most allowed ` +
        `(\`limits.freshScansPerUserPerHour\`). You can run the next one at ${hhmm(claim.retryAt)} (in ${minutes} ${minutes === 1 ? 'minute' : 'minutes'}).`,
      suggestion: `Run it without --fresh to get the latest scan now (at most ${ttlMinutes} ${ttlMinutes === 1 ? 'minute' : 'minutes'} old).`,
    }),
    { visibility: 'ephemeral' },
  );
  return true;
};

/**
 * The "queued / started / progress" updates of a command's scan (the use case narrows the scan to
 * the accounts the actor may see before anything is collected), each best effort: a refused update is logged, never thrown (it would be an unhandled rejection
 * in a callback nobody awaits, and the answer still has to come).
 */
export const commandScanOptions = (
  ctx: CommandContext,
  services: readonly string[],
): Pick<RunOptions, 'onQueued' | 'onStarted'> & {
  onProgress: (p: { done: number; total: number }) => void;
  /** Resolves once every update sent so far has been delivered or given up: await it before the answer. */
  settled: () => Promise<void>;
} => {
  const { deps, responder, visibility, invocation } = ctx;
  let updates = 0;
  // Updates go one after another, and the answer after them, so a late update never covers it.
  let chain: Promise<void> = Promise.resolve();
  const update = (message: MessagePayload) => {
    if (updates >= MAX_UPDATES) return;
    updates += 1;
    chain = chain
      .then(() => responder.send(message, { visibility, replace: true }))
      .catch((err: unknown) => {
        deps.log.warn(
          { err, requestId: invocation.requestId, userId: invocation.actor.userId },
          'scan progress update not delivered',
        );
      });
  };
  return {
    onQueued: (position) => update(renderQueuedMessage({ services, position })),
    onStarted: () => update(renderScanningMessage({ services })),
    onProgress: ({ done, total }) => {
      // Only multi-account scans get progress, and only at the halfway point and near the end.
      if (total < 4) return;
      if (done === Math.ceil(total / 2) || done === total - 1)
        update(renderScanningMessage({ services, accounts: { done, total } }));
    },
    settled: () => chain,
  };
};

/**
 * Said instead of an empty answer (which would read as "nothing failing") when no account is
 * visible: either nothing was in scope at all, or nothing the asker may see.
 */
export const renderNothingVisible = (ctx: CommandContext, permission: Permission, why: Emptiness): MessagePayload =>
  why === 'nothing-scanned'
    ? renderErrorMessage({
        title: 'No account was scanned',
        message:
          'cloudsec found no account in scope, so there is nothing to show (that is not the same as nothing failing).',
        suggestion:
          'Check `accounts:` or `organization:` in cloudsec.yml, and that the organization lists active accounts.',
      })
    : renderErrorMessage({
        title: 'None of the scanned accounts is one you may see',
        message: `Your roles give ${permission} on accounts cloudsec does not scan, so there is nothing to show (that is not the same as nothing failing).`,
        suggestion: `\`/cloudsec whoami\` shows your roles; ask ${ctx.deps.config.accessHelp ?? 'a cloudsec admin'} if they are wrong.`,
      });

/** A refusal of the report's use case, worded as the router words its own. */
export const renderNotAllowed = (reason: string): MessagePayload =>
  renderErrorMessage({ title: 'Not allowed', message: reason });
