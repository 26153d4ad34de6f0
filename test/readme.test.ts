import fs from 'node:fs';
import { README_FILE, renderReadme } from '../scripts/update-readme';
import { CHECKS } from '../src/core/checks';

describe('README.md', () => {
  const readme = fs.readFileSync(README_FILE, 'utf8');

  it('when the catalog or the permissions change, then the generated sections are regenerated too', () => {
    expect(readme).toBe(renderReadme(readme));
  });

  it('states the number of checks the catalog has', () => {
    expect(readme).toContain(`a catalog of ${CHECKS.length} checks`);
  });

  it('gives the two quick-start commands', () => {
    expect(readme).toContain('npm ci && npm run demo');
    expect(readme).toMatch(/^npm test\b/m);
  });
});
