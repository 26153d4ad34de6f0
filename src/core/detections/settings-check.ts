import type { DetectionsConfig } from './settings';
import { suggest } from '../suggest';
import type { DetectionDefinition } from './define';

/**
 * What `detections.rules` says that no detection can honour: a rule id no detection has (a typo
 * would silently leave the rule on, or its noise controls off) and `threshold`/`windowMinutes` on
 * a rule that does not count. Each problem is one line naming the config path.
 */
export const detectionSettingsProblems = (
  detections: readonly DetectionDefinition[],
  settings: DetectionsConfig,
): string[] => {
  const ids = detections.map((d) => d.id);
  const problems: string[] = [];
  for (const [id, rule] of Object.entries(settings.rules)) {
    const detection = detections.find((d) => d.id === id);
    if (!detection) {
      const near = suggest(id, ids);
      problems.push(`detections.rules.${id}: no detection has this id${near ? ` (did you mean ${near}?)` : ''}`);
      continue;
    }
    if (!detection.counting && (rule.threshold !== undefined || rule.windowMinutes !== undefined)) {
      problems.push(
        `detections.rules.${id}: threshold and windowMinutes apply to counting rules only; ${id} alerts on every match`,
      );
    }
  }
  return problems;
};
