import { ACTION_IDS, PageActionValueSchema, renderCheckMessage } from '../../src/core/render/blocks';
import type { ActionHandler } from './action';
import { loadScopeResultFor, parseButtonValue, sayStaleButton } from './scope-result';

/**
 * Next page. The page is the presser's own view (their scope, now). It replaces the message only
 * when the presser is who asked for it and the channel still lets findings be shown there: a
 * message shared in a channel is seen by everyone, and someone else's page (their scope, maybe
 * wider or narrower) must not replace what was shared. Anyone else gets the page privately. A
 * button without a requester (from before it was recorded) is answered privately too.
 */
export const findingsPage: ActionHandler = {
  actionId: ACTION_IDS.findingsPage,
  run: async (ctx) => {
    const value = parseButtonValue(PageActionValueSchema, ctx.invocation.value);
    if (!value) return sayStaleButton(ctx);
    const loaded = await loadScopeResultFor(ctx, value.s);
    if (!loaded) return;
    const ownMessage = value.u !== undefined && value.u === ctx.actor.userId && loaded.delivery === 'in-channel';
    await ctx.responder.send(
      renderCheckMessage(loaded.report, {
        now: ctx.deps.clock(),
        remediationEnabled: ctx.deps.features.remediation,
        acceptRiskEnabled: ctx.deps.features.acceptRisk,
        whoDidThisEnabled: ctx.deps.features.whoDidThis,
        scopeKey: value.s,
        page: { offset: value.o, pageSize: 20 },
        requestedBy: ctx.actor.userId,
      }),
      ownMessage ? { replace: true } : { visibility: 'ephemeral' },
    );
  },
};
