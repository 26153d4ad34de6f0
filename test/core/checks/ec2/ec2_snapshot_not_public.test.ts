import check from '../../../../src/core/checks/ec2/ec2_snapshot_not_public';
import { known } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { accountWithEc2, accountWithTwoRegions } from '../../../fixtures/ec2-builders';
import { anAccount, anEbsSnapshot, denied } from '../../../fixtures/snapshot-builders';

describe('ec2_snapshot_not_public', () => {
  it('when the snapshot is not shared with everyone, then it passes', () => {
    expect(statuses(run(check, anAccount()))).toEqual(['snap-0abc:pass']);
  });

  it('when the snapshot is restorable by all accounts, then it fails', () => {
    const account = accountWithEc2({
      snapshots: known([anEbsSnapshot(), anEbsSnapshot({ snapshotId: 'snap-0pub', encrypted: false, public: true })]),
    });
    const result = resultFor(run(check, account), 'snap-0pub');
    expect(result.status).toBe('fail');
    expect(result.message).toBe('EBS snapshot snap-0pub is public: any AWS account can create a volume from it.');
    expect(result.evidence).toMatchObject({ public: true, encrypted: false, volumeId: 'vol-0abc' });
    expect(result.resource.arn).toBe('arn:aws:ec2:us-east-1::snapshot/snap-0pub');
  });

  it('when a region has no snapshots, then it yields no results', () => {
    expect(run(check, accountWithEc2({ snapshots: known([]) }))).toEqual([]);
  });

  it('when snapshots cannot be listed in one region, then that region is unknown and the other is judged', () => {
    const results = run(check, accountWithTwoRegions({ snapshots: denied('ec2:DescribeSnapshots') }));
    expect(statuses(results)).toEqual(['111111111111/us-east-1/ebs-snapshots:unknown', 'snap-0abc:pass']);
    expect(results[0]!.message).toContain('ec2:DescribeSnapshots');
  });
});
