import type { AnyCheck } from '../define';
import sns_topic_not_public from './sns_topic_not_public';

/** The sns checks. Adding one: its file here, one line in this list, and its test. */
export const SNS_CHECKS: readonly AnyCheck[] = [sns_topic_not_public];
