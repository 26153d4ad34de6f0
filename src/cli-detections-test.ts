import fs from 'node:fs';
import { parseQueueMessage } from './aws/events/eventbridge-envelope';
import { makeDetectionEngine, type EngineOutcome } from './core/detections/engine';
import type { DetectionDefinition } from './core/detections/define';
import type { DetectionsConfig } from './core/detections/settings';
import type { AlertDraft } from './core/detections/alert';
import { terminalLine } from './core/render/plain';
import { CloudsecError } from './errors';

/**
 * `cloudsec detections test FILE`: runs a file of CloudTrail records through the detections with
 * cloudsec.yml's settings, without a store or Slack, and says what each record would raise — an
 * alert, an exclusion (and its reason), a count below a threshold, or why a record is unreadable.
 * For tuning exclusions and thresholds against real records before they page anyone.
 *
 * The file may be a CloudTrail log file (`{"Records": [...]}`, as delivered to S3), a JSON array, or
 * one JSON value per line; each value a CloudTrail record, an EventBridge event or an SNS
 * notification wrapping one (what the SQS queue receives).
 */

export interface ReplayLine {
  index: number;
  eventId: string | null;
  eventName: string | null;
  outcomes: Array<
    | { kind: 'alert'; detectionId: string; severity: string; summary: string; actor: string; resource: string }
    | { kind: 'excluded' | 'counted' | 'error'; detectionId: string; detail: string }
  >;
  invalid?: string;
}

/** The values of a file: its records in file order. */
const valuesOf = (text: string, file: string): unknown[] => {
  const trimmed = text.trim();
  if (trimmed === '') return [];
  try {
    const whole = JSON.parse(trimmed) as unknown;
    if (Array.isArray(whole)) return whole;
    if (whole && typeof whole === 'object' && Array.isArray((whole as { Records?: unknown }).Records))
      return (whole as { Records: unknown[] }).Records;
    return [whole];
  } catch {
    // Not one JSON value: one per line (JSON Lines), blank lines skipped.
    return trimmed
      .split('\n')
      .map((line, i) => ({ line: line.trim(), i }))
      .filter(({ line }) => line !== '')
      .map(({ line, i }) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new CloudsecError('usage', `${file} line ${i + 1} is not JSON (nor is the file one JSON value)`);
        }
      });
  }
};

const outcomeLine = (o: EngineOutcome): ReplayLine['outcomes'][number] => {
  if (!('kind' in o)) return alertLine(o);
  if (o.kind === 'excluded') return { kind: 'excluded', detectionId: o.detectionId, detail: o.reason };
  if (o.kind === 'counted')
    return { kind: 'counted', detectionId: o.detectionId, detail: `${o.count} of ${o.threshold} within the window` };
  return { kind: 'error', detectionId: o.detectionId, detail: o.reason };
};

const alertLine = (d: AlertDraft): ReplayLine['outcomes'][number] => ({
  kind: 'alert',
  detectionId: d.detectionId,
  severity: d.severity,
  summary: d.summary,
  actor: d.actor.label,
  resource: `${d.resource.type} ${d.resource.id} (${d.accountId}, ${d.region})`,
});

export const replayFile = (
  file: string,
  detections: readonly DetectionDefinition[],
  settings: DetectionsConfig,
  now: Date,
): ReplayLine[] => {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new CloudsecError('usage', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  const engine = makeDetectionEngine({ detections, settings });
  return valuesOf(text, file).map((value, index) => {
    const parsed = parseQueueMessage(JSON.stringify(value));
    if (!parsed.ok) return { index, eventId: null, eventName: null, outcomes: [], invalid: parsed.reason };
    const record = parsed.record;
    return {
      index,
      eventId: record.eventID,
      eventName: `${record.eventSource}:${record.eventName}`,
      outcomes: engine.evaluate(record, now, 'file').map(outcomeLine),
    };
  });
};

/** One line per record that made anything happen, then the totals. */
export const renderReplayText = (lines: readonly ReplayLine[]): string => {
  const out: string[] = [];
  const totals = { records: lines.length, alerts: 0, excluded: 0, counted: 0, invalid: 0, errors: 0 };
  for (const line of lines) {
    const where = `#${line.index + 1}${line.eventId ? ` ${line.eventId}` : ''}${line.eventName ? ` ${line.eventName}` : ''}`;
    if (line.invalid) {
      totals.invalid += 1;
      out.push(terminalLine(`${where}: unreadable: ${line.invalid}`));
    }
    for (const o of line.outcomes) {
      if (o.kind === 'alert') {
        totals.alerts += 1;
        out.push(
          terminalLine(`${where}: ALERT ${o.severity} ${o.detectionId}: ${o.summary} · by ${o.actor} · ${o.resource}`),
        );
      } else {
        totals[o.kind === 'error' ? 'errors' : o.kind] += 1;
        out.push(terminalLine(`${where}: ${o.kind} ${o.detectionId}: ${o.detail}`));
      }
    }
  }
  out.push(
    `${totals.records} records: ${totals.alerts} alerts, ${totals.excluded} excluded, ${totals.counted} counted below a threshold, ` +
      `${totals.invalid} unreadable, ${totals.errors} detection errors`,
  );
  return `${out.join('\n')}\n`;
};
