import { ACTION_IDS, ExportActionValueSchema, findingsToCsv, renderErrorMessage } from '../../src/core/render/blocks';
import type { ActionHandler } from './action';
import { loadScopeResult } from './scope-result';

const parse = (value: string) => {
  try {
    const parsed = ExportActionValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
};

export const findingsExport: ActionHandler = {
  actionId: ACTION_IDS.findingsExport,
  run: async (ctx) => {
    const value = parse(ctx.invocation.value);
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
    const failing = report.findings.filter((f) => f.status !== 'pass');
    await ctx.responder.upload({
      filename: `cloudsec-${value.s.replace(/[^a-z0-9-]+/gi, '_')}.csv`,
      title: `cloudsec findings (${failing.length})${report.demo ? ' — DEMO DATA' : ''}`,
      content: findingsToCsv(failing),
    });
  },
};
