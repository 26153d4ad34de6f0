import { z } from 'zod';
import { defineCommand } from './command';
import { recordedFields, type Responder } from '../src/app/conversation';
import type { AppDeps } from '../src/app/deps';
import type { ExceptionFilter, ListedException, WorkflowActor } from '../src/app/exceptions';
import type { ChannelRef } from '../src/core/access/permissions';
import {
  exceptionListSection,
  renderExceptionList,
  type ExceptionListEntry,
} from '../src/core/render/blocks/exceptions';
import { context, header, section, type MessagePayload } from '../src/core/render/blocks/kit';
import { largestFitting } from '../src/core/render/blocks/paging';
import { plural, thousands } from '../src/core/render/blocks/remediation/format';
import { refusalMessage } from '../src/core/render/blocks/remediation-replies';
import { MESSAGE_BUDGET } from '../src/core/render/limits';
import { escapeMrkdwn } from '../src/core/render/mrkdwn';

export const EXCEPTION_FILTERS = [
  'active',
  'expiring',
  'expired',
  'mine',
  'pending',
] as const satisfies readonly ExceptionFilter[];

/** More than anyone pages through; the renderer pages what it is given, 20 at a time. */
const LIST_LIMIT = 1000;

const entryOf = (l: ListedException): ExceptionListEntry => ({
  exception: l.exception,
  covered: l.coverage.hidden,
  stale: l.stale,
});

const PENDING_TITLE = 'Accepted risks waiting for approval';

/**
 * `pending`: the requests approvers have not decided yet, oldest first. The list renderer's filters
 * have no `pending` (nor its Next page), so this one is drawn here from the same entry sections:
 * as many as fit in one message, and how many more there are.
 */
const renderPendingList = (entries: readonly ExceptionListEntry[], now: Date, problems: readonly string[]) => {
  const total = entries.length;
  const warnings = problems.slice(0, 3).map((p) => context(`:warning: ${escapeMrkdwn(p.slice(0, 300))}`));
  if (total === 0) {
    const empty = 'No accepted risk is waiting for approval.';
    return { text: empty, blocks: [header(PENDING_TITLE), section(empty), ...warnings] };
  }
  const candidates = entries.slice(0, 20);
  const build = (n: number): MessagePayload => ({
    text: `${PENDING_TITLE}: ${thousands(total)}.`,
    blocks: [
      header(PENDING_TITLE),
      context(`${plural(total, 'accepted risk')} · approved or denied on their cards in the approvals channel`),
      ...warnings,
      ...candidates.slice(0, n).map((e) => exceptionListSection(e, now)),
      ...(n < total ? [context(`Showing the ${thousands(n)} oldest of ${thousands(total)}.`)] : []),
    ],
  });
  return largestFitting(candidates.length, build, MESSAGE_BUDGET).payload;
};

/**
 * The list of a filter from `offset`, as the actor may see it: the command, and its Next page button
 * (handlers/actions/exceptions.ts), answer with this.
 */
export const exceptionListMessage = async (
  deps: Pick<AppDeps, 'exceptions' | 'clock'>,
  input: { actor: WorkflowActor; channel?: ChannelRef | undefined; filter: ExceptionFilter; offset?: number },
): Promise<MessagePayload> => {
  const result = await deps.exceptions.list({
    actor: input.actor,
    channel: input.channel,
    filter: input.filter,
    limit: LIST_LIMIT,
  });
  if (!result.ok) return refusalMessage(result);
  const entries = result.exceptions.map(entryOf);
  const now = deps.clock();
  if (input.filter === 'pending') return renderPendingList(entries, now, result.problems);
  return renderExceptionList(entries, {
    now,
    filter: input.filter,
    offset: input.offset ?? 0,
    problems: result.problems,
  });
};

export const sendExceptionList = async (
  deps: Pick<AppDeps, 'exceptions' | 'clock'>,
  responder: Responder,
  input: Parameters<typeof exceptionListMessage>[1],
) => responder.send(await exceptionListMessage(deps, input), { visibility: 'ephemeral' });

export default defineCommand({
  name: 'exceptions',
  usage: '/cloudsec exceptions [active|expiring|expired|mine|pending]',
  description:
    'Accepted risks: in force (default), expiring within 7 days, expired, yours (owned or asked for), or waiting for approval.',
  permission: 'findings:read',
  flags: {},
  args: z
    .object({
      positionals: z.array(z.string()).max(1, `give at most one of ${EXCEPTION_FILTERS.join(', ')}`),
      flags: z.object({}),
    })
    .transform((raw, ctx) => {
      const filter = (raw.positionals[0] ?? 'active').toLowerCase();
      if (!(EXCEPTION_FILTERS as readonly string[]).includes(filter)) {
        ctx.addIssue({
          code: 'custom',
          message: `"${raw.positionals[0]}" is not one of ${EXCEPTION_FILTERS.join(', ')}`,
        });
        return z.NEVER;
      }
      return { filter: filter as (typeof EXCEPTION_FILTERS)[number] };
    }),
  run: async (ctx, args) => {
    await sendExceptionList(ctx.deps, ctx.responder, {
      actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
      channel: ctx.invocation.channel,
      filter: args.filter,
    });
  },
});
