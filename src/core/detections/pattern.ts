import type { DetectionsConfig } from './settings';
import type { DetectionDefinition } from './define';
import { WILDCARD } from './wildcard';

/**
 * The EventBridge event patterns that forward exactly what the enabled detections read, from their
 * `events` metadata: CloudTrail delivers each management event to the account's default bus as
 *
 *   { "detail-type": "AWS API Call via CloudTrail", "source": "aws.iam", "detail": { <the record> } }
 *
 * and console sign-ins (`signin.amazonaws.com` `ConsoleLogin`) as detail-type
 * "AWS Console Sign In via CloudTrail" with source `aws.signin` (EventBridge user guide, "Events from
 * AWS services delivered via AWS CloudTrail"; EventBridge event reference, "AWS Sign-In events").
 *
 * An event pattern may be at most 2,048 characters by default (EventBridge quotas, "Event pattern
 * size"; 4,096 after a quota increase), so the events are packed into as few patterns as fit, each
 * one rule. One pattern lists its sources and names as two arrays, so it also matches a name of one
 * of its services under another of its services; those few extra records cost a map lookup in the
 * engine's index and match nothing.
 *
 * A detection that reads every event (`*`, e.g. root activity, refused calls) gets a rule of its
 * own, narrowed by its `eventPatternDetail` when it declares one (see WildcardNarrowing); without
 * one the rule forwards every CloudTrail API call, which is correct but costs queue traffic (a
 * warning says so). Every rule is enabled for read-only management events too
 * (ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS): without it EventBridge drops Get/List/Describe
 * calls, so a detection of a refused `ListUsers` would silently see nothing. The event names filter
 * before anything is delivered, so this adds no traffic to the named rules.
 */

export const CLOUDTRAIL_API_CALL = 'AWS API Call via CloudTrail';
export const CONSOLE_SIGN_IN = 'AWS Console Sign In via CloudTrail';
export const SIGNIN_SOURCE = 'signin.amazonaws.com';
/** EventBridge's default quota on an event pattern's length, in characters. */
export const EVENT_PATTERN_MAX_CHARS = 2048;
export const RULE_STATE = 'ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS';

export type EventPattern = Record<string, unknown>;

/**
 * What a detection reading `*` may declare to narrow its rule: EventBridge `detail` filters
 * (e.g. `{ userIdentity: { type: ['Root'] } }`). They must let through every record `match` can
 * alert on. Read structurally until DetectionDefinition carries the field.
 */
export type WildcardNarrowing = { eventPatternDetail?: Record<string, unknown> };

export interface EventBridgeRule {
  /** A CloudFormation logical id: letters and digits. */
  logicalId: string;
  description: string;
  pattern: EventPattern;
  /** The detections this rule forwards events for. */
  detectionIds: string[];
}

export interface EventPatternPlan {
  rules: EventBridgeRule[];
  /** What the operator should know (a wildcard detection forwarding every API call). */
  warnings: string[];
}

/** `s3.amazonaws.com` → `aws.s3`, as CloudTrail-delivered events name their source. */
export const eventBridgeSourceOf = (eventSource: string): string => {
  const service = eventSource.replace(/\.amazonaws\.com(\.cn)?$/, '');
  return `aws.${service}`;
};

const detailTypesFor = (sources: readonly string[]): string[] => {
  const signIn = sources.includes(SIGNIN_SOURCE);
  const api = sources.some((s) => s !== SIGNIN_SOURCE);
  // Sign-in's own API calls (not ConsoleLogin) may come as API calls: both types for that source.
  return [...(api || signIn ? [CLOUDTRAIL_API_CALL] : []), ...(signIn ? [CONSOLE_SIGN_IN] : [])];
};

interface SourceGroup {
  source: string;
  /** Empty: every name of the source. */
  names: string[];
}

const patternOf = (groups: readonly SourceGroup[]): EventPattern => {
  const sources = groups.map((g) => g.source);
  const names = [...new Set(groups.flatMap((g) => g.names))].sort();
  return {
    'detail-type': detailTypesFor(sources),
    source: [...new Set(sources.map(eventBridgeSourceOf))].sort(),
    detail: { eventSource: sources, ...(names.length > 0 ? { eventName: names } : {}) },
  };
};

export const patternLength = (pattern: EventPattern): number => JSON.stringify(pattern).length;

/**
 * Packs source groups into patterns of at most `maxChars`: sources in order, a source's names split
 * across patterns only when the source alone does not fit. Groups of whole sources (no names) and
 * groups with names never share a pattern (a pattern with names would narrow the whole source).
 */
const pack = (groups: readonly SourceGroup[], maxChars: number): SourceGroup[][] => {
  const out: SourceGroup[][] = [];
  let current: SourceGroup[] = [];
  const fits = (candidate: SourceGroup[]) => patternLength(patternOf(candidate)) <= maxChars;
  const close = () => {
    if (current.length > 0) out.push(current);
    current = [];
  };
  for (const group of groups) {
    if (fits([...current, group])) {
      current = [...current, group];
      continue;
    }
    close();
    if (fits([group])) {
      current = [group];
      continue;
    }
    // One source with more names than a pattern holds: its names in chunks.
    let chunk: string[] = [];
    for (const name of group.names) {
      if (chunk.length > 0 && !fits([{ source: group.source, names: [...chunk, name] }])) {
        out.push([{ source: group.source, names: chunk }]);
        chunk = [];
      }
      chunk.push(name);
    }
    if (chunk.length > 0) current = [{ source: group.source, names: chunk }];
  }
  close();
  return out;
};

const logicalIdOf = (text: string): string =>
  text
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p.length > 0)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');

/** The detections config leaves on, in catalog order. */
export const enabledDetections = (
  detections: readonly DetectionDefinition[],
  settings: DetectionsConfig,
): DetectionDefinition[] => detections.filter((d) => settings.rules[d.id]?.enabled !== false);

export interface PatternOptions {
  maxChars?: number;
}

/** The EventBridge rules that forward what the enabled detections read. */
export const buildEventPatterns = (
  detections: readonly DetectionDefinition[],
  settings: DetectionsConfig,
  options: PatternOptions = {},
): EventPatternPlan => {
  const maxChars = options.maxChars ?? EVENT_PATTERN_MAX_CHARS;
  const enabled = enabledDetections(detections, settings);
  const named = new Map<string, Set<string>>();
  const wholeSources = new Set<string>();
  const readers = new Map<string, Set<string>>();
  const wildcardRules: EventBridgeRule[] = [];

  const addReader = (source: string, id: string) => {
    const set = readers.get(source) ?? new Set<string>();
    set.add(id);
    readers.set(source, set);
  };

  /** Detections reading every event with nothing to narrow their rule: one catch-all serves them all. */
  const unnarrowed: string[] = [];
  for (const d of enabled) {
    const narrowing = (d as DetectionDefinition & WildcardNarrowing).eventPatternDetail;
    for (const e of d.events) {
      if (e.source === WILDCARD) {
        // Every source: its own rule, narrowed by the names given (`*` names do not narrow) and the
        // detection's declared detail filters.
        const names = e.names.filter((n) => n !== WILDCARD);
        const anyName = names.length < e.names.length || names.length === 0;
        const detail = { ...(anyName ? {} : { eventName: [...names].sort() }), ...(narrowing ?? {}) };
        if (Object.keys(detail).length === 0) {
          unnarrowed.push(d.id);
          continue;
        }
        const base = `CloudsecAny${logicalIdOf(d.id)}`;
        const taken = wildcardRules.filter((r) => r.logicalId.startsWith(base)).length;
        wildcardRules.push({
          logicalId: taken === 0 ? base : `${base}${taken + 1}`,
          description: `cloudsec: the CloudTrail events ${d.id} reads`,
          pattern: { 'detail-type': [CLOUDTRAIL_API_CALL, CONSOLE_SIGN_IN], detail },
          detectionIds: [d.id],
        });
        continue;
      }
      addReader(e.source, d.id);
      if (e.names.includes(WILDCARD)) wholeSources.add(e.source);
      else {
        const set = named.get(e.source) ?? new Set<string>();
        for (const n of e.names) set.add(n);
        named.set(e.source, set);
      }
    }
  }

  if (unnarrowed.length > 0) {
    // Everything is forwarded anyway: one rule, so no event reaches the queue twice.
    const ids = [...new Set(unnarrowed)];
    return {
      rules: [
        {
          logicalId: 'CloudsecAllEvents',
          description: 'cloudsec: every CloudTrail API call and console sign-in',
          pattern: { 'detail-type': [CLOUDTRAIL_API_CALL, CONSOLE_SIGN_IN] },
          detectionIds: enabled.map((d) => d.id),
        },
      ],
      warnings: [
        `${ids.join(', ')} read${ids.length === 1 ? 's' : ''} every CloudTrail event without narrowing it (eventPatternDetail): ` +
          'the rule forwards every API call to the queue. Disable the detection or narrow it to cut the traffic.',
      ],
    };
  }

  const wholeGroups: SourceGroup[] = [...wholeSources].sort().map((source) => ({ source, names: [] }));
  const namedGroups: SourceGroup[] = [...named.keys()]
    .filter((s) => !wholeSources.has(s))
    .sort()
    .map((source) => ({ source, names: [...named.get(source)!].sort() }));

  const rules: EventBridgeRule[] = [...pack(wholeGroups, maxChars), ...pack(namedGroups, maxChars)].map(
    (groups, i) => ({
      logicalId: `CloudsecEvents${i + 1}`,
      description: `cloudsec: CloudTrail events of ${groups.map((g) => g.source.replace(/\.amazonaws\.com$/, '')).join(', ')}`,
      pattern: patternOf(groups),
      detectionIds: [...new Set(groups.flatMap((g) => [...(readers.get(g.source) ?? [])]))].sort(),
    }),
  );
  return { rules: [...rules, ...wildcardRules], warnings: [] };
};
