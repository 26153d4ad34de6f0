import { z } from 'zod';
import { ResourceTagsSchema } from './ec2';
import { fact } from './fact';
import { isoDate } from './vocabulary';

/**
 * What cloudsec reads of RDS DB instances and manual snapshots, per scanned region.
 * Every value an AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd
 * answer is carried as missing evidence rather than as an empty list. A field AWS did not send in an
 * item is `null`, which every check reads as missing evidence for that item, never as a setting.
 */

/**
 * One DB instance (DescribeDBInstances). The API also lists Aurora cluster members and DocumentDB and
 * Neptune instances, which share the RDS management API; `engine` tells them apart.
 */
export const RdsInstanceSchema = z.object({
  /** DBInstanceIdentifier: what the console, the CLI and ModifyDBInstance name the instance by. */
  id: z.string(),
  arn: z.string().nullable(),
  engine: z.string().nullable(),
  /** DBClusterIdentifier when the instance belongs to an Aurora or Multi-AZ DB cluster. */
  clusterId: z.string().nullable(),
  /** DBInstanceStatus (`available`, `stopped`, …): shown, and tells approvers a stopped instance refuses changes. */
  status: z.string().nullable(),
  publiclyAccessible: z.boolean().nullable(),
  storageEncrypted: z.boolean().nullable(),
  autoMinorVersionUpgrade: z.boolean().nullable(),
  /** The port the database listens on (Endpoint/Port, else DbInstancePort); null while AWS does not say. */
  port: z.number().int().nullable(),
  /** VpcSecurityGroups' ids; null when the answer did not list them (not "no groups"). */
  securityGroupIds: z.array(z.string()).nullable(),
  /** TagList; absent = not known (see ResourceTagsSchema), `{}` = no tags. */
  tags: ResourceTagsSchema.optional(),
});
export type RdsInstance = z.infer<typeof RdsInstanceSchema>;

/** Who may copy or restore a manual snapshot: its `restore` attribute. */
export const RdsRestoreAttributeSchema = z.object({
  /** `all` is among the values: any AWS account may copy or restore the snapshot. */
  public: z.boolean(),
  /** The account ids it is shared with (`all` left out). */
  accounts: z.array(z.string()),
});
export type RdsRestoreAttribute = z.infer<typeof RdsRestoreAttributeSchema>;

/** A manual DB snapshot (DescribeDBSnapshots) or DB cluster snapshot (DescribeDBClusterSnapshots). */
export const RdsSnapshotSchema = z.object({
  /** DBSnapshotIdentifier or DBClusterSnapshotIdentifier. */
  id: z.string(),
  arn: z.string().nullable(),
  kind: z.enum(['instance', 'cluster']),
  /** The DB instance or cluster it was taken from. */
  sourceId: z.string().nullable(),
  engine: z.string().nullable(),
  encrypted: z.boolean().nullable(),
  createdAt: isoDate.nullable(),
  /**
   * The `restore` attribute, or `null` when it was not read because the snapshot is encrypted: AWS
   * refuses `all` for an encrypted snapshot (ModifyDBSnapshotAttribute: "You can't use all as a value
   * for that parameter in this case"), so it cannot be public, and the per-snapshot call is saved.
   */
  restore: fact(RdsRestoreAttributeSchema).nullable(),
  /** TagList; absent = not known (see ResourceTagsSchema), `{}` = no tags. */
  tags: ResourceTagsSchema.optional(),
});
export type RdsSnapshot = z.infer<typeof RdsSnapshotSchema>;

export const RdsRegionSchema = z.object({
  instances: fact(z.array(RdsInstanceSchema)),
  /** Manual DB snapshots (automated ones cannot be shared). */
  snapshots: fact(z.array(RdsSnapshotSchema)),
  /** Manual DB cluster snapshots (Aurora and the other cluster engines). */
  clusterSnapshots: fact(z.array(RdsSnapshotSchema)),
});
export type RdsRegion = z.infer<typeof RdsRegionSchema>;
