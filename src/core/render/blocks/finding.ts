import { SEVERITIES, type Finding, type Severity } from '../../model';
import { bold, clip, code, lineStart } from '../mrkdwn';
import { button, section, type SectionBlock } from './kit';

/** Slack action ids this module emits (`domain.verb`, as the design asks); handlers register these. */
export const ACTION_IDS = {
  remediationRequest: 'remediation.request',
  remediationReview: 'remediation.review',
  findingsPage: 'findings.page',
  findingsExport: 'findings.export',
} as const;

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
 * One finding as one section: title, where it is, and its sentence; the Remediate button rides along as
 * the section's accessory so a finding costs one block, not two.
 */
export const findingSection = (
  f: RenderableFinding,
  names: AccountNames,
  opts: { remediationEnabled: boolean; showSeverity?: boolean; updated?: string },
): SectionBlock => {
  const title = bold(f.title, MAX.title) || code(f.checkId, MAX.title);
  const lines = [
    `${opts.showSeverity ? `${SEVERITY_EMOJI[f.severity]} ${severityLabel(f.severity)} · ` : ''}${title}`,
    `${code(f.resource.id, MAX.resource)} · ${accountLabel(f.accountId, names)} · ${clip(f.region, MAX.region)}` +
      (opts.updated ? ` · updated ${opts.updated}` : ''),
  ];
  const message = clip(f.message, MAX.message);
  if (message) lines.push(lineStart(message));
  const remediate =
    opts.remediationEnabled && f.status === 'fail' && f.remediationId
      ? button('Remediate', ACTION_IDS.remediationRequest, f.id)
      : undefined;
  return section(lines.join('\n'), remediate);
};

/** The IAM action an unknown finding needs, when the engine recorded one. */
export const missingPermissionOf = (f: RenderableFinding): string | null => {
  const p = f.evidence['missingPermission'];
  return typeof p === 'string' && keyOf(p).trim() !== '' ? keyOf(p) : null;
};

/**
 * Unknown findings, grouped by the permission that would let cloudsec decide. Counts are exact: the
 * listed groups, the "other permissions" line and the "other reasons" line add up to `unknown.length`.
 */
export const unknownSummary = (unknown: readonly RenderableFinding[], names: AccountNames, maxGroups = 6): string => {
  const byPermission = new Map<string, { count: number; accounts: Set<string> }>();
  let otherReasons = 0;
  for (const f of unknown) {
    const p = missingPermissionOf(f);
    if (p === null) {
      otherReasons += 1;
      continue;
    }
    const entry = byPermission.get(p) ?? { count: 0, accounts: new Set<string>() };
    entry.count += 1;
    entry.accounts.add(keyOf(f.accountId));
    byPermission.set(p, entry);
  }
  const groups = [...byPermission.entries()].sort((a, b) => b[1].count - a[1].count || a[0].localeCompare(b[0]));
  const shown = groups.slice(0, maxGroups);
  const lines = [
    `:grey_question: *${unknown.length} could not be checked.* Grant the permission and run the check again:`,
    ...shown.map(([permission, { count, accounts }]) => {
      const ids = [...accounts];
      const where = ids
        .slice(0, 2)
        .map((id) => accountLabel(id, names))
        .join(', ');
      const more = ids.length > 2 ? ` and ${ids.length - 2} more accounts` : '';
      return `• ${code(permission, 80)}: ${count} ${count === 1 ? 'check' : 'checks'} (${where}${more})`;
    }),
  ];
  const hidden = groups.slice(maxGroups);
  if (hidden.length > 0) {
    const count = hidden.reduce((n, [, g]) => n + g.count, 0);
    lines.push(`• ${hidden.length} other permissions: ${count} ${count === 1 ? 'check' : 'checks'}`);
  }
  if (otherReasons > 0)
    lines.push(`• ${otherReasons} for other reasons (region not enabled, throttling, errors): see the CSV export`);
  return lines.join('\n');
};

/** Severity order, stable within a severity (the engine's order: account, check, region, resource). */
export const bySeverity = <T extends { severity: Severity }>(findings: readonly T[]): T[] =>
  findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => SEVERITIES.indexOf(a.f.severity) - SEVERITIES.indexOf(b.f.severity) || a.i - b.i)
    .map(({ f }) => f);
