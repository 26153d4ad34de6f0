import { defineCheck, fail, pass, type CheckResult } from '../define';
import type { Ec2Vpc, ResourceRef, VpcFlowLog } from '../../model';
import { regionSettingResource, vpcResource } from '../../resources';
import { withCollectedFact } from '../../world-open-checks';

/** CIS asks for rejected traffic at least; `ALL` records it too, `ACCEPT` does not. */
const RECORDS_REJECTS = new Set(['REJECT', 'ALL']);

const label = (v: Ec2Vpc) => (v.name ? `${v.vpcId} (${v.name})` : v.vpcId);

const flowLogEvidence = (f: VpcFlowLog) => ({
  flowLogId: f.flowLogId,
  status: f.status,
  trafficType: f.trafficType,
  destinationType: f.destinationType,
  deliverLogsStatus: f.deliverLogsStatus,
});

/**
 * Only flow logs on the VPC itself count (CIS audit: `ResourceId` = the VPC): one on a subnet or a
 * network interface records only part of it. A flow log whose status or traffic type AWS left out
 * cannot prove anything, so with nothing else it makes the VPC unknown, not failing.
 */
const judge = (vpc: Ec2Vpc, flowLogs: readonly VpcFlowLog[], resource: ResourceRef, region: string): CheckResult => {
  const own = flowLogs.filter((f) => f.resourceId === vpc.vpcId);
  const evidence = { isDefault: vpc.isDefault, flowLogs: own.map(flowLogEvidence) };
  const recording = own.find(
    (f) => f.status === 'ACTIVE' && f.trafficType !== null && RECORDS_REJECTS.has(f.trafficType),
  );
  if (recording) {
    const failing = recording.deliverLogsStatus === 'FAILED' ? ' (but AWS reports its log delivery is failing)' : '';
    return pass(
      resource,
      region,
      `VPC ${label(vpc)} has flow log ${recording.flowLogId} recording ${recording.trafficType} traffic${failing}.`,
      evidence,
    );
  }
  const unreadable = own.filter((f) => f.status === null || f.trafficType === null);
  if (unreadable.length > 0) {
    return {
      status: 'unknown',
      resource,
      region,
      message: `Could not check: DescribeFlowLogs did not say the status or traffic type of flow log ${unreadable.map((f) => f.flowLogId).join(', ')} of VPC ${label(vpc)}; collect again.`,
      evidence,
    };
  }
  const why =
    own.length === 0
      ? 'has no flow log'
      : `has no active flow log recording rejected traffic (only ${own.map((f) => `${f.flowLogId}: ${f.trafficType} ${(f.status ?? '').toLowerCase()}`).join(', ')})`;
  return fail(resource, region, `VPC ${label(vpc)} ${why}: traffic to and from it leaves no record.`, evidence);
};

export default defineCheck({
  id: 'ec2_vpc_flow_logs_enabled',
  service: 'ec2',
  severity: 'medium',
  title: 'VPC flow logging is enabled in every VPC',
  failTitle: 'VPC has no flow log recording rejected traffic',
  rationale:
    'Flow logs record the traffic that reaches a VPC. Without them there is no trace of port scans, blocked connection attempts or data leaving the network when an incident has to be investigated.',
  remediationText:
    'Create a flow log on the VPC with traffic type REJECT or ALL (VPC console → Your VPCs → Flow logs → Create flow log), delivering to CloudWatch Logs or S3, or run `aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>`.',
  frameworks: { cis: '3.7', securityHub: 'EC2.6' },
  requires: ['ec2'],
  // Creating a flow log needs a destination and, for CloudWatch Logs, a delivery role: no one safe call.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) => {
      const setting = regionSettingResource(account, region, 'vpcs');
      return withCollectedFact(ec2.vpcs, setting, region, 'the VPC list (DescribeVpcs)', (vpcs) =>
        withCollectedFact(ec2.flowLogs, setting, region, 'the flow log list (DescribeFlowLogs)', (flowLogs) =>
          vpcs
            // A VPC shared with this account through RAM records its flow logs in its owner's account.
            .filter((v) => v.ownerId === null || v.ownerId === account.accountId)
            .map((v) => judge(v, flowLogs, vpcResource(account, region, v), region)),
        ),
      );
    }),
});
