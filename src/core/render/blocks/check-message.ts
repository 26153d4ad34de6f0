import type { Summary } from '../../findings';
import { SERVICES, SEVERITIES } from '../../model';
import { MESSAGE_BUDGET, BLOCK_KIT } from '../limits';
import { clip, code, escapeMrkdwn, truncate } from '../mrkdwn';
import { ageOf, utcStamp } from './age';
import {
  SEVERITY_EMOJI,
  accountNamesOf,
  bySeverity,
  findingSection,
  severityCounts,
  severityLabel,
  unknownSummary,
  type RenderableFinding,
} from './finding';
import { context, divider, header, section, type Block, type MessagePayload } from './kit';
import { assertScopeKeyFits, memoize, normalizePage, pagedMessage, type PageRequest } from './paging';
import type { AcceptedRisksReport } from '../report';
import { renderHiddenLine, resurfacedNote } from './exceptions/hidden-line';

export interface AccountInfo {
  id: string;
  name: string;
  reachable?: boolean;
  error?: string | null;
  warnings?: readonly string[];
}

/** What a check produced; `buildCheckReport(...)`'s result has exactly this shape. */
export interface CheckMessageData {
  findings: readonly RenderableFinding[];
  /** Headline counts; `summarize(findings)` for a full result. */
  summary: Summary;
  services: readonly string[];
  generatedAt: string;
  evaluatedAt: string;
  demo: boolean;
  accounts: readonly AccountInfo[];
  /** What accepted risks hid or showed again (CheckReport's `acceptedRisks`); absent = none applied. */
  acceptedRisks?: AcceptedRisksView | undefined;
}

/** The part of a report's accepted risks a message shows: the count with Show, annotations, problems. */
export type AcceptedRisksView = Pick<AcceptedRisksReport, 'hidden' | 'exceptions' | 'resurfaced' | 'problems'>;

/**
 * The blocks a report gets from accepted risks: "12 accepted risks hidden (by 3 exceptions) · Show"
 * (src/core/render/blocks/exceptions/hidden-line.ts; Show carries the report's scope key), and a
 * warning when some accepted risks could not be read (their findings are shown). None when nothing
 * was hidden and everything was read.
 */
export const acceptedRisksBlocks = (
  accepted: AcceptedRisksView | undefined,
  options: Pick<ListRenderOptions, 'scopeKey' | 'requestedBy'>,
): Block[] => {
  if (!accepted) return [];
  const line = renderHiddenLine({
    hidden: accepted.hidden,
    exceptions: accepted.exceptions.filter((e) => e.hides > 0).length,
    scopeKey: options.scopeKey,
    requestedBy: requesterOf(options),
  });
  return [
    ...(line ? [line] : []),
    ...(accepted.problems.length > 0 ? [context(`:warning: ${clip(accepted.problems.join(' · '), 600)}`)] : []),
  ];
};

/** The "shown again" note of each resurfaced finding, by finding id. */
export const resurfacedNotes = (accepted: AcceptedRisksView | undefined): ReadonlyMap<string, string> =>
  new Map((accepted?.resurfaced ?? []).map((r) => [r.findingId, resurfacedNote(r)]));

/** " (12 accepted risks hidden)" for fallback texts; empty when none is. */
export const hiddenFallback = (accepted: Pick<AcceptedRisksView, 'hidden'> | undefined): string =>
  accepted && accepted.hidden > 0 ? `; ${accepted.hidden} accepted risk${accepted.hidden === 1 ? '' : 's'} hidden` : '';

export interface ListRenderOptions {
  now: Date;
  remediationEnabled: boolean;
  /** Offer "Accept risk…" on failing findings (an approvals channel is configured). */
  acceptRiskEnabled?: boolean;
  /** "Who did this?" on failing findings: CloudTrail's event history can be asked. */
  whoDidThisEnabled?: boolean;
  page?: PageRequest;
  /** Identifies the cached result; carried by the Next page and Download buttons. */
  scopeKey: string;
  /** Slack user id of who asked (a user id or nothing: longer values are left out of the button). */
  requestedBy?: string;
}

/** Who asked, when it looks like a Slack user id (anything else would not identify them). */
export const requesterOf = (options: Pick<ListRenderOptions, 'requestedBy'>): string | undefined =>
  options.requestedBy && /^[UW][A-Z0-9]{2,39}$/.test(options.requestedBy) ? options.requestedBy : undefined;

export const DEMO_NOTE =
  ':test_tube: *Demo data*: a fictional, deliberately misconfigured estate, not your AWS accounts.';

const servicesLabel = (services: readonly string[]) =>
  SERVICES.every((s) => services.includes(s)) ? 'all services' : services.join(', ') || 'no services';

const plural = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;

/** Unreachable accounts and scan warnings, a handful at most: they matter but must not crowd out findings. */
const accountNotices = (accounts: readonly AccountInfo[], max = 5): Block[] => {
  const lines = accounts.flatMap((a) => [
    ...(a.reachable === false
      ? [`Account ${code(a.id, 40)} (${clip(a.name, 60)}) could not be entered: ${clip(a.error ?? 'no access', 200)}`]
      : []),
    ...(a.warnings ?? []).map((w) => `Account ${code(a.id, 40)} (${clip(a.name, 60)}): ${clip(w, 200)}`),
  ]);
  if (lines.length === 0) return [];
  const more = lines.length > max ? [`…and ${plural(lines.length - max, 'more account notice')}`] : [];
  return [section([...lines.slice(0, max).map((l) => `:warning: ${l}`), ...more].join('\n'))];
};

/** Findings under one severity heading per group, in severity order. */
export const groupedFindingBlocks = (
  shown: readonly RenderableFinding[],
  totals: Record<string, number>,
  render: (f: RenderableFinding) => Block,
): Block[] =>
  SEVERITIES.flatMap((severity) => {
    const group = shown.filter((f) => f.severity === severity);
    if (group.length === 0) return [];
    const total = totals[severity] ?? group.length;
    const note = group.length < total ? ` · ${group.length} on this page` : '';
    return [
      section(`${SEVERITY_EMOJI[severity]} *${severityLabel(severity)}* · ${total} failing${note}`),
      ...group.map(render),
    ];
  });

/**
 * The answer to `/cloudsec check`: headline counts, data age, the failing findings by severity (one
 * page of them, as many as fit), what could not be checked and why, and the way to the rest.
 */
export const renderCheckMessage = (data: CheckMessageData, options: ListRenderOptions): MessagePayload => {
  assertScopeKeyFits(options.scopeKey);
  const names = accountNamesOf(data.accounts);
  const { byStatus, bySeverity: counts } = data.summary;
  const failing = bySeverity(data.findings.filter((f) => f.status === 'fail'));
  const unknown = data.findings.filter((f) => f.status === 'unknown');
  const failingBySeverity: Record<string, number> = {};
  for (const f of failing) failingBySeverity[f.severity] = (failingBySeverity[f.severity] ?? 0) + 1;

  const notes = resurfacedNotes(data.acceptedRisks);
  const render = memoize((f: RenderableFinding) =>
    findingSection(f, names, {
      remediationEnabled: options.remediationEnabled,
      acceptRisk: options.acceptRiskEnabled === true,
      whoDidThis: options.whoDidThisEnabled === true,
      note: notes.get(f.id),
    }),
  );
  const age = ageOf(data.generatedAt, options.now);
  const hidden = data.acceptedRisks?.hidden ?? 0;
  const headline =
    byStatus.fail > 0
      ? `*${byStatus.fail} failing* (${severityCounts(counts)}) · ${byStatus.pass} passing · ${byStatus.unknown} unknown`
      : // Hidden failures are still failures: "nothing failing" would overstate it.
        `*${hidden > 0 ? 'Nothing failing but accepted risks' : 'Nothing failing'}* · ${byStatus.pass} passing · ${byStatus.unknown} unknown`;
  const head: Block[] = [
    header(`cloudsec check: ${servicesLabel(data.services)}`),
    ...(data.demo ? [context(DEMO_NOTE)] : []),
    section(headline),
    context(
      `Data from ${age} (collected ${clip(utcStamp(data.generatedAt), 40)}) · ${plural(data.accounts.length, 'account')}`,
    ),
    ...accountNotices(data.accounts),
    ...acceptedRisksBlocks(data.acceptedRisks, options),
    divider(),
  ];
  const tail: Block[] = [
    ...(unknown.length > 0 ? [section(unknownSummary(unknown, names))] : []),
    ...(byStatus.fail === 0 && byStatus.unknown === 0 && hidden === 0
      ? [section(`:white_check_mark: All ${plural(byStatus.pass, 'check')} pass.`)]
      : []),
  ];
  const text = truncate(
    escapeMrkdwn(
      `${data.demo ? '[DEMO DATA] ' : ''}cloudsec check (${servicesLabel(data.services)}): ` +
        `${byStatus.fail} failing${byStatus.fail ? ` (${severityCounts(counts, ', ')})` : ''}, ` +
        `${byStatus.pass} passing, ${byStatus.unknown} unknown${hiddenFallback(data.acceptedRisks)}; data from ${age}.`,
    ),
    Math.min(MESSAGE_BUDGET.maxFallbackText, BLOCK_KIT.textObject),
  );
  return pagedMessage({
    items: failing,
    page: normalizePage(options.page, failing.length),
    noun: 'failing finding',
    scopeKey: options.scopeKey,
    requestedBy: requesterOf(options),
    budget: MESSAGE_BUDGET,
    text,
    head,
    body: (shown) => groupedFindingBlocks(shown, failingBySeverity, render),
    tail,
  }).payload;
};
