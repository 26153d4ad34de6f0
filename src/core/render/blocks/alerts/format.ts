import type { Alert, AlertStatus } from '../../../detections/alert';
import type { ChangeActor } from '../../../detections/actor';
import { clip, code, lineStart } from '../../mrkdwn';
import { multiline } from '../remediation/format';
import { utcStamp } from '../age';

/**
 * Words shared by the alert card, its console text and the burst summary. Everything that came from
 * a CloudTrail record or a person is escaped here (mrkdwn) before it reaches a block.
 */

export const STATUS_LABEL: Record<AlertStatus, string> = {
  open: 'Open',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  false_positive: 'False positive',
};

/** Emoji the console demo also shows (src/slack/console-render.ts), so the card reads the same in both. */
export const STATUS_EMOJI: Record<AlertStatus, string> = {
  open: ':warning:',
  acknowledged: ':hourglass_flowing_sand:',
  resolved: ':white_check_mark:',
  false_positive: ':white_circle:',
};

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/** A stored Slack user id as a mention, only when it has the shape Slack gives ids (never `<!channel>`). */
export const userRef = (id: string): string => (SLACK_USER_ID.test(id) ? `<@${id}>` : code(id, 60));

export const isSlackUserId = (id: string | null | undefined): id is string =>
  typeof id === 'string' && SLACK_USER_ID.test(id);

export const ACTOR_KIND_LABEL: Record<ChangeActor['kind'], string> = {
  root: 'root user',
  'iam-user': 'IAM user',
  'assumed-role': 'assumed role',
  'sso-user': 'IAM Identity Center (SSO) user',
  'saml-user': 'SAML-federated user',
  'web-identity': 'web-identity session',
  'federated-user': 'federated user (GetFederationToken)',
  'aws-service': 'AWS service',
  'aws-account': 'another AWS account',
  unknown: 'unknown kind of caller',
};

/** MFA as CloudTrail said it: a missing flag is unknown, never "no". */
export const mfaLabel = (mfa: boolean | null): string => (mfa === true ? 'yes' : mfa === false ? 'no' : 'unknown');

/** The caller, one fact a line, escaped. `slackUserId`: the person cloudsec maps the principal to. */
export const actorLines = (a: ChangeActor, slackUserId?: string | null): string[] => {
  const lines = [
    `${code(a.label, 160)} · ${ACTOR_KIND_LABEL[a.kind]}${isSlackUserId(slackUserId) ? ` · ${userRef(slackUserId)}` : ''}`,
  ];
  if (a.roleArn) lines.push(`Role ${code(a.roleArn, 200)}`);
  if (a.sessionName) lines.push(`Session ${code(a.sessionName, 120)}`);
  if (a.personName) lines.push(`Person ${code(a.personName, 120)}`);
  lines.push(`MFA: ${mfaLabel(a.mfa)}`);
  lines.push(`From ${a.sourceIp ? code(a.sourceIp, 80) : 'an unknown address'}`);
  if (a.userAgent) lines.push(`Agent ${code(a.userAgent, 160)}`);
  if (a.invokedBy) lines.push(`Through ${code(a.invokedBy, 80)}`);
  if (a.crossAccount)
    lines.push(`:warning: Cross-account: the caller is in account ${code(a.accountId ?? 'unknown', 40)}`);
  return lines;
};

/** `2026-11-01 12:00 UTC`, escaped (the stored text itself when it is not a date). */
export const stamp = (iso: string): string => clip(utcStamp(iso), 60);

/** Who changed the alert's status and what they said, plus the question to the actor: escaped lines. */
export const statusLines = (alert: Alert): string[] => {
  const lines: string[] = [];
  const by = alert.closedBy ? ` by ${userRef(alert.closedBy)}` : '';
  lines.push(`${STATUS_EMOJI[alert.status]} *${STATUS_LABEL[alert.status]}*${alert.status === 'open' ? '' : by}`);
  if (alert.assigneeId) lines.push(`Assigned to ${userRef(alert.assigneeId)}`);
  if (alert.note) lines.push(`Note: ${lineStart(multiline(alert.note, 600, 4))}`);
  if (alert.askedUserId) {
    const when = alert.askedAt ? ` ${stamp(alert.askedAt)}` : '';
    lines.push(`Asked ${userRef(alert.askedUserId)}${when} whether this was them`);
    if (alert.answer !== null) {
      const at = alert.answeredAt ? ` (${stamp(alert.answeredAt)})` : '';
      lines.push(`Their answer${at}: ${lineStart(multiline(alert.answer, 600, 4))}`);
    } else lines.push(alert.escalatedAt ? 'No answer yet: escalated.' : 'No answer yet.');
  }
  if (alert.undoRequestId) lines.push(`Undo asked for: remediation request ${code(alert.undoRequestId, 60)}.`);
  return lines;
};
