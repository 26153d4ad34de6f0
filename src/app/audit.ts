import { isUnchecked, type AuditEntry, type AuditOutcome, type ChainVerification } from '../core/audit';
import type { Store } from '../store/store';
import { recordedActor, type CommandInvocation } from './conversation';

/**
 * One line for people. A chain whose HMACs could not be checked (no key) is never called OK: its
 * hashes can be recomputed by anyone who can write the database, so they alone prove nothing.
 */
const describeVerification = (v: ChainVerification): string => {
  if (v.ok) return `Chain OK: ${v.count} entries verified${v.count > 0 ? ` (last #${v.lastSeq})` : ''}.`;
  if (isUnchecked(v)) {
    return (
      `Chain NOT VERIFIED: the hashes of all ${v.count} entries hold (last #${v.lastSeq}), but ${v.hmacs} ` +
      `${v.hmacs === 1 ? 'carries an HMAC' : 'carry HMACs'} and CLOUDSEC_AUDIT_KEY is not set, so the HMACs could ` +
      'not be checked. Set CLOUDSEC_AUDIT_KEY to the key the log was written with and verify again.'
    );
  }
  return `Chain BROKEN at entry #${v.seq}: ${v.reason}.`;
};

/** One line per entry: when, who, what, on what, how it ended. */
export const renderAuditEntryLine = (e: AuditEntry): string =>
  [
    `#${e.seq}`,
    e.time.replace(/\.\d{3}Z$/, 'Z'),
    `${e.actor.kind}:${e.actor.id}${e.actor.name ? ` (${e.actor.name})` : ''}`,
    e.action,
    e.outcome,
    e.target ?? '-',
    e.requestId ? `req=${e.requestId}` : '',
  ]
    .filter(Boolean)
    .join('  ');

export const renderAuditEntriesText = (newestFirst: readonly AuditEntry[], verification: ChainVerification): string =>
  [
    describeVerification(verification),
    '',
    ...(newestFirst.length === 0 ? ['No entries yet.'] : newestFirst.map(renderAuditEntryLine)),
  ].join('\n');

export { describeVerification };

/** `/cloudsec audit [N]`: the latest `count` entries, newest first, and whether the whole chain verifies. */
export const readAuditLog = async (
  deps: { store: Pick<Store, 'latestAudit' | 'verifyAudit'> },
  count: number,
): Promise<{ entries: AuditEntry[]; verification: ChainVerification }> => {
  const [entries, verification] = await Promise.all([deps.store.latestAudit(count), deps.store.verifyAudit()]);
  return { entries, verification };
};

/**
 * The router's record of a `/cloudsec` command: who typed what where, and what was decided (allowed,
 * denied, or an error, with the details that explain it). `command` is the subcommand's name, or
 * `unknown` for text that names none.
 */
export const recordCommand = (
  deps: { store: Pick<Store, 'appendAudit'> },
  entry: {
    invocation: CommandInvocation;
    command: string;
    outcome: Extract<AuditOutcome, 'allowed' | 'denied' | 'error'>;
    details: Record<string, unknown>;
  },
): Promise<AuditEntry> =>
  deps.store.appendAudit({
    actor: recordedActor(entry.invocation.actor),
    // Audit actions are dotted snake_case: a hyphenated command (demo-event) is written with underscores.
    action: `command.${entry.command.replace(/-/g, '_')}`,
    target: entry.invocation.text.slice(0, 500),
    outcome: entry.outcome,
    requestId: entry.invocation.requestId,
    details: { channel: entry.invocation.channel.id, ...entry.details },
  });

/** CLOUDSEC_REQUIRE_AUDIT_KEY: any value but empty, 0, false or no asks for the key. */
const requiresKey = (value: string | undefined): boolean =>
  value !== undefined && !['', '0', 'false', 'no'].includes(value.trim().toLowerCase());

/**
 * What the bot says at start-up about CLOUDSEC_AUDIT_KEY: nothing when it is set; without it a loud
 * warning, or a refusal to start when CLOUDSEC_REQUIRE_AUDIT_KEY asks for the key.
 */
export const auditKeyNotice = (
  auditKey: string | undefined,
  requireKey: string | undefined,
): { refuse: boolean; message: string } | null => {
  if (auditKey) return null;
  if (requiresKey(requireKey)) {
    return {
      refuse: true,
      message:
        'CLOUDSEC_REQUIRE_AUDIT_KEY is set but CLOUDSEC_AUDIT_KEY is not: refusing to start without the audit key. ' +
        'Set CLOUDSEC_AUDIT_KEY (at least 32 characters, e.g. `openssl rand -hex 32`, kept in a secret store).',
    };
  }
  return {
    refuse: false,
    message:
      'WARNING: CLOUDSEC_AUDIT_KEY is not set. Audit entries carry no HMAC and remediation requests no seal: ' +
      'anyone who can write the database can rewrite the audit log without `cloudsec audit verify` noticing, and ' +
      'requests are bound only to audit hashes anyone can recompute. Set CLOUDSEC_AUDIT_KEY (at least 32 ' +
      'characters, e.g. `openssl rand -hex 32`) from a secret store; set CLOUDSEC_REQUIRE_AUDIT_KEY=1 to refuse ' +
      'to start without it.',
  };
};
