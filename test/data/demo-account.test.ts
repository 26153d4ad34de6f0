import fs from 'node:fs';
import { CHECKS } from '../../src/core/checks';
import { evaluateChecks } from '../../src/core/findings';
import { SERVICES, SnapshotSchema } from '../../src/core/model';
import { DEMO_FILE, renderDemoSnapshot } from '../../scripts/make-demo-account';

describe('the bundled demo estate', () => {
  const committed = fs.readFileSync(DEMO_FILE, 'utf8');
  const snapshot = SnapshotSchema.parse(JSON.parse(committed));
  const findings = evaluateChecks(CHECKS, snapshot, new Date(snapshot.generatedAt), { services: SERVICES });

  it('when the generator changes, then the committed file is regenerated too', () => {
    expect(committed).toBe(renderDemoSnapshot());
  });

  it('is labelled as demo data and spans two accounts and several regions', () => {
    expect(snapshot.demo).toBe(true);
    expect(snapshot.accounts).toHaveLength(2);
    expect(new Set(snapshot.accounts.flatMap((a) => a.regions)).size).toBeGreaterThanOrEqual(3);
  });

  it.each(CHECKS.map((c) => c.id))('makes %s fail at least once', (checkId) => {
    expect(findings.some((f) => f.checkId === checkId && f.status === 'fail')).toBe(true);
  });

  it('shows unknown findings (a refused permission) and Security Hub findings too', () => {
    expect(findings.some((f) => f.status === 'unknown')).toBe(true);
    expect(findings.some((f) => f.source === 'securityhub')).toBe(true);
  });
});
