import type { Block, Button, SectionBlock } from '../../../../src/core/render/blocks';

/** Reads a rendered digest back the way a person scans it: headings, items under them, notes. */

export interface ReadList {
  heading: string;
  /** The count in the heading (0 for "none"). */
  total: number;
  items: SectionBlock[];
  /** N of "…and N more — the full list is attached" under the list, or 0. */
  more: number;
}

const HEADING =
  /^:(?:new|leftwards_arrow_with_hook|white_check_mark|see_no_evil|hourglass): \*([^*]+)\* · (none|[\d,]+)/;
const MORE = /^…and ([\d,]+) more — the full list is attached$/;

export const numberOf = (s: string): number => Number(s.replace(/,/g, ''));

export const sectionText = (b: Block): string | null => (b.type === 'section' && b.text ? b.text.text : null);

export const readLists = (blocks: readonly Block[]): ReadList[] => {
  const out: ReadList[] = [];
  blocks.forEach((b, i) => {
    const m = HEADING.exec(sectionText(b) ?? '');
    if (!m) return;
    const items: SectionBlock[] = [];
    let k = i + 1;
    for (; k < blocks.length; k++) {
      const next = blocks[k]!;
      if (next.type !== 'section' || HEADING.test(sectionText(next) ?? '')) break;
      items.push(next);
    }
    const after = blocks[k];
    const note = after?.type === 'context' ? MORE.exec(after.elements[0]?.text ?? '') : null;
    out.push({
      heading: m[1]!,
      total: m[2] === 'none' ? 0 : numberOf(m[2]!),
      items,
      more: note ? numberOf(note[1]!) : 0,
    });
  });
  return out;
};

export const listNamed = (blocks: readonly Block[], heading: string): ReadList | undefined =>
  readLists(blocks).find((l) => l.heading === heading);

/** The severity-count fields: label → [count, change]. */
export const countFields = (blocks: readonly Block[]): Map<string, { count: number; change: string }> => {
  const fields = blocks.find((b): b is SectionBlock => b.type === 'section' && !!b.fields)?.fields ?? [];
  return new Map(
    fields.map((f) => {
      const [label = '', value = ''] = f.text.split('\n');
      const m = /^([\d,]+)(?: {2}(.*))?$/.exec(value);
      return [
        label.replace(/\*/g, '').replace(/^:[a-z_]+: /, ''),
        { count: numberOf(m?.[1] ?? 'NaN'), change: m?.[2] ?? '' },
      ];
    }),
  );
};

export const allButtons = (blocks: readonly Block[]): Button[] =>
  blocks.flatMap((b) =>
    b.type === 'actions' ? b.elements : b.type === 'section' && b.accessory?.type === 'button' ? [b.accessory] : [],
  );

/** Every text a user sees (section text, fields, context, header), one per line group. */
export const allText = (blocks: readonly Block[]): string =>
  blocks
    .flatMap((b) => {
      switch (b.type) {
        case 'header':
          return [b.text.text];
        case 'section':
          return [...(b.text ? [b.text.text] : []), ...(b.fields ?? []).map((f) => f.text)];
        case 'context':
          return b.elements.map((e) => e.text);
        default:
          return [];
      }
    })
    .join('\n');
