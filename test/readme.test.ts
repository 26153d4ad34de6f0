import fs from 'node:fs';
import { README_FILE, renderReadme } from '../scripts/update-readme';
import { CHECKS } from '../src/core/checks';
import { CIS_CATALOG } from '../src/core/cis-catalog';

describe('README.md', () => {
  const readme = fs.readFileSync(README_FILE, 'utf8');

  it('when the catalog or the permissions change, then the generated sections are regenerated too', () => {
    expect(readme).toBe(renderReadme(readme));
  });

  it('states the number of checks the catalog has', () => {
    expect(readme).toContain(`a catalog of ${CHECKS.length} checks`);
  });

  it('has a CIS coverage table with one row per recommendation of the CIS catalog, in its order', () => {
    const section = /<!-- cis-coverage:start -->([\s\S]*?)<!-- cis-coverage:end -->/.exec(readme)?.[1] ?? '';
    const rowIds = section
      .split('\n')
      .filter((line) => /^\| \d/.test(line))
      .map((line) => line.split(' | ')[0]!.slice(2));
    expect(rowIds).toEqual(CIS_CATALOG.map((r) => r.id));
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\b/m);
  });
});
