import type { DetectionDefinition } from './define';
import { CIS_DETECTIONS } from './rules/cis-rules';
import { EXPOSURE_DETECTIONS } from './rules/exposure-rules';

/** Every CloudTrail detection: the CIS AWS Foundations section 4 alarms, then exposure the moment it happens. */
export const DETECTIONS: readonly DetectionDefinition[] = [...CIS_DETECTIONS, ...EXPOSURE_DETECTIONS];

export const detectionById = (id: string): DetectionDefinition | undefined => DETECTIONS.find((d) => d.id === id);
