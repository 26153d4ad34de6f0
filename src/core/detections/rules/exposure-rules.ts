import type { DetectionDefinition } from '../define';
import config_recorder_stopped from './config_recorder_stopped';
import ec2_ingress_opened_to_world from './ec2_ingress_opened_to_world';
import guardduty_detector_deleted from './guardduty_detector_deleted';
import iam_access_key_created_for_root_or_other from './iam_access_key_created_for_root_or_other';
import iam_admin_policy_attached from './iam_admin_policy_attached';
import s3_bucket_made_public from './s3_bucket_made_public';
import s3_public_access_block_weakened from './s3_public_access_block_weakened';
import snapshot_shared_publicly from './snapshot_shared_publicly';

/**
 * Exposure the moment it happens: changes that open data or access to the world, or blind the
 * account, each judged by the same logic as the check that would fail on the next scan, and each
 * offering Undo through that check's remediation where one exists.
 */
export const EXPOSURE_DETECTIONS: readonly DetectionDefinition[] = [
  s3_bucket_made_public,
  s3_public_access_block_weakened,
  ec2_ingress_opened_to_world,
  snapshot_shared_publicly,
  iam_access_key_created_for_root_or_other,
  iam_admin_policy_attached,
  guardduty_detector_deleted,
  config_recorder_stopped,
];
