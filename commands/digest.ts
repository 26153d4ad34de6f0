import { z } from 'zod';
import { closest } from 'fastest-levenshtein';
import { defineCommand, type CommandContext } from './command';
import { header, renderErrorMessage, section, type MessagePayload } from '../src/core/render/blocks';
import { clip, code, truncate } from '../src/core/render/mrkdwn';
import { chooseDigest, listDigestsFor, type DigestAction } from '../src/app/digest/manage';
import type { DigestService } from '../src/app/digest';
import type { DigestConfig } from '../src/digest-config';

const ACTIONS = ['list', 'now', 'preview'] as const;

const notConfigured = () =>
  renderErrorMessage({
    title: 'No digests here',
    message: 'Digests are not available in this mode.',
  });

/**
 * Said alike for a digest that does not exist and one covering accounts the actor may not see, and
 * suggesting only digests they may see: asking names reveals nothing about the others.
 */
const unknownDigest = (name: string, service: DigestService, visible: readonly DigestConfig[]) => {
  const names = visible.map((d) => d.name);
  const guess = names.length > 0 ? closest(name, names) : undefined;
  return renderErrorMessage({
    title: 'No such digest',
    message: `No digest named "${name}" that you may see.${guess ? ` Did you mean "${guess}"?` : ''}`,
    suggestion:
      names.length > 0
        ? `Digests you may see: ${names.join(', ')}`
        : service.digests().length === 0
          ? 'Define digests under `digests:` in cloudsec.yml.'
          : 'No digest covers only accounts you may see.',
  });
};

/** The digest named in the command, if the actor may `action` it; null after telling them why not. */
const allowedDigest = async (
  ctx: CommandContext,
  service: DigestService,
  name: string,
  action: DigestAction,
): Promise<DigestConfig | null> => {
  const choice = await chooseDigest(ctx.deps, service, {
    actor: ctx.actor,
    invocationActor: ctx.invocation.actor,
    name,
    action,
    channel: ctx.invocation.channel,
  });
  if (choice.ok) return choice.digest;
  await ctx.responder.send(
    choice.code === 'unknown'
      ? unknownDigest(name, service, choice.visible)
      : renderErrorMessage({ title: 'Not allowed', message: choice.reason }),
    { visibility: 'ephemeral' },
  );
  return null;
};

/**
 * `now` is keyed by the current second, so a second `now` in the same second finds the first
 * one's run, which is usually finished rather than under way.
 */
const skippedAnswer = (run: { status: string; scheduledFor: string }): string =>
  run.status === 'running'
    ? 'A run for this moment is already under way.'
    : `This digest was already ${run.status === 'succeeded' ? 'posted' : 'tried, and it failed,'} for ${when(run.scheduledFor)}: try again in a moment.`;

/** Channel ids are validated in the config (`C…`/`G…`), so the link markup cannot be broken out of. */
const channelLink = (digest: DigestConfig) => `<#${digest.channel}>`;

const SECTION_CHARS = 2900;
/** Under MESSAGE_BUDGET's 10,000 characters of block text, with room for the header and the note. */
const TEXT_BUDGET = 9000;

/**
 * cloudsec's wording as mrkdwn sections, so channel links render as links (a code block would show
 * `<#C…>` literally); outside values are escaped where they are put in the lines. Lines that do not
 * fit are counted, never silently dropped.
 */
const answer = (title: string, lines: readonly string[], more = (n: number) => `…and ${n} more`): MessagePayload => {
  const sections: string[] = [];
  let current = '';
  let used = 0;
  let shown = 0;
  for (const line of lines.map((l) => truncate(l, SECTION_CHARS))) {
    if (used + line.length + 1 > TEXT_BUDGET) break;
    if (current && current.length + line.length + 1 > SECTION_CHARS) {
      sections.push(current);
      current = '';
    }
    current = current ? `${current}\n${line}` : line;
    used += line.length + 1;
    shown += 1;
  }
  if (current) sections.push(current);
  const cut = lines.length - shown;
  return {
    text: truncate(`${title}: ${lines.join(' ')}`, 3000),
    blocks: [header(title), ...sections.map((t) => section(t)), ...(cut > 0 ? [section(more(cut))] : [])],
  };
};

const when = (iso: string | null | undefined) => (iso ? iso.replace('T', ' ').replace(/:\d\d\.\d+Z$/, ' UTC') : '—');

export default defineCommand({
  name: 'digest',
  usage: '/cloudsec digest list | now <name> | preview <name>',
  description:
    'Scheduled posture digests: list them, preview one (only you see it), or post one now (needs digest:manage).',
  permission: 'findings:read',
  flags: {},
  args: z
    .object({
      positionals: z.array(z.string()).max(2, 'give an action and at most one digest name'),
      flags: z.object({}),
    })
    .transform((raw, ctx) => {
      const action = (raw.positionals[0] ?? 'list').toLowerCase();
      if (!(ACTIONS as readonly string[]).includes(action)) {
        ctx.addIssue({ code: 'custom', message: `"${raw.positionals[0]}" is not one of list, now, preview` });
        return z.NEVER;
      }
      const name = raw.positionals[1];
      if (action !== 'list' && !name) {
        ctx.addIssue({ code: 'custom', message: `${action} needs a digest name: /cloudsec digest ${action} <name>` });
        return z.NEVER;
      }
      return { action: action as (typeof ACTIONS)[number], name };
    }),
  run: async (ctx, args) => {
    const service = ctx.deps.digests;
    if (!service) {
      await ctx.responder.send(notConfigured(), { visibility: 'ephemeral' });
      return;
    }
    if (args.action === 'list') {
      // Only the digests the asker may see: one covering an account outside their scope is not listed.
      const { listing, estate } = await listDigestsFor(ctx.deps, service, ctx.actor);
      const hidden = service.digests().length - listing.length;
      const lines =
        listing.length === 0
          ? [
              service.digests().length === 0
                ? 'No digests are configured. Add them under `digests:` in cloudsec.yml (see the README).'
                : 'No digest covers only accounts you may see.',
            ]
          : listing.map(
              ({ digest, last }) =>
                `• ${code(digest.name)} · ${code(digest.schedule)} ${clip(digest.timezone, 60)} → ${channelLink(digest)} · ${digest.style}\n` +
                `   last run: ${last ? `${when(last.scheduledFor)} (${last.status})` : 'never'}`,
            );
      if (hidden > 0 && !estate.complete)
        lines.push(`Digests whose accounts cloudsec cannot tell yet are not listed: ${estate.why}.`);
      await ctx.responder.send(
        answer('cloudsec digests', lines, (n) => `…and ${n} more digests (see \`digests:\` in cloudsec.yml)`),
        { visibility: 'ephemeral' },
      );
      return;
    }
    const name = args.name!;
    if (args.action === 'preview') {
      const digest = await allowedDigest(ctx, service, name, 'preview');
      if (!digest) return;
      const outcome = await service.preview(digest);
      if (outcome.kind === 'preview') await ctx.responder.send(outcome.message, { visibility: 'ephemeral' });
      return;
    }
    const digest = await allowedDigest(ctx, service, name, 'now');
    if (!digest) return;
    await ctx.responder.send(answer(`Digest ${digest.name}`, [`Scanning and posting to ${channelLink(digest)}…`]), {
      visibility: 'ephemeral',
    });
    const outcome = await service.run(digest, new Date(Math.floor(ctx.deps.clock().getTime() / 1000) * 1000), 'now');
    const lines =
      outcome.kind === 'posted'
        ? [
            `Posted to ${channelLink(digest)}: ${outcome.built.summary.opened} new, ${outcome.built.summary.resolved} resolved.`,
            ...(outcome.attachmentErrors.length > 0
              ? [`Not attached: ${clip(outcome.attachmentErrors.join('; '), 1500)}`]
              : []),
          ]
        : outcome.kind === 'failed'
          ? [`Not posted: ${clip(outcome.reason, 2000)}`]
          : outcome.kind === 'skipped'
            ? [skippedAnswer(outcome.run)]
            : [];
    await ctx.responder.send(answer(`Digest ${digest.name}`, lines), { visibility: 'ephemeral', replace: true });
  },
});
