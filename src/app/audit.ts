import type { AuditEntry, ChainVerification } from '../core/audit';

const describeVerification = (v: ChainVerification): string =>
  v.ok
    ? `Chain OK: ${v.count} entries verified${v.count > 0 ? ` (last #${v.lastSeq})` : ''}.`
    : `Chain BROKEN at entry #${v.seq}: ${v.reason}.`;

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
