/**
 * Regenerates the parts of README.md that are derived from code: the check catalog table, the CIS AWS
 * Foundations v3.0.0 coverage table and the read-only IAM policy. test/readme.test.ts fails when
 * README.md falls behind; run `npx ts-node --transpile-only scripts/update-readme.ts` to bring it up to
 * date. Only the text between each section's markers is rewritten.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKS } from '../src/core/checks';
import type { AnyCheck } from '../src/core/checks/define';
import { CIS_CATALOG, cisCoverage, type CisCoverage, type CisRecommendation } from '../src/core/cis-catalog';
import { readPolicyDocument } from '../src/aws/iam-policy';

export const README_FILE = path.join(__dirname, '..', 'README.md');

/** Table-cell text: no `|` that would split the cell, no `*`/`_` read as emphasis (`"*:*"` in 1.16's title). */
const cell = (text: string) => text.replace(/[\\|*_`]/g, (c) => `\\${c}`);

const checkTable = () =>
  [
    `${CHECKS.length} checks:`,
    '',
    '| id | severity | CIS v3.0.0 | Security Hub | fix (remediation id) | checks that | a failure reads |',
    '|---|---|---|---|---|---|---|',
    ...CHECKS.map(
      (c) =>
        `| \`${c.id}\` | ${c.severity} | ${c.frameworks.cis ?? '—'} | ${c.frameworks.securityHub ?? '—'} | ${
          c.remediation ? `\`${c.remediation}\`` : '—'
        } | ${cell(c.title)} | ${cell(c.failTitle)} |`,
    ),
  ].join('\n');

const distinct = (values: readonly (string | null)[]) => [...new Set(values.filter((v): v is string => v !== null))];

const cloudsecCell = (row: CisCoverage) => {
  if (row.status === 'checked') return row.checks.map((c) => `\`${c.id}\``).join(', ');
  if (row.status === 'manual') return `manual: ${cell(row.reason)}`;
  return '**not yet covered**';
};

/** Marks a check's control that Security Hub's CIS v3.0.0 standard does not map to this recommendation. */
const NOT_MAPPED = '†';

const securityHubCell = ({ checks, recommendation }: CisCoverage) => {
  const controls = distinct(checks.map((c) => c.frameworks.securityHub));
  if (controls.length === 0) return '—';
  return controls.map((id) => (recommendation.securityHub.includes(id) ? id : `${id}${NOT_MAPPED}`)).join(', ');
};

const remediationCell = ({ checks }: CisCoverage) => {
  const ids = distinct(checks.map((c) => c.remediation));
  return ids.length === 0 ? '—' : ids.map((id) => `\`${id}\``).join(', ');
};

/**
 * The CIS coverage section: one row per recommendation in the benchmark's order, and a gap (no check,
 * no reason) shown as such, so the table can never read as fuller coverage than the catalogs give.
 */
export const cisCoverageTable = (
  checks: readonly Pick<AnyCheck, 'id' | 'frameworks' | 'remediation'>[] = CHECKS,
  catalog: readonly CisRecommendation[] = CIS_CATALOG,
) => {
  const rows = cisCoverage(checks, catalog);
  const count = (status: CisCoverage['status']) => rows.filter((r) => r.status === status).length;
  return [
    `Of the ${rows.length} recommendations: ${count('checked')} evaluated by cloudsec checks, ${count('manual')} manual (reason given), ${count('uncovered')} not yet covered.`,
    '',
    '| CIS | title | level | benchmark status | cloudsec | Security Hub | fix (remediation id) |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.recommendation.id} | ${cell(r.recommendation.title)} | ${r.recommendation.level} | ${
          r.recommendation.assessment
        } | ${cloudsecCell(r)} | ${securityHubCell(r)} | ${remediationCell(r)} |`,
    ),
    '',
    `Benchmark status is the benchmark's own Assessment Status: "Manual" means a CIS auditor must judge, so a passing cloudsec check on a Manual recommendation is evidence for that auditor, not a sign-off. Security Hub lists the control each check names; ${NOT_MAPPED} marks one that Security Hub's CIS v3.0.0 standard does not map to the recommendation (a Foundational Security Best Practices control only).`,
  ].join('\n');
};

const policy = () => ['```json', JSON.stringify(readPolicyDocument(), null, 2), '```'].join('\n');

const replaceBetween = (text: string, name: string, content: string) => {
  const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!pattern.test(text)) throw new Error(`README.md lacks the <!-- ${name}:start/end --> markers`);
  return text.replace(pattern, (_m, start: string, end: string) => `${start}\n${content}\n${end}`);
};

/** Each generated section: the name in its markers and its content. */
const sections = (): [name: string, content: string][] => [
  ['checks', checkTable()],
  ['cis-coverage', cisCoverageTable()],
  ['read-policy', policy()],
];

export const renderReadme = (current: string) =>
  sections().reduce((text, [name, content]) => replaceBetween(text, name, content), current);

if (require.main === module) {
  fs.writeFileSync(README_FILE, renderReadme(fs.readFileSync(README_FILE, 'utf8')));
  process.stdout.write(`updated ${README_FILE}\n`);
}
