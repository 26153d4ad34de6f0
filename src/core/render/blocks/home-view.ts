import { SEVERITIES, type Severity } from '../../model';
import { HOME_BUDGET } from '../limits';
import { bold, clip, code } from '../mrkdwn';
import { ageOf, utcStamp } from './age';
import { DEMO_NOTE, acceptedRisksBlocks, resurfacedNotes, type AcceptedRisksView } from './check-message';
import {
  ACTION_IDS,
  SEVERITY_EMOJI,
  accountNamesOf,
  findingSection,
  severityCounts,
  type RenderableFinding,
} from './finding';
import { button, context, divider, fieldsSection, header, section, type Block, type HomeView } from './kit';
import { largestFitting, memoize } from './paging';

export interface AccountPosture {
  accountId: string;
  name: string;
  /** Failing findings by severity. */
  bySeverity: Record<Severity, number>;
  fail: number;
  pass: number;
  unknown: number;
  /** Failing findings accepted risks hide in this account (not in `fail`); absent = 0. */
  accepted?: number | undefined;
}

/** A remediation request waiting for this user's decision (from the approval workflow). */
export interface PendingApproval {
  requestId: string;
  title: string;
  resourceId: string;
  accountId: string;
  /** Slack user id of the requester. */
  requestedBy: string;
  requestedAt: string;
}

export interface HomeViewData {
  userName?: string;
  summaryByAccount: readonly AccountPosture[];
  topFindings: readonly RenderableFinding[];
  lastRefreshed: string | null;
  now: Date;
  /** Absent: the approval workflow is not on, and the section is not shown at all. */
  pendingApprovals?: readonly PendingApproval[];
  remediationEnabled: boolean;
  /** Offer "Accept risk…" on failing findings (an approvals channel is configured). */
  acceptRiskEnabled?: boolean;
  whoDidThisEnabled?: boolean;
  demo?: boolean;
  /** What accepted risks hid or showed again among the user's findings (VisibleReport.acceptedRisks). */
  acceptedRisks?: AcceptedRisksView | undefined;
  /** The report's scope key, carried by Show (the hidden line's button); without it, no button. */
  scopeKey?: string | undefined;
  /** The user's Slack id, so that Show answers them alone when someone else presses it. */
  userId?: string | undefined;
}

const MAX_ACCOUNTS = 25;
const MAX_APPROVALS = 10;
const ACCOUNTS_PER_SECTION = 5;

/** Worst first: most critical, then most high, …, then most failing. */
const worstFirst = (a: AccountPosture, b: AccountPosture) => {
  for (const s of SEVERITIES) if (a.bySeverity[s] !== b.bySeverity[s]) return b.bySeverity[s] - a.bySeverity[s];
  return b.fail - a.fail || a.accountId.localeCompare(b.accountId);
};

const accountFields = (a: AccountPosture): string[] => {
  const worst = SEVERITIES.find((s) => a.bySeverity[s] > 0);
  return [
    `${bold(a.name, 60) || code(a.accountId, 40)}\n${code(a.accountId, 40)}`,
    `${worst ? SEVERITY_EMOJI[worst] : ':white_check_mark:'} *${a.fail} failing*` +
      (a.fail > 0 ? ` (${severityCounts(a.bySeverity)})` : '') +
      `\n${a.pass} passing · ${a.unknown} unknown` +
      (a.accepted ? ` · ${a.accepted} accepted` : ''),
  ];
};

const accountBlocks = (
  accounts: readonly AccountPosture[],
  total: number,
  fields: (a: AccountPosture) => string[],
): Block[] => {
  const blocks: Block[] = [];
  for (let i = 0; i < accounts.length; i += ACCOUNTS_PER_SECTION)
    blocks.push(fieldsSection(accounts.slice(i, i + ACCOUNTS_PER_SECTION).flatMap(fields)));
  if (accounts.length < total) blocks.push(context(`…and ${total - accounts.length} more accounts.`));
  return blocks;
};

/** A mention only for a well-formed Slack user id; anything else is shown as (escaped) text. */
const userRef = (id: string) => (/^[UW][A-Z0-9]{2,20}$/.test(id) ? `<@${id}>` : code(id, 40));

const approvalSection = (a: PendingApproval, now: Date): Block =>
  section(
    `${bold(a.title, 120) || '*Remediation request*'}\n${code(a.resourceId, 140)} · ${code(a.accountId, 40)}\n` +
      `Requested by ${userRef(a.requestedBy)} ${ageOf(a.requestedAt, now)}`,
    button('Review', ACTION_IDS.remediationReview, a.requestId),
  );

const approvalBlocks = (
  approvals: readonly PendingApproval[],
  n: number,
  render: (a: PendingApproval) => Block,
): Block[] => [
  section(
    approvals.length > 0
      ? `:inbox_tray: *Waiting for your approval* · ${approvals.length}`
      : ':inbox_tray: *Waiting for your approval* · none',
  ),
  ...approvals.slice(0, n).map(render),
  ...(n < approvals.length ? [context(`…and ${approvals.length - n} more requests.`)] : []),
];

/** The App Home tab: posture per account, pending approvals when the workflow is on, top findings. */
export const renderHomeView = (data: HomeViewData): HomeView => {
  const names = accountNamesOf(data.summaryByAccount.map((a) => ({ id: a.accountId, name: a.name })));
  const accounts = [...data.summaryByAccount].sort(worstFirst);
  const totals = { fail: 0, pass: 0, unknown: 0 };
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const a of accounts) {
    totals.fail += a.fail;
    totals.pass += a.pass;
    totals.unknown += a.unknown;
    for (const s of SEVERITIES) bySeverity[s] += a.bySeverity[s];
  }
  const hidden = data.acceptedRisks?.hidden ?? 0;
  const greeting = data.userName ? `Hi ${bold(data.userName, 80)}, here` : 'Here';
  const refreshed = data.lastRefreshed
    ? `Last refreshed ${ageOf(data.lastRefreshed, data.now)} (${clip(utcStamp(data.lastRefreshed), 40)})`
    : 'No scan yet: run `/cloudsec check all` to see your posture here.';
  const head: Block[] = [
    header('cloudsec · security posture'),
    section(
      `${greeting} is the posture of the ${accounts.length} AWS ${accounts.length === 1 ? 'account' : 'accounts'} you can see.`,
    ),
    context(refreshed),
    ...(data.demo ? [context(DEMO_NOTE)] : []),
    divider(),
    section(
      totals.fail > 0
        ? `*${totals.fail} failing* (${severityCounts(bySeverity)}) · ${totals.pass} passing · ${totals.unknown} unknown`
        : hidden > 0
          ? // Hidden failures are still failures: no check mark.
            `*Nothing failing but accepted risks* · ${totals.pass} passing · ${totals.unknown} unknown`
          : `:white_check_mark: *Nothing failing* · ${totals.pass} passing · ${totals.unknown} unknown`,
    ),
    ...acceptedRisksBlocks(data.acceptedRisks, {
      scopeKey: data.scopeKey ?? '',
      ...(data.userId ? { requestedBy: data.userId } : {}),
    }),
  ];
  const approvals = data.pendingApprovals;
  const findings = data.topFindings;
  const fieldsOf = memoize(accountFields);
  const approvalOf = memoize((a: PendingApproval) => approvalSection(a, data.now));
  const notes = resurfacedNotes(data.acceptedRisks);
  const findingOf = memoize((f: RenderableFinding) =>
    findingSection(f, names, {
      remediationEnabled: data.remediationEnabled,
      acceptRisk: data.acceptRiskEnabled === true,
      whoDidThis: data.whoDidThisEnabled === true,
      showSeverity: true,
      note: notes.get(f.id),
    }),
  );
  const view = (nAccounts: number, nApprovals: number, nFindings: number): HomeView => ({
    type: 'home',
    blocks: [
      ...head,
      ...accountBlocks(accounts.slice(0, nAccounts), accounts.length, fieldsOf),
      ...(approvals ? [divider(), ...approvalBlocks(approvals, nApprovals, approvalOf)] : []),
      ...(findings.length > 0
        ? [
            divider(),
            section('*Top findings*'),
            ...findings.slice(0, nFindings).map(findingOf),
            ...(nFindings < findings.length
              ? [context(`…and ${findings.length - nFindings} more: run \`/cloudsec check all\` for the full list.`)]
              : []),
          ]
        : []),
    ],
  });
  // Fill in priority order: accounts, then approvals (someone is waiting), then findings.
  const nAccounts = largestFitting(Math.min(MAX_ACCOUNTS, accounts.length), (n) => view(n, 0, 0), HOME_BUDGET).shown;
  const nApprovals = largestFitting(
    Math.min(MAX_APPROVALS, approvals?.length ?? 0),
    (n) => view(nAccounts, n, 0),
    HOME_BUDGET,
  ).shown;
  return largestFitting(findings.length, (n) => view(nAccounts, nApprovals, n), HOME_BUDGET).payload;
};

/**
 * The home tab of someone who may see no findings (no role, or a role without `findings:read`):
 * why, in the policy's words (which name whom to ask), and what they can use meanwhile. Nothing is
 * scanned for it, and no count is shown (an empty posture would read as "nothing failing").
 */
export const renderHomeWithoutAccess = (data: { userName?: string; reason: string }): HomeView => ({
  type: 'home',
  blocks: [
    header('cloudsec · security posture'),
    section(
      `${data.userName ? `Hi ${bold(data.userName, 80)}. ` : ''}:lock: *You cannot see any account's posture yet.*`,
    ),
    section(clip(`To see it here, ${data.reason}.`, 2900)),
    context('`/cloudsec whoami` shows your roles and what each lets you do; `/cloudsec help` lists the commands.'),
  ],
});
