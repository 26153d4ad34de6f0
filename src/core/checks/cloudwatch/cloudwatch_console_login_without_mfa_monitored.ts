import { monitoringCheck } from './monitoring/check';

/** CIS v3.0.0 4.2: pattern and events in src/core/cis-monitoring.ts, evaluation in ./monitoring. */
export default monitoringCheck('cloudwatch_console_login_without_mfa_monitored');
