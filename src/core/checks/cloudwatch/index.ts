import type { AnyCheck } from '../define';
import cloudwatch_unauthorized_api_calls_monitored from './cloudwatch_unauthorized_api_calls_monitored';
import cloudwatch_console_login_without_mfa_monitored from './cloudwatch_console_login_without_mfa_monitored';
import cloudwatch_root_usage_monitored from './cloudwatch_root_usage_monitored';
import cloudwatch_iam_policy_changes_monitored from './cloudwatch_iam_policy_changes_monitored';
import cloudwatch_cloudtrail_changes_monitored from './cloudwatch_cloudtrail_changes_monitored';
import cloudwatch_console_auth_failures_monitored from './cloudwatch_console_auth_failures_monitored';
import cloudwatch_kms_key_deletion_monitored from './cloudwatch_kms_key_deletion_monitored';
import cloudwatch_s3_bucket_policy_changes_monitored from './cloudwatch_s3_bucket_policy_changes_monitored';
import cloudwatch_config_changes_monitored from './cloudwatch_config_changes_monitored';
import cloudwatch_security_group_changes_monitored from './cloudwatch_security_group_changes_monitored';
import cloudwatch_nacl_changes_monitored from './cloudwatch_nacl_changes_monitored';
import cloudwatch_network_gateway_changes_monitored from './cloudwatch_network_gateway_changes_monitored';
import cloudwatch_route_table_changes_monitored from './cloudwatch_route_table_changes_monitored';
import cloudwatch_vpc_changes_monitored from './cloudwatch_vpc_changes_monitored';
import cloudwatch_organizations_changes_monitored from './cloudwatch_organizations_changes_monitored';

/**
 * The cloudwatch checks: CIS v3.0.0 section 4 (4.1–4.15), one per monitored event class. Adding one:
 * its file here, one line in this list, and its test.
 */
export const CLOUDWATCH_CHECKS: readonly AnyCheck[] = [
  cloudwatch_unauthorized_api_calls_monitored,
  cloudwatch_console_login_without_mfa_monitored,
  cloudwatch_root_usage_monitored,
  cloudwatch_iam_policy_changes_monitored,
  cloudwatch_cloudtrail_changes_monitored,
  cloudwatch_console_auth_failures_monitored,
  cloudwatch_kms_key_deletion_monitored,
  cloudwatch_s3_bucket_policy_changes_monitored,
  cloudwatch_config_changes_monitored,
  cloudwatch_security_group_changes_monitored,
  cloudwatch_nacl_changes_monitored,
  cloudwatch_network_gateway_changes_monitored,
  cloudwatch_route_table_changes_monitored,
  cloudwatch_vpc_changes_monitored,
  cloudwatch_organizations_changes_monitored,
];
