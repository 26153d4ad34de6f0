import { ACTION_IDS, renderCheckMessage, renderErrorMessage } from '../../src/core/render/blocks';
import type { ActionHandler } from './action';
import { loadScopeResult, parsePageValue } from './scope-result';

export const findingsPage: ActionHandler = {
  actionId: ACTION_IDS.findingsPage,
  run: async (ctx) => {
    const value = parsePageValue(ctx.invocation.value);
    if (!value) {
      await ctx.responder.send(
        renderErrorMessage({ title: 'This button is no longer valid', message: 'Run the command again.' }),
        {
          visibility: 'ephemeral',
        },
      );
      return;
    }
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
