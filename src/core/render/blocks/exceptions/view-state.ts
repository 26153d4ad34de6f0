import { validateNewException } from '../../../exceptions/lifecycle';
import type { ExceptionScope } from '../../../exceptions/model';
import { instantOf } from '../../../exceptions/time';
import { thousands } from '../remediation/format';
import { expiryOfDate } from './expiry';
import { EXCEPTION_INPUTS, type ExceptionInputName } from './ids';
import { fieldOfPath, parseScopeInputs, type ScopeParseOptions } from './scope-inputs';
import {
  DateStateSchema,
  EXCEPTION_TEXT_LIMITS,
  MALFORMED,
  UserStateSchema,
  blockOf,
  characters,
  elementState,
  read,
  textOf,
  type FieldErrors,
  type FieldResult,
} from './state-read';

export { EXCEPTION_TEXT_LIMITS, type FieldErrors } from './state-read';
export { parseScopeInputs, type ScopeParseOptions, type ScopeParseResult } from './scope-inputs';

/**
 * Parsers of the accepted-risk modals' submissions. They never throw: anything missing or of the
 * wrong type is an error keyed by the field's block_id, ready for
 * `ack({ response_action: 'errors', errors })`, so Slack shows it under the field and keeps the
 * modal open.
 */

// ---------------------------------------------------------------- free text

export type TextResult = { ok: true; value: string } | { ok: false; errors: FieldErrors };

const parseText = (
  viewState: unknown,
  field: ExceptionInputName,
  limits: { min: number; max: number },
  ask: string,
): TextResult => {
  const block = blockOf(field);
  const fail = (message: string): TextResult => ({ ok: false, errors: { [block]: message } });
  const r = textOf(viewState, field);
  if (r.kind === 'malformed') return fail(MALFORMED);
  const value = r.kind === 'value' ? r.value.trim() : '';
  if (value === '') return fail(ask);
  const n = characters(value);
  if (n < limits.min) return fail(`Please write at least ${limits.min} characters (you wrote ${n}).`);
  if (n > limits.max) return fail(`Please keep it to ${thousands(limits.max)} characters (you wrote ${thousands(n)}).`);
  return { ok: true, value };
};

const ASK_REASON = 'Say why this risk is accepted: approvers read it, and it stays with the exception.';

/** The deny and revoke modals' reason, and the extension deny modal's (block `reason`). */
export const parseDecisionReason = (
  viewState: unknown,
  ask = 'Give a reason: the requester and the owner read it.',
): TextResult => parseText(viewState, 'reason', EXCEPTION_TEXT_LIMITS.decisionReason, ask);

// ---------------------------------------------------------------- owner and expiry

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;
const ASK_OWNER = 'Choose the owner of the risk: a Slack user, who is reminded before it expires.';

const parseOwner = (viewState: unknown): FieldResult<string> => {
  const { blockId, actionId } = EXCEPTION_INPUTS.owner;
  const r = read(UserStateSchema, 'selected_user', elementState(viewState, blockId, actionId));
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  if (r.kind === 'missing' || !SLACK_USER_ID.test(r.value)) return { ok: false, message: ASK_OWNER };
  return { ok: true, value: r.value };
};

const parseExpiry = (viewState: unknown, now: Date, maxDays: number): FieldResult<string> => {
  const { blockId, actionId } = EXCEPTION_INPUTS.expiry;
  const r = read(DateStateSchema, 'selected_date', elementState(viewState, blockId, actionId));
  if (r.kind === 'malformed') return { ok: false, message: MALFORMED };
  if (r.kind === 'missing' || r.value.trim() === '')
    return { ok: false, message: `Choose the day the acceptance ends (at most ${maxDays} days from now).` };
  const expiry = expiryOfDate(r.value.trim(), now, maxDays);
  return expiry.ok ? { ok: true, value: expiry.expiresAt } : { ok: false, message: expiry.message };
};

// ---------------------------------------------------------------- the request modal

export interface RequestModalInput {
  scope: ExceptionScope;
  reason: string;
  /** Slack user id of the owner. */
  ownerId: string;
  /** ISO-8601 UTC: the end of the chosen day, or `maxDays` days from now on the last day allowed. */
  expiresAt: string;
}

export type RequestModalResult = { ok: true; input: RequestModalInput } | { ok: false; errors: FieldErrors };

/** Which field a message of validateNewException is about. */
const fieldOfMessage = (message: string): ExceptionInputName =>
  message.startsWith('scope')
    ? fieldOfPath([message.slice('scope.'.length).split(/[.[]/)[0] ?? ''])
    : message.startsWith('Give a reason')
      ? 'reason'
      : 'expiry';

/**
 * The "Accept risk…" modal's submission: scope, reason, owner and expiry, or an error per field.
 * The last check is the core's validateNewException on what was read, so the modal can never
 * accept what the use case would refuse (its messages are shown when it finds anything the field
 * parsers let through).
 */
export const parseRequestModal = (
  viewState: unknown,
  now: Date,
  maxDays: number,
  options: ScopeParseOptions = {},
): RequestModalResult => {
  const scope = parseScopeInputs(viewState, options);
  const reason = parseText(viewState, 'reason', EXCEPTION_TEXT_LIMITS.reason, ASK_REASON);
  const owner = parseOwner(viewState);
  const expiry = parseExpiry(viewState, now, maxDays);
  const errors: FieldErrors = { ...(scope.ok ? {} : scope.errors), ...(reason.ok ? {} : reason.errors) };
  if (!owner.ok) errors[blockOf('owner')] = owner.message;
  if (!expiry.ok) errors[blockOf('expiry')] = expiry.message;
  if (!scope.ok || !reason.ok || !owner.ok || !expiry.ok) return { ok: false, errors };

  const problems = validateNewException(
    { expiresAt: expiry.value, reason: reason.value, scope: scope.scope },
    now,
    maxDays,
  );
  for (const message of problems) {
    const block = blockOf(fieldOfMessage(message));
    errors[block] = errors[block] ? `${errors[block]} ${message}` : message;
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    input: { scope: scope.scope, reason: reason.value, ownerId: owner.value, expiresAt: expiry.value },
  };
};

// ---------------------------------------------------------------- the extend modal

export interface ExtendModalInput {
  /** The new expiry (ISO-8601 UTC), later than the current one. */
  expiresAt: string;
  reason: string;
}
export type ExtendModalResult = { ok: true; input: ExtendModalInput } | { ok: false; errors: FieldErrors };

/**
 * The Extend modal's submission: a new expiry after the current one and within `maxDays` of now,
 * and why the risk is still accepted.
 */
export const parseExtendModal = (
  viewState: unknown,
  now: Date,
  maxDays: number,
  currentExpiresAt: string,
): ExtendModalResult => {
  const errors: FieldErrors = {};
  const expiry = parseExpiry(viewState, now, maxDays);
  const reason = parseText(
    viewState,
    'reason',
    EXCEPTION_TEXT_LIMITS.extensionReason,
    'Say why the risk is still accepted: approvers read it.',
  );
  if (!expiry.ok) errors[blockOf('expiry')] = expiry.message;
  // An unreadable current expiry compares as NaN: refused, as nothing can be said to be later than it.
  else if (!(instantOf(expiry.value) > instantOf(currentExpiresAt)))
    errors[blockOf('expiry')] =
      `Choose a day after the current expiry (${currentExpiresAt.slice(0, 10)}): an extension moves it later.`;
  if (!reason.ok) Object.assign(errors, reason.errors);
  if (!expiry.ok || !reason.ok || Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, input: { expiresAt: expiry.value, reason: reason.value } };
};
