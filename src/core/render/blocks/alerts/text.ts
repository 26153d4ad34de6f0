import type { Alert } from '../../../detections/alert';
import { terminalLine } from '../../plain';
import { utcStamp } from '../age';
import { ACTOR_KIND_LABEL, STATUS_LABEL, mfaLabel } from './format';

/**
 * An alert as terminal text (the CLI, logs a person reads): the card's facts, one per line, each
 * line cleaned of control characters and bidi overrides (a user agent or a bucket name could carry
 * an ANSI escape) and capped, so nothing from the record can rewrite the screen.
 */

const line = (label: string, value: string, max = 300) => `  ${label.padEnd(10)} ${terminalLine(value, max)}`;

const actorSummary = (a: Alert['actor']): string[] => [
  line('Who', `${a.label} (${ACTOR_KIND_LABEL[a.kind]})`),
  ...(a.roleArn ? [line('Role', a.roleArn)] : []),
  ...(a.sessionName ? [line('Session', a.sessionName)] : []),
  ...(a.personName ? [line('Person', a.personName)] : []),
  line('MFA', mfaLabel(a.mfa)),
  line('From', a.sourceIp ?? 'unknown address'),
  ...(a.userAgent ? [line('Agent', a.userAgent, 200)] : []),
  ...(a.invokedBy ? [line('Through', a.invokedBy)] : []),
  ...(a.crossAccount ? [line('Cross-acct', `caller in account ${a.accountId ?? 'unknown'}`)] : []),
];

const statusSummary = (alert: Alert): string[] => {
  const out = [
    line(
      'Status',
      `${STATUS_LABEL[alert.status]}${alert.closedBy && alert.status !== 'open' ? ` by ${alert.closedBy}` : ''}`,
    ),
  ];
  if (alert.assigneeId) out.push(line('Assigned', alert.assigneeId));
  if (alert.note) out.push(line('Note', alert.note, 600));
  if (alert.askedUserId)
    out.push(
      line('Asked', `${alert.askedUserId}${alert.answer !== null ? `: "${alert.answer}"` : ' (no answer yet)'}`, 600),
    );
  if (alert.undoRequestId) out.push(line('Undo asked', `remediation request ${alert.undoRequestId}`));
  return out;
};

export const renderAlertText = (alert: Alert): string => {
  const head = `[${alert.severity.toUpperCase()}]${alert.staged ? ' [staged]' : ''} ${terminalLine(alert.title, 150)}`;
  const lines = [
    head,
    `  ${terminalLine(alert.summary, 600)}`,
    ...alert.details.slice(0, 20).map((d) => `    - ${terminalLine(d, 300)}`),
    ...(alert.details.length > 20 ? [`    … and ${alert.details.length - 20} more details`] : []),
    ...actorSummary(alert.actor),
    line(
      'When',
      `${utcStamp(alert.eventTime)}${alert.count > 1 ? ` · seen ${alert.count} times, last ${utcStamp(alert.lastSeenAt)}` : ''}`,
    ),
    line('Where', `account ${alert.accountId} · ${alert.region} · ${alert.resource.type} ${alert.resource.id}`, 400),
    line('Event', `${alert.eventSource}:${alert.eventName} · ${alert.eventId} · via ${alert.source}`),
    line('Why', alert.rationale, 600),
    ...statusSummary(alert),
    ...(alert.undo ? [line('Undo', alert.undo.description)] : []),
    line('Alert', `${alert.id} (${alert.detectionId})`),
  ];
  return lines.join('\n') + '\n';
};
