import type { DetectionDefinition } from '../define';
import unauthorizedApiCalls from './unauthorized_api_calls';
import consoleSigninWithoutMfa from './console_signin_without_mfa';
import rootActivity from './root_activity';
import iamPolicyChanged from './iam_policy_changed';
import cloudtrailConfigChanged from './cloudtrail_config_changed';
import consoleSigninFailures from './console_signin_failures';
import kmsKeyDisabledOrDeleted from './kms_key_disabled_or_deleted';
import s3BucketPolicyChanged from './s3_bucket_policy_changed';
import configChanged from './config_changed';
import securityGroupChanged from './security_group_changed';
import naclChanged from './nacl_changed';
import networkGatewayChanged from './network_gateway_changed';
import routeTableChanged from './route_table_changed';
import vpcChanged from './vpc_changed';
import organizationsChanged from './organizations_changed';

/**
 * The CIS AWS Foundations Benchmark v3.0.0 section 4 alarms (4.1–4.15; 4.16 is "Security Hub is
 * enabled", a check, not an alarm), in the benchmark's order. The cloudwatch_*_monitored checks ask
 * whether the account has these alarms; these detections are the alarms.
 */
export const CIS_DETECTIONS: readonly DetectionDefinition[] = [
  unauthorizedApiCalls,
  consoleSigninWithoutMfa,
  rootActivity,
  iamPolicyChanged,
  cloudtrailConfigChanged,
  consoleSigninFailures,
  kmsKeyDisabledOrDeleted,
  s3BucketPolicyChanged,
  configChanged,
  securityGroupChanged,
  naclChanged,
  networkGatewayChanged,
  routeTableChanged,
  vpcChanged,
  organizationsChanged,
];
