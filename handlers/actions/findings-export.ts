import { ACTION_IDS, ExportActionValueSchema } from '../../src/core/render/blocks';
import { writeCsv } from '../../src/core/outputs';
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
    // Findings hidden by accepted risks are in the file too, each with its exception: the file is
    // the whole answer, and the exception_* columns say why they are not in the message's lists.
    const hidden = report.acceptedRisks.findings.map(({ exception, ...finding }) => ({ finding, exception }));
    const rows = [...failing.map((finding) => ({ finding })), ...hidden];
    await ctx.responder.upload({
      // Named by what it holds, not by the button's scope: a scope may name an account the presser
      // may not see, and its rows are filtered to their own scope already.
      filename: 'cloudsec-findings.csv',
      title: `cloudsec findings (${rows.length}${hidden.length > 0 ? `, ${hidden.length} accepted` : ''})${report.demo ? ' — DEMO DATA' : ''}`,
      content: writeCsv(rows),
    });
  },
};
