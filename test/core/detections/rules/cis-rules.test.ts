import fs from 'node:fs';
import path from 'node:path';
import { CIS_MONITORING_CONTROLS } from '../../../../src/core/cis-monitoring';
import { CHECKS } from '../../../../src/core/checks/index';
import { MitreTechniqueSchema } from '../../../../src/core/detections/define';
import { CIS_DETECTIONS } from '../../../../src/core/detections/rules/cis-rules';
import { getRemediation } from '../../../../src/core/remediations/index';
import { declares, fixtureNames, record, run } from './cis-fixtures';

const RULES_DIR = path.join(__dirname, '..', '..', '..', '..', 'src', 'core', 'detections', 'rules');

/** The event names a benchmark filter pattern lists (`$.eventName = X`, quoted or not). */
const patternEvents = (pattern: string): string[] =>
  [...pattern.matchAll(/\$\.eventName\s*=\s*"?([A-Za-z]+)"?/g)].map((m) => m[1]!);

describe('the CIS section 4 detections', () => {
  it('when listed, then each id is unique, `<area>_<what>`, and the default export of a file of that name', async () => {
    const ids = CIS_DETECTIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of CIS_DETECTIONS) {
      expect(d.id).toMatch(/^[a-z0-9]+(_[a-z0-9]+)+$/);
      const file = path.join(RULES_DIR, `${d.id}.ts`);
      expect(fs.existsSync(file)).toBe(true);
      const mod = (await import(file)) as { default: unknown };
      expect(mod.default).toBe(d);
    }
  });

  it('when compared with the benchmark, then 4.1 to 4.15 each have one detection, in order, with the same Security Hub control', () => {
    const controls = CIS_MONITORING_CONTROLS.filter((c) => c.cis !== '4.16');
    expect(CIS_DETECTIONS.map((d) => d.cis)).toEqual(controls.map((c) => c.cis));
    for (const c of controls) {
      const d = CIS_DETECTIONS.find((x) => x.cis === c.cis)!;
      expect(d.securityHub ?? null).toBe(c.securityHub);
    }
  });

  it('when a benchmark filter lists event names, then the detection reads every one of them', () => {
    for (const c of CIS_MONITORING_CONTROLS) {
      const d = CIS_DETECTIONS.find((x) => x.cis === c.cis);
      if (!d) continue;
      const names = new Set(d.events.flatMap((e) => e.names));
      for (const event of patternEvents(c.requirement.pattern)) {
        expect({ cis: c.cis, event, read: names.has(event) || names.has('*') }).toEqual({
          cis: c.cis,
          event,
          read: true,
        });
      }
    }
  });

  it('when described, then metadata is complete: title, rationale, a valid MITRE technique, sane counting', () => {
    for (const d of CIS_DETECTIONS) {
      expect(d.title.length).toBeGreaterThan(0);
      expect(d.rationale.length).toBeGreaterThan(40);
      expect(MitreTechniqueSchema.safeParse(d.mitre).success).toBe(true);
      expect(d.events.length).toBeGreaterThan(0);
      if (d.counting) {
        expect(d.counting.threshold).toBeGreaterThan(1);
        expect(d.counting.windowMinutes).toBeGreaterThan(0);
      }
    }
  });

  it('when a detection names a remediation, then it is real and fixes a real check', () => {
    const checkIds = new Set(CHECKS.map((c) => c.id));
    for (const d of CIS_DETECTIONS.filter((x) => x.remediation)) {
      const remediation = getRemediation(d.remediation!);
      expect(remediation).toBeDefined();
      for (const id of remediation!.fixes) expect(checkIds.has(id)).toBe(true);
    }
  });

  it('when every fixture is parsed and given to every detection, then a detection matches only events it declares, and every match is well formed', () => {
    const names = fixtureNames();
    expect(names.length).toBeGreaterThan(30);
    for (const name of names) {
      const r = record(name);
      for (const d of CIS_DETECTIONS) {
        const m = d.match(r);
        if (m === null) continue;
        expect({ detection: d.id, fixture: name, declared: declares(d, r) }).toEqual({
          detection: d.id,
          fixture: name,
          declared: true,
        });
        expect(m.summary.length).toBeGreaterThan(0);
        expect(m.summary).not.toMatch(/undefined|null|\[object/);
        for (const line of m.details ?? []) expect(line).not.toMatch(/undefined|\[object/);
        expect(m.resource.id.length).toBeGreaterThan(0);
        expect(m.resource.region.length).toBeGreaterThan(0);
        if (m.undo) expect(getRemediation(m.undo.remediationId)?.fixes).toContain(m.undo.checkId);
      }
    }
  });

  it('when a record is not an event a detection reads, then run() (the engine gates) gives null', () => {
    const r = record('ec2-create-route');
    const others = CIS_DETECTIONS.filter(
      (d) => d.id !== 'route_table_changed' && d.id !== 'unauthorized_api_calls' && d.id !== 'root_activity',
    );
    for (const d of others) expect(run(d, r)).toBeNull();
  });
});
