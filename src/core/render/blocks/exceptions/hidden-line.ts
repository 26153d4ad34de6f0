import type { ExceptedFinding, ResurfacedFinding } from '../../../exceptions/apply';
import { MESSAGE_BUDGET } from '../../limits';
import { clip } from '../../mrkdwn';
import { findingSection, type AccountNames } from '../finding';
import { actions, button, context, header, section, type Block, type Button, type MessagePayload } from '../kit';
import { largestFitting, memoize } from '../paging';
import { fallbackText, plural, sentence, thousands } from '../remediation/format';
import { expiryLabel, idRef, personRef } from './format';
import { EXCEPTION_ACTION_IDS, FindingIdValueSchema, type ShowHiddenValue } from './ids';

/** What the Show button carries back (see ShowHiddenValueSchema); throws when it could not fit. */
const showValue = (value: ShowHiddenValue): string => JSON.stringify(value);

export interface HiddenLineData {
  /** Failing findings accepted risks hide from this report. */
  hidden: number;
  /** How many accepted risks hide them. */
  exceptions: number;
  /** The cached report's scope key, or the command's filter text (ShowHiddenValueSchema `s`). */
  scopeKey: string;
  /** Slack user id of who asked for the report (ShowHiddenValueSchema `u`). */
  requestedBy?: string | null | undefined;
}

/** "12 accepted risks hidden (by 3 exceptions)": the words without the button, for text renderers too. */
export const hiddenLineText = (hidden: number, exceptions: number): string =>
  `${plural(hidden, 'accepted risk')} hidden (by ${plural(Math.max(exceptions, 1), 'exception')})`;

const SLACK_USER_ID = /^[UW][A-Z0-9]{2,20}$/;

/**
 * The line reports put under their failing lists when accepted risks hid findings: how many, and
 * Show (`exception.show_hidden`). Null when nothing is hidden. The count is said even when the
 * button cannot be offered (a scope key too long for a button value is a caller's bug, not a reason
 * to stop counting).
 */
export const renderHiddenLine = (data: HiddenLineData): Block | null => {
  if (data.hidden <= 0) return null;
  const user = data.requestedBy && SLACK_USER_ID.test(data.requestedBy) ? data.requestedBy : undefined;
  const show =
    data.scopeKey.length > 0 && data.scopeKey.length <= 500
      ? button('Show', EXCEPTION_ACTION_IDS.showHidden, showValue({ s: data.scopeKey, ...(user ? { u: user } : {}) }))
      : undefined;
  return section(`:shield: ${hiddenLineText(data.hidden, data.exceptions)}`, show);
};

/**
 * The annotation under a finding that an accepted risk covers but that is shown again because it
 * got worse: "shown again: severity rose from medium to high since the risk was accepted".
 */
export const resurfacedNote = (r: Pick<ResurfacedFinding, 'why'> & { exception: { id: string } }): string =>
  `:arrow_up_small: *Shown again*: ${sentence(clip(r.why, 300))} Accepted risk ${idRef(r.exception.id)}.`;

/** The "Accept risk…" button for a failing finding (`exception.request`, value the finding id). */
export const acceptRiskButton = (findingId: string): Button | undefined =>
  FindingIdValueSchema.safeParse(findingId).success
    ? button('Accept risk…', EXCEPTION_ACTION_IDS.request, findingId)
    : undefined;

export interface HiddenFindingsOptions {
  now: Date;
  /** Same as the Show button's `s`: Next page carries it on. */
  scopeKey: string;
  requestedBy?: string | null | undefined;
  /** Where this page starts (the Show button's `o`); 0 by default. */
  offset?: number | undefined;
  /** At most this many per page (fewer when they would not fit); 20 by default. */
  pageSize?: number | undefined;
  names?: AccountNames | undefined;
}

const NO_NAMES: AccountNames = new Map();

/** Which accepted risk hides the finding, who owns it and until when. */
const acceptedLine = (x: ExceptedFinding, now: Date): string => {
  const e = x.exception;
  return (
    `:shield: Accepted risk ${idRef(e.id)}${e.source === 'config' ? ' (cloudsec.yml)' : ''} · owner ` +
    `${personRef(e.owner)} · ${expiryLabel(e.expiresAt, now)} · ${clip(e.reason, 160)}`
  );
};

/**
 * What Show answers: the failing findings accepted risks hide, each with the accepted risk that
 * hides it (id, owner, expiry and the start of its reason), paged as the failing lists are.
 */
export const renderHiddenFindings = (
  excepted: readonly ExceptedFinding[],
  options: HiddenFindingsOptions,
): MessagePayload => {
  const total = excepted.length;
  const offset = Math.min(Math.max(0, Math.floor(options.offset ?? 0)), total);
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 20));
  const names = options.names ?? NO_NAMES;
  const title = 'Findings hidden by accepted risks';
  const text = fallbackText(
    total === 0 ? 'No finding is hidden by an accepted risk.' : `${title}: ${thousands(total)}.`,
  );
  if (total === 0) return { text, blocks: [header(title), section('No finding is hidden by an accepted risk now.')] };
  const user =
    options.requestedBy && /^[UW][A-Z0-9]{2,20}$/.test(options.requestedBy) ? options.requestedBy : undefined;
  const render = memoize((x: ExceptedFinding): Block[] => [
    findingSection(x.finding, names, { remediationEnabled: false, showSeverity: true }),
    context(acceptedLine(x, options.now)),
  ]);
  const distinct = new Set(excepted.map((x) => x.exception.id)).size;
  const candidates = excepted.slice(offset, offset + pageSize);
  const build = (n: number): MessagePayload => {
    const remaining = total - offset - n;
    const next =
      remaining > 0 && n > 0 && options.scopeKey.length <= 500
        ? button(
            'Next page',
            EXCEPTION_ACTION_IDS.showHidden,
            showValue({ s: options.scopeKey, o: offset + n, ...(user ? { u: user } : {}) }),
          )
        : undefined;
    return {
      text,
      blocks: [
        header(title),
        context(
          `${plural(total, 'failing finding')} left out of the failing lists by ${plural(distinct, 'accepted risk')}. ` +
            'A finding that gets worse is shown again.',
        ),
        ...candidates.slice(0, n).flatMap(render),
        ...(offset > 0 || remaining > 0
          ? [
              context(
                n > 0
                  ? `Showing ${thousands(offset + 1)}–${thousands(offset + n)} of ${thousands(total)}.`
                  : `${plural(total, 'hidden finding')} in all; none fits in one message from position ${thousands(offset + 1)}.`,
              ),
            ]
          : []),
        ...(next ? [actions(next)] : []),
      ],
    };
  };
  return largestFitting(candidates.length, build, MESSAGE_BUDGET).payload;
};
