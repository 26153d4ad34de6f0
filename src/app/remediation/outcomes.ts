import type { RemediationRequest, RequestStatus } from '../../core/remediations/request';

/**
 * Expected refusals are values, not exceptions: each carries a reason written for the person who
 * pressed the button, and the same reason is in the audit log.
 */
export type RefusalCode =
  /** Remediation is switched off in cloudsec.yml. */
  | 'disabled'
  /** Bad input: justification or reason missing or out of bounds. */
  | 'invalid'
  /** No request with that id (a forged or stale button). */
  | 'not-found'
  | 'finding-not-found'
  | 'not-allowed'
  /** The finding does not fail (now). */
  | 'not-failing'
  | 'no-remediation'
  | 'plan-refused'
  /** The account could not be collected to plan from. */
  | 'account-unavailable'
  /** Separation of duties: the requester cannot approve. */
  | 'self-approval'
  | 'already-approved-by-you'
  | 'not-pending'
  | 'expired'
  /** Execution asked for a request that is not `approved` (someone else already runs it). */
  | 'not-approved'
  | 'not-undoable'
  | 'undo-window-closed'
  /** An undo of that request is already pending, running or done. */
  | 'undo-exists'
  /** An open request (remediation or undo) already changes the same thing; `request` is that one. */
  | 'already-requested';

export interface Refusal {
  ok: false;
  code: RefusalCode;
  reason: string;
  /** The request's status when that is why (not-pending, not-approved). */
  status?: RequestStatus;
  /** The request refused, or for `already-requested` and `undo-exists` the open one it conflicts with. */
  request?: RemediationRequest;
}

/** Trims and bounds a free-text field (justification, reasons), or says what is wrong with it. */
export const boundedText = (
  value: string | undefined | null,
  what: string,
  bounds: { min: number; max: number },
): { ok: true; value: string } | { ok: false; reason: string } => {
  const text = (value ?? '').trim();
  if (text.length < bounds.min) {
    return {
      ok: false,
      reason:
        bounds.min <= 1 ? `A ${what} is required.` : `A ${what} of at least ${bounds.min} characters is required.`,
    };
  }
  if (text.length > bounds.max)
    return { ok: false, reason: `The ${what} is too long (at most ${bounds.max} characters).` };
  return { ok: true, value: text };
};

export const JUSTIFICATION_BOUNDS = { min: 10, max: 2000 } as const;
export const REASON_BOUNDS = { min: 1, max: 2000 } as const;
