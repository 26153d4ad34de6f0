import { isOpenAlert, type Alert } from '../../../detections/alert';
import { MESSAGE_BUDGET } from '../../limits';
import { clip, code, lineStart } from '../../mrkdwn';
import { ageOf } from '../age';
import { SEVERITY_EMOJI, severityLabel } from '../finding';
import {
  actions,
  button,
  context,
  divider,
  fieldsSection,
  header,
  overflow,
  plain,
  section,
  type Block,
  type Button,
  type MessagePayload,
  type PlainText,
} from '../kit';
import { largestFitting } from '../paging';
import { fallbackText, multiline, plural, rawLine } from '../remediation/format';
import { ALERT_ACTIONS } from './action-ids';
import { STATUS_LABEL, actorLines, stamp, statusLines } from './format';

/**
 * The alert card: what changed in words, who did it, when, where, why it matters, and the buttons
 * that act on it. Re-rendered in place at every step (a repeat's count, Acknowledge, Resolve, the
 * actor's answer). Every button's value is the alert id alone; the handler loads the alert from the
 * store and authorizes again, so nothing on the card is trusted beyond that id.
 */

export interface AlertCardOptions {
  /** Undo is offered (remediation is on and the alert's undo names a known remediation). */
  canUndo: boolean;
  now: Date;
  /** The Slack user the caller maps to (detections.actors, or found by email), shown beside the caller. */
  actorSlackUserId?: string | null;
  /** What the last Re-check found ("the bucket blocks public access again"): raw text, escaped here. */
  recheckNote?: string;
}

/** The overflow menu's verbs: an option's value is `<verb>:<alertId>` (ALERT_ACTIONS.menu). */
export const ALERT_MENU_VERBS = ['assign', 'resolve', 'false_positive', 'ask'] as const;
export type AlertMenuVerb = (typeof ALERT_MENU_VERBS)[number];
export const alertMenuValue = (verb: AlertMenuVerb, alertId: string): string => `${verb}:${alertId}`;

const MENU_LABEL: Record<AlertMenuVerb, string> = {
  assign: 'Assign…',
  resolve: 'Resolve…',
  false_positive: 'False positive…',
  ask: 'Ask the actor…',
};

/** Slack's confirmation dialog limits (docs.slack.dev: title 100, text 300, buttons 30). */
const CONFIRM = { title: 100, text: 300, button: 30 } as const;

interface ConfirmDialog {
  title: PlainText;
  text: PlainText;
  confirm: PlainText;
  deny: PlainText;
  style?: 'primary' | 'danger';
}

/**
 * Undo, with Slack's confirmation naming what it would do. The kit's Button has no `confirm`; the
 * dialog rides along as an extra property (Block Kit's button accepts it; the console ignores it).
 */
const undoButton = (alert: Alert): Button | undefined => {
  const b = button('Undo…', ALERT_ACTIONS.undo, alert.id, 'danger');
  if (!b || !alert.undo) return b;
  const confirm: ConfirmDialog = {
    title: plain('Undo this change?', CONFIRM.title),
    text: plain(
      `${rawLine(alert.undo.description, 200)}. This asks for a remediation, approved like any other.`,
      CONFIRM.text,
    ),
    confirm: plain('Ask to undo', CONFIRM.button),
    deny: plain('Cancel', CONFIRM.button),
    style: 'danger',
  };
  return Object.assign(b, { confirm });
};

const offersUndo = (alert: Alert, o: AlertCardOptions): boolean =>
  alert.undo !== null && o.canUndo && isOpenAlert(alert.status) && alert.undoRequestId === null;

/** Resolved and false-positive cards keep Re-check only: the rest acts on an open alert. */
const cardButtons = (alert: Alert, o: AlertCardOptions): Button[] => {
  const open = isOpenAlert(alert.status);
  return [
    button('Re-check', ALERT_ACTIONS.recheck, alert.id),
    offersUndo(alert, o) ? undoButton(alert) : undefined,
    alert.status === 'open' ? button('Acknowledge', ALERT_ACTIONS.acknowledge, alert.id, 'primary') : undefined,
  ].filter((b): b is Button => b !== undefined && (open || b.action_id === ALERT_ACTIONS.recheck));
};

const menuOf = (alert: Alert) =>
  isOpenAlert(alert.status)
    ? overflow(
        ALERT_ACTIONS.menu,
        ALERT_MENU_VERBS.map((verb) => ({ label: MENU_LABEL[verb], value: alertMenuValue(verb, alert.id) })),
      )
    : undefined;

const whereText = (alert: Alert): string =>
  [
    `*Where*`,
    `Account ${code(alert.accountId, 40)} · ${code(alert.region, 40)}`,
    `${clip(alert.resource.type, 60) || 'Resource'} ${code(alert.resource.id, 300)}`,
    ...(alert.resource.arn && alert.resource.arn !== alert.resource.id ? [code(alert.resource.arn, 400)] : []),
  ].join('\n');

const whenText = (alert: Alert, now: Date): string => {
  const lines = [`*When*`, `${stamp(alert.eventTime)} (${ageOf(alert.eventTime, now)})`];
  if (alert.count > 1) lines.push(`Seen ${plural(alert.count, 'time')} · last ${stamp(alert.lastSeenAt)}`);
  if (alert.thresholdCount !== null)
    lines.push(`${plural(alert.thresholdCount, 'matching record')} reached the threshold`);
  lines.push(`${code(`${alert.eventSource}:${alert.eventName}`, 160)}`);
  return lines.join('\n');
};

const whoText = (alert: Alert, o: AlertCardOptions): string =>
  ['*Who*', ...actorLines(alert.actor, o.actorSlackUserId)].join('\n');

/** Detail lines from the detection (grants, ports, the policy attached), as many as the budget holds. */
const detailsBlock = (details: readonly string[], n: number): Block[] => {
  if (details.length === 0) return [];
  const shown = details.slice(0, n).map((d) => `• ${lineStart(clip(d, 500))}`);
  const more = details.length > n ? [`_…and ${plural(details.length - n, 'more detail')}_`] : [];
  return [section([...shown, ...more].join('\n'))];
};

/** How many detail lines are tried at most (a detection gives a few; a stored list is not trusted to). */
const MAX_DETAILS = 40;

export const renderAlertCard = (alert: Alert, options: AlertCardOptions): MessagePayload => {
  const buttons = cardButtons(alert, options);
  const summary = `${SEVERITY_EMOJI[alert.severity]} *${severityLabel(alert.severity)}* · ${lineStart(multiline(alert.summary, 1500, 6))}`;
  const head: Block[] = [header(`${alert.staged ? '[staged] ' : ''}${alert.title}`), section(summary, menuOf(alert))];
  const tail: Block[] = [
    fieldsSection([whoText(alert, options), whenText(alert, options.now), whereText(alert)]),
    section(`*Why it matters*\n${multiline(alert.rationale, 1500, 8) || '_(no rationale recorded)_'}`),
    ...(options.recheckNote ? [section(`*Re-check*: ${lineStart(multiline(options.recheckNote, 800, 4))}`)] : []),
    divider(),
    section(statusLines(alert).join('\n')),
    ...(buttons.length > 0 ? [actions(...buttons)] : []),
    context(
      `Alert ${code(alert.id, 80)} · detection ${code(alert.detectionId, 80)} · event ${code(alert.eventId, 80)} · ` +
        `via ${clip(alert.source, 20)}`,
    ),
  ];
  const text = fallbackText(
    `${severityLabel(alert.severity)} alert: ${rawLine(alert.title, 150)}: ${rawLine(alert.summary, 400)} ` +
      `(account ${rawLine(alert.accountId, 40)}, by ${rawLine(alert.actor.label, 100)})` +
      (alert.status === 'open' ? '' : ` · ${STATUS_LABEL[alert.status]}`),
  );
  const details = alert.details.slice(0, MAX_DETAILS);
  const build = (n: number): MessagePayload => ({ text, blocks: [...head, ...detailsBlock(details, n), ...tail] });
  return largestFitting(details.length, build, MESSAGE_BUDGET).payload;
};
