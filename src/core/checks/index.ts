import type { AnyCheck } from './define';
import iam_password_policy_min_length from './iam/iam_password_policy_min_length';
import iam_password_policy_reuse_prevention from './iam/iam_password_policy_reuse_prevention';
import iam_policy_no_full_admin from './iam/iam_policy_no_full_admin';
import iam_principal_full_admin from './iam/iam_principal_full_admin';
import iam_root_access_keys_absent from './iam/iam_root_access_keys_absent';
import iam_root_hardware_mfa_enabled from './iam/iam_root_hardware_mfa_enabled';
import iam_root_mfa_enabled from './iam/iam_root_mfa_enabled';
import iam_root_not_recently_used from './iam/iam_root_not_recently_used';
import iam_user_access_key_rotated from './iam/iam_user_access_key_rotated';
import iam_user_console_mfa_enabled from './iam/iam_user_console_mfa_enabled';
import iam_user_credentials_unused from './iam/iam_user_credentials_unused';
import iam_user_no_direct_policies from './iam/iam_user_no_direct_policies';
import iam_user_single_active_access_key from './iam/iam_user_single_active_access_key';
import s3_account_public_access_blocked from './s3/s3_account_public_access_blocked';
import s3_bucket_default_encryption from './s3/s3_bucket_default_encryption';
import s3_bucket_not_public_by_acl from './s3/s3_bucket_not_public_by_acl';
import s3_bucket_not_public_by_policy from './s3/s3_bucket_not_public_by_policy';
import s3_bucket_public_access_blocked from './s3/s3_bucket_public_access_blocked';
import s3_bucket_secure_transport from './s3/s3_bucket_secure_transport';
import s3_bucket_versioning_enabled from './s3/s3_bucket_versioning_enabled';
import s3_bucket_mfa_delete_enabled from './s3/s3_bucket_mfa_delete_enabled';
import cloudtrail_bucket_access_logging from './cloudtrail/cloudtrail_bucket_access_logging';
import cloudtrail_bucket_not_public from './cloudtrail/cloudtrail_bucket_not_public';
import cloudtrail_kms_encrypted from './cloudtrail/cloudtrail_kms_encrypted';
import cloudtrail_log_file_validation from './cloudtrail/cloudtrail_log_file_validation';
import cloudtrail_management_events_recorded from './cloudtrail/cloudtrail_management_events_recorded';
import cloudtrail_multi_region_logging from './cloudtrail/cloudtrail_multi_region_logging';
import cloudtrail_trail_logging from './cloudtrail/cloudtrail_trail_logging';
import ec2_default_security_group_restricted from './ec2/ec2_default_security_group_restricted';
import ec2_ebs_default_encryption from './ec2/ec2_ebs_default_encryption';
import ec2_instance_imdsv2_required from './ec2/ec2_instance_imdsv2_required';
import ec2_security_group_all_ports_restricted from './ec2/ec2_security_group_all_ports_restricted';
import ec2_security_group_rdp_restricted from './ec2/ec2_security_group_rdp_restricted';
import ec2_security_group_ssh_restricted from './ec2/ec2_security_group_ssh_restricted';
import ec2_snapshot_not_public from './ec2/ec2_snapshot_not_public';
import securityhub_hub_enabled from './securityhub/securityhub_hub_enabled';
import { IAM_CIS3_CHECKS } from './iam';
import { CLOUDTRAIL_CIS3_CHECKS } from './cloudtrail';
import { EC2_CIS3_CHECKS } from './ec2';
import { RDS_CHECKS } from './rds';
import { EFS_CHECKS } from './efs';
import { LAMBDA_CHECKS } from './lambda';
import { SQS_CHECKS } from './sqs';
import { SNS_CHECKS } from './sns';
import { KMS_CHECKS } from './kms';
import { SECRETSMANAGER_CHECKS } from './secretsmanager';
import { ECR_CHECKS } from './ecr';
import { OPENSEARCH_CHECKS } from './opensearch';
import { EKS_CHECKS } from './eks';
import { GUARDDUTY_CHECKS } from './guardduty';
import { CONFIG_CHECKS } from './config';
import { ACCESSANALYZER_CHECKS } from './accessanalyzer';
import { CLOUDWATCH_CHECKS } from './cloudwatch';
import { ACCOUNT_CHECKS } from './account';

/** The catalog. Adding a check: its file, one line here, and its test. */
export const CHECKS: readonly AnyCheck[] = [
  iam_password_policy_min_length,
  iam_password_policy_reuse_prevention,
  iam_policy_no_full_admin,
  iam_principal_full_admin,
  iam_root_access_keys_absent,
  iam_root_hardware_mfa_enabled,
  iam_root_mfa_enabled,
  iam_root_not_recently_used,
  iam_user_access_key_rotated,
  iam_user_console_mfa_enabled,
  iam_user_credentials_unused,
  iam_user_no_direct_policies,
  iam_user_single_active_access_key,
  s3_account_public_access_blocked,
  s3_bucket_default_encryption,
  s3_bucket_not_public_by_acl,
  s3_bucket_not_public_by_policy,
  s3_bucket_public_access_blocked,
  s3_bucket_secure_transport,
  s3_bucket_versioning_enabled,
  s3_bucket_mfa_delete_enabled,
  cloudtrail_bucket_access_logging,
  cloudtrail_bucket_not_public,
  cloudtrail_kms_encrypted,
  cloudtrail_log_file_validation,
  cloudtrail_management_events_recorded,
  cloudtrail_multi_region_logging,
  cloudtrail_trail_logging,
  ec2_default_security_group_restricted,
  ec2_ebs_default_encryption,
  ec2_instance_imdsv2_required,
  ec2_security_group_all_ports_restricted,
  ec2_security_group_rdp_restricted,
  ec2_security_group_ssh_restricted,
  ec2_snapshot_not_public,
  securityhub_hub_enabled,
  ...IAM_CIS3_CHECKS,
  ...CLOUDTRAIL_CIS3_CHECKS,
  ...EC2_CIS3_CHECKS,
  ...RDS_CHECKS,
  ...EFS_CHECKS,
  ...LAMBDA_CHECKS,
  ...SQS_CHECKS,
  ...SNS_CHECKS,
  ...KMS_CHECKS,
  ...SECRETSMANAGER_CHECKS,
  ...ECR_CHECKS,
  ...OPENSEARCH_CHECKS,
  ...EKS_CHECKS,
  ...GUARDDUTY_CHECKS,
  ...CONFIG_CHECKS,
  ...ACCESSANALYZER_CHECKS,
  ...CLOUDWATCH_CHECKS,
  ...ACCOUNT_CHECKS,
];
