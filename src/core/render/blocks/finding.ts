import { SEVERITIES, type Finding, type Severity } from '../../model';
import { bold, clip, code, lineStart } from '../mrkdwn';
import { button, overflow, section, type SectionBlock } from './kit';
import { EXCEPTION_ACTION_IDS } from './exceptions/ids';
import { headingOf } from '../headline';
import { FINDING_WHO_ACTION } from './alerts/action-ids';

/** Slack action ids this module emits (`domain.verb`, as the design asks); handlers register these. */
export const ACTION_IDS = {
  remediationRequest: 'remediation.request',
  remediationReview: 'remediation.review',
  findingsPage: 'findings.page',
  findingsExport: 'findings.export',
  /**
   * The overflow of a failing finding that offers several of Remediate, Accept risk… and Who did this?
   * (handlers/actions/exceptions.ts; values `remediate:<id>`, `accept:<id>`, `who:<id>`).
   */
  findingMenu: 'finding.menu',
} as const;

/** Finding ids as findingId makes them; anything else gets no accept control (it could not be looked up). */
const FINDING_ID = /^f_[0-9a-f]{16}$/;

/** What the renderers read from a finding: `CheckReport['findings']` entries qualify as well as full Findings. */
export type RenderableFinding = Pick<
  Finding,
  | 'id'
  | 'checkId'
  | 'status'
  | 'severity'
  | 'accountId'
  | 'region'
  | 'resource'
  | 'title'
  | 'message'
  | 'remediationId'
  | 'evidence'
>;

export const SEVERITY_EMOJI: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  informational: ':white_circle:',
};

export const severityLabel = (s: Severity): string => s.charAt(0).toUpperCase() + s.slice(1);

/** "3 critical · 4 high" for the severities that have any. */
export const severityCounts = (bySeverity: Record<Severity, number>, separator = ' · '): string =>
  SEVERITIES.filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}`)
    .join(separator);

export type AccountNames = ReadonlyMap<string, string>;

/**
 * Map key for an outside value. Real account ids and IAM actions are far shorter; bounding the key keeps
 * a pathological multi-megabyte value from being hashed again and again.
 */
export const keyOf = (s: string): string => (s.length > 256 ? s.slice(0, 256) : s);

export const accountNamesOf = (accounts: readonly { id: string; name: string }[]): AccountNames =>
  new Map(accounts.map((a) => [keyOf(a.id), a.name]));

/** `acme-prod (111111111111)`, escaped; the id alone when the name adds nothing. */
export const accountLabel = (accountId: string, names: AccountNames): string => {
  const name = names.get(keyOf(accountId));
  return name && name !== accountId ? `${clip(name, 60)} (${clip(accountId, 40)})` : clip(accountId, 40);
};

/** Upper bounds that keep one finding's section near 700 characters, so a page always holds several. */
const MAX = { title: 120, resource: 140, region: 30, message: 320 } as const;

/**
 * One finding as one section: heading, where it is, and its sentence; the Remediate button rides along
 * as the section's accessory so a finding costs one block, not two. A failing finding's heading is
 * what is wrong and the resource it is wrong with ("*S3 bucket is public through its bucket policy* ·
 * `legacy-public`"), never the control's desired state (see headline.ts).
 */
export const findingSection = (
  f: RenderableFinding,
  names: AccountNames,
  opts: {
    remediationEnabled: boolean;
    showSeverity?: boolean;
    updated?: string;
    /**
     * A last line of escaped mrkdwn about the finding, bounded by the caller: a finding an accepted
     * risk covers but that is shown again because it got worse says so (resurfacedNote).
     */
    note?: string | undefined;
    /**
     * Offer "Accept risk…" on a failing finding (accepted risks can be asked for here). With a
     * Remediate button too, both go into one overflow menu (`finding.menu`, values `remediate:<id>`
     * and `accept:<id>`), so a finding still costs one block.
     */
    acceptRisk?: boolean;
    /**
     * Offer "Who did this?" on a failing finding (CloudTrail's event history can be asked): value
     * the finding id (FINDING_WHO_ACTION), or `who:<id>` in the overflow menu beside the others.
     */
    whoDidThis?: boolean;
  },
): SectionBlock => {
  const title = bold(headingOf(f), MAX.title) || code(f.checkId, MAX.title);
  const failing = f.status === 'fail';
  const resource = code(f.resource.id, MAX.resource);
  const where = [...(failing ? [] : [resource]), accountLabel(f.accountId, names), clip(f.region, MAX.region)];
  const lines = [
    `${opts.showSeverity ? `${SEVERITY_EMOJI[f.severity]} ${severityLabel(f.severity)} · ` : ''}${title}` +
      (failing ? ` · ${resource}` : ''),
    where.join(' · ') + (opts.updated ? ` · updated ${opts.updated}` : ''),
  ];
  const message = clip(f.message, MAX.message);
  if (message) lines.push(lineStart(message));
  if (opts.note) lines.push(opts.note);
  const remediable = opts.remediationEnabled && f.status === 'fail' && f.remediationId !== null;
  const acceptable = opts.acceptRisk === true && f.status === 'fail' && FINDING_ID.test(f.id);
  const askWho = opts.whoDidThis === true && f.status === 'fail' && FINDING_ID.test(f.id);
  // One control rides as the accessory; several go into one overflow menu (`finding.menu`).
  const offered = [
    ...(remediable
      ? [
          {
            label: 'Remediate',
            value: `remediate:${f.id}`,
            alone: () => button('Remediate', ACTION_IDS.remediationRequest, f.id),
          },
        ]
      : []),
    ...(acceptable
      ? [
          {
            label: 'Accept risk…',
            value: `accept:${f.id}`,
            alone: () => button('Accept risk…', EXCEPTION_ACTION_IDS.request, f.id),
          },
        ]
      : []),
    ...(askWho
      ? [
          {
            label: 'Who did this?',
            value: `who:${f.id}`,
            alone: () => button('Who did this?', FINDING_WHO_ACTION, f.id),
          },
        ]
      : []),
  ];
  const accessory =
    offered.length > 1
      ? // The label stays "Remediate", as on the plain button, so the action reads the same everywhere.
        overflow(
          ACTION_IDS.findingMenu,
          offered.map(({ label, value }) => ({ label, value })),
        )
      : offered[0]?.alone();
  return section(lines.join('\n'), accessory);
};

/** The IAM action an unknown finding needs, when the engine recorded one. */
export const missingPermissionOf = (f: RenderableFinding): string | null => {
  const p = f.evidence['missingPermission'];
  return typeof p === 'string' && keyOf(p).trim() !== '' ? keyOf(p) : null;
};

/** Why a value could not be collected, other than a refusal: what a person is told, and what to do. */
const CAUSES = {
  throttled: { label: 'AWS throttled the calls', next: 'run the check again later' },
  unreachable: {
    label: 'AWS could not be reached (network, DNS, timeout)',
    next: 'check network access to AWS, then run the check again',
  },
  'region-unavailable': {
    label: 'Region not enabled for the account',
    next: 'enable it, or leave it out of the regions cloudsec scans',
  },
  unsupported: { label: 'Not offered in that region', next: 'leave the region out of the regions cloudsec scans' },
  malformed: {
    label: "AWS's answer could not be read",
    next: 'a proxy may be answering for AWS: check network access, then run the check again',
  },
  other: { label: 'AWS calls failed', next: "run the check again; cloudsec's logs say more if it keeps failing" },
} as const;
type Cause = keyof typeof CAUSES;

/**
 * Why an unknown finding is unknown: a refused permission (grouped by the permission), a collection
 * failure of some other kind (`errorKind`, recorded since the kinds were split), or a reason only its
 * own sentence gives (null). Findings stored before `errorKind` existed named a permission for every
 * kind of failure, so for them the permission is all there is to go on.
 */
const causeOf = (f: RenderableFinding): { permission: string } | { cause: Cause } | null => {
  const kind = f.evidence['errorKind'];
  if (typeof kind === 'string' && kind !== 'access-denied' && Object.prototype.hasOwnProperty.call(CAUSES, kind))
    return { cause: kind as Cause };
  const permission = missingPermissionOf(f);
  return permission === null ? null : { permission };
};

const checks = (n: number) => `${n} ${n === 1 ? 'check' : 'checks'}`;

/**
 * Unknown findings by cause, each with its next step: refused permissions grouped by the permission
 * (grant it), then throttling, network, region and unreadable answers (not fixed by granting
 * anything), then what only the findings' own sentences explain. Counts are exact: every bullet's
 * "N check(s)" adds up to `unknown.length`.
 */
export const unknownSummary = (unknown: readonly RenderableFinding[], names: AccountNames, maxGroups = 6): string => {
  const byPermission = new Map<string, { count: number; accounts: Set<string> }>();
  const byCause = new Map<Cause, number>();
  let otherReasons = 0;
  const examples = new Set<string>();
  for (const f of unknown) {
    const why = causeOf(f);
    if (why === null) {
      otherReasons += 1;
      if (examples.size < 2) examples.add(clip(f.message, 160));
    } else if ('cause' in why) byCause.set(why.cause, (byCause.get(why.cause) ?? 0) + 1);
    else {
      const entry = byPermission.get(why.permission) ?? { count: 0, accounts: new Set<string>() };
      entry.count += 1;
      entry.accounts.add(keyOf(f.accountId));
      byPermission.set(why.permission, entry);
    }
  }
  const groups = [...byPermission.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  const shown = groups.slice(0, maxGroups);
  const lines = [`:grey_question: *${unknown.length} could not be checked.* Why, and what to do:`];
  if (groups.length > 0) {
    lines.push('Missing permissions: grant them to the role cloudsec uses, then run the check again.');
    for (const [permission, { count, accounts }] of shown) {
      const ids = [...accounts];
      const where = ids
        .slice(0, 2)
        .map((id) => accountLabel(id, names))
        .join(', ');
      const more = ids.length > 2 ? ` and ${ids.length - 2} more accounts` : '';
      lines.push(`• ${code(permission, 80)}: ${checks(count)} (${where}${more})`);
    }
    const hidden = groups.slice(maxGroups);
    if (hidden.length > 0) {
      const count = hidden.reduce((n, [, g]) => n + g.count, 0);
      lines.push(`• ${hidden.length} other permissions: ${checks(count)}`);
    }
  }
  for (const cause of Object.keys(CAUSES) as Cause[]) {
    const count = byCause.get(cause);
    if (count) lines.push(`• ${CAUSES[cause].label}: ${checks(count)}. Next: ${CAUSES[cause].next}.`);
  }
  // These are explained only by their own sentences, which the summary does not otherwise show.
  if (otherReasons > 0) {
    const shownExamples = [...examples].filter(Boolean);
    const lead = shownExamples.length === 0 ? '.' : otherReasons > shownExamples.length ? ', for example:' : ':';
    lines.push(`• Other reasons: ${checks(otherReasons)}${lead}`);
    for (const example of shownExamples) lines.push(`    ◦ ${example}`);
  }
  return lines.join('\n');
};

/** Severity order, stable within a severity (the engine's order: account, check, region, resource). */
export const bySeverity = <T extends { severity: Severity }>(findings: readonly T[]): T[] =>
  findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITIES.indexOf(a.f.severity) - SEVERITIES.indexOf(b.f.severity) || a.i - b.i)
    .map(({ f }) => f);
