import type { ExceptionStatus, RiskException } from '../../core/exceptions/model';

/**
 * Expected refusals are values, not exceptions: each carries a reason written for the person who
 * pressed the button (never naming an account they may not see), and the same reason is audited.
 */
export type ExceptionRefusalCode =
  /** Bad input: reason missing, expiry too far, scope malformed (`problems` lists each). */
  | 'invalid'
  /** No stored exception with that id (a forged or stale button). */
  | 'not-found'
  | 'finding-not-found'
  | 'not-allowed'
  /** The finding does not fail now: there is no risk to accept. */
  | 'not-failing'
  /** The scope asked for does not cover the finding it was asked from. */
  | 'not-covered'
  /** Separation of duties: the requester (of the exception or the extension) cannot approve it. */
  | 'self-approval'
  | 'not-pending'
  | 'not-active'
  /** Its expiry has passed. */
  | 'expired'
  /** Neither `remediation.approvalsChannel` nor the accounts' `approvalsChannel` names where approvers are. */
  | 'no-approvals-channel'
  /** Written in cloudsec.yml: changed by editing the file, not from Slack. */
  | 'config-exception'
  /** Approve/deny extension when none is pending. */
  | 'no-extension'
  /** An extension is already waiting for approval. */
  | 'extension-pending';

export interface ExceptionRefusal {
  ok: false;
  code: ExceptionRefusalCode;
  reason: string;
  /** For `invalid`: each problem on its own, for a modal's field errors. */
  problems?: string[];
  /** The exception's status when that is why (not-pending, not-active). */
  status?: ExceptionStatus;
  /** The exception refused, only when the actor may see it. */
  exception?: RiskException;
}

/** The result of a use case that changes one exception. */
export type ExceptionResult = { ok: true; exception: RiskException } | ExceptionRefusal;
