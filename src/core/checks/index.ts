import type { CheckDefinition } from './define';
import s3_bucket_public_access_blocked from './s3/s3_bucket_public_access_blocked';

/** The catalog. Adding a check: its file, one line here, and its test. */
export const CHECKS: readonly CheckDefinition[] = [
  s3_bucket_public_access_blocked,
];
