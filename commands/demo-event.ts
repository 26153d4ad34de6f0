import { z } from 'zod';
import { closest } from 'fastest-levenshtein';
import { defineCommand, type CommandContext } from './command';
import { authorize } from '../src/core/access/policy';
import { context, header, renderErrorMessage, section, type MessagePayload } from '../src/core/render/blocks';
import { clip, code } from '../src/core/render/mrkdwn';
import { plural } from '../src/core/render/blocks/remediation/format';
import type { IngestOutcome, LiveLane } from '../src/app/detections/ports';
import { ouPathOf, routeAlert } from '../src/app/detections/routing';

/**
 * `/cloudsec demo-event <name>` (or `list`): replays a bundled sample of CloudTrail records
 * (data/sample-events) through the live lane, exactly as if they had arrived from SQS, so the demo
 * shows a detection turning into an alert card. A demo tool: it works only where the live lane has
 * samples, i.e. in the demo (`npm run demo`); a live deployment's alerts come from CloudTrail.
 */

const NAME = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a sample name such as bucket-made-public');

const notHere = (): MessagePayload =>
  renderErrorMessage({
    title: 'Only in the demo',
    message:
      'demo-event replays bundled sample events, and works only in the demo (`npm run demo`). Here, alerts come from CloudTrail (detections.sources in cloudsec.yml).',
  });

const listMessage = (lane: LiveLane): MessagePayload => {
  const names = lane.sampleNames();
  return {
    text: `Sample events: ${names.join(', ')}`,
    blocks: [
      header('Sample events'),
      section(names.map((n) => `• ${code(n, 70)}`).join('\n')),
      context(
        'Replay one with `/cloudsec demo-event <name>`: its records go through the live lane like CloudTrail events.',
      ),
    ],
  };
};

const accountsOf = (records: readonly unknown[]): string[] => [
  ...new Set(
    records.flatMap((r) => {
      const rec = r as { recipientAccountId?: unknown; userIdentity?: { accountId?: unknown } };
      const id = rec.recipientAccountId ?? rec.userIdentity?.accountId;
      return typeof id === 'string' ? [id] : [];
    }),
  ),
];

/** The sample's accounts must be ones the actor may read alerts of: replaying posts cards about them. */
const mayReplay = async (ctx: CommandContext, accountIds: readonly string[]): Promise<string | null> => {
  const known = await ctx.deps.knownAccounts();
  for (const id of accountIds) {
    const account = known.find((a) => a.id === id) ?? { id, name: id };
    const decision = authorize(
      { actor: ctx.actor, permission: 'alert:read', account, channel: ctx.invocation.channel },
      ctx.deps.config,
    );
    if (!decision.allowed) return decision.reason;
  }
  return null;
};

const summarize = (name: string, outcomes: readonly IngestOutcome[], channels: readonly string[]): MessagePayload => {
  const alerts = outcomes.flatMap((o) => (o.kind === 'alerted' ? o.alerts : []));
  const created = alerts.filter((a) => a.created).length;
  const repeats = alerts.length - created;
  const posted = alerts.filter((a) => a.created && a.posted).length;
  const where = channels.length > 0 ? channels.map((c) => `<#${c}>`).join(', ') : 'no channel (none is configured)';
  const lines = [
    `Replayed ${code(name, 70)}: ${plural(outcomes.length, 'record')} through the live lane.`,
    created + repeats === 0
      ? 'No alert: nothing matched, or every match was excluded or is still below its threshold.'
      : `${plural(created, 'new alert')}${posted > 0 ? ` (${plural(posted, 'card')} posted to ${where})` : ''}` +
        (repeats > 0
          ? `; ${plural(repeats, 'repeat')} counted on ${repeats === 1 ? 'its open alert' : 'their open alerts'}`
          : '') +
        '.',
  ];
  const invalid = outcomes.filter((o) => o.kind === 'invalid');
  if (invalid.length > 0) lines.push(`${plural(invalid.length, 'record')} could not be read.`);
  const notes = outcomes.flatMap((o) => (o.kind === 'no-alert' ? o.notes : [])).slice(0, 5);
  return {
    text: lines.join(' '),
    blocks: [
      section(lines.join('\n')),
      ...(notes.length > 0 ? [context(notes.map((n) => clip(n, 200)).join(' · '))] : []),
    ],
  };
};

export default defineCommand({
  name: 'demo-event',
  usage: '/cloudsec demo-event <name | list>',
  description: 'Demo only: replay a bundled CloudTrail sample (bucket-made-public, port-22-opened, …) as alerts.',
  permission: 'alert:read',
  flags: {},
  args: z
    .object({ positionals: z.array(z.string()).max(1, 'one sample name'), flags: z.object({}) })
    .transform((a) => a.positionals[0] ?? 'list')
    .pipe(z.union([z.literal('list'), NAME])),
  run: async (ctx, name) => {
    const lane = ctx.deps.liveLane;
    const send = (m: MessagePayload) => ctx.responder.send(m, { visibility: 'ephemeral' });
    if (!lane || lane.sampleNames().length === 0) return void (await send(notHere()));
    if (name === 'list') return void (await send(listMessage(lane)));
    const records = lane.sample(name);
    if (!records) {
      const guess = closest(name, [...lane.sampleNames()]);
      return void (await send(
        renderErrorMessage({
          title: 'No such sample',
          message: `There is no sample event named "${name}". Did you mean "${guess}"?`,
          suggestion: `Samples: ${lane.sampleNames().join(', ')}`,
        }),
      ));
    }
    const accountIds = accountsOf(records);
    const refusal = await mayReplay(ctx, accountIds);
    if (refusal) return void (await send(renderErrorMessage({ title: 'Not allowed', message: refusal })));
    const outcomes: IngestOutcome[] = [];
    for (const record of records) outcomes.push(await lane.ingest(record, 'demo'));
    const known = await ctx.deps.knownAccounts();
    const channels = [
      ...new Set(
        accountIds.flatMap((id) => {
          const c = routeAlert(
            ctx.deps.config.detections.routing,
            { accountId: id, staged: false },
            ouPathOf(known, id),
          );
          return c ? [c] : [];
        }),
      ),
    ];
    await send(summarize(name, outcomes, channels));
  },
});
