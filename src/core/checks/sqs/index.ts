import type { AnyCheck } from '../define';
import sqs_queue_not_public from './sqs_queue_not_public';

/** The sqs checks. Adding one: its file here, one line in this list, and its test. */
export const SQS_CHECKS: readonly AnyCheck[] = [sqs_queue_not_public];
