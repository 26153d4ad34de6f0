import type { AnyCheck } from '../define';
import rds_instance_minor_version_upgrade_enabled from './rds_instance_minor_version_upgrade_enabled';
import rds_instance_not_publicly_accessible from './rds_instance_not_publicly_accessible';
import rds_instance_storage_encrypted from './rds_instance_storage_encrypted';
import rds_snapshot_not_public from './rds_snapshot_not_public';

/** The rds checks. Adding one: its file here, one line in this list, and its test. */
export const RDS_CHECKS: readonly AnyCheck[] = [
  rds_instance_storage_encrypted,
  rds_instance_minor_version_upgrade_enabled,
  rds_instance_not_publicly_accessible,
  rds_snapshot_not_public,
];
