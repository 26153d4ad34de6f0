import { monitoringCheck } from './monitoring/check';

/** CIS v3.0.0 4.8: pattern and events in src/core/cis-monitoring.ts, evaluation in ./monitoring. */
export default monitoringCheck('cloudwatch_s3_bucket_policy_changes_monitored');
