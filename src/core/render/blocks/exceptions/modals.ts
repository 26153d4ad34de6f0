import type { RiskException } from '../../../exceptions/model';
import { DAY_MS, instantOf } from '../../../exceptions/time';
import { thousands } from '../remediation/format';
import { section, context } from '../kit';
import { DEFAULT_EXPIRY_DAYS, defaultExpiryDate, expiryHint, latestExpiry, utcDate } from './expiry';
import { expiryLabel, idRef, scopeSummary } from './format';
import { EXCEPTION_CALLBACK_IDS, EXCEPTION_INPUTS, exceptionModalMetadata } from './ids';
import { dateField, exceptionModal, textField, type ExceptionModalView } from './modal-kit';
import { EXCEPTION_TEXT_LIMITS } from './view-state';

/**
 * The small modals behind the card's buttons: a reason for Deny, Revoke and Deny extension, and a
 * new date with a reason for Extend. Each carries only the exception id (ExceptionModalMetadata);
 * the view handler loads the exception and authorizes again.
 */

export interface ReasonModalData {
  exceptionId: string;
}

const reasonInput = (label: string, placeholder: string, ask: { min: number; max: number }) =>
  textField({
    ...EXCEPTION_INPUTS.reason,
    label,
    hint: `${ask.min} to ${thousands(ask.max)} characters.`,
    placeholder,
    multiline: true,
    minLength: ask.min,
    maxLength: ask.max,
    focus: true,
  });

/** Deny a pending request; the reason goes to the requester, the owner and the audit log. */
export const renderDenyModal = (data: ReasonModalData): ExceptionModalView =>
  exceptionModal({
    callbackId: EXCEPTION_CALLBACK_IDS.denyModal,
    title: 'Deny accepted risk',
    submit: 'Deny',
    close: 'Cancel',
    privateMetadata: exceptionModalMetadata(data.exceptionId),
    blocks: [
      section(
        `The findings of ${idRef(data.exceptionId)} stay in the failing lists. The requester and the owner see your ` +
          'reason, and it is kept in the audit log.',
      ),
      reasonInput(
        'Why are you denying it?',
        'e.g. The bucket holds customer data; fix it instead (ticket SEC-124).',
        EXCEPTION_TEXT_LIMITS.decisionReason,
      ),
    ],
  });

/** Revoke an active exception: its findings are shown again at once. */
export const renderRevokeModal = (data: ReasonModalData): ExceptionModalView =>
  exceptionModal({
    callbackId: EXCEPTION_CALLBACK_IDS.revokeModal,
    title: 'Revoke accepted risk',
    submit: 'Revoke',
    close: 'Cancel',
    privateMetadata: exceptionModalMetadata(data.exceptionId),
    blocks: [
      section(
        `Revoking ${idRef(data.exceptionId)} shows the findings it hides again in every report, and sets those that ` +
          'came from Security Hub back to NEW. It cannot be undone: a new acceptance needs approval again.',
      ),
      reasonInput(
        'Why are you revoking it?',
        'e.g. The website moved to CloudFront; the bucket no longer needs to be public.',
        EXCEPTION_TEXT_LIMITS.decisionReason,
      ),
    ],
  });

/** Deny a pending extension: the expiry stays as it was. */
export const renderExtendDenyModal = (data: ReasonModalData): ExceptionModalView =>
  exceptionModal({
    callbackId: EXCEPTION_CALLBACK_IDS.extendDenyModal,
    title: 'Deny extension',
    submit: 'Deny extension',
    close: 'Cancel',
    privateMetadata: exceptionModalMetadata(data.exceptionId),
    blocks: [
      section(
        `${idRef(data.exceptionId)} keeps its current expiry. Whoever asked for the extension and the owner see your reason.`,
      ),
      reasonInput(
        'Why are you denying the extension?',
        'e.g. This was to be fixed by now; plan the fix instead.',
        EXCEPTION_TEXT_LIMITS.decisionReason,
      ),
    ],
  });

export interface ExtendModalData {
  exception: Pick<RiskException, 'id' | 'scope' | 'expiresAt'>;
  now: Date;
  maxDays: number;
}

/**
 * The picker's first date for an extension: 30 days after the current expiry when the policy
 * allows, else the last day allowed (an extension is limited to `maxDays` from now, like a new one).
 */
const extensionDate = (current: string, now: Date, maxDays: number): string => {
  const at = instantOf(current);
  const last = latestExpiry(now, maxDays).getTime();
  if (Number.isNaN(at)) return defaultExpiryDate(now, maxDays);
  return utcDate(Math.min(at + DEFAULT_EXPIRY_DAYS * DAY_MS, last));
};

/** Extend an active exception: a later date and why the risk is still accepted; approved again. */
export const renderExtendModal = (data: ExtendModalData): ExceptionModalView => {
  const e = data.exception;
  return exceptionModal({
    callbackId: EXCEPTION_CALLBACK_IDS.extendModal,
    title: 'Extend accepted risk',
    submit: 'Ask for approval',
    close: 'Cancel',
    privateMetadata: exceptionModalMetadata(e.id),
    blocks: [
      section(
        `${idRef(e.id)} · ${scopeSummary(e.scope, 600)}\nIt ${expiryLabel(e.expiresAt, data.now)}. ` +
          'An extension needs approval again, from someone other than you; until then the current expiry holds.',
      ),
      dateField({
        ...EXCEPTION_INPUTS.expiry,
        label: 'Extend until',
        hint: expiryHint(data.now, data.maxDays),
        initialDate: extensionDate(e.expiresAt, data.now, data.maxDays),
      }),
      reasonInput(
        'Why is the risk still accepted?',
        'e.g. The migration slipped to next quarter (PROJ-88).',
        EXCEPTION_TEXT_LIMITS.extensionReason,
      ),
      context('Covered findings that got worse are shown again whatever the expiry.'),
    ],
  });
};
