import type { ModifySnapshotAttributeCommandInput } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { cannot, collected, defineRemediation, findEc2Region, targetId } from './define';
import { sdkCall } from './sdk-call';

const Before = z.object({ snapshotId: z.string(), region: z.string(), public: z.literal(true) });

const shareWithEveryone = (snapshotId: string, operation: 'add' | 'remove'): ModifySnapshotAttributeCommandInput => ({
  SnapshotId: snapshotId,
  Attribute: 'createVolumePermission',
  OperationType: operation,
  GroupNames: ['all'],
});

export default defineRemediation({
  id: 'ec2_snapshot_make_private',
  title: 'Stop sharing the EBS snapshot with every AWS account',
  fixes: ['ec2_snapshot_not_public'],
  risk: 'low',
  permissions: ['ec2:ModifySnapshotAttribute'],
  undoPermissions: ['ec2:ModifySnapshotAttribute'],
  before: Before,
  plan: (finding, account) => {
    const ec2 = findEc2Region(finding, account);
    if (!ec2.ok) return ec2;
    const snapshots = collected(ec2.value.snapshots, `the EBS snapshots of ${finding.region}`);
    if (!snapshots.ok) return snapshots;
    const snapshotId = targetId(finding);
    const snapshot = snapshots.value.find((s) => s.snapshotId === snapshotId);
    if (!snapshot) return cannot(`Snapshot ${snapshotId} is not in the snapshot of ${finding.region}.`);
    if (!snapshot.public) return cannot(`Snapshot ${snapshotId} is already private.`);
    return {
      ok: true,
      calls: [sdkCall('ec2', 'ModifySnapshotAttribute', finding.region, shareWithEveryone(snapshotId, 'remove'))],
      before: { snapshotId, region: finding.region, public: true as const },
    };
  },
  inverse: (_calls, before) => [
    sdkCall('ec2', 'ModifySnapshotAttribute', before.region, shareWithEveryone(before.snapshotId, 'add')),
  ],
});
