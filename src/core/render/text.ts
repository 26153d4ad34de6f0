import { SEVERITIES, type Severity } from '../model';
import { acceptedRisksSummaryText, type CheckReport } from './report';
import type { CheckDefinition } from '../checks/define';
import { problemTitle } from './headline';
import { terminalLine } from './plain';

const DEMO_BANNER = '*** DEMO DATA: a fictional, deliberately misconfigured estate, not your AWS accounts ***';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** Column widths from the data so the table stays aligned whatever the names. */
const table = (rows: string[][]): string[] => {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : pad(c, widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
};

const counts = (bySeverity: Record<Severity, number>) =>
  SEVERITIES.filter((s) => bySeverity[s] > 0)
    .map((s) => `${bySeverity[s]} ${s}`)
    .join(', ');

const accountLabel = (report: CheckReport, id: string) => {
  const name = report.accounts.find((a) => a.id === id)?.name;
  return name && name !== id ? `${id} (${name})` : id;
};

/**
 * Two lines per failing finding: what is wrong and where (a table row), then its sentence, the check
 * and the fix. Every value is one terminal line, so a message AWS wrote over several lines cannot
 * break the table.
 */
const findingRows = (report: CheckReport, findings: CheckReport['findings']) =>
  findings.flatMap((f) => [
    [
      `  ${terminalLine(problemTitle(f), 120)}`,
      terminalLine(accountLabel(report, f.accountId), 100),
      terminalLine(f.region, 40),
      terminalLine(`${f.resource.type} ${f.resource.id}`, 200),
    ],
    [
      `      ${terminalLine(f.message, 400)}  [check: ${terminalLine(f.checkId, 120)}` +
        `${f.remediationId ? `, fix: ${terminalLine(f.remediationId, 120)}` : ''}]`,
    ],
  ]);

/** Human-readable answer of `cloudsec check`: failing findings grouped by severity, then unknowns. */
export const renderCheckText = (report: CheckReport): string => {
  const out: string[] = [];
  if (report.demo) out.push(DEMO_BANNER, '');
  const { byStatus, bySeverity } = report.summary;
  out.push(
    `cloudsec: ${report.services.join(', ')} across ${report.accounts.length} account(s); data collected ${report.generatedAt}`,
    `${byStatus.fail} failing${byStatus.fail ? ` (${counts(bySeverity)})` : ''}, ${byStatus.pass} passing, ${byStatus.unknown} unknown`,
  );
  for (const a of report.accounts.filter((acc) => !acc.reachable))
    out.push(terminalLine(`! account ${a.id} (${a.name}) unreachable: ${a.error}`, 600));
  for (const a of report.accounts)
    for (const w of a.warnings) out.push(terminalLine(`! account ${a.id} (${a.name}): ${w}`, 600));

  const failing = report.findings.filter((f) => f.status === 'fail');
  for (const severity of SEVERITIES) {
    const group = failing.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push('', `${severity.toUpperCase()} (${group.length})`);
    const rows = findingRows(report, group);
    const aligned = table(rows.filter((r) => r.length > 1));
    let k = 0;
    for (const r of rows) out.push(r.length > 1 ? aligned[k++]! : r[0]!);
  }
  const unknown = report.findings.filter((f) => f.status === 'unknown');
  if (unknown.length > 0) {
    // Not every unknown is a missing permission (throttling, network, regions): each line says its own next step.
    out.push('', `UNKNOWN (${unknown.length}): cloudsec could not decide; each says why and what to do`);
    for (const f of unknown)
      out.push(
        `  ${[f.checkId, accountLabel(report, f.accountId), f.region, f.resource.id].map((v) => terminalLine(v, 200)).join('  ')}`,
        `      ${terminalLine(f.message, 400)}`,
      );
  }
  if (byStatus.fail === 0 && byStatus.unknown === 0) out.push('', 'All checks pass.');
  if (report.demo) out.push('', DEMO_BANNER);
  return out.join('\n') + '\n';
};

/** `cloudsec checks`: the catalog as a table. */
export const renderCatalogText = (checks: readonly CheckDefinition[]): string => {
  const rows = [
    ['ID', 'SERVICE', 'SEVERITY', 'CIS', 'SECURITY HUB', 'REMEDIATION', 'TITLE'],
    ...checks.map((c) => [
      c.id,
      c.service,
      c.severity,
      c.frameworks.cis ?? '-',
      c.frameworks.securityHub ?? '-',
      c.remediation ?? '-',
      c.title,
    ]),
  ];
  return table(rows).join('\n') + `\n\n${checks.length} checks\n`;
};

export const catalogJson = (checks: readonly CheckDefinition[]) =>
  checks.map((c) => ({
    id: c.id,
    service: c.service,
    severity: c.severity,
    title: c.title,
    cis: c.frameworks.cis,
    securityHub: c.frameworks.securityHub,
    remediationId: c.remediation,
    rationale: c.rationale,
    remediation: c.remediationText,
  }));

/**
 * What the text answer adds about accepted risks: "N accepted risks hidden (cloudsec.yml: a, b;
 * database: c)", then each finding shown again although an accepted risk covers it, and why.
 */
export const renderAcceptedRisksText = (report: CheckReport): string => {
  const accepted = report.acceptedRisks;
  const line = acceptedRisksSummaryText(accepted);
  const what = (id: string) => {
    const f = report.findings.find((x) => x.id === id);
    return f ? `${f.checkId} on ${f.resource.id} (${f.accountId}, ${f.region})` : id;
  };
  const lines = [
    ...(line ? [terminalLine(line, 2000)] : []),
    ...accepted.resurfaced.map(
      (r) =>
        `  shown again: ${terminalLine(what(r.findingId), 300)}: accepted risk ${terminalLine(r.exception.id, 80)} covers it, but ${terminalLine(r.why, 300)}`,
    ),
  ];
  return lines.length > 0 ? `\n${lines.join('\n')}\n` : '';
};
