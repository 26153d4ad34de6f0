import type { DetectionsConfig } from './settings';
import type { DetectionDefinition } from './define';

/**
 * The detection catalog as `cloudsec detections list` shows it: each detection's metadata with
 * what cloudsec.yml makes of it (on or off, staged, severity, threshold, window, exclusions with
 * their reasons), so an operator sees the effective setup, not only the defaults.
 */

export interface DetectionCatalogEntry {
  id: string;
  title: string;
  /** The severity alerts get: config's override, else the rule's (a match may still raise it). */
  severity: string;
  ruleSeverity: string;
  rationale: string;
  events: Array<{ source: string; names: string[] }>;
  /** Every event name the detection reads, `*` for any. */
  eventNames: string[];
  cis: string | null;
  securityHub: string | null;
  mitre: { id: string; name: string };
  remediation: string | null;
  enabled: boolean;
  staged: boolean;
  counting: { threshold: number; windowMinutes: number } | null;
  dedupWindowMinutes: number;
  matchesFailedCalls: boolean;
  /** The rule's own exclusions (the global ones apply too: see DetectionCatalog.exclude). */
  exclude: Array<Record<string, string>>;
}

export interface DetectionCatalog {
  detections: DetectionCatalogEntry[];
  /** `detections.exclude`: applies to every detection. */
  exclude: Array<Record<string, string>>;
}

const exclusionOf = (e: DetectionsConfig['exclude'][number]): Record<string, string> =>
  Object.fromEntries(Object.entries(e).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));

export const detectionCatalog = (
  detections: readonly DetectionDefinition[],
  settings: DetectionsConfig,
): DetectionCatalog => ({
  detections: detections.map((d) => {
    const rule = settings.rules[d.id];
    return {
      id: d.id,
      title: d.title,
      severity: rule?.severity ?? d.severity,
      ruleSeverity: d.severity,
      rationale: d.rationale,
      events: d.events.map((e) => ({ source: e.source, names: [...e.names] })),
      eventNames: [...new Set(d.events.flatMap((e) => e.names))],
      cis: d.cis ?? null,
      securityHub: d.securityHub ?? null,
      mitre: { id: d.mitre.id, name: d.mitre.name },
      remediation: d.remediation ?? null,
      enabled: rule?.enabled !== false,
      staged: rule?.staged ?? false,
      counting: d.counting
        ? {
            threshold: rule?.threshold ?? d.counting.threshold,
            windowMinutes: rule?.windowMinutes ?? d.counting.windowMinutes,
          }
        : null,
      dedupWindowMinutes: rule?.dedupWindowMinutes ?? d.dedupWindowMinutes ?? settings.dedupWindowMinutes,
      matchesFailedCalls: d.matchesFailedCalls === true,
      exclude: (rule?.exclude ?? []).map(exclusionOf),
    };
  }),
  exclude: settings.exclude.map(exclusionOf),
});
