import type { Finding } from '../model';
import type { Remediation } from './define';
import cloudtrail_enable_log_validation from './cloudtrail_enable_log_validation';
import cloudtrail_start_logging from './cloudtrail_start_logging';
import ec2_enable_ebs_default_encryption from './ec2_enable_ebs_default_encryption';
import ec2_require_imdsv2 from './ec2_require_imdsv2';
import ec2_revoke_world_ingress from './ec2_revoke_world_ingress';
import ec2_snapshot_make_private from './ec2_snapshot_make_private';
import iam_deactivate_access_key from './iam_deactivate_access_key';
import iam_set_password_policy from './iam_set_password_policy';
import s3_account_block_public_access from './s3_account_block_public_access';
import s3_block_public_access from './s3_block_public_access';
import s3_default_encryption from './s3_default_encryption';
import securityhub_update_workflow from './securityhub_update_workflow';
import { DATA_STORES_REMEDIATIONS } from './packs/data-stores';
import { EXPOSURE_REMEDIATIONS } from './packs/exposure';
import { KEYS_SECRETS_REMEDIATIONS } from './packs/keys-secrets';
import { MONITORING_REMEDIATIONS } from './packs/monitoring';
import { DETECTIVE_REMEDIATIONS } from './packs/detective';
import { NETWORK_REMEDIATIONS } from './packs/network';

/** The catalog. Adding a remediation: its file, one line here, and its test. */
export const REMEDIATIONS: readonly Remediation[] = [
  s3_block_public_access,
  s3_account_block_public_access,
  s3_default_encryption,
  iam_deactivate_access_key,
  iam_set_password_policy,
  cloudtrail_start_logging,
  cloudtrail_enable_log_validation,
  ec2_revoke_world_ingress,
  ec2_snapshot_make_private,
  ec2_enable_ebs_default_encryption,
  ec2_require_imdsv2,
  securityhub_update_workflow,
  ...DATA_STORES_REMEDIATIONS,
  ...EXPOSURE_REMEDIATIONS,
  ...KEYS_SECRETS_REMEDIATIONS,
  ...MONITORING_REMEDIATIONS,
  ...DETECTIVE_REMEDIATIONS,
  ...NETWORK_REMEDIATIONS,
];

const byId = new Map(REMEDIATIONS.map((r) => [r.id, r]));

export const getRemediation = (id: string): Remediation | undefined => byId.get(id);

/** What can be offered on a failing finding: the one its check names first, then any other that applies. */
export const remediationsFor = (finding: Finding): Remediation[] => {
  if (finding.status !== 'fail') return [];
  const named = finding.remediationId ? byId.get(finding.remediationId) : undefined;
  const others = REMEDIATIONS.filter((r) => r !== named && r.appliesTo(finding));
  return named ? [named, ...others] : others;
};
