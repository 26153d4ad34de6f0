import { ACTION_IDS, PageActionValueSchema, renderCheckMessage } from '../../src/core/render/blocks';
import type { ActionHandler } from './action';
import { loadScopeResult, parseButtonValue, sayStaleButton } from './scope-result';

export const findingsPage: ActionHandler = {
  actionId: ACTION_IDS.findingsPage,
  run: async (ctx) => {
    const value = parseButtonValue(PageActionValueSchema, ctx.invocation.value);
    if (!value) return sayStaleButton(ctx);
    const report = await loadScopeResult(ctx, value.s);
    if (!report) return;
    await ctx.responder.send(
      renderCheckMessage(report, {
        now: ctx.deps.clock(),
        remediationEnabled: ctx.deps.features.remediation,
        scopeKey: value.s,
        page: { offset: value.o, pageSize: 20 },
      }),
      { replace: true },
    );
  },
};
