import { SEVERITIES } from '../../model';
import type {
  AccountBreakdown,
  DigestAcceptedRisks,
  DigestAlert,
  DigestAlerts,
  DigestItem,
  DigestReport,
} from '../../digest/model';
import { EXPIRING_SOON_DAYS } from '../../exceptions/model';
import { acceptedRisksLine, expiredLines, expiringLines, staleLines } from '../blocks/exceptions/digest';
import { BLOCK_KIT, MESSAGE_BUDGET } from '../limits';
import { bold, clip, code, escapeMrkdwn, lineStart, truncate } from '../mrkdwn';
import { DEMO_NOTE } from '../blocks/check-message';
import { ACTION_IDS, SEVERITY_EMOJI, keyOf, severityLabel, accountLabel, type AccountNames } from '../blocks/finding';
import {
  button,
  context,
  divider,
  fieldsSection,
  header,
  section,
  type Block,
  type MessagePayload,
  type SectionBlock,
} from '../blocks/kit';
import { largestFitting, memoize } from '../blocks/paging';
import { problemTitle } from '../headline';
import {
  ACCEPTED_LISTED,
  ALERTS_COMMAND,
  ALERTS_UNREADABLE,
  LIST_CAP,
  SECTION_TITLES,
  hasAcceptedNews,
  asOfText,
  alertCountsText,
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
  type DigestSection,
} from './format';

export interface DigestRenderOptions {
  /** AWS partition for console links (`aws`, `aws-us-gov`, `aws-cn`), or one per account. Default `aws`. */
  partition?: string | ((accountId: string) => string);
}

export interface DigestMessage extends MessagePayload {
  /** Some listed finding was left out: the caller attaches the full list (the message says it is attached). */
  truncated: boolean;
}

const SECTION_EMOJI: Record<DigestSection, string> = {
  new: ':new:',
  reopened: ':leftwards_arrow_with_hook:',
  resolved: ':white_check_mark:',
  suppressed: ':see_no_evil:',
  still_open: ':hourglass:',
};

/** Per-item bounds that keep one finding near 600 characters, so a message always holds several. */
const MAX = { title: 120, resource: 140, region: 30, message: 240, url: 1000 } as const;
/** Head parts with outside text are bounded so the head alone always leaves room for findings. */
const HEAD = { incomplete: 1200, incompleteLine: 300, accounts: 1800, scope: 300, accepted: 1400 } as const;

export const MORE_ATTACHED = 'the full list is attached';

/**
 * A console URL goes inside `<url|label>`: one that could close the link early or is not https is
 * left out rather than repaired (it would point somewhere else).
 */
const SAFE_URL = /^https:\/\/[^\s<>|]+$/;
const consoleLink = (item: DigestItem, partition: DigestRenderOptions['partition']): string | null => {
  const url = itemConsoleUrl(item, partitionFor(partition, item.accountId));
  if (url === null || url.length > MAX.url || !SAFE_URL.test(url)) return null;
  return `<${escapeMrkdwn(url)}|AWS console>`;
};

const namesOf = (report: DigestReport): AccountNames =>
  new Map(Object.entries(report.accountNames).map(([id, name]) => [keyOf(id), name]));

/** Lines up to `max` characters, then "…and N more <noun>s" with N exact. */
const cappedLines = (lines: readonly string[], max: number, noun: string): string[] => {
  const out: string[] = [];
  let used = 0;
  const reserve = 40;
  for (const [i, line] of lines.entries()) {
    const room = i === lines.length - 1 ? max : max - reserve;
    if (used + line.length + 1 > room) {
      out.push(`…and ${plural(lines.length - i, `more ${noun}`)}`);
      return out;
    }
    out.push(line);
    used += line.length + 1;
  }
  return out;
};

const incompleteBlock = (report: DigestReport): SectionBlock =>
  section(
    [
      ':warning: *Scan incomplete:* some of the scope could not be read. Findings there are kept as they were ' +
        '(never counted as resolved), so the figures below may be missing what could not be seen.',
      ...cappedLines(
        report.incomplete.map((l) => `• ${clip(l, HEAD.incompleteLine) || '(no detail)'}`),
        HEAD.incomplete,
        'problem',
      ),
    ].join('\n'),
  );

/**
 * Accepted risks that ended since the last digest, loudly and near the top: their findings are back
 * in the failing lists (under "Back since last digest"), and whoever owned them should know. The
 * lines are the accepted-risk renderers' (src/core/render/blocks/exceptions/digest.ts).
 */
const expiredBlock = (accepted: DigestAcceptedRisks): SectionBlock =>
  section(cappedLines(expiredLines(accepted.expired, { max: ACCEPTED_LISTED }), HEAD.accepted, 'line').join('\n'));

/** "14 findings hidden by 3 exceptions", then those expiring soon, stale ones and read problems. */
const acceptedBlock = (accepted: DigestAcceptedRisks): SectionBlock => {
  const lines = [
    acceptedRisksLine(accepted) ?? ':shield: *Accepted risks*: nothing hidden',
    ...expiringLines(accepted.expiring, { days: EXPIRING_SOON_DAYS, max: ACCEPTED_LISTED }),
    ...staleLines(accepted.stale, { max: ACCEPTED_LISTED }),
    ...accepted.problems.slice(0, 3).map((problem) => `:warning: ${clip(problem, 300)}`),
  ];
  return section(cappedLines(lines, HEAD.accepted, 'line').join('\n'));
};

/** Per-alert bounds: five alerts and the line stay well inside one section. */
const ALERT_MAX = { title: 100, summary: 160 } as const;
/**
 * What the listed alerts may cost in the payload's JSON. The head must fit with no finding listed
 * whatever the data (see HEAD), and a character JSON escapes costs up to six: so the listed alerts
 * are bounded by their cost, not their length. Five ordinary alerts fit; costly ones are counted
 * under "…and N more".
 */
const ALERTS_JSON_COST = 1800;
const jsonCost = (s: string): number => JSON.stringify(s).length - 2;

const alertLine = (alert: DigestAlert, names: AccountNames): string => {
  const title = bold(alert.title, ALERT_MAX.title) || code(alert.id, ALERT_MAX.title);
  const summary = clip(alert.summary, ALERT_MAX.summary);
  const parts = [
    `${SEVERITY_EMOJI[alert.severity]} ${title}`,
    accountLabel(alert.accountId, names),
    ...(alert.status === 'acknowledged' ? ['acknowledged'] : []),
    ...(summary ? [summary] : []),
  ];
  return `• ${parts.join(' · ')}`;
};

/**
 * "Alerts: 3 opened, 1 resolved, 2 still open · `/cloudsec alerts`", then the most severe open ones.
 * A store that could not be read is said loudly: no figures rather than zeros.
 */
const alertsBlock = (alerts: DigestAlerts, names: AccountNames): SectionBlock => {
  const command = `\`${ALERTS_COMMAND}\``;
  if (alerts.kind === 'unreadable') return section(`:warning: *Alerts:* ${ALERTS_UNREADABLE} · ${command}`);
  const listed: string[] = [];
  let cost = 0;
  for (const alert of alerts.topOpen) {
    const line = alertLine(alert, names);
    cost += jsonCost(line) + 2;
    if (cost > ALERTS_JSON_COST) break;
    listed.push(line);
  }
  const more = Math.max(0, alerts.stillOpen - listed.length);
  return section(
    [
      `:rotating_light: *Alerts:* ${alertCountsText(alerts)} · ${command}`,
      ...listed,
      ...(more > 0 && alerts.topOpen.length > 0 ? [`…and ${plural(more, 'more open alert')}`] : []),
    ].join('\n'),
  );
};

const headlineBlock = (report: DigestReport): SectionBlock => {
  const { score, change } = scoreHeadline(report);
  return section(`*${score}* · ${change}\n*${changesLine(report)}*`);
};

const countsBlock = (report: DigestReport): SectionBlock => {
  const field = (label: string, n: number, change: string | null) =>
    `${label}\n${num(n)}${change ? `  ${change}` : ''}`;
  return fieldsSection([
    field('*Open findings*', total(report.open), totalChange(report)),
    ...SEVERITIES.map((s) =>
      field(`${SEVERITY_EMOJI[s]} *${severityLabel(s)}*`, report.open[s], severityChange(report, s)),
    ),
    field('*Suppressed*', report.suppressed, null),
  ]);
};

const accountLine = (a: AccountBreakdown, names: AccountNames): string => {
  const name = a.accountName && a.accountName !== a.accountId ? a.accountName : names.get(keyOf(a.accountId));
  const label = name && name !== a.accountId ? `${clip(name, 60)} (${clip(a.accountId, 40)})` : clip(a.accountId, 40);
  const parts = [
    a.score === null ? 'no score' : `score ${scoreText(a.score)}`,
    severityCountsText(a.open) || 'nothing open',
    `${num(a.opened)} new`,
    `${num(a.resolved)} resolved`,
  ];
  return `• *${label || '(no id)'}* · ${parts.join(' · ')}`;
};

const accountsBlock = (report: DigestReport, names: AccountNames): SectionBlock =>
  section(
    [
      `*By account* · ${plural(report.accounts.length, 'account')}, worst first`,
      ...cappedLines(
        report.accounts.map((a) => accountLine(a, names)),
        HEAD.accounts,
        'account',
      ),
    ].join('\n'),
  );

const itemBlock = (
  item: DigestItem,
  list: DigestList,
  report: DigestReport,
  names: AccountNames,
  options: DigestRenderOptions,
): SectionBlock => {
  // Every digest item is a failing finding: it leads with what is wrong and with what (headline.ts),
  // so a public bucket is never listed under the control's desired state.
  const title = bold(problemTitle(item), MAX.title) || code(item.checkId, MAX.title);
  const resource = code(item.resourceId, MAX.resource);
  const age = itemAge(list.section, item, report.scheduledFor);
  const where = [
    accountLabel(item.accountId, names),
    clip(item.region, MAX.region),
    consoleLink(item, options.partition),
  ].filter((p): p is string => !!p);
  const lines = [
    `${SEVERITY_EMOJI[item.severity]} ${severityLabel(item.severity)} · ${title}${resource ? ` · ${resource}` : ''}${age ? ` · ${age}` : ''}`,
    where.join(' · '),
  ];
  // The sentence matters most for what is new; for the rest the title says enough and space is scarce.
  if (list.section === 'new') {
    const message = clip(item.message, MAX.message);
    if (message) lines.push(lineStart(message));
  }
  const remediate =
    list.remediable && report.remediationEnabled && item.remediationId
      ? button('Remediate', ACTION_IDS.remediationRequest, item.findingId)
      : undefined;
  return section(lines.join('\n'), remediate);
};

const listTitle = (list: DigestList): SectionBlock => {
  const count = list.total === 0 ? 'none' : num(list.total);
  const order = list.section === 'still_open' && list.total > 1 ? ' · oldest first' : '';
  return section(`${SECTION_EMOJI[list.section]} *${SECTION_TITLES[list.section]}* · ${count}${order}`);
};

const moreNote = (more: number) => context(`…and ${num(more)} more — ${MORE_ATTACHED}`);

/** The fallback: notifications, screen readers, and clients that cannot show blocks. */
const fallbackText = (report: DigestReport): string => {
  const { score, change } = scoreHeadline(report);
  const open = total(report.open);
  const counts = severityCountsText(report.open, ', ');
  const expired = report.acceptedRisks?.expired.length ?? 0;
  const parts = [
    report.demo ? '[DEMO DATA] ' : '',
    report.incomplete.length > 0 ? 'Scan incomplete. ' : '',
    expired > 0 ? `${plural(expired, 'accepted risk')} expired. ` : '',
    `Posture digest ${report.name}: ${score} (${change}); `,
    `${plural(open, 'open finding')}${counts ? ` (${counts})` : ''}; `,
    `${changesLine(report, ', ')}.`,
    report.alerts === undefined
      ? ''
      : ` Alerts: ${report.alerts.kind === 'read' ? alertCountsText(report.alerts) : ALERTS_UNREADABLE}.`,
  ];
  return truncate(escapeMrkdwn(parts.join('')), Math.min(MESSAGE_BUDGET.maxFallbackText, BLOCK_KIT.textObject));
};

/**
 * The digest as one chat.postMessage payload. Counts are always exact; each list shows as many items
 * as the message can hold (the same number for every list, found by measuring whole candidate
 * messages), and every list that was cut says by how many, with `truncated` telling the caller to
 * attach the full list.
 */
export const renderDigestBlocks = (report: DigestReport, options: DigestRenderOptions = {}): DigestMessage => {
  const names = namesOf(report);
  const lists = listsOf(report);
  const cap = LIST_CAP[report.style];
  const renderers = new Map(
    lists.map((list) => [list, memoize((item: DigestItem) => itemBlock(item, list, report, names, options))]),
  );
  const text = fallbackText(report);

  const titleLine = `${report.demo ? 'DEMO · ' : ''}Posture digest: ${report.name}`;
  const asOf = `As of ${clip(asOfText(report.scheduledFor, report.timezone), 120)}`;
  const scope = clip(report.scopeText, HEAD.scope);
  const head: Block[] = [
    header(titleLine),
    ...(report.incomplete.length > 0 ? [incompleteBlock(report)] : []),
    ...((report.acceptedRisks?.expired.length ?? 0) > 0 ? [expiredBlock(report.acceptedRisks!)] : []),
    ...(report.demo ? [context(DEMO_NOTE)] : []),
    context(scope ? `${asOf} · ${scope}` : asOf),
    headlineBlock(report),
    countsBlock(report),
    ...(hasAcceptedNews(report.acceptedRisks) ? [acceptedBlock(report.acceptedRisks)] : []),
    ...(report.alerts ? [alertsBlock(report.alerts, names)] : []),
    divider(),
    ...(report.style === 'full' && report.accounts.length > 0 ? [accountsBlock(report, names), divider()] : []),
  ];
  const build = (n: number): DigestMessage => {
    let cut = false;
    const body = lists.flatMap((list, i): Block[] => {
      const shown = showable(list).slice(0, Math.min(n, cap));
      const more = list.total - shown.length;
      if (more > 0) cut = true;
      const render = renderers.get(list)!;
      return [
        ...(i > 0 ? [divider()] : []),
        listTitle(list),
        ...shown.map(render),
        ...(more > 0 ? [moreNote(more)] : []),
      ];
    });
    return { text, blocks: [...head, ...body], truncated: cut };
  };
  // The head's outside text is bounded (HEAD, MAX) so that it fits with no item at all, whatever the
  // data; the worst-case test in test/core/render/digest holds that bound.
  return largestFitting(cap, build, MESSAGE_BUDGET).payload;
};
