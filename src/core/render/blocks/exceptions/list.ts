import { expiringSoon, isInForce } from '../../../exceptions/lifecycle';
import { EXPIRING_SOON_DAYS, type ExceptionStatus, type RiskException } from '../../../exceptions/model';
import { instantOf } from '../../../exceptions/time';
import { MESSAGE_BUDGET } from '../../limits';
import { actions, button, context, header, section, type Block, type MessagePayload } from '../kit';
import { largestFitting, memoize } from '../paging';
import { fallbackText, plural, thousands } from '../remediation/format';
import {
  EXCEPTION_STATUS_EMOJI,
  EXCEPTION_STATUS_LABEL,
  effectiveStatus,
  expiryLabel,
  idRef,
  personRef,
  scopeSummary,
} from './format';
import { EXCEPTION_ACTION_IDS, type ExceptionListFilter, type ListPageValue } from './ids';

/** One accepted risk as the list shows it: the exception, and what the caller counted about it. */
export interface ExceptionListEntry {
  exception: RiskException;
  /** Failing findings it hides now, when counted (absent or null: not counted). */
  covered?: number | null | undefined;
  /** In force but matching nothing any more (`staleExceptions`). */
  stale?: boolean | undefined;
}

export interface ExceptionListOptions {
  now: Date;
  filter: ExceptionListFilter;
  /** Where this page starts in `entries` (`exception.list_page` carries it); 0 by default. */
  offset?: number | undefined;
  /** At most this many per page (fewer when they would not fit); 20 by default. */
  pageSize?: number | undefined;
  /** What `expiring` means, in days (EXPIRING_SOON_DAYS by default); only used in the wording. */
  days?: number | undefined;
  /** Accepted risks that could not be read (`AcceptedRiskSet.problems`): said, never hidden. */
  problems?: readonly string[] | undefined;
}

const titleOf = (filter: ExceptionListFilter, days: number): string =>
  ({
    active: 'Accepted risks in force',
    expiring: `Accepted risks expiring within ${plural(days, 'day')}`,
    expired: 'Expired accepted risks',
    mine: 'Your accepted risks',
  })[filter];

const emptyOf = (filter: ExceptionListFilter, days: number): string =>
  ({
    active: 'No accepted risk is in force: every failing finding is shown.',
    expiring: `No accepted risk expires within the next ${plural(days, 'day')}.`,
    expired: 'No accepted risk has expired.',
    mine: 'You neither own nor asked for any accepted risk. Use Accept risk… on a failing finding to ask for one.',
  })[filter];

const byExpiry = (a: RiskException, b: RiskException) => {
  const d = instantOf(a.expiresAt) - instantOf(b.expiresAt);
  return Number.isNaN(d) ? 0 : d;
};

const STATUS_ORDER: Record<ExceptionStatus, number> = {
  pending: 0,
  active: 1,
  expired: 2,
  revoked: 3,
  denied: 4,
  cancelled: 5,
};

/**
 * The exceptions a filter lists, in the order it lists them: `active` (in force, soonest expiry
 * first), `expiring` (in force and ending within `days`, soonest first), `expired` (ended, the most
 * recent first; an active one past its expiry counts, as it hides nothing), `mine` (owned by or
 * asked for by `userId`, whatever their status: pending first, then by expiry).
 */
export const selectExceptions = <E extends RiskException>(
  exceptions: readonly E[],
  filter: ExceptionListFilter,
  ctx: { now: Date; userId?: string | null | undefined; days?: number | undefined },
): E[] => {
  const { now } = ctx;
  switch (filter) {
    case 'active':
      return exceptions.filter((e) => isInForce(e, now)).sort(byExpiry);
    case 'expiring':
      return expiringSoon(exceptions, now, ctx.days ?? EXPIRING_SOON_DAYS);
    case 'expired':
      return exceptions.filter((e) => effectiveStatus(e, now) === 'expired').sort((a, b) => byExpiry(b, a));
    case 'mine': {
      const user = ctx.userId;
      if (!user) return [];
      return exceptions
        .filter((e) => e.owner.id === user || (e.requester.kind === 'slack-user' && e.requester.id === user))
        .sort(
          (a, b) => STATUS_ORDER[effectiveStatus(a, now)] - STATUS_ORDER[effectiveStatus(b, now)] || byExpiry(a, b),
        );
    }
  }
};

/** One exception: status, id, source and scope; then owner, expiry and coverage; stale ones marked. */
export const exceptionListSection = (entry: ExceptionListEntry, now: Date): Block => {
  const e = entry.exception;
  const status = effectiveStatus(e, now);
  const source = e.source === 'config' ? ':page_facing_up: cloudsec.yml' : 'slack';
  const covered =
    entry.covered === undefined || entry.covered === null ? '' : ` · hides ${plural(entry.covered, 'failing finding')}`;
  const lines = [
    `${EXCEPTION_STATUS_EMOJI[status]} *${EXCEPTION_STATUS_LABEL[status]}* · ${idRef(e.id)} · ${source}`,
    scopeSummary(e.scope, 360),
    `Owner ${personRef(e.owner)} · ${expiryLabel(e.expiresAt, now)}${covered}`,
  ];
  if (e.extension && status === 'active') lines.push(':hourglass_flowing_sand: An extension is waiting for approval.');
  if (entry.stale && status === 'active')
    lines.push(':zzz: *Stale*: it matches nothing any more. Revoke it, or let it expire.');
  return section(lines.join('\n'));
};

const listPageValue = (value: ListPageValue): string => JSON.stringify(value);

/**
 * `/cloudsec exceptions [active|expiring|expired|mine]`: one entry per accepted risk, in the order
 * given (`selectExceptions` makes it), paged: as many as fit from `offset`, where they sit in the
 * whole, and Next page while there are more. Slack-made and cloudsec.yml ones are listed together
 * and marked by source.
 */
export const renderExceptionList = (
  entries: readonly ExceptionListEntry[],
  options: ExceptionListOptions,
): MessagePayload => {
  const days = options.days ?? EXPIRING_SOON_DAYS;
  const title = titleOf(options.filter, days);
  const total = entries.length;
  const offset = Math.min(Math.max(0, Math.floor(options.offset ?? 0)), total);
  const pageSize = Math.max(1, Math.floor(options.pageSize ?? 20));
  const problems = (options.problems ?? []).slice(0, 3).map((p) => context(`:warning: ${fallbackText(p)}`));
  const text = fallbackText(total === 0 ? emptyOf(options.filter, days) : `${title}: ${thousands(total)}.`);
  if (total === 0) return { text, blocks: [header(title), section(emptyOf(options.filter, days)), ...problems] };

  const fromFile = entries.filter((x) => x.exception.source === 'config').length;
  const summary = `${plural(total, 'accepted risk')}${fromFile > 0 ? ` · ${thousands(fromFile)} from cloudsec.yml` : ''}`;
  const render = memoize((entry: ExceptionListEntry) => exceptionListSection(entry, options.now));
  const candidates = entries.slice(offset, offset + pageSize);
  const build = (n: number): MessagePayload => {
    const remaining = total - offset - n;
    const position =
      n > 0
        ? `Showing ${thousands(offset + 1)}–${thousands(offset + n)} of ${thousands(total)}.`
        : `${plural(total, 'accepted risk')} in all; none fits in one message from position ${thousands(offset + 1)}.`;
    const next =
      remaining > 0 && n > 0
        ? button('Next page', EXCEPTION_ACTION_IDS.listPage, listPageValue({ f: options.filter, o: offset + n }))
        : undefined;
    return {
      text,
      blocks: [
        header(title),
        context(summary),
        ...problems,
        ...candidates.slice(0, n).map(render),
        ...(offset > 0 || remaining > 0 ? [context(position)] : []),
        ...(next ? [actions(next)] : []),
      ],
    };
  };
  return largestFitting(candidates.length, build, MESSAGE_BUDGET).payload;
};
