import { BLOCK_KIT, limitViolations, type Budget } from '../../limits';
import { plain, type Block, type PlainText } from '../kit';

/**
 * The modal subset of Block Kit cloudsec produces (kit.ts covers messages and the Home tab). Defined
 * here because the core may not depend on Slack packages; a test keeps them assignable to
 * @slack/types' `ModalView`.
 */
export interface PlainTextInput {
  type: 'plain_text_input';
  action_id: string;
  multiline?: boolean;
  min_length?: number;
  max_length?: number;
  placeholder?: PlainText;
  focus_on_load?: boolean;
}
export interface InputBlock {
  type: 'input';
  block_id: string;
  label: PlainText;
  hint?: PlainText;
  optional?: boolean;
  element: PlainTextInput;
}
export type ModalBlock = Block | InputBlock;

export interface ModalView {
  type: 'modal';
  callback_id: string;
  title: PlainText;
  submit: PlainText;
  close: PlainText;
  private_metadata: string;
  blocks: ModalBlock[];
}

/** docs.slack.dev/reference/views/modal-views, …/blocks/input-block, …/block-elements/plain-text-input-element. */
export const MODAL_LIMITS = {
  title: 24,
  submit: 24,
  close: 24,
  privateMetadata: 3000,
  callbackId: 255,
  inputLabel: 2000,
  inputHint: 2000,
  placeholder: 150,
  inputLength: 3000,
} as const;

/**
 * A modal's budget. Views take 100 blocks and Slack documents no cumulative text limit; the Home tab's
 * budget keeps a modal as far from any size Slack has refused.
 */
export const MODAL_BUDGET: Budget = {
  maxBlocks: BLOCK_KIT.viewBlocks,
  maxBlockText: 20_000,
  maxPayloadJson: 60_000,
  maxFallbackText: 0,
};

export const textInput = (opts: {
  blockId: string;
  actionId: string;
  label: string;
  hint?: string;
  placeholder?: string;
  minLength: number;
  maxLength: number;
}): InputBlock => ({
  type: 'input',
  block_id: opts.blockId,
  label: plain(opts.label, MODAL_LIMITS.inputLabel),
  ...(opts.hint ? { hint: plain(opts.hint, MODAL_LIMITS.inputHint) } : {}),
  element: {
    type: 'plain_text_input',
    action_id: opts.actionId,
    multiline: true,
    min_length: opts.minLength,
    max_length: opts.maxLength,
    focus_on_load: true,
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder, MODAL_LIMITS.placeholder) } : {}),
  },
});

/** Our own short wording for the title and the two buttons; `plain` cuts anything longer than Slack takes. */
export const modal = (opts: {
  callbackId: string;
  title: string;
  submit: string;
  close: string;
  privateMetadata: string;
  blocks: ModalBlock[];
}): ModalView => {
  if (opts.privateMetadata.length > MODAL_LIMITS.privateMetadata)
    throw new RangeError(
      `private_metadata is ${opts.privateMetadata.length} characters; Slack takes ${MODAL_LIMITS.privateMetadata}`,
    );
  if (opts.callbackId.length === 0 || opts.callbackId.length > MODAL_LIMITS.callbackId)
    throw new RangeError(`callback_id must be 1–${MODAL_LIMITS.callbackId} characters`);
  return {
    type: 'modal',
    callback_id: opts.callbackId,
    title: plain(opts.title, MODAL_LIMITS.title),
    submit: plain(opts.submit, MODAL_LIMITS.submit),
    close: plain(opts.close, MODAL_LIMITS.close),
    private_metadata: opts.privateMetadata,
    blocks: opts.blocks,
  };
};

const lengthIn = (where: string, text: string, max: number, out: string[]) => {
  if (text.length < 1) out.push(`${where}: empty`);
  if (text.length > max) out.push(`${where}: ${text.length} > ${max} characters`);
};

/** Every way a modal breaks Slack's limits or our budget, in words; empty when it is fine. */
export const modalViolations = (view: ModalView, budget: Budget = MODAL_BUDGET): string[] => {
  const out: string[] = [];
  lengthIn('title', view.title.text, MODAL_LIMITS.title, out);
  lengthIn('submit', view.submit.text, MODAL_LIMITS.submit, out);
  lengthIn('close', view.close.text, MODAL_LIMITS.close, out);
  lengthIn('callback_id', view.callback_id, MODAL_LIMITS.callbackId, out);
  if (view.private_metadata.length > MODAL_LIMITS.privateMetadata)
    out.push(`private_metadata: ${view.private_metadata.length} > ${MODAL_LIMITS.privateMetadata}`);
  if (view.blocks.length > budget.maxBlocks) out.push(`${view.blocks.length} blocks > ${budget.maxBlocks}`);
  const ids = new Set<string>();
  view.blocks.forEach((block, i) => {
    if (block.type !== 'input') return;
    const at = `block ${i} (input)`;
    if (ids.has(block.block_id)) out.push(`${at}: duplicate block_id ${block.block_id}`);
    ids.add(block.block_id);
    lengthIn(`${at} block_id`, block.block_id, BLOCK_KIT.blockId, out);
    lengthIn(`${at} label`, block.label.text, MODAL_LIMITS.inputLabel, out);
    if (block.hint) lengthIn(`${at} hint`, block.hint.text, MODAL_LIMITS.inputHint, out);
    const e = block.element;
    lengthIn(`${at} action_id`, e.action_id, BLOCK_KIT.actionId, out);
    if (e.placeholder) lengthIn(`${at} placeholder`, e.placeholder.text, MODAL_LIMITS.placeholder, out);
    const min = e.min_length ?? 0;
    const max = e.max_length ?? MODAL_LIMITS.inputLength;
    if (min < 0 || min > MODAL_LIMITS.inputLength || max < 1 || max > MODAL_LIMITS.inputLength || min > max)
      out.push(`${at}: min_length ${min} / max_length ${max} outside 0 ≤ min ≤ max ≤ ${MODAL_LIMITS.inputLength}`);
  });
  // The other blocks are the message kinds, with their own limits; the view's JSON as a whole is measured too.
  const others = view.blocks.filter((b): b is Block => b.type !== 'input');
  out.push(
    ...limitViolations({ blocks: others }, { ...budget, maxBlocks: Infinity, maxPayloadJson: Infinity }).map(
      (v) => `non-input ${v}`,
    ),
  );
  const json = JSON.stringify(view).length;
  if (json > budget.maxPayloadJson) out.push(`view JSON ${json} > ${budget.maxPayloadJson}`);
  return out;
};
