import type { ChangeActor } from '../../../detections/actor';
import { MESSAGE_BUDGET } from '../../limits';
import { clip, code, lineStart } from '../../mrkdwn';
import { ageOf } from '../age';
import { context, header, section, type Block, type MessagePayload } from '../kit';
import { largestFitting } from '../paging';
import { fallbackText, plural } from '../remediation/format';
import { ACTOR_KIND_LABEL, mfaLabel, stamp } from './format';

/**
 * The answer to "Who did this?" / `/cloudsec who`: who created the resource (when the creation is
 * within the window), its latest changes with who, MFA, from where and when, and a clear word when
 * the history is incomplete or CloudTrail could not be asked at all.
 */

export interface WhoChange {
  eventId: string;
  eventName: string;
  eventTime: string;
  eventSource: string;
  actor: ChangeActor;
  created: boolean;
}

export interface WhoView {
  resourceName: string;
  accountLabel: string;
  region: string;
  days: number;
  /** The finding asked about, when asked by finding id: its heading. */
  findingTitle?: string | undefined;
  /** Null when CloudTrail could not be asked (`unavailable` says why). */
  changes: readonly WhoChange[] | null;
  complete: boolean;
  incompleteReason?: string | undefined;
  unavailable?: string | undefined;
  now: Date;
}

/** How many changes are listed at most (the newest). */
export const WHO_MAX_LISTED = 25;

const who = (a: ChangeActor): string =>
  `${code(a.label, 120)} (${ACTOR_KIND_LABEL[a.kind]})` +
  ` · MFA ${mfaLabel(a.mfa)} · from ${a.sourceIp ? code(a.sourceIp, 80) : 'an unknown address'}` +
  (a.invokedBy ? ` · through ${code(a.invokedBy, 80)}` : '') +
  (a.crossAccount ? ` · :warning: caller in account ${code(a.accountId ?? 'unknown', 40)}` : '');

const changeLine = (c: WhoChange, now: Date): string =>
  `• ${stamp(c.eventTime)} (${ageOf(c.eventTime, now)}) · ${code(c.eventName, 80)}${c.created ? ' · *created it*' : ''}\n   ${who(c.actor)}`;

export const renderWhoAnswer = (view: WhoView): MessagePayload => {
  const title = `Who changed ${view.resourceName}`.slice(0, 150);
  const where =
    `${code(view.resourceName, 200)} · ${view.accountLabel} · ${clip(view.region, 30)} · last ${plural(view.days, 'day')}` +
    (view.findingTitle ? `\n${lineStart(clip(view.findingTitle, 200))}` : '');
  if (view.changes === null) {
    const text = `cloudsec cannot ask CloudTrail here: ${view.unavailable ?? 'the event history is not available'}`;
    return {
      text: fallbackText(text),
      blocks: [header(title), section(where), section(`:warning: ${lineStart(clip(text, 1000))}`)],
    };
  }
  const newestFirst = [...view.changes].sort((a, b) => b.eventTime.localeCompare(a.eventTime));
  const creation = newestFirst.find((c) => c.created);
  const creationLine = creation
    ? `*Created* ${stamp(creation.eventTime)} by ${who(creation.actor)}`
    : `*Created*: not within the last ${plural(view.days, 'day')} (CloudTrail's event history keeps 90 days)` +
      (view.complete ? '' : ' — or in a part of the history cloudsec could not read');
  const incomplete = view.complete
    ? []
    : [
        context(
          `:warning: The history is incomplete${view.incompleteReason ? `: ${clip(view.incompleteReason, 300)}` : ''}. ` +
            'Changes may be missing; this is not the whole story.',
        ),
      ];
  const listed = newestFirst.slice(0, WHO_MAX_LISTED);
  const build = (n: number): MessagePayload => {
    const blocks: Block[] = [
      header(title),
      section(where),
      section(creationLine),
      ...incomplete,
      section(
        listed.length === 0
          ? `No change to this resource in the last ${plural(view.days, 'day')}.`
          : `*Latest ${plural(Math.min(n, listed.length), 'change')}* (of ${newestFirst.length}), newest first\n` +
              listed
                .slice(0, n)
                .map((c) => changeLine(c, view.now))
                .join('\n'),
      ),
    ];
    return {
      text: fallbackText(
        `${title}: ${plural(newestFirst.length, 'change')} in ${view.days} days${view.complete ? '' : ' (incomplete)'}`,
      ),
      blocks,
    };
  };
  return largestFitting(listed.length, build, MESSAGE_BUDGET).payload;
};
