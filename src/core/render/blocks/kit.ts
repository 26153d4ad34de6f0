import { BLOCK_KIT } from '../limits';
import { stripHidden } from '../../invisible-text';
import { truncate } from '../mrkdwn';

/**
 * The subset of Block Kit cloudsec produces. Defined here rather than imported from @slack/types
 * because the core may not depend on Slack packages; a test checks these stay assignable to
 * @slack/types' `KnownBlock` and `HomeView`.
 */
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
  verbatim?: boolean;
}
export type TextObject = PlainText | Mrkdwn;

export interface Button {
  type: 'button';
  text: PlainText;
  action_id: string;
  value?: string;
  style?: 'primary' | 'danger';
}
/** An overflow menu (2-5 options): one section accessory offering several actions on one thing. */
export interface OverflowOption {
  text: PlainText;
  value: string;
}
export interface Overflow {
  type: 'overflow';
  action_id: string;
  options: OverflowOption[];
}
export interface HeaderBlock {
  type: 'header';
  text: PlainText;
}
export interface SectionBlock {
  type: 'section';
  text?: TextObject;
  fields?: TextObject[];
  accessory?: Button | Overflow;
}
export interface DividerBlock {
  type: 'divider';
}
export interface ContextBlock {
  type: 'context';
  elements: TextObject[];
}
export interface ActionsBlock {
  type: 'actions';
  elements: Button[];
}
export type Block = HeaderBlock | SectionBlock | DividerBlock | ContextBlock | ActionsBlock;

/** What chat.postMessage / respond() take: `text` is the notification and accessibility fallback. */
export interface MessagePayload {
  text: string;
  blocks: Block[];
}
export interface HomeView {
  type: 'home';
  blocks: Block[];
}

/**
 * plain_text carries only cloudsec's own wording (Slack's handling of entities in plain_text is not
 * documented, so outside data always goes in mrkdwn, escaped). `<` and `>` are swapped for look-alikes
 * anyway so a caller's mistake can never form a control sequence, and hidden characters (bidi
 * controls, zero-width characters) are removed as they are from mrkdwn.
 */
export const plain = (text: string, max: number = BLOCK_KIT.textObject): PlainText => ({
  type: 'plain_text',
  text: truncate(stripHidden(text).replace(/\s+/g, ' ').replace(/</g, '‹').replace(/>/g, '›').trim() || '-', max),
  emoji: true,
});

/**
 * Hidden characters in already-escaped mrkdwn, except the zero-width space `lineStart` puts before a
 * leading `&gt;` (so data cannot open a block quote): every mrkdwn object passes here, so text that
 * reached it without `escapeMrkdwn` still cannot carry them.
 */
const stripHiddenKeepingQuoteGuard = (text: string): string =>
  text
    .split(/(\u200B(?=&gt;))/)
    // split() puts the captured guards at odd indexes; everything between them is cleaned.
    .map((part, i) => (i % 2 === 1 ? part : stripHidden(part)))
    .join('');

/** `text` must already be escaped mrkdwn; `verbatim` stops Slack auto-linking URLs and names in data. */
export const md = (text: string, max: number = BLOCK_KIT.textObject): Mrkdwn => ({
  type: 'mrkdwn',
  text: truncate(stripHiddenKeepingQuoteGuard(text), max) || ' ',
  verbatim: true,
});

export const header = (text: string): HeaderBlock => ({ type: 'header', text: plain(text, BLOCK_KIT.headerText) });
export const section = (text: string, accessory?: Button | Overflow): SectionBlock => ({
  type: 'section',
  text: md(text, BLOCK_KIT.sectionText),
  ...(accessory ? { accessory } : {}),
});
export const fieldsSection = (fields: readonly string[]): SectionBlock => ({
  type: 'section',
  fields: fields.slice(0, BLOCK_KIT.sectionFields).map((f) => md(f, BLOCK_KIT.fieldText)),
});
export const context = (...texts: string[]): ContextBlock => ({
  type: 'context',
  elements: texts.slice(0, BLOCK_KIT.contextElements).map((t) => md(t)),
});
export const divider = (): DividerBlock => ({ type: 'divider' });
export const actions = (...buttons: Button[]): ActionsBlock => ({
  type: 'actions',
  elements: buttons.slice(0, BLOCK_KIT.actionsElements),
});

/** Slack's limits for an overflow menu: 2-5 options, values of at most 150 characters. */
const OVERFLOW = { minOptions: 2, maxOptions: 5, value: 150 } as const;

/** An overflow menu, or nothing when it would not be valid (too few options, a value that does not fit). */
export const overflow = (
  actionId: string,
  options: readonly { label: string; value: string }[],
): Overflow | undefined => {
  if (options.length < OVERFLOW.minOptions || options.length > OVERFLOW.maxOptions) return undefined;
  if (options.some((o) => o.value.length === 0 || o.value.length > OVERFLOW.value)) return undefined;
  if (actionId.length > BLOCK_KIT.actionId) return undefined;
  return {
    type: 'overflow',
    action_id: actionId,
    options: options.map((o) => ({ text: plain(o.label, 75), value: o.value })),
  };
};

/** A button, or nothing when its value would not fit (a value is an id; cutting it would point elsewhere). */
export const button = (
  label: string,
  actionId: string,
  value?: string,
  style?: Button['style'],
): Button | undefined => {
  if (value !== undefined && (value.length === 0 || value.length > BLOCK_KIT.buttonValue)) return undefined;
  if (actionId.length > BLOCK_KIT.actionId) return undefined;
  return {
    type: 'button',
    text: plain(label, BLOCK_KIT.buttonText),
    action_id: actionId,
    ...(value !== undefined ? { value } : {}),
    ...(style ? { style } : {}),
  };
};
