import { BLOCK_KIT } from '../../limits';
import { plain, type Block, type PlainText } from '../kit';
import { MODAL_LIMITS, modalViolations, type ModalView, type PlainTextInput } from '../remediation/modal-kit';

/**
 * The modal elements accepted-risk modals need beyond remediation's (a text input that may be
 * pre-filled and dispatch actions, a user picker, a date picker). Defined here because the core may
 * not depend on Slack packages; a test keeps them assignable to @slack/types' `ModalView`.
 */
export interface TextInputElement extends PlainTextInput {
  initial_value?: string;
  dispatch_action_config?: { trigger_actions_on: ('on_enter_pressed' | 'on_character_entered')[] };
}
export interface UsersSelectElement {
  type: 'users_select';
  action_id: string;
  initial_user?: string;
  placeholder?: PlainText;
  focus_on_load?: boolean;
}
export interface DatePickerElement {
  type: 'datepicker';
  action_id: string;
  /** `YYYY-MM-DD`. */
  initial_date?: string;
  placeholder?: PlainText;
  focus_on_load?: boolean;
}
export type ExceptionInputElement = TextInputElement | UsersSelectElement | DatePickerElement;

export interface ExceptionInputBlock {
  type: 'input';
  block_id: string;
  label: PlainText;
  hint?: PlainText;
  optional?: boolean;
  /** The element sends a `block_actions` payload (see EXCEPTION_ACTION_IDS.preview). */
  dispatch_action?: boolean;
  element: ExceptionInputElement;
}
export type ExceptionModalBlock = Block | ExceptionInputBlock;

export interface ExceptionModalView extends Omit<ModalView, 'blocks'> {
  blocks: ExceptionModalBlock[];
}

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export const textField = (opts: {
  blockId: string;
  actionId: string;
  label: string;
  hint?: string;
  placeholder?: string;
  initialValue?: string;
  multiline?: boolean;
  minLength?: number;
  maxLength: number;
  optional?: boolean;
  focus?: boolean;
  /** Send a block_actions payload when Enter is pressed in it. */
  dispatch?: boolean;
}): ExceptionInputBlock => ({
  type: 'input',
  block_id: opts.blockId,
  label: plain(opts.label, MODAL_LIMITS.inputLabel),
  ...(opts.hint ? { hint: plain(opts.hint, MODAL_LIMITS.inputHint) } : {}),
  ...(opts.optional ? { optional: true } : {}),
  ...(opts.dispatch ? { dispatch_action: true } : {}),
  element: {
    type: 'plain_text_input',
    action_id: opts.actionId,
    ...(opts.multiline ? { multiline: true } : {}),
    ...(opts.minLength !== undefined ? { min_length: opts.minLength } : {}),
    max_length: opts.maxLength,
    ...(opts.focus ? { focus_on_load: true } : {}),
    ...(opts.placeholder ? { placeholder: plain(opts.placeholder, MODAL_LIMITS.placeholder) } : {}),
    ...(opts.initialValue ? { initial_value: opts.initialValue } : {}),
    ...(opts.dispatch ? { dispatch_action_config: { trigger_actions_on: ['on_enter_pressed'] } } : {}),
  },
});

export const usersField = (opts: {
  blockId: string;
  actionId: string;
  label: string;
  hint?: string;
  initialUser?: string | null;
}): ExceptionInputBlock => ({
  type: 'input',
  block_id: opts.blockId,
  label: plain(opts.label, MODAL_LIMITS.inputLabel),
  ...(opts.hint ? { hint: plain(opts.hint, MODAL_LIMITS.inputHint) } : {}),
  element: {
    type: 'users_select',
    action_id: opts.actionId,
    placeholder: plain('Choose a person', MODAL_LIMITS.placeholder),
    // Slack refuses a view whose initial_user is not a user id; anything else starts empty.
    ...(opts.initialUser && SLACK_USER_ID.test(opts.initialUser) ? { initial_user: opts.initialUser } : {}),
  },
});

export const dateField = (opts: {
  blockId: string;
  actionId: string;
  label: string;
  hint?: string;
  initialDate?: string | null;
}): ExceptionInputBlock => ({
  type: 'input',
  block_id: opts.blockId,
  label: plain(opts.label, MODAL_LIMITS.inputLabel),
  ...(opts.hint ? { hint: plain(opts.hint, MODAL_LIMITS.inputHint) } : {}),
  element: {
    type: 'datepicker',
    action_id: opts.actionId,
    placeholder: plain('Choose a date', MODAL_LIMITS.placeholder),
    ...(opts.initialDate && DATE.test(opts.initialDate) ? { initial_date: opts.initialDate } : {}),
  },
});

/** Our own short wording for the title and buttons; `plain` cuts anything longer than Slack takes. */
export const exceptionModal = (opts: {
  callbackId: string;
  title: string;
  submit: string;
  close: string;
  privateMetadata: string;
  blocks: ExceptionModalBlock[];
}): ExceptionModalView => {
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

/**
 * Every way an accepted-risk modal breaks Slack's limits or the modal budget, in words; empty when
 * it is fine. Remediation's checker measures what the two kinds share (it reads input blocks
 * generically: ids, label, hint, placeholder, lengths), so it is given the view as it is; the
 * elements only these modals use are checked here.
 */
export const exceptionModalViolations = (view: ExceptionModalView): string[] => {
  const out = modalViolations(view as unknown as ModalView);
  let focused = 0;
  view.blocks.forEach((block, i) => {
    if (block.type !== 'input') return;
    const at = `block ${i} (input ${block.block_id})`;
    const e = block.element;
    if (e.focus_on_load) focused += 1;
    switch (e.type) {
      case 'plain_text_input': {
        const max = e.max_length ?? MODAL_LIMITS.inputLength;
        if (e.initial_value !== undefined && e.initial_value.length > max)
          out.push(`${at}: initial_value ${e.initial_value.length} > max_length ${max}`);
        if (e.dispatch_action_config && !block.dispatch_action)
          out.push(`${at}: dispatch_action_config without dispatch_action`);
        break;
      }
      case 'users_select':
        if (e.initial_user !== undefined && !SLACK_USER_ID.test(e.initial_user))
          out.push(`${at}: initial_user is not a Slack user id`);
        break;
      case 'datepicker':
        if (e.initial_date !== undefined && !DATE.test(e.initial_date))
          out.push(`${at}: initial_date is not YYYY-MM-DD`);
        break;
    }
    if (e.action_id.length > BLOCK_KIT.actionId) out.push(`${at}: action_id too long`);
  });
  if (focused > 1) out.push(`${focused} elements have focus_on_load; Slack allows one per view`);
  return out;
};
