import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../core/audit';
import type { RemediationRequest } from '../core/remediations/request';

/**
 * What binds a remediation request row to cloudsec, so that a row written with SQL by someone who
 * can write the database file (a restored backup, a shared volume) never becomes an AWS write.
 *
 * - The request's *content* — what was asked and approved as such: kind, remediation, target,
 *   finding, plan (with the `before` state undo restores), options, requester, approvals needed,
 *   expiry — has a SHA-256 digest, recorded in the audit entry that records the request's creation.
 * - With an audit key (CLOUDSEC_AUDIT_KEY), the store also keeps a *seal* in the row: an HMAC over
 *   the content digest and everything that moves (status, approvals, result), written by the store
 *   on every change it makes. Without the key nobody can compute it.
 *
 * Both are computed from the request as the store parses it, so a value reads back the same however
 * the JSON was spelled in the row.
 */

/** A plain JSON copy: what was stored, without `undefined`s that canonical JSON refuses. */
const plain = (value: unknown): unknown => (value === undefined ? null : JSON.parse(JSON.stringify(value)));

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/** The fields fixed when the request is made. */
const contentOf = (r: RemediationRequest) => ({
  id: r.id,
  kind: r.kind,
  undoOf: r.undoOf,
  remediationId: r.remediationId,
  target: r.target,
  finding: r.finding,
  plan: r.plan,
  options: r.options,
  justification: r.justification,
  requester: r.requester,
  requiredApprovals: r.requiredApprovals,
  createdAt: r.createdAt,
  expiresAt: r.expiresAt,
});

/** SHA-256 (hex) of the request's content; recorded in its creation audit entry as `requestDigest`. */
export const requestDigest = (request: RemediationRequest): string => sha256(canonicalJson(plain(contentOf(request))));

/** The content and how far the request got: the moves that decide whether it may run. */
const sealedState = (r: RemediationRequest) => ({
  content: requestDigest(r),
  status: r.status,
  approvals: r.approvals,
  reason: r.reason,
  result: r.result,
  decidedBy: r.decidedBy,
  finishedAt: r.finishedAt,
});

/** HMAC-SHA256 (hex), keyed with the audit key, of the request's sealed state. */
export const sealRequest = (request: RemediationRequest, key: string): string =>
  createHmac('sha256', key)
    .update(canonicalJson(plain(sealedState(request))), 'utf8')
    .digest('hex');

/** Does `seal` (as stored in the row) seal exactly this request? */
export const sealMatches = (request: RemediationRequest, seal: string | null, key: string): boolean => {
  if (seal === null || !/^[0-9a-f]{64}$/.test(seal)) return false;
  const expected = sealRequest(request, key);
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(seal, 'utf8'));
};

/**
 * `sealed: false` when the store has no key (there is nothing to check; the request's audit trail
 * is what binds it then).
 */
export type RequestSealCheck = { ok: true; sealed: boolean } | { ok: false; reason: string };
