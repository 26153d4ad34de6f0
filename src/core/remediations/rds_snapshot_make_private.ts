import type {
  ModifyDBClusterSnapshotAttributeCommandInput,
  ModifyDBSnapshotAttributeCommandInput,
} from '@aws-sdk/client-rds';
import { z } from 'zod';
import type { Finding, RdsSnapshot } from '../model';
import { cannot, collected, defineRemediation } from './define';
import { sdkCall, type SdkCall } from './sdk-call';

const Before = z.object({
  kind: z.enum(['instance', 'cluster']),
  snapshotId: z.string().min(1),
  region: z.string().min(1),
  public: z.literal(true),
});
type Before = z.infer<typeof Before>;

/**
 * The snapshot a finding names, and which listing it belongs to: cloudsec findings carry the
 * identifier and the resource type, Security Hub findings (RDS.1) the ARN, whose resource type is
 * `snapshot` or `cluster-snapshot` (`arn:<partition>:rds:<region>:<account>:cluster-snapshot:<id>`).
 */
const targetOf = (finding: Finding): { kind: RdsSnapshot['kind']; snapshotId: string } => {
  const { id, type } = finding.resource;
  if (id.startsWith('arn:')) {
    const parts = id.split(':');
    return { kind: parts[5] === 'cluster-snapshot' ? 'cluster' : 'instance', snapshotId: parts.slice(6).join(':') };
  }
  return { kind: type === 'AwsRdsDbClusterSnapshot' ? 'cluster' : 'instance', snapshotId: id };
};

/** Adds or removes the group `all` only: accounts the snapshot is shared with by id keep their access. */
const shareWithEveryone = (before: Omit<Before, 'public'>, change: 'add' | 'remove'): SdkCall => {
  const values = change === 'add' ? { ValuesToAdd: ['all'] } : { ValuesToRemove: ['all'] };
  if (before.kind === 'cluster') {
    const input: ModifyDBClusterSnapshotAttributeCommandInput = {
      DBClusterSnapshotIdentifier: before.snapshotId,
      AttributeName: 'restore',
      ...values,
    };
    return sdkCall('rds', 'ModifyDBClusterSnapshotAttribute', before.region, input);
  }
  const input: ModifyDBSnapshotAttributeCommandInput = {
    DBSnapshotIdentifier: before.snapshotId,
    AttributeName: 'restore',
    ...values,
  };
  return sdkCall('rds', 'ModifyDBSnapshotAttribute', before.region, input);
};

export default defineRemediation({
  id: 'rds_snapshot_make_private',
  title: 'Stop sharing the RDS snapshot with every AWS account',
  fixes: ['rds_snapshot_not_public'],
  risk: 'low',
  permissions: ['rds:ModifyDBSnapshotAttribute', 'rds:ModifyDBClusterSnapshotAttribute'],
  undoPermissions: ['rds:ModifyDBSnapshotAttribute', 'rds:ModifyDBClusterSnapshotAttribute'],
  before: Before,
  plan: (finding, account) => {
    const rds = account.rds?.[finding.region];
    if (!rds) return cannot(`The snapshot has no RDS data for region ${finding.region}.`);
    const { kind, snapshotId } = targetOf(finding);
    const what = kind === 'cluster' ? 'RDS DB cluster snapshot' : 'RDS DB snapshot';
    const listing = collected(
      kind === 'cluster' ? rds.clusterSnapshots : rds.snapshots,
      `the ${what}s of ${finding.region}`,
    );
    if (!listing.ok) return listing;
    const snapshot = listing.value.find((s) => s.id === snapshotId);
    if (!snapshot) return cannot(`${what} ${snapshotId} is not in the snapshot of ${finding.region}.`);
    if (snapshot.restore === null) return cannot(`${what} ${snapshotId} is encrypted, so it cannot be public.`);
    const restore = collected(snapshot.restore, `who may restore ${what} ${snapshotId}`);
    if (!restore.ok) return restore;
    if (!restore.value.public) return cannot(`${what} ${snapshotId} is already not public.`);
    const before = { kind, snapshotId, region: finding.region, public: true as const };
    const { accounts } = restore.value;
    return {
      ok: true,
      calls: [shareWithEveryone(before, 'remove')],
      before,
      notes: accounts.length > 0 ? [`Accounts it is shared with by id keep their access: ${accounts.join(', ')}.`] : [],
    };
  },
  inverse: (_calls, before) => [shareWithEveryone(before, 'add')],
});
