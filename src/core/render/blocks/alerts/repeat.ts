import type { Alert } from '../../../detections/alert';
import type { ChangeActor } from '../../../detections/actor';
import { code } from '../../mrkdwn';
import { context, type MessagePayload } from '../kit';
import { fallbackText, plural, rawLine } from '../remediation/format';
import { stamp } from './format';

/**
 * The short thread reply on an alert's card when its dedup key is seen again within the window:
 * how often in all, and who did it last. Rate-limited by the live lane (the count is always in the
 * store, and the card's own count is updated in place), so this is a nudge, not a log.
 */
export const renderRepeatReply = (alert: Alert, lastActor: ChangeActor): MessagePayload => {
  const line =
    `Seen again: ${plural(alert.count, 'time')} in all, last by ${code(lastActor.label, 120)} ` +
    `at ${stamp(alert.lastSeenAt)}.`;
  return {
    text: fallbackText(`Seen again: ${alert.count} times in all, last by ${rawLine(lastActor.label, 120)}.`),
    blocks: [context(line)],
  };
};
