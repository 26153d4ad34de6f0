import { monitoringCheck } from './monitoring/check';

/** CIS v3.0.0 4.6: pattern and events in src/core/cis-monitoring.ts, evaluation in ./monitoring. */
export default monitoringCheck('cloudwatch_console_auth_failures_monitored');
