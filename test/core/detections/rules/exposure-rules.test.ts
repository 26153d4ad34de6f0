import { readdirSync } from 'node:fs';
import path from 'node:path';
import { MitreTechniqueSchema, UndoSpecSchema, AlertResourceSchema } from '../../../../src/core/detections/define';
import { EXPOSURE_DETECTIONS } from '../../../../src/core/detections/rules/exposure-rules';
import { getRemediation } from '../../../../src/core/remediations';
import { fixture } from './exposure-harness';

const FIXTURES = readdirSync(path.join(__dirname, '../../../fixtures/cloudtrail/exposure'))
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''));

const RULES_DIR = path.join(__dirname, '../../../../src/core/detections/rules');

/** Every match any exposure detection makes on any fixture: what the Undo contract is checked against. */
const matches = EXPOSURE_DETECTIONS.flatMap((d) =>
  FIXTURES.flatMap((name) => {
    const m = d.match(fixture(name));
    return m ? [{ detection: d.id, fixture: name, match: m }] : [];
  }),
);

describe('exposure detections', () => {
  it('when listed, then ids are unique, equal their file names and their metadata is complete', () => {
    const ids = EXPOSURE_DETECTIONS.map((d) => d.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const d of EXPOSURE_DETECTIONS) {
      expect(readdirSync(RULES_DIR)).toContain(`${d.id}.ts`);
      expect(d.id).toMatch(/^[a-z0-9]+(_[a-z0-9]+)+$/);
      expect(d.rationale.length).toBeGreaterThan(40);
      expect(MitreTechniqueSchema.safeParse(d.mitre).success).toBe(true);
      expect(d.events.length).toBeGreaterThan(0);
      expect(d.cis).toBeUndefined();
      if (d.remediation) expect(getRemediation(d.remediation)).toBeDefined();
    }
  });

  it.each(FIXTURES)('when fixture %s is read, then parseCloudTrailRecord accepts it', (name) => {
    expect(() => fixture(name)).not.toThrow();
  });

  it('when the fixtures run through every detection, then each one alerts on at least one of them', () => {
    for (const d of EXPOSURE_DETECTIONS) expect(matches.some((m) => m.detection === d.id)).toBe(true);
  });

  it("when a match offers Undo, then its remediation exists, fixes the undo's check, and the spec is well formed", () => {
    const undos = matches.flatMap((m) => (m.match.undo ? [{ ...m, undo: m.match.undo }] : []));
    expect(undos.length).toBeGreaterThan(0);
    for (const { undo } of undos) {
      expect(UndoSpecSchema.safeParse(undo).success).toBe(true);
      const remediation = getRemediation(undo.remediationId);
      expect(remediation).toBeDefined();
      expect(remediation?.fixes).toContain(undo.checkId);
    }
  });

  it('when a match is made, then its resource is well formed and located', () => {
    for (const { match } of matches) {
      expect(AlertResourceSchema.safeParse(match.resource).success).toBe(true);
      expect(match.resource.region).not.toBe('');
      expect(match.summary.length).toBeGreaterThan(10);
    }
  });
});
