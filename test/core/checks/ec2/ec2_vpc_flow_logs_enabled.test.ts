import check from '../../../../src/core/checks/ec2/ec2_vpc_flow_logs_enabled';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { aFlowLog, aNetworkRegion, aVpc } from '../../../fixtures/builders/ec2-network';
import { ACCOUNT_ID, REGION, anAccount, anEc2Region, denied } from '../../../fixtures/snapshot-builders';
import type { Ec2Region } from '../../../../src/core/model';

const accountWith = (over: Partial<Ec2Region>) => anAccount({ ec2: { [REGION]: aNetworkRegion(over) } });

describe('ec2_vpc_flow_logs_enabled', () => {
  it('when the VPC has an active flow log recording all traffic, then it passes, naming the flow log', () => {
    const [result] = run(check, accountWith({}));
    expect(result).toMatchObject({ status: 'pass', resource: { type: 'AwsEc2Vpc', id: 'vpc-0main' } });
    expect(result!.message).toBe('VPC vpc-0main (main) has flow log fl-0main recording ALL traffic.');
    expect(result!.resource.arn).toBe(`arn:aws:ec2:${REGION}:${ACCOUNT_ID}:vpc/vpc-0main`);
  });

  it('when the flow log records only rejected traffic, then it passes (CIS asks for REJECT at least)', () => {
    const account = accountWith({ flowLogs: known([aFlowLog({ trafficType: 'REJECT' })]) });
    expect(statuses(run(check, account))).toEqual(['vpc-0main:pass']);
  });

  it('when the VPC has no flow log, then it fails', () => {
    const [result] = run(check, accountWith({ flowLogs: known([]) }));
    expect(result!.status).toBe('fail');
    expect(result!.message).toBe('VPC vpc-0main (main) has no flow log: traffic to and from it leaves no record.');
  });

  it('when the only flow log records accepted traffic, then it fails, saying what the flow log records', () => {
    const [result] = run(check, accountWith({ flowLogs: known([aFlowLog({ trafficType: 'ACCEPT' })]) }));
    expect(result!.status).toBe('fail');
    expect(result!.message).toContain('only fl-0main: ACCEPT active');
    expect(result!.evidence).toMatchObject({ flowLogs: [{ flowLogId: 'fl-0main', trafficType: 'ACCEPT' }] });
  });

  it('when flow logs exist only on a subnet and an interface of the VPC, then the VPC still fails', () => {
    const account = accountWith({
      flowLogs: known([aFlowLog({ resourceId: 'subnet-0a' }), aFlowLog({ flowLogId: 'fl-eni', resourceId: 'eni-0a' })]),
    });
    expect(statuses(run(check, account))).toEqual(['vpc-0main:fail']);
  });

  it('when the flow log is not active, then the VPC fails', () => {
    expect(statuses(run(check, accountWith({ flowLogs: known([aFlowLog({ status: 'INACTIVE' })]) })))).toEqual([
      'vpc-0main:fail',
    ]);
  });

  it('when AWS did not say the flow log’s traffic type, then the VPC is unknown, not failing or passing', () => {
    const [result] = run(check, accountWith({ flowLogs: known([aFlowLog({ trafficType: null })]) }));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('fl-0main');
  });

  it('when delivery of the recording flow log fails, then the VPC passes and the message says delivery fails', () => {
    const [result] = run(check, accountWith({ flowLogs: known([aFlowLog({ deliverLogsStatus: 'FAILED' })]) }));
    expect(result!.status).toBe('pass');
    expect(result!.message).toContain('log delivery is failing');
  });

  it('when a VPC is shared with the account by another account, then it is left to its owner; one with no owner in the answer is judged', () => {
    const account = accountWith({
      vpcs: known([
        aVpc({ vpcId: 'vpc-0shared', ownerId: '222222222222' }),
        aVpc({ vpcId: 'vpc-0anon', ownerId: null }),
      ]),
      flowLogs: known([]),
    });
    expect(statuses(run(check, account))).toEqual(['vpc-0anon:fail']);
  });

  it('when the VPC list or the flow log list was refused, then the region is unknown naming the permission', () => {
    for (const over of [
      { vpcs: denied<never>('ec2:DescribeVpcs') },
      { flowLogs: denied<never>('ec2:DescribeFlowLogs') },
    ]) {
      const [result] = run(check, accountWith(over));
      expect(result).toMatchObject({ status: 'unknown', resource: { id: `${ACCOUNT_ID}/${REGION}/vpcs` } });
      expect(result!.evidence).toMatchObject({ errorKind: 'access-denied' });
    }
  });

  it('when the snapshot was recorded before VPCs were collected, then the region is unknown and says to collect again', () => {
    const [result] = run(check, anAccount({ ec2: { [REGION]: anEc2Region() } }));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('was not collected by this snapshot');
    expect(result!.message).toContain('collect again');
  });
});
