import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../core/audit';
import type { RiskException } from '../core/exceptions/model';
import type { RequestSealCheck } from './request-seal';

/**
 * What binds an accepted-risk row to cloudsec. An active exception hides findings from every
 * report, so a row written with SQL by someone who can write the database file (a restored backup,
 * a shared volume) must not silently hide them. With an audit key (CLOUDSEC_AUDIT_KEY) the store
 * keeps a seal in the row: an HMAC over the whole exception as the store parses it, written on
 * every change the store makes. Without the key nobody can compute it.
 *
 * Unlike a remediation request's seal (request-seal.ts), nothing is left out: an exception is small,
 * every field of it is the store's to write, and any field (scope, expiry, status, approver) could
 * widen what it hides.
 */

/** A plain JSON copy: what was stored, without `undefined`s that canonical JSON refuses. */
const plain = (value: unknown): unknown => JSON.parse(JSON.stringify(value)) as unknown;

/** HMAC-SHA256 (hex), keyed with the audit key, of the exception. */
export const sealException = (exception: RiskException, key: string): string =>
  createHmac('sha256', key)
    .update(canonicalJson(plain({ kind: 'risk-exception', exception })), 'utf8')
    .digest('hex');

/** Does `seal` (as stored in the row) seal exactly this exception? */
export const exceptionSealMatches = (exception: RiskException, seal: string | null, key: string): boolean => {
  if (seal === null || !/^[0-9a-f]{64}$/.test(seal)) return false;
  const expected = sealException(exception, key);
  return timingSafeEqual(Buffer.from(expected, 'utf8'), Buffer.from(seal, 'utf8'));
};

/** `sealed: false` when the store has no key (there is nothing to check). Same shape as a request's. */
export type ExceptionSealCheck = RequestSealCheck;
