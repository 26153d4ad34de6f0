import { monitoringCheck } from './monitoring/check';

/** CIS v3.0.0 4.5: pattern and events in src/core/cis-monitoring.ts, evaluation in ./monitoring. */
export default monitoringCheck('cloudwatch_cloudtrail_changes_monitored');
