import type { RemediationRequest, RequestStatus } from '../../../remediations/request';
import { MESSAGE_BUDGET } from '../../limits';
import { bold, code } from '../../mrkdwn';
import { ageOf } from '../age';
import { context, header, section, type Block, type MessagePayload } from '../kit';
import { largestFitting, memoize } from '../paging';
import { whereLine } from './finding-summary';
import { actorRef, fallbackText, plural } from './format';
import { STATUS_EMOJI, STATUS_LABEL, isDryRunRequest } from './status';
import { problemTitle } from '../../headline';

export type RequestsFilter = 'pending' | 'mine' | 'all';

export interface RequestsListOptions {
  now: Date;
  filter: RequestsFilter;
  /** How many requests match in all, when the caller fetched only the newest (a store `limit`). */
  total?: number;
}

const TITLES: Record<RequestsFilter, string> = {
  pending: 'Remediation requests waiting for approval',
  mine: 'Your remediation requests',
  all: 'Remediation requests',
};
const EMPTY: Record<RequestsFilter, string> = {
  pending: 'No request is waiting for approval.',
  mine: 'You have not asked for any remediation yet.',
  all: 'No remediation has been requested yet.',
};

const timeOf = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
};

/** Newest first; requests made the same millisecond keep the order they came in. */
const newestFirst = (requests: readonly RemediationRequest[]) =>
  requests
    .map((r, i) => ({ r, i, t: timeOf(r.createdAt) }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map(({ r }) => r);

const requestSection = (r: RemediationRequest, now: Date): Block => {
  const status = `${STATUS_EMOJI[r.status]} *${STATUS_LABEL[r.status]}*${isDryRunRequest(r) ? ' (dry run)' : ''}`;
  const pending =
    r.status === 'pending' ? ` · ${r.approvals.length} of ${plural(r.requiredApprovals, 'approval')}` : '';
  return section(
    [
      `${status}${pending} · ${r.kind === 'undo' ? 'Undo · ' : ''}${bold(problemTitle(r.finding), 120) || code(r.finding.checkId, 120)}`,
      whereLine(r.finding),
      `Requested by ${actorRef(r.requester)} ${ageOf(r.createdAt, now)} · ${code(r.remediationId, 80)} · ${code(r.id, 60)}`,
    ].join('\n'),
  );
};

const countsLine = (requests: readonly RemediationRequest[]): string => {
  const byStatus = new Map<RequestStatus, number>();
  for (const r of requests) byStatus.set(r.status, (byStatus.get(r.status) ?? 0) + 1);
  return [...byStatus.entries()].map(([s, n]) => `${n} ${STATUS_LABEL[s].toLowerCase()}`).join(' · ');
};

/**
 * `/cloudsec requests [pending|mine|all]`: newest first, each with its status, finding, requester and
 * age; as many as fit, and exactly how many were left out.
 */
export const renderRequestsList = (
  requests: readonly RemediationRequest[],
  options: RequestsListOptions,
): MessagePayload => {
  const sorted = newestFirst(requests);
  const total = Math.max(options.total ?? sorted.length, sorted.length);
  const render = memoize((r: RemediationRequest) => requestSection(r, options.now));
  const text = fallbackText(
    total === 0 ? EMPTY[options.filter] : `${TITLES[options.filter]}: ${plural(total, 'request')}.`,
  );
  if (total === 0) return { text, blocks: [header(TITLES[options.filter]), section(EMPTY[options.filter])] };
  const build = (n: number): MessagePayload => ({
    text,
    blocks: [
      header(TITLES[options.filter]),
      context(`${plural(total, 'request')}${sorted.length === total ? ` · ${countsLine(sorted)}` : ''} · newest first`),
      ...sorted.slice(0, n).map(render),
      ...(n < total
        ? [
            context(
              n > 0
                ? `Showing the newest ${n} of ${total}; ${plural(total - n, 'older request is', 'older requests are')} not shown.`
                : `${plural(total, 'request is', 'requests are')} not shown here.`,
            ),
          ]
        : []),
    ],
  });
  return largestFitting(sorted.length, build, MESSAGE_BUDGET).payload;
};
