import { SERVICES } from '../../model';
import { BLOCK_KIT, MESSAGE_BUDGET } from '../limits';
import { clip, code, escapeMrkdwn, inline, lineStart, truncate } from '../mrkdwn';
import { context, header, section, type Block, type MessagePayload } from './kit';
import { largestFitting } from './paging';

const fallback = (s: string) =>
  truncate(escapeMrkdwn(inline(s)), Math.min(MESSAGE_BUDGET.maxFallbackText, BLOCK_KIT.textObject));

const servicesLabel = (services: readonly string[]) =>
  SERVICES.every((s) => services.includes(s)) ? 'all services' : services.join(', ');

const progressBar = (done: number, total: number, width = 20) => {
  const filled = total > 0 ? Math.round((Math.min(done, total) / total) * width) : 0;
  return '▓'.repeat(filled) + '░'.repeat(width - filled);
};

/** The "scanning…" message posted at once, and updated in place as accounts finish. */
export const renderScanningMessage = (data: {
  services: readonly string[];
  accounts?: { done: number; total: number };
}): MessagePayload => {
  const what = clip(servicesLabel(data.services), 200);
  const acc = data.accounts;
  const progress = acc
    ? `${progressBar(acc.done, acc.total)}  ${Math.min(acc.done, acc.total)} of ${acc.total} ${acc.total === 1 ? 'account' : 'accounts'} scanned`
    : null;
  const blocks: Block[] = [
    section(`:hourglass_flowing_sand: *Scanning ${what}…* The answer replaces this message when it is ready.`),
    ...(progress ? [context(progress)] : []),
  ];
  return {
    text: fallback(
      `Scanning ${servicesLabel(data.services)}…${acc ? ` ${Math.min(acc.done, acc.total)} of ${acc.total} accounts scanned.` : ''}`,
    ),
    blocks,
  };
};

/** A short, specific error: what went wrong and, when there is one, what to do instead. */
export const renderErrorMessage = (data: { title: string; message: string; suggestion?: string }): MessagePayload => {
  const body = [`:warning: *${clip(data.title, 150) || 'Something went wrong'}*`, lineStart(clip(data.message, 2500))]
    .filter(Boolean)
    .join('\n');
  const blocks: Block[] = [
    section(body),
    ...(data.suggestion ? [context(`:bulb: ${lineStart(clip(data.suggestion, 500))}`)] : []),
  ];
  return { text: fallback(`${data.title}: ${data.message}`), blocks };
};

export interface HelpCommand {
  usage: string;
  description: string;
  /** Whether the asking user's role permits it; others are listed so people know whom to ask. */
  allowed: boolean;
}

/** `/cloudsec help`: what you can do here, then what needs a role you do not have. */
export const renderHelpMessage = (data: { commands: readonly HelpCommand[] }): MessagePayload => {
  const line = (c: HelpCommand) => `${code(c.usage, 200)}\n${lineStart(clip(c.description, 300))}`;
  const allowed = data.commands.filter((c) => c.allowed);
  const denied = data.commands.filter((c) => !c.allowed);
  const deniedNote =
    denied.length > 0
      ? [
          context(
            `:lock: Needs a role you do not have: ${denied.map((c) => code(c.usage, 120)).join(', ')}. ` +
              'Ask a cloudsec admin for access.',
          ),
        ]
      : [];
  const text = fallback(`cloudsec help: ${allowed.length} commands available to you.`);
  // One section per command keeps each under the section limit; as many as fit, then a count of the rest.
  const build = (n: number): MessagePayload => ({
    text,
    blocks: [
      header('cloudsec help'),
      section(allowed.length > 0 ? '*What you can do here*' : '*Your role does not allow any cloudsec command here.*'),
      ...allowed.slice(0, n).map((c) => section(line(c))),
      ...(n < allowed.length ? [context(`…and ${allowed.length - n} more commands.`)] : []),
      ...deniedNote,
    ],
  });
  return largestFitting(allowed.length, build, MESSAGE_BUDGET).payload;
};
