import fs from 'node:fs';
import path from 'node:path';
import { DETECTIONS } from '../../../src/core/detections';
import type { DetectionDefinition } from '../../../src/core/detections/define';
import { buildEventPatterns, EVENT_PATTERN_MAX_CHARS, patternLength } from '../../../src/core/detections/pattern';
import { SEVERITIES } from '../../../src/core/model';
import { REMEDIATIONS } from '../../../src/core/remediations';
import { DEFAULT_DETECTIONS_CONFIG } from '../../../src/core/detections/settings';

/**
 * What every detection promises, whoever wrote it: the catalog (`cloudsec detections list`), the
 * EventBridge pattern and Undo are built from this metadata, so a gap here is a silent gap there.
 */

const RULES_DIR = path.join(__dirname, '..', '..', '..', 'src', 'core', 'detections', 'rules');
/** Files in rules/ that list detections rather than define one. */
const LISTS = new Set(['cis-rules', 'exposure-rules']);

const ruleFiles = (): string[] =>
  fs
    .readdirSync(RULES_DIR, { withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => e.name.slice(0, -'.ts'.length))
    .filter((name) => !LISTS.has(name));

const each = DETECTIONS.map((d) => [d.id, d] as [string, DetectionDefinition]);

describe('detection catalog contract', () => {
  it('when listed, then every id is unique', () => {
    const ids = DETECTIONS.map((d) => d.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i)).toEqual([]);
  });

  it('when a rule file exists in rules/, then its detection is listed, and every listed id has its file', () => {
    expect(ruleFiles().sort()).toEqual(DETECTIONS.map((d) => d.id).sort());
  });

  if (each.length === 0) it.todo('detections to check (none listed yet)');
  else
    describe.each(each)('%s', (id, d) => {
      it('then its file rules/<id>.ts exports exactly this detection', () => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const mod = require(path.join(RULES_DIR, `${id}.ts`)) as { default?: DetectionDefinition };
        expect(mod.default).toBe(d);
        expect(id).toMatch(/^[a-z][a-z0-9]*(_[a-z0-9]+)+$/);
      });

      it('then its metadata is complete', () => {
        expect(d.title.trim().length).toBeGreaterThan(0);
        expect(d.rationale.trim().length).toBeGreaterThan(20);
        expect(SEVERITIES).toContain(d.severity);
        expect(d.events.length).toBeGreaterThan(0);
        for (const e of d.events) {
          expect(e.source).toMatch(/^(\*|[a-z0-9-]+\.amazonaws\.com)$/);
          expect(e.names.length).toBeGreaterThan(0);
          for (const name of e.names) expect(name).toMatch(/^(\*|[A-Z][A-Za-z0-9]+)$/);
        }
        expect(d.mitre.id).toMatch(/^T\d{4}(\.\d{3})?$/);
        expect(d.mitre.name.trim().length).toBeGreaterThan(0);
        if (d.cis !== undefined) expect(d.cis).toMatch(/^\d+\.\d+$/);
        if (d.securityHub !== undefined) expect(d.securityHub).toMatch(/^[A-Za-z0-9]+\.\d+$/);
        if (d.counting) {
          expect(d.counting.threshold).toBeGreaterThanOrEqual(1);
          expect(d.counting.windowMinutes).toBeGreaterThanOrEqual(1);
        }
        expect(typeof d.match).toBe('function');
      });

      it('then the remediation it names exists', () => {
        if (d.remediation === undefined) return;
        expect(REMEDIATIONS.map((r) => r.id)).toContain(d.remediation);
      });
    });

  it('when every detection is on, then each EventBridge pattern fits the default size quota', () => {
    const plan = buildEventPatterns(DETECTIONS, DEFAULT_DETECTIONS_CONFIG);
    for (const rule of plan.rules) expect(patternLength(rule.pattern)).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  });
});
