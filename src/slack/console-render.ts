import type { Block, Button, TextObject } from '../core/render/blocks/kit';
import { unescapeMrkdwn } from '../core/render/mrkdwn';

/** A button the console user can "press" by typing its number. */
export interface ConsoleButton {
  number: number;
  actionId: string;
  value: string | null;
  label: string;
}

export interface ConsoleRendering {
  text: string;
  buttons: ConsoleButton[];
}

/** The emoji cloudsec's renderers use, as characters any terminal shows; other shortcodes stay as typed. */
const EMOJI: Record<string, string> = {
  red_circle: '🔴',
  large_orange_circle: '🟠',
  large_yellow_circle: '🟡',
  large_blue_circle: '🔵',
  white_circle: '⚪',
  white_check_mark: '✅',
  warning: '⚠️',
  grey_question: '❔',
  test_tube: '🧪',
  hourglass_flowing_sand: '⏳',
  bulb: '💡',
  lock: '🔒',
  inbox_tray: '📥',
};

/** Slack's `<…>` control sequences, read on the still-escaped text so escaped data never turns into one. */
const controlSequence = (_: string, target: string, label: string | undefined): string => {
  if (target.startsWith('@')) return `@${label ?? target.slice(1)}`;
  if (target.startsWith('#')) return `#${label ?? target.slice(1)}`;
  if (target.startsWith('!')) {
    const [kind] = target.slice(1).split('^');
    if (label !== undefined) return label;
    return kind === 'here' || kind === 'channel' || kind === 'everyone' ? `@${kind}` : `@${kind ?? ''}`;
  }
  return label !== undefined ? `${label} (${target})` : target;
};

/**
 * mrkdwn as terminal text: links `<url|label>` become `label (url)`, mentions `@name`, `*bold*` loses
 * its asterisks (a terminal has no bold we can rely on), code spans keep their backticks (they mark
 * identifiers), known emoji shortcodes become emoji, and entities are decoded last.
 */
export const reduceMrkdwn = (text: string): string =>
  unescapeMrkdwn(
    text
      .replace(/<([^<>|\n]*)(?:\|([^<>\n]*))?>/g, controlSequence)
      .replace(/(^|[\s(·])\*([^*\n]+)\*(?=$|[\s).,;:!?·])/gm, '$1$2')
      .replace(/:([a-z0-9_+-]+):/g, (whole, name: string) => EMOJI[name] ?? whole)
      .replace(/\u200B/g, ''),
  );

const textOf = (t: TextObject | undefined): string =>
  t === undefined ? '' : t.type === 'mrkdwn' ? reduceMrkdwn(t.text) : t.text;

const width = (s: string) => [...s].length;
const padEnd = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - width(s)));

/** Section fields as Slack shows them: two columns, left column as wide as its widest line (capped). */
const twoColumns = (fields: readonly TextObject[]): string[] => {
  const cells = fields.map((f) => textOf(f).split('\n'));
  const left = cells.filter((_, i) => i % 2 === 0);
  const columnWidth = Math.min(40, Math.max(0, ...left.flat().map(width)));
  const out: string[] = [];
  for (let i = 0; i < cells.length; i += 2) {
    const a = cells[i] ?? [];
    const b = cells[i + 1] ?? [];
    for (let k = 0; k < Math.max(a.length, b.length); k += 1)
      out.push(`${padEnd(a[k] ?? '', columnWidth)}    ${b[k] ?? ''}`.trimEnd());
  }
  return out;
};

/**
 * A Slack message payload or Home view as readable terminal text, with every button numbered in
 * reading order so the console adapter can press one by its number.
 */
export const renderBlocksAsText = (surface: { text?: string; blocks: readonly Block[] }): ConsoleRendering => {
  const buttons: ConsoleButton[] = [];
  const press = (b: Button): string => {
    const number = buttons.length + 1;
    buttons.push({ number, actionId: b.action_id, value: b.value ?? null, label: b.text.text });
    return `[${number}] ${b.text.text}`;
  };
  const parts: string[][] = [];
  for (const block of surface.blocks) {
    switch (block.type) {
      case 'header': {
        const title = block.text.text;
        parts.push([title, '='.repeat(width(title))]);
        break;
      }
      case 'section': {
        const lines = [
          ...(block.text ? textOf(block.text).split('\n') : []),
          ...(block.fields ? twoColumns(block.fields) : []),
        ];
        if (block.accessory?.type === 'button') lines.push(`  ${press(block.accessory)}`);
        // An overflow menu: each option is a button of its own, pressed with the menu's action id.
        if (block.accessory?.type === 'overflow') {
          const menu = block.accessory;
          lines.push(
            `  ${menu.options
              .map((o) => press({ type: 'button', text: o.text, action_id: menu.action_id, value: o.value }))
              .join('   ')}`,
          );
        }
        parts.push(lines);
        break;
      }
      case 'context':
        parts.push([block.elements.map(textOf).join('  ')]);
        break;
      case 'divider':
        parts.push(['─'.repeat(40)]);
        break;
      case 'actions':
        parts.push([block.elements.map(press).join('   ')]);
        break;
      default:
        parts.push([`[${(block as { type: string }).type} block]`]);
    }
  }
  if (parts.length === 0 && surface.text) parts.push([reduceMrkdwn(surface.text)]);
  return { text: parts.map((lines) => lines.join('\n')).join('\n\n') + '\n', buttons };
};
