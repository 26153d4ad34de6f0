import type { z } from 'zod';
import { renderErrorMessage } from '../../src/core/render/blocks';
import { requestOfScopeKey } from '../../src/app/scan-service';
import type { Delivery } from '../../src/core/access/policy';
import { visibleReport } from '../../src/app/visible-report';
import { servicesFor } from '../../src/app/run-check';
import { renderQueuedMessage } from '../../src/core/render/blocks/queued-message';
import type { CheckReport } from '../../src/core/render/report';
import type { ActionContext } from './action';
import { recordedActor } from '../../src/app/conversation';

/**
 * The result a Next page / Download button points at, re-read from the cache (or scanned again
 * after a restart, narrowed to the accounts the presser may see) and filtered to what the presser
 * may see now (src/app/visible-report.ts). `delivery` is how the channel policy lets it be shown
 * here. Null after telling the user why.
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
  const answer = await visibleReport(ctx.deps, {
    actor: ctx.actor,
    permission: 'check:run',
    channel: ctx.invocation.channel ?? undefined,
    request,
    reuse: 'cached',
    record: {
      actor: recordedActor(ctx.invocation.actor),
      action: 'button.press',
      target: `${ctx.invocation.actionId} ${scopeKey}`,
      requestId: ctx.invocation.requestId,
    },
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
  });
  if (!answer.ok) {
    await ctx.responder.send(renderErrorMessage({ title: 'Not allowed', message: answer.reason }), {
      visibility: 'ephemeral',
    });
    return null;
  }
  return { report: answer.report.checkReport, delivery: answer.delivery };
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
