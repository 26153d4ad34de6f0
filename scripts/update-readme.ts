/**
 * Regenerates the parts of README.md that are derived from code: the check catalog table and the
 * read-only IAM policy. test/readme.test.ts fails when README.md falls behind; run
 * `npx ts-node --transpile-only scripts/update-readme.ts` to bring it up to date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CHECKS } from '../src/core/checks';
import { readPolicyDocument } from '../src/aws/permissions';

export const README_FILE = path.join(__dirname, '..', 'README.md');

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
        } | ${c.title} | ${c.failTitle} |`,
    ),
  ].join('\n');

const policy = () => ['```json', JSON.stringify(readPolicyDocument(), null, 2), '```'].join('\n');

const replaceBetween = (text: string, name: string, content: string) => {
  const pattern = new RegExp(`(<!-- ${name}:start -->)[\\s\\S]*?(<!-- ${name}:end -->)`);
  if (!pattern.test(text)) throw new Error(`README.md lacks the <!-- ${name}:start/end --> markers`);
  return text.replace(pattern, (_m, start: string, end: string) => `${start}\n${content}\n${end}`);
};

export const renderReadme = (current: string) =>
  replaceBetween(replaceBetween(current, 'checks', checkTable()), 'read-policy', policy());

if (require.main === module) {
  fs.writeFileSync(README_FILE, renderReadme(fs.readFileSync(README_FILE, 'utf8')));
  process.stdout.write(`updated ${README_FILE}\n`);
}
