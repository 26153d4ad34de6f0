import type { z } from 'zod';
import { renderErrorMessage } from '../../src/core/render/blocks';
import { requestOfScopeKey } from '../../src/app/scan-service';
import { authorize, type Delivery } from '../../src/core/policy';
import { narrowingFor, visiblePart } from '../../src/app/visible-findings';
import { servicesFor } from '../../src/app/run-check';
import { renderQueuedMessage } from '../../src/core/render/blocks/queued-message';
import { buildCheckReport, type CheckReport } from '../../src/core/render/report';
import type { ActionContext } from './action';
import { recordedActor } from '../../src/app/conversation';

/**
 * The result a Next page / Download button points at, re-read from the cache (or scanned again
 * after a restart, narrowed to the accounts the presser may see) and filtered to what the presser
 * may see now. `delivery` is how the channel policy lets it be shown here. Null after telling the
 * user why.
 */
export const loadScopeResultFor = async (
  ctx: ActionContext,
  scopeKey: string,
): Promise<{ report: CheckReport; delivery: Delivery } | null> => {
  const request = requestOfScopeKey(scopeKey);
  if (!request) {
    await sayStaleButton(ctx);
    return null;
  }
  const decision = authorize(
    { actor: ctx.actor, permission: 'check:run', channel: ctx.invocation.channel ?? undefined },
    ctx.deps.config,
  );
  await ctx.deps.store.appendAudit({
    actor: recordedActor(ctx.invocation.actor),
    action: 'button.press',
    target: `${ctx.invocation.actionId} ${scopeKey}`,
    outcome: decision.allowed ? 'allowed' : 'denied',
    requestId: ctx.invocation.requestId,
    details: { reason: decision.reason },
  });
  if (!decision.allowed) {
    await ctx.responder.send(renderErrorMessage({ title: 'Not allowed', message: decision.reason }), {
      visibility: 'ephemeral',
    });
    return null;
  }
  const narrowTo = narrowingFor(ctx.actor, 'check:run', ctx.deps.config);
  const outcome =
    ctx.deps.scans.cached(scopeKey, narrowTo) ??
    (await ctx.deps.scans.run(request, {
      narrowTo,
      // Told privately: the message whose button was pressed stays as it is until the answer.
      onQueued: (position) => {
        ctx.responder
          .send(renderQueuedMessage({ services: servicesFor(request.service), position }), {
            visibility: 'ephemeral',
          })
          .catch((err: unknown) =>
            ctx.deps.log.warn({ err, requestId: ctx.invocation.requestId }, 'queue notice not delivered'),
          );
      },
    }));
  const shown = visiblePart(ctx.actor, 'check:run', ctx.deps.config, outcome.snapshot, outcome.findings);
  const report = buildCheckReport(
    { ...outcome.snapshot, accounts: outcome.snapshot.accounts.filter((a) => shown.accountIds.has(a.accountId)) },
    shown.findings,
    shown.summary,
    outcome.evaluatedAt,
    outcome.services,
  );
  return { report, delivery: decision.delivery };
};

/** The report alone (downloads go to the presser's DM, whatever the channel). */
export const loadScopeResult = async (ctx: ActionContext, scopeKey: string): Promise<CheckReport | null> =>
  (await loadScopeResultFor(ctx, scopeKey))?.report ?? null;

/** A button value parsed with its schema; null for anything else (forged, truncated, from an old version). */
export const parseButtonValue = <T>(schema: z.ZodType<T>, value: string): T | null => {
  try {
    const parsed = schema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

export const sayStaleButton = (ctx: ActionContext) =>
  ctx.responder.send(
    renderErrorMessage({ title: 'This button is no longer valid', message: 'Run the command again.' }),
    {
      visibility: 'ephemeral',
    },
  );
