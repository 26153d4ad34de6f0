import type { AnyCheck } from '../define';
import guardduty_detector_enabled from './guardduty_detector_enabled';

/** The guardduty checks. Adding one: its file here, one line in this list, and its test. */
export const GUARDDUTY_CHECKS: readonly AnyCheck[] = [guardduty_detector_enabled];
