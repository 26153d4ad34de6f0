import type { AnyCheck } from '../define';
import cloudtrail_cloudwatch_logs_integrated from './cloudtrail_cloudwatch_logs_integrated';
import cloudtrail_s3_read_data_events_logged from './cloudtrail_s3_read_data_events_logged';
import cloudtrail_s3_write_data_events_logged from './cloudtrail_s3_write_data_events_logged';

/** Checks of cloudtrail added with CIS AWS Foundations v3.0 coverage (issue 12); the earlier cloudtrail checks are listed in ../index.ts. */
export const CLOUDTRAIL_CIS3_CHECKS: readonly AnyCheck[] = [
  cloudtrail_cloudwatch_logs_integrated,
  cloudtrail_s3_write_data_events_logged,
  cloudtrail_s3_read_data_events_logged,
];
