import type { Remediation } from '../define';
import rds_instance_make_private from '../rds_instance_make_private';
import rds_snapshot_make_private from '../rds_snapshot_make_private';

/** Remediations added with issue 12 for data stores: each is a file in src/core/remediations/, listed here. */
export const DATA_STORES_REMEDIATIONS: readonly Remediation[] = [rds_instance_make_private, rds_snapshot_make_private];
