import fs from 'node:fs';
import path from 'node:path';
import { CHECKS } from '../../../src/core/checks';
import type { CheckDefinition } from '../../../src/core/checks/define';
import { SERVICES } from '../../../src/core/model';
import { REMEDIATIONS } from '../../../src/core/remediations';

const CHECKS_DIR = path.join(__dirname, '../../../src/core/checks');
const checkFiles = SERVICES.flatMap((service) => {
  const dir = path.join(CHECKS_DIR, service);
  return fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        // index.ts lists a folder's checks; every other file is one check.
        .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
        .map((f) => ({ service, file: path.join(dir, f), id: path.basename(f, '.ts') }))
    : [];
});

describe('the check catalog (contract)', () => {
  it('has at least 30 checks with unique ids', () => {
    expect(CHECKS.length).toBeGreaterThanOrEqual(30);
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });

  it('registers every check file, and each file exports the check whose id is its file name and folder its service', () => {
    expect(CHECKS.map((c) => c.id).sort()).toEqual(checkFiles.map((f) => f.id).sort());
    for (const { service, file, id } of checkFiles) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const check = require(file).default as CheckDefinition;
      expect({ file: id, id: check.id, service: check.service }).toEqual({ file: id, id, service });
    }
  });

  it.each(CHECKS.map((c) => [c.id, c] as const))('%s has complete metadata', (_id, check) => {
    expect(check.id).toMatch(new RegExp(`^${check.service}_[a-z0-9]+(_[a-z0-9]+)+$`));
    expect(check.title.trim().length).toBeGreaterThan(10);
    expect(check.rationale.trim().length).toBeGreaterThan(20);
    expect(check.remediationText.trim().length).toBeGreaterThan(20);
    expect(check.requires).toContain(check.service);
    expect(Object.keys(check.frameworks).sort()).toEqual(['cis', 'securityHub']);
    if (check.frameworks.cis !== null) expect(check.frameworks.cis).toMatch(/^\d+(\.\d+)+$/);
    if (check.frameworks.securityHub !== null) expect(check.frameworks.securityHub).toMatch(/^[A-Za-z0-9]+\.\d+$/);
  });

  it.each(CHECKS.filter((c) => c.remediation).map((c) => [c.id, c] as const))(
    '%s names a remediation that exists and says it fixes this check',
    (_id, check) => {
      const remediation = REMEDIATIONS.find((r) => r.id === check.remediation);
      expect(remediation).toBeDefined();
      expect(remediation!.fixes).toContain(check.id);
    },
  );
});
