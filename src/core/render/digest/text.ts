import { SEVERITIES } from '../../model';
import type { DigestAcceptedRisk, DigestAlerts, DigestItem, DigestReport } from '../../digest/model';
import {
  ACCEPTED_LISTED,
  ALERTS_COMMAND,
  ALERTS_UNREADABLE,
  LIST_CAP,
  SECTION_TITLES,
  acceptedHiddenText,
  alertCountsText,
  alertsNotListed,
  daysLeftText,
  expiredFindingsText,
  expiringFindingsText,
  expiryDay,
  hasAcceptedNews,
  asOfText,
  changesLine,
  itemAge,
  itemConsoleUrl,
  listsOf,
  num,
  partitionFor,
  plural,
  scoreHeadline,
  scoreText,
  severityChange,
  severityCountsText,
  showable,
  total,
  totalChange,
  type DigestList,
} from './format';
import type { DigestRenderOptions } from './blocks';
import { terminalLine } from '../plain';
import { problemTitle } from '../headline';

const DEMO_BANNER = '*** DEMO DATA: a fictional, deliberately misconfigured estate, not your AWS accounts ***';

export interface DigestTextOptions extends DigestRenderOptions {
  /** Items listed per section before "…and N more" (full style; compact always lists 5 new). Default 50. */
  maxPerSection?: number;
}

const clean = terminalLine;

const labelOf = (id: string, name: string | undefined): string =>
  name && name !== id ? `${clean(name, 60)} (${clean(id, 40)})` : clean(id, 40);

const nameOf = (report: DigestReport, id: string): string | undefined =>
  Object.prototype.hasOwnProperty.call(report.accountNames, id) ? report.accountNames[id] : undefined;

const accountLabel = (report: DigestReport, id: string): string => labelOf(id, nameOf(report, id));

const riskLines = (risks: readonly DigestAcceptedRisk[], detail: (r: DigestAcceptedRisk) => string): string[] => [
  ...risks
    .slice(0, ACCEPTED_LISTED)
    .map((r) => `  - ${clean(r.id, 80)} · owner ${clean(r.owner.name ?? r.owner.id, 60)} · ${detail(r)}`),
  ...(risks.length > ACCEPTED_LISTED ? [`  …and ${plural(risks.length - ACCEPTED_LISTED, 'more')}`] : []),
];

const itemLines = (item: DigestItem, list: DigestList, report: DigestReport, options: DigestTextOptions): string[] => {
  const age = itemAge(list.section, item, report.scheduledFor);
  // Every digest item is a failing finding: it leads with what is wrong and with what (headline.ts).
  const title = clean(problemTitle(item), 200) || clean(item.checkId, 200);
  const resource = clean(item.resourceId, 200);
  const out = [
    `  [${item.severity.toUpperCase()}] ${title}${resource ? ` · ${resource}` : ''}${age ? ` · ${age}` : ''}`,
    `      ${[accountLabel(report, item.accountId), clean(item.region, 40)].filter(Boolean).join(' · ')}`,
  ];
  if (list.section === 'new') {
    const message = clean(item.message, 400);
    if (message) out.push(`      ${message}`);
  }
  const url = itemConsoleUrl(item, partitionFor(options.partition, item.accountId));
  if (url) out.push(`      ${clean(url, 2000)}`);
  if (list.remediable && report.remediationEnabled && item.remediationId)
    out.push(`      fix: /cloudsec remediate ${clean(item.findingId, 100)}`);
  return out;
};

/** The alerts line and the most severe open alerts, as the Slack message words them. */
const alertLines = (report: DigestReport, alerts: DigestAlerts): string[] => {
  if (alerts.kind === 'unreadable') return [`! Alerts: ${ALERTS_UNREADABLE} · ${ALERTS_COMMAND}`];
  const more = alertsNotListed(alerts);
  return [
    `Alerts: ${alertCountsText(alerts)} · ${ALERTS_COMMAND}`,
    ...alerts.topOpen.map((a) => {
      const parts = [
        `[${a.severity.toUpperCase()}] ${clean(a.title, 100) || clean(a.id, 100)}`,
        accountLabel(report, a.accountId),
        ...(a.status === 'acknowledged' ? ['acknowledged'] : []),
        clean(a.summary, 200),
      ].filter(Boolean);
      return `  ${parts.join(' · ')}`;
    }),
    ...(more > 0 && alerts.topOpen.length > 0 ? [`  …and ${plural(more, 'more open alert')}`] : []),
  ];
};

/**
 * The digest as plain text: `cloudsec digest --preview <name>` and the console demo. Same content and
 * wording as the Slack message; lists are capped (default 50 per section) with an exact "…and N more".
 */
export const renderDigestText = (report: DigestReport, options: DigestTextOptions = {}): string => {
  const cap = report.style === 'compact' ? LIST_CAP.compact : Math.max(0, options.maxPerSection ?? 50);
  const out: string[] = [];
  if (report.demo) out.push(DEMO_BANNER, '');
  out.push(`Posture digest: ${clean(report.name, 100)}${report.demo ? ' (DEMO)' : ''}`);
  out.push(`As of ${clean(asOfText(report.scheduledFor, report.timezone), 120)}`);
  const scope = clean(report.scopeText);
  if (scope) out.push(`Scope: ${scope}`);
  if (report.incomplete.length > 0) {
    out.push(
      '',
      '! Scan incomplete: some of the scope could not be read. Findings there are kept as they were',
      '! (never counted as resolved), so the figures below may be missing what could not be seen.',
      ...report.incomplete.slice(0, 20).map((l) => `!   - ${clean(l) || '(no detail)'}`),
      ...(report.incomplete.length > 20 ? [`!   …and ${plural(report.incomplete.length - 20, 'more problem')}`] : []),
    );
  }
  const expired = report.acceptedRisks?.expired ?? [];
  if (expired.length > 0) {
    out.push(
      '',
      `!! ${plural(expired.length, 'accepted risk')} expired since the last digest: ${expired.length === 1 ? 'what it hid is' : 'what they hid is'} failing again unless fixed.`,
      ...riskLines(expired, (r) => `ended ${clean(expiryDay(r), 60)} · ${expiredFindingsText(r)}`),
    );
  }
  const { score, change } = scoreHeadline(report);
  const withChange = (n: number, c: string | null) => `${num(n)}${c ? ` (${c})` : ''}`;
  out.push(
    '',
    `${score} · ${change}`,
    `Open findings: ${withChange(total(report.open), totalChange(report))}`,
    `  ${SEVERITIES.map((s) => `${s} ${withChange(report.open[s], severityChange(report, s))}`).join(', ')}`,
    `Suppressed: ${num(report.suppressed)}`,
    `${changesLine(report, ', ')}`,
  );
  const accepted = report.acceptedRisks;
  if (hasAcceptedNews(accepted)) {
    out.push('', `Accepted risks: ${acceptedHiddenText(accepted) ?? 'nothing hidden'}`);
    if (accepted.expiring.length > 0)
      out.push(
        `Expiring within 7 days (${num(accepted.expiring.length)}):`,
        ...riskLines(accepted.expiring, (r) => `${daysLeftText(r)} · ${expiringFindingsText(r)}`),
      );
    if (accepted.stale.length > 0)
      out.push(
        `Stale, matching nothing any more (${num(accepted.stale.length)}): revoke them or narrow their scope`,
        ...riskLines(accepted.stale, (r) => `expires ${clean(expiryDay(r), 60)}`),
      );
    for (const problem of accepted.problems.slice(0, 3)) out.push(`! ${clean(problem, 300)}`);
  }

  if (report.alerts) out.push('', ...alertLines(report, report.alerts));

  if (report.style === 'full' && report.accounts.length > 0) {
    out.push('', `BY ACCOUNT (${num(report.accounts.length)}, worst first)`);
    for (const a of report.accounts.slice(0, Math.max(cap, 1))) {
      const counts = severityCountsText(a.open, ', ');
      out.push(
        `  ${labelOf(a.accountId, a.accountName || nameOf(report, a.accountId))}: ` +
          `${a.score === null ? 'no score' : `score ${scoreText(a.score)}`}; ${counts || 'nothing open'}; ` +
          `${num(a.opened)} new, ${num(a.resolved)} resolved`,
      );
    }
    const hidden = report.accounts.length - Math.max(cap, 1);
    if (hidden > 0) out.push(`  …and ${plural(hidden, 'more account')}`);
  }

  for (const list of listsOf(report)) {
    const order = list.section === 'still_open' && list.total > 1 ? ', oldest first' : '';
    out.push(
      '',
      `${SECTION_TITLES[list.section].toUpperCase()} (${list.total === 0 ? 'none' : num(list.total)}${order})`,
    );
    const shown = showable(list).slice(0, cap);
    for (const item of shown) out.push(...itemLines(item, list, report, options));
    const more = list.total - shown.length;
    if (more > 0) out.push(`  …and ${num(more)} more`);
  }
  if (report.demo) out.push('', DEMO_BANNER);
  return out.join('\n') + '\n';
};
