import { createHash } from 'node:crypto';
import type { Finding } from '../model';
import type { AcceptedFinding } from './model';

/**
 * The baseline of an accepted risk: what each covered finding looked like when the risk was
 * accepted (severity and a digest of its evidence). A finding whose evidence digest differs later
 * shows again: the team accepted "port 22 open to the world", not "every port open to the world".
 *
 * The digest must not change when nothing about the risk changed, or every accepted finding would
 * resurface the next day. So it leaves out the evidence keys below, chosen from what the checks in
 * src/core/checks and the Security Hub import actually put in evidence (an exact list, not a
 * pattern such as "anything ending in At": an unlisted key is compared, so a mistake here shows a
 * finding again rather than hiding a changed one). Each is either computed from the scan time, or
 * bookkeeping of the system that reported it:
 *
 * - `ageDays` (iam_user_access_key_rotated), `daysAgo` (iam_root_not_recently_used), `idleDays`
 *   (iam_user_credentials_unused): whole days between a fixed date and the scan time, one more each
 *   day. The fixed dates they count from (`lastRotated`, `mostRecentUse`, `idleSince`) stay in, so a
 *   rotated key or a new use of the root user does change the digest.
 * - `lastAttemptTime` (config_delivery_channel_healthy): AWS Config's last delivery attempt, renewed
 *   with every delivery; `lastStatus` and `lastErrorCode` next to it carry the risk.
 * - `updatedAt` (Security Hub findings, IAM Access Analyzer findings): bumped by the reporting
 *   service whenever it re-evaluates, with or without a change.
 * - `workflowStatus` (Security Hub findings): the triage state, which cloudsec itself sets to
 *   SUPPRESSED because of the exception; the compliance status next to it carries the risk.
 * - `openFindingsBySeverity`, `openFindingsUnknown` (guardduty_detector_enabled): counts of other
 *   findings, shown for context; the detector's state carries the risk.
 * - `observedAt`: when a value was seen, should a source ever put it in evidence.
 *
 * Keys are dropped wherever they appear (at any depth). Objects are compared with sorted keys and
 * arrays as multisets (sorted), since AWS lists rules, statements and grants in no promised order.
 */
export const IGNORED_EVIDENCE_KEYS: ReadonlySet<string> = new Set([
  'ageDays',
  'daysAgo',
  'idleDays',
  'lastAttemptTime',
  'updatedAt',
  'workflowStatus',
  'openFindingsBySeverity',
  'openFindingsUnknown',
  'observedAt',
]);

/**
 * Prefix of every digest. Changing the canonical form or the ignored keys changes every digest, so
 * it also changes this prefix: a digest with another prefix cannot be compared (see ./apply.ts).
 */
export const EVIDENCE_DIGEST_VERSION = 'ev1';

/** A JSON-like value with sorted keys and sorted arrays; anything else is spelled as a tagged string. */
const canonical = (value: unknown): unknown => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : `<number:${String(value)}>`;
  if (value === undefined) return '<undefined>';
  if (Array.isArray(value)) {
    return value
      .map((item) => canonical(item))
      .map((item) => ({ item, text: JSON.stringify(item) }))
      .sort((a, b) => (a.text < b.text ? -1 : a.text > b.text ? 1 : 0))
      .map(({ item }) => item);
  }
  if (value instanceof Date) return `<date:${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()}>`;
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      // An absent key and a key set to undefined are the same evidence (JSON cannot tell them apart).
      if (IGNORED_EVIDENCE_KEYS.has(key) || v === undefined) continue;
      out[key] = canonical(v);
    }
    return out;
  }
  return `<${typeof value}:${String(value)}>`;
};

/** The evidence as the digest sees it: ignored keys gone, keys and arrays sorted. For tests and debugging. */
export const canonicalEvidence = (evidence: Record<string, unknown>): string => JSON.stringify(canonical(evidence));

/** A stable digest of a finding's evidence, `ev1:<sha256 hex>`. */
export const evidenceDigest = (finding: Pick<Finding, 'evidence'>): string =>
  `${EVIDENCE_DIGEST_VERSION}:${createHash('sha256').update(canonicalEvidence(finding.evidence)).digest('hex')}`;

/**
 * The baseline to store with a new exception: the failing findings it covers, as they are now. Pass
 * the findings the scope covers (`coveragePreview` finds them); passing and unknown ones are left
 * out, since only failing findings are ever hidden. One entry per finding id.
 */
export const acceptedBaseline = (findings: readonly Finding[]): AcceptedFinding[] => {
  const seen = new Set<string>();
  const out: AcceptedFinding[] = [];
  for (const f of findings) {
    if (f.status !== 'fail' || seen.has(f.id)) continue;
    seen.add(f.id);
    out.push({ findingId: f.id, severity: f.severity, evidence: evidenceDigest(f) });
  }
  return out;
};
