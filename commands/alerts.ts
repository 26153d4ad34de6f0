import { z } from 'zod';
import { defineCommand } from './command';
import { recordedFields, type Responder } from '../src/app/conversation';
import { ALERT_FILTERS, listAlertsFor, type AlertFilter } from '../src/app/detections/alert-list';
import type { AlertDeps } from '../src/app/detections/alert-support';
import type { WorkflowActor } from '../src/app/remediation/ports';
import { renderAlertList } from '../src/core/render/blocks/alerts/list';
import { accountNamesOf } from '../src/core/render/blocks/finding';

/**
 * `/cloudsec alerts [open|mine|all]`: CloudTrail alerts, newest first, as the asker may see them
 * (their accounts only), 20 a page with Next page (handlers/actions/alerts.ts). Always private.
 */

export const sendAlertList = async (
  deps: AlertDeps,
  responder: Responder,
  input: { actor: WorkflowActor; filter: AlertFilter; offset?: number },
): Promise<void> => {
  const list = await listAlertsFor(deps, input);
  await responder.send(
    renderAlertList(list.alerts, {
      filter: input.filter,
      offset: input.offset ?? 0,
      now: deps.clock(),
      names: accountNamesOf(await deps.knownAccounts()),
      truncated: list.truncated,
    }),
    { visibility: 'ephemeral' },
  );
};

export default defineCommand({
  name: 'alerts',
  usage: '/cloudsec alerts [open|mine|all]',
  description: 'CloudTrail alerts: open ones (default), those assigned to you or asking you, or all, newest first.',
  permission: 'alert:read',
  flags: {},
  args: z
    .object({
      positionals: z.array(z.string()).max(1, `give at most one of ${ALERT_FILTERS.join(', ')}`),
      flags: z.object({}),
    })
    .transform((raw, ctx) => {
      const filter = (raw.positionals[0] ?? 'open').toLowerCase();
      if (!(ALERT_FILTERS as readonly string[]).includes(filter)) {
        ctx.addIssue({ code: 'custom', message: `"${raw.positionals[0]}" is not one of ${ALERT_FILTERS.join(', ')}` });
        return z.NEVER;
      }
      return { filter: filter as AlertFilter };
    }),
  run: async (ctx, args) => {
    await sendAlertList(ctx.deps, ctx.responder, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      filter: args.filter,
    });
  },
});
