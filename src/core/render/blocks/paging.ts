import { z } from 'zod';
import { BLOCK_KIT, fits, type Budget } from '../limits';
import { ACTION_IDS } from './finding';
import { actions, button, context, type Block, type Button, type MessagePayload } from './kit';

/**
 * `findings.page` button value: the cached result's scope, where the next page starts, and who
 * asked (`u`): a press by anyone else, on a message shared in a channel, is answered to them alone.
 */
export const PageActionValueSchema = z.object({
  s: z.string().min(1),
  o: z.number().int().min(0),
  u: z.string().min(1).max(40).optional(),
});
export type PageActionValue = z.infer<typeof PageActionValueSchema>;
/** `findings.export` button value. */
export const ExportActionValueSchema = z.object({ s: z.string().min(1) });

/** Render each item once, however many candidate pages the fitting loop measures. */
export const memoize = <K extends object, V>(render: (item: K) => V): ((item: K) => V) => {
  const cache = new WeakMap<K, V>();
  return (item) => {
    if (!cache.has(item)) cache.set(item, render(item));
    return cache.get(item)!;
  };
};

export interface PageRequest {
  offset: number;
  pageSize: number;
}
export const DEFAULT_PAGE_SIZE = 20;

/** Slack user ids are short; a longer one would not be an id (and must not crowd out the scope key). */
const MAX_USER_ID = 40;

const pageValue = (scopeKey: string, offset: number, requestedBy?: string): string =>
  JSON.stringify({ s: scopeKey, o: offset, ...(requestedBy ? { u: requestedBy } : {}) });

/**
 * The scope key rides in button values, and a cut key would point at another result, so a key that
 * cannot fit is a programming error (keys are short cache ids).
 */
export const assertScopeKeyFits = (scopeKey: string): void => {
  if (scopeKey.length === 0) throw new RangeError('scopeKey must not be empty');
  if (pageValue(scopeKey, Number.MAX_SAFE_INTEGER, 'U'.repeat(MAX_USER_ID)).length > BLOCK_KIT.buttonValue)
    throw new RangeError(`scopeKey is too long for a button value (${scopeKey.length} characters)`);
};

export const normalizePage = (page: PageRequest | undefined, total: number): PageRequest => {
  const offset = Math.min(Math.max(0, Math.floor(page?.offset ?? 0)), total);
  const pageSize = Math.max(1, Math.floor(page?.pageSize ?? DEFAULT_PAGE_SIZE));
  return { offset, pageSize };
};

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** "…and 132 more failing findings", where this page sits, and the buttons that reach the rest. */
const pageFooter = (opts: {
  total: number;
  offset: number;
  shown: number;
  noun: string;
  scopeKey: string;
  requestedBy: string | undefined;
}): Block[] => {
  const { total, offset, shown, noun, scopeKey, requestedBy } = opts;
  if (total === 0 || (offset === 0 && shown === total)) return [];
  const remaining = total - offset - shown;
  const position =
    shown > 0
      ? `Showing ${offset + 1}–${offset + shown} of ${total}.`
      : `Nothing left to show from position ${offset + 1}: there are ${plural(total, noun)} in all.`;
  const more = remaining > 0 ? `…and ${plural(remaining, `more ${noun}`)}. ` : '';
  const buttons = [
    remaining > 0
      ? button('Next page', ACTION_IDS.findingsPage, pageValue(scopeKey, offset + shown, requestedBy))
      : undefined,
    button('Download all (CSV)', ACTION_IDS.findingsExport, JSON.stringify({ s: scopeKey })),
  ].filter((b): b is Button => b !== undefined);
  return [context(`${more}${position}`), ...(buttons.length ? [actions(...buttons)] : [])];
};

/**
 * The largest page (up to `pageSize` items) whose message fits the budget. Whole candidate messages are
 * measured, so every limit holds by construction whatever the items contain; the footer always says
 * exactly how many were left out.
 */
export const pagedMessage = <T>(opts: {
  items: readonly T[];
  page: PageRequest;
  noun: string;
  scopeKey: string;
  /** Slack user id of who asked, carried by Next page (see PageActionValueSchema). */
  requestedBy?: string | undefined;
  budget: Budget;
  text: string;
  head: Block[];
  body: (shown: readonly T[]) => Block[];
  tail: Block[];
}): { payload: MessagePayload; shown: number } => {
  const { items, page, noun, scopeKey, requestedBy, budget, text, head, body, tail } = opts;
  const candidates = items.slice(page.offset, page.offset + page.pageSize);
  const build = (n: number): MessagePayload => ({
    text,
    blocks: [
      ...head,
      ...body(candidates.slice(0, n)),
      ...tail,
      ...pageFooter({ total: items.length, offset: page.offset, shown: n, noun, scopeKey, requestedBy }),
    ],
  });
  return largestFitting(candidates.length, build, budget);
};

/**
 * `build(n)` for the largest n ≤ max whose payload fits (n = 0 when nothing does), by bisection: every
 * item costs at least one block and some text, so fitting is monotonic in n. Only payloads that were
 * measured and fit are ever returned, so a non-monotonic corner could cost an item, never a limit.
 */
export const largestFitting = <P extends { text?: string; blocks: readonly unknown[] }>(
  max: number,
  build: (n: number) => P,
  budget: Budget,
): { payload: P; shown: number } => {
  let lo = 0;
  let hi = Math.min(max, budget.maxBlocks);
  let best = build(0);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    const payload = build(mid);
    if (fits(payload, budget)) {
      lo = mid;
      best = payload;
    } else hi = mid - 1;
  }
  return { payload: best, shown: lo };
};
