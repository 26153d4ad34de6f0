import { SEVERITIES, type Finding, type Severity } from '../../model';
import { BLOCK_KIT, MESSAGE_BUDGET } from '../limits';
import { code, escapeMrkdwn, truncate } from '../mrkdwn';
import { ageOf } from './age';
import {
  DEMO_NOTE,
  acceptedRisksBlocks,
  hiddenFallback,
  requesterOf,
  resurfacedNotes,
  type AcceptedRisksView,
  type AccountInfo,
  type ListRenderOptions,
} from './check-message';
import { accountNamesOf, findingSection, severityCounts, type RenderableFinding } from './finding';
import { context, divider, header, section, type Block, type MessagePayload } from './kit';
import { assertScopeKeyFits, memoize, normalizePage, pagedMessage } from './paging';

export interface FindingsMessageData {
  /** Security Hub findings (normalized); `observedAt` is their UpdatedAt. */
  findings: readonly (RenderableFinding & Pick<Finding, 'observedAt'>)[];
  /** What the user asked for, echoed so the answer says what it is an answer to. */
  filter?: { severity?: Severity; accountId?: string };
  generatedAt?: string;
  demo?: boolean;
  accounts?: readonly AccountInfo[];
  /**
   * Accepted risks among the findings this answer is about (the same source, severity and account
   * filter: narrowAcceptedRisks in src/core/render/report.ts); absent = none applied.
   */
  acceptedRisks?: AcceptedRisksView | undefined;
}

const timeOf = (iso: string) => {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? -Infinity : t;
};

/** Newest first; ties (and unparseable dates, last) keep the order they came in. */
const newestFirst = <T extends { observedAt: string }>(findings: readonly T[]): T[] =>
  findings
    .map((f, i) => ({ f, i, t: timeOf(f.observedAt) }))
    .sort((a, b) => b.t - a.t || a.i - b.i)
    .map(({ f }) => f);

/** The answer to `/cloudsec findings`: Security Hub findings, newest first, rendered like check findings. */
export const renderFindingsMessage = (data: FindingsMessageData, options: ListRenderOptions): MessagePayload => {
  assertScopeKeyFits(options.scopeKey);
  const names = accountNamesOf(data.accounts ?? []);
  const items = newestFirst(data.findings);
  const notes = resurfacedNotes(data.acceptedRisks);
  const render = memoize((f: (typeof items)[number]) =>
    findingSection(f, names, {
      remediationEnabled: options.remediationEnabled,
      acceptRisk: options.acceptRiskEnabled === true,
      whoDidThis: options.whoDidThisEnabled === true,
      showSeverity: true,
      updated: ageOf(f.observedAt, options.now),
      note: notes.get(f.id),
    }),
  );
  const counts = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of items) counts[f.severity] += 1;
  const filter = [
    data.filter?.severity ? `severity ${data.filter.severity}` : null,
    data.filter?.accountId ? `account ${code(data.filter.accountId, 40)}` : null,
  ].filter((x): x is string => x !== null);
  const scope = filter.length ? ` (${filter.join(', ')})` : '';
  const headline =
    items.length > 0
      ? `*${items.length} Security Hub ${items.length === 1 ? 'finding' : 'findings'}*${scope}: ${severityCounts(counts)}`
      : (data.acceptedRisks?.hidden ?? 0) > 0
        ? // Not "nothing": everything there is was accepted, and the line below says how much.
          `*No Security Hub findings shown*${scope}: all of them are hidden by accepted risks.`
        : `:white_check_mark: *No Security Hub findings*${scope}.`;
  const head: Block[] = [
    header('Security Hub findings'),
    ...(data.demo ? [context(DEMO_NOTE)] : []),
    section(headline),
    ...(data.generatedAt
      ? [context(`Data from ${ageOf(data.generatedAt, options.now)} · newest first`)]
      : [context('Newest first')]),
    ...acceptedRisksBlocks(data.acceptedRisks, options),
    divider(),
  ];
  const filterWords = [data.filter?.severity, data.filter?.accountId && `account ${data.filter.accountId}`]
    .filter(Boolean)
    .join(', ');
  const text = truncate(
    escapeMrkdwn(
      `${data.demo ? '[DEMO DATA] ' : ''}Security Hub${filterWords ? ` (${filterWords})` : ''}: ` +
        `${items.length} findings${items.length ? ` (${severityCounts(counts, ', ')})` : ''}${hiddenFallback(data.acceptedRisks)}.`,
    ),
    Math.min(MESSAGE_BUDGET.maxFallbackText, BLOCK_KIT.textObject),
  );
  return pagedMessage({
    items,
    page: normalizePage(options.page, items.length),
    noun: 'finding',
    scopeKey: options.scopeKey,
    requestedBy: requesterOf(options),
    budget: MESSAGE_BUDGET,
    text,
    head,
    body: (shown) => shown.map(render),
    tail: [],
  }).payload;
};
