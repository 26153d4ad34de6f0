import type { DetectionExclusion, DetectionsConfig } from './settings';
import type { Severity } from '../snapshot/vocabulary';
import { describeActor } from './actor';
import type { AlertDraft, AlertSource } from './alert';
import { makeCountingWindows, DEFAULT_MAX_COUNTING_KEYS } from './counting';
import type { DetectionDefinition, DetectionMatch } from './define';
import { exclusionReason, exclusionSubjectOf, type ExclusionSubject } from './noise';
import { callFailed, eventKey, recordAccountId, type CloudTrailRecord } from './record';
import { WILDCARD } from './wildcard';

/**
 * The detection engine: one CloudTrail record in, what every enabled detection made of it out.
 * Pure: the counting windows are the only state and live inside the instance; time comes in with
 * each record (`receivedAt`) and from the record itself (`eventTime`).
 *
 * For each detection that names the record's event:
 *   failed call (errorCode) and the detection does not look for those → nothing (it changed nothing)
 *   match throws → `error` (the other detections still run)
 *   match null → nothing
 *   excluded (global `exclude`, then the rule's) → `excluded` with the exclusion's reason
 *   no account on the record → `error` 'no account' (no dedup key, no routing)
 *   counting rule below its threshold → `counted`
 *   else → an AlertDraft ready to store.
 *
 * Speed: detections are indexed by `eventSource:eventName` (and by the `*` wildcards a detection
 * may use), so a record runs only the detections that read its event; most records name none and
 * cost one map lookup.
 */

export type EngineOutcome =
  | AlertDraft
  | { kind: 'excluded'; detectionId: string; reason: string }
  | { kind: 'counted'; detectionId: string; count: number; threshold: number }
  | { kind: 'error'; detectionId: string; reason: string };

export const isAlertDraft = (o: EngineOutcome): o is AlertDraft => !('kind' in o);

export interface DetectionEngineDeps {
  detections: readonly DetectionDefinition[];
  settings: DetectionsConfig;
  /** Counting keys kept at most (default 50,000; the least recently updated go first). */
  maxCountingKeys?: number;
}

export interface DetectionEngine {
  evaluate(record: CloudTrailRecord, receivedAt: Date, source: AlertSource): EngineOutcome[];
  /** The dedup window of a detection in minutes: the rule's setting, else the rule's default, else the global one. */
  dedupWindowFor(detectionId: string): number;
  /** The detections that run (enabled in config), in catalog order. */
  enabled(): readonly DetectionDefinition[];
  /** Counting keys held now (the memory bound is tested on it). */
  countingKeys(): number;
}

interface CompiledDetection {
  definition: DetectionDefinition;
  severity: Severity | null;
  staged: boolean;
  exclude: readonly DetectionExclusion[];
  counting: { threshold: number; windowMs: number } | null;
  matchesFailedCalls: boolean;
}

const MINUTE_MS = 60_000;
/** Distinct event keys whose candidate list is cached (AWS has far fewer APIs; bounded all the same). */
const MAX_CACHED_KEYS = 20_000;
const NONE: readonly CompiledDetection[] = Object.freeze([]);
const MAX_REASON = 300;

const reasonOf = (err: unknown): string => {
  const text = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text;
};

/**
 * The time a counting rule counts a record at: its eventTime, never later than when it arrived (a
 * clock ahead in the record must not push every window out), and the arrival time when the record's
 * time cannot be read. LookupEvents delivers old records in pages: counting by arrival would turn
 * an hour of spread-out failures into one burst.
 */
const countingTimeOf = (record: CloudTrailRecord, receivedAt: Date): number => {
  const received = receivedAt.getTime();
  const at = Date.parse(record.eventTime);
  return Number.isNaN(at) ? received : Math.min(at, received);
};

const compile = (d: DetectionDefinition, settings: DetectionsConfig): CompiledDetection => {
  const rule = settings.rules[d.id];
  const counting = d.counting
    ? {
        threshold: rule?.threshold ?? d.counting.threshold,
        windowMs: (rule?.windowMinutes ?? d.counting.windowMinutes) * MINUTE_MS,
      }
    : null;
  return {
    definition: d,
    severity: rule?.severity ?? null,
    staged: rule?.staged ?? false,
    exclude: rule?.exclude ?? [],
    counting,
    matchesFailedCalls: d.matchesFailedCalls === true,
  };
};

/** Index of the enabled detections by what they read: exact keys, a whole source, a name in any source, anything. */
const buildIndex = (compiled: readonly CompiledDetection[]) => {
  const exact = new Map<string, CompiledDetection[]>();
  const wholeSource = new Map<string, CompiledDetection[]>();
  const nameAnywhere = new Map<string, CompiledDetection[]>();
  const everything: CompiledDetection[] = [];
  const push = (map: Map<string, CompiledDetection[]>, key: string, c: CompiledDetection) => {
    const list = map.get(key);
    if (list) list.push(c);
    else map.set(key, [c]);
  };
  for (const c of compiled) {
    for (const e of c.definition.events) {
      for (const name of e.names) {
        if (e.source === WILDCARD && name === WILDCARD) everything.push(c);
        else if (e.source === WILDCARD) push(nameAnywhere, name, c);
        else if (name === WILDCARD) push(wholeSource, e.source, c);
        else push(exact, eventKey(e.source, name), c);
      }
    }
  }
  const order = new Map(compiled.map((c, i) => [c, i]));
  const cache = new Map<string, readonly CompiledDetection[]>();

  /** The detections that read an event, each once, in catalog order. */
  return (source: string, name: string): readonly CompiledDetection[] => {
    const key = eventKey(source, name);
    const cached = cache.get(key);
    if (cached) return cached;
    const found = new Set<CompiledDetection>([
      ...(exact.get(key) ?? NONE),
      ...(wholeSource.get(source) ?? NONE),
      ...(nameAnywhere.get(name) ?? NONE),
      ...everything,
    ]);
    const list = found.size === 0 ? NONE : [...found].sort((a, b) => order.get(a)! - order.get(b)!);
    if (cache.size < MAX_CACHED_KEYS) cache.set(key, list);
    return list;
  };
};

export const makeDetectionEngine = (deps: DetectionEngineDeps): DetectionEngine => {
  const { settings } = deps;
  const enabledDefinitions = deps.detections.filter((d) => settings.rules[d.id]?.enabled !== false);
  const compiled = enabledDefinitions.map((d) => compile(d, settings));
  const candidatesOf = buildIndex(compiled);
  const windows = makeCountingWindows({ maxKeys: deps.maxCountingKeys ?? DEFAULT_MAX_COUNTING_KEYS });
  const byId = new Map(deps.detections.map((d) => [d.id, d]));

  const draftOf = (
    c: CompiledDetection,
    m: DetectionMatch,
    record: CloudTrailRecord,
    accountId: string,
    dedupKey: string,
    source: AlertSource,
    thresholdCount: number | null,
  ): AlertDraft => ({
    detectionId: c.definition.id,
    title: c.definition.title,
    // Config's severity is the operator's word for the rule and wins; else the match's (an
    // admin port raises a rule to critical), else the rule's.
    severity: c.severity ?? m.severity ?? c.definition.severity,
    dedupKey,
    accountId,
    region: record.awsRegion ?? m.resource.region,
    eventId: record.eventID,
    eventSource: record.eventSource,
    eventName: record.eventName,
    eventTime: record.eventTime,
    summary: m.summary,
    details: m.details ?? [],
    rationale: c.definition.rationale,
    resource: m.resource,
    actor: describeActor(record),
    undo: m.undo ?? null,
    staged: c.staged,
    source,
    thresholdCount,
  });

  const evaluate = (record: CloudTrailRecord, receivedAt: Date, source: AlertSource): EngineOutcome[] => {
    const candidates = candidatesOf(record.eventSource, record.eventName);
    if (candidates.length === 0) return [];
    const failed = callFailed(record);
    const outcomes: EngineOutcome[] = [];
    // Read once per record, and only when a detection matched.
    let accountId: string | null | undefined;
    let subject: ExclusionSubject | undefined;
    let globalReason: string | null | undefined;

    for (const c of candidates) {
      const id = c.definition.id;
      if (failed && !c.matchesFailedCalls) continue;
      try {
        const m = c.definition.match(record);
        if (!m) continue;
        if (accountId === undefined) accountId = recordAccountId(record);
        subject ??= exclusionSubjectOf(record, accountId);
        if (globalReason === undefined) globalReason = exclusionReason(settings.exclude, subject);
        const reason = globalReason ?? exclusionReason(c.exclude, subject);
        if (reason !== null) {
          outcomes.push({ kind: 'excluded', detectionId: id, reason });
          continue;
        }
        if (accountId === null) {
          outcomes.push({ kind: 'error', detectionId: id, reason: 'no account' });
          continue;
        }
        const dedupKey = `${id}|${accountId}|${m.dedupSuffix ?? m.resource.id}`;
        let thresholdCount: number | null = null;
        if (c.counting) {
          const { threshold, windowMs } = c.counting;
          const count = windows.add(dedupKey, countingTimeOf(record, receivedAt), windowMs, threshold);
          if (count < threshold) {
            outcomes.push({ kind: 'counted', detectionId: id, count, threshold });
            continue;
          }
          thresholdCount = count;
        }
        outcomes.push(draftOf(c, m, record, accountId, dedupKey, source, thresholdCount));
      } catch (err) {
        // A broken rule (or a record shaped in a way it did not expect) must not silence the others.
        outcomes.push({ kind: 'error', detectionId: id, reason: reasonOf(err) });
      }
    }
    return outcomes;
  };

  return {
    evaluate,
    dedupWindowFor: (detectionId) =>
      settings.rules[detectionId]?.dedupWindowMinutes ??
      byId.get(detectionId)?.dedupWindowMinutes ??
      settings.dedupWindowMinutes,
    enabled: () => enabledDefinitions,
    countingKeys: () => windows.size(),
  };
};
