/**
 * Slack's Block Kit limits, and the budgets cloudsec's renderers keep to.
 *
 * Lengths are measured with JS `length` (UTF-16 code units). That is never less than the number of
 * characters Slack counts, so staying within it in our units stays within it in Slack's.
 */
export const BLOCK_KIT = {
  /** docs.slack.dev/reference/block-kit/blocks: 50 blocks per message, 100 in modals and Home tabs. */
  messageBlocks: 50,
  viewBlocks: 100,
  /** Text objects: 1–3000 characters. */
  textObject: 3000,
  sectionText: 3000,
  sectionFields: 10,
  fieldText: 2000,
  headerText: 150,
  contextElements: 10,
  actionsElements: 25,
  buttonText: 75,
  actionId: 255,
  buttonValue: 2000,
  blockId: 255,
} as const;

export interface Budget {
  maxBlocks: number;
  /** Sum of every text string in the blocks (see `blockTextLength`). */
  maxBlockText: number;
  /** `JSON.stringify` of the whole payload or view. */
  maxPayloadJson: number;
  /** Top-level `text` (notification and fallback). */
  maxFallbackText: number;
}

/**
 * A message's budget. The 40,000 characters often quoted is where Slack truncates the top-level `text`;
 * blocks hit an undocumented cumulative limit much earlier: chat.postMessage answers
 * `msg_blocks_too_long` at about 12,000–13,000 characters of block text (slackapi/bolt-js#2509, one
 * report rejected at 11,341 by a sum of `.text` fields, bolt-js#2867). So block text is capped at
 * 10,000 and the serialized payload at 30,000; the fallback text stays under Slack's "best results"
 * 4,000.
 */
export const MESSAGE_BUDGET: Budget = {
  maxBlocks: BLOCK_KIT.messageBlocks,
  maxBlockText: 10_000,
  maxPayloadJson: 30_000,
  maxFallbackText: 3_000,
};

/**
 * A Home tab's budget. Slack documents 100 blocks for views and no cumulative text limit; twice the
 * message text budget keeps the tab fast to publish and still far from any size Slack has refused.
 */
export const HOME_BUDGET: Budget = {
  maxBlocks: BLOCK_KIT.viewBlocks,
  maxBlockText: 20_000,
  maxPayloadJson: 60_000,
  maxFallbackText: 0,
};

type TextLike = { type?: unknown; text?: unknown };
type BlockLike = {
  type?: unknown;
  text?: TextLike;
  fields?: TextLike[];
  elements?: (TextLike & { action_id?: unknown; value?: unknown })[];
  accessory?: TextLike & { text?: TextLike; action_id?: unknown; value?: unknown };
};

const textsOf = (node: unknown): string[] => {
  if (Array.isArray(node)) return node.flatMap(textsOf);
  if (node === null || typeof node !== 'object') return [];
  const out: string[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === 'text' && typeof value === 'string') out.push(value);
    else out.push(...textsOf(value));
  }
  return out;
};

/** Every text string in the blocks (section text, fields, context, button labels…), summed. */
export const blockTextLength = (blocks: readonly unknown[]): number =>
  textsOf(blocks).reduce((n, t) => n + t.length, 0);

const checkText = (where: string, t: TextLike | undefined, max: number, out: string[]) => {
  if (t === undefined) return;
  if (typeof t.text !== 'string') return void out.push(`${where}: text is not a string`);
  if (t.text.length < 1) out.push(`${where}: empty text`);
  if (t.text.length > max) out.push(`${where}: ${t.text.length} > ${max} characters`);
};

const checkButton = (where: string, b: BlockLike['accessory'], out: string[]) => {
  if (!b || b.type !== 'button') return;
  checkText(`${where} button text`, b.text as TextLike, BLOCK_KIT.buttonText, out);
  if (typeof b.action_id === 'string' && b.action_id.length > BLOCK_KIT.actionId)
    out.push(`${where}: action_id longer than ${BLOCK_KIT.actionId}`);
  if (typeof b.value === 'string' && b.value.length > BLOCK_KIT.buttonValue)
    out.push(`${where}: button value ${b.value.length} > ${BLOCK_KIT.buttonValue}`);
};

/**
 * Every way a payload breaks Slack's limits or our budget, in words; empty when it is fine.
 * The bot can log these before sending; tests assert there are none.
 */
export const limitViolations = (payload: { text?: string; blocks: readonly unknown[] }, budget: Budget): string[] => {
  const out: string[] = [];
  const blocks = payload.blocks as readonly BlockLike[];
  if (blocks.length > budget.maxBlocks) out.push(`${blocks.length} blocks > ${budget.maxBlocks}`);
  blocks.forEach((block, i) => {
    const at = `block ${i} (${String(block.type)})`;
    switch (block.type) {
      case 'header':
        if (block.text?.type !== 'plain_text') out.push(`${at}: header text must be plain_text`);
        checkText(at, block.text, BLOCK_KIT.headerText, out);
        break;
      case 'section':
        if (!block.text && !block.fields) out.push(`${at}: section without text or fields`);
        checkText(at, block.text, BLOCK_KIT.sectionText, out);
        if (block.fields) {
          if (block.fields.length > BLOCK_KIT.sectionFields) out.push(`${at}: ${block.fields.length} fields > 10`);
          block.fields.forEach((f, k) => checkText(`${at} field ${k}`, f, BLOCK_KIT.fieldText, out));
        }
        checkButton(at, block.accessory, out);
        break;
      case 'context':
        if (!block.elements?.length) out.push(`${at}: context without elements`);
        else if (block.elements.length > BLOCK_KIT.contextElements)
          out.push(`${at}: ${block.elements.length} context elements > ${BLOCK_KIT.contextElements}`);
        block.elements?.forEach((e, k) => checkText(`${at} element ${k}`, e, BLOCK_KIT.textObject, out));
        break;
      case 'actions':
        if (!block.elements?.length) out.push(`${at}: actions without elements`);
        else if (block.elements.length > BLOCK_KIT.actionsElements)
          out.push(`${at}: ${block.elements.length} action elements > ${BLOCK_KIT.actionsElements}`);
        block.elements?.forEach((e, k) => checkButton(`${at} element ${k}`, e as BlockLike['accessory'], out));
        break;
      case 'divider':
        break;
      default:
        out.push(`${at}: block type not produced by cloudsec's renderers`);
    }
  });
  const text = blockTextLength(blocks);
  if (text > budget.maxBlockText) out.push(`block text ${text} > ${budget.maxBlockText}`);
  const json = JSON.stringify(payload).length;
  if (json > budget.maxPayloadJson) out.push(`payload JSON ${json} > ${budget.maxPayloadJson}`);
  if (payload.text !== undefined && payload.text.length > budget.maxFallbackText)
    out.push(`fallback text ${payload.text.length} > ${budget.maxFallbackText}`);
  return out;
};

/** Whether the payload is within the budget (the renderers' fitting loop uses this). */
export const fits = (payload: { text?: string; blocks: readonly unknown[] }, budget: Budget): boolean =>
  limitViolations(payload, budget).length === 0;
