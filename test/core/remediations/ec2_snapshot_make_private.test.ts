import type { ModifySnapshotAttributeCommandInput } from '@aws-sdk/client-ec2';
import { known, type Ec2Region } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/ec2_snapshot_make_private';
import { REGION, anAccount, anEbsSnapshot, anEc2Region, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, aFinding, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding, account } = SAMPLES.ec2_snapshot_make_private!();
const withSnapshots = (snapshots: Ec2Region['snapshots']) =>
  anAccount({ ec2: { [REGION]: anEc2Region({ snapshots }) } });

describe('ec2_snapshot_make_private', () => {
  it('when a snapshot is public, then the plan removes the group "all" from its create-volume permission', () => {
    const expected: ModifySnapshotAttributeCommandInput = {
      SnapshotId: 'snap-0abc',
      Attribute: 'createVolumePermission',
      OperationType: 'remove',
      GroupNames: ['all'],
    };
    expect(planned(remediation.plan(finding, account)).calls).toEqual([
      { service: 'ec2', region: REGION, command: 'ModifySnapshotAttribute', input: expected },
    ]);
  });

  it('when undone, then the group "all" is added back', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: ModifySnapshotAttributeCommandInput = {
      SnapshotId: 'snap-0abc',
      Attribute: 'createVolumePermission',
      OperationType: 'add',
      GroupNames: ['all'],
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'ec2', region: REGION, command: 'ModifySnapshotAttribute', input: expected }],
    });
  });

  it('when the snapshot is already private, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, withSnapshots(known([anEbsSnapshot()]))))).toMatch(/already private/);
  });

  it('when the snapshot is gone, then no plan is made', () => {
    const f = aFinding({ ...finding, resource: { ...finding.resource, id: 'snap-0gone' } });
    expect(reasonOf(remediation.plan(f, account))).toContain('snap-0gone');
  });

  it('when snapshots could not be listed, then no plan is made, naming the permission', () => {
    expect(reasonOf(remediation.plan(finding, withSnapshots(denied('ec2:DescribeSnapshots'))))).toContain(
      'ec2:DescribeSnapshots',
    );
  });
});
