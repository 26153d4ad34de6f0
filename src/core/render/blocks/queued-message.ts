import { SERVICES } from '../../model';
import { BLOCK_KIT, MESSAGE_BUDGET } from '../limits';
import { escapeMrkdwn, inline, truncate } from '../mrkdwn';
import { context, section, type MessagePayload } from './kit';

const servicesLabel = (services: readonly string[]) =>
  SERVICES.every((s) => services.includes(s)) ? 'all services' : services.join(', ');

const ordinal = (n: number): string => {
  const tens = n % 100;
  if (tens >= 11 && tens <= 13) return `${n}th`;
  return `${n}${['th', 'st', 'nd', 'rd'][n % 10] ?? 'th'}`;
};

/**
 * Replaces "scanning…" while the scan waits for a free slot (limits.concurrentScans): the place in
 * line, and that nothing needs doing (it starts by itself, in order).
 */
export const renderQueuedMessage = (data: { services: readonly string[]; position: number }): MessagePayload => {
  const what = escapeMrkdwn(inline(servicesLabel(data.services)));
  const place = `${ordinal(data.position)} in line`;
  return {
    text: truncate(
      `Queued: the scan of ${what} is ${place}; it starts when a running scan finishes.`,
      Math.min(MESSAGE_BUDGET.maxFallbackText, BLOCK_KIT.textObject),
    ),
    blocks: [
      section(
        truncate(
          `:hourglass: *Queued: your scan of ${what} is ${place}.* Other scans are running; yours starts by itself when one finishes, and the answer replaces this message.`,
          BLOCK_KIT.sectionText,
        ),
      ),
      context(
        'Scans run a few at a time so that no one request can flood AWS; queued scans run in the order they came.',
      ),
    ],
  };
};
