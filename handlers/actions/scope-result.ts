import type { z } from 'zod';
import { renderErrorMessage } from '../../src/core/render/blocks';
import { requestOfScopeKey } from '../../src/app/scan-service';
import { authorize } from '../../src/core/policy';
import { visiblePart } from '../../src/app/visible-findings';
import { buildCheckReport, type CheckReport } from '../../src/core/render/report';
import type { ActionContext } from './action';

/**
 * The result a Next page / Download button points at, re-read from the cache (or scanned again
 * after a restart) and filtered to what the presser may see now. Null after telling the user why.
 */
export const loadScopeResult = async (ctx: ActionContext, scopeKey: string): Promise<CheckReport | null> => {
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
    actor: { kind: 'slack-user', id: ctx.invocation.actor.userId },
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
  const outcome = ctx.deps.scans.cached(scopeKey) ?? (await ctx.deps.scans.run(request));
  const shown = visiblePart(ctx.actor, 'check:run', ctx.deps.config, outcome.snapshot, outcome.findings);
  return buildCheckReport(
    { ...outcome.snapshot, accounts: outcome.snapshot.accounts.filter((a) => shown.accountIds.has(a.accountId)) },
    shown.findings,
    shown.summary,
    outcome.evaluatedAt,
    outcome.services,
  );
};

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
