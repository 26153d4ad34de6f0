import { ACTION_IDS, ExportActionValueSchema, findingsToCsv } from '../../src/core/render/blocks';
import type { ActionHandler } from './action';
import { loadScopeResult, parseButtonValue, sayStaleButton } from './scope-result';

export const findingsExport: ActionHandler = {
  actionId: ACTION_IDS.findingsExport,
  run: async (ctx) => {
    const value = parseButtonValue(ExportActionValueSchema, ctx.invocation.value);
    if (!value) return sayStaleButton(ctx);
    const report = await loadScopeResult(ctx, value.s);
    if (!report) return;
    const failing = report.findings.filter((f) => f.status !== 'pass');
    await ctx.responder.upload({
      // Named by what it holds, not by the button's scope: a scope may name an account the presser
      // may not see, and its rows are filtered to their own scope already.
      filename: 'cloudsec-findings.csv',
      title: `cloudsec findings (${failing.length})${report.demo ? ' — DEMO DATA' : ''}`,
      content: findingsToCsv(failing),
    });
  },
};
