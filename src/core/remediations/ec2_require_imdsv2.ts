import { z } from 'zod';
import { cannot, collected, defineRemediation, findEc2Region, targetId } from './define';
import { sdkCall } from './sdk-call';

const GONE = new Set(['shutting-down', 'terminated']);

const Before = z.object({ instanceId: z.string(), region: z.string(), httpTokens: z.literal('optional').nullable() });

export default defineRemediation({
  id: 'ec2_require_imdsv2',
  title: 'Require IMDSv2 (session tokens) for the instance metadata service',
  fixes: ['ec2_instance_imdsv2_required'],
  // Software on the instance that still speaks IMDSv1 loses its credentials and configuration.
  risk: 'high',
  permissions: ['ec2:ModifyInstanceMetadataOptions'],
  undoPermissions: ['ec2:ModifyInstanceMetadataOptions'],
  before: Before,
  plan: (finding, account) => {
    const ec2 = findEc2Region(finding, account);
    if (!ec2.ok) return ec2;
    const instances = collected(ec2.value.instances, `the EC2 instances of ${finding.region}`);
    if (!instances.ok) return instances;
    const instanceId = targetId(finding);
    const instance = instances.value.find((i) => i.instanceId === instanceId);
    if (!instance) return cannot(`Instance ${instanceId} is not in the snapshot.`);
    if (GONE.has(instance.state)) return cannot(`Instance ${instanceId} is ${instance.state}.`);
    if (instance.httpTokens === 'required') return cannot(`Instance ${instanceId} already requires IMDSv2.`);
    if (instance.httpEndpoint === 'disabled')
      return cannot(`Instance ${instanceId} has the metadata service turned off.`);
    return {
      ok: true,
      calls: [
        sdkCall('ec2', 'ModifyInstanceMetadataOptions', finding.region, {
          InstanceId: instanceId,
          HttpTokens: 'required',
          HttpEndpoint: 'enabled',
        }),
      ],
      before: { instanceId, region: finding.region, httpTokens: instance.httpTokens },
    };
  },
  // Both null and `optional` before mean IMDSv1 was answered; `optional` is how to say so again.
  inverse: (_calls, before) => [
    sdkCall('ec2', 'ModifyInstanceMetadataOptions', before.region, {
      InstanceId: before.instanceId,
      HttpTokens: 'optional',
      HttpEndpoint: 'enabled',
    }),
  ],
});
