import type { ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import { z } from 'zod';
import type { Finding } from '../model';
import { cannot, collected, defineRemediation } from './define';
import { sdkCall } from './sdk-call';

const Before = z.object({
  instanceId: z.string().min(1),
  region: z.string().min(1),
  publiclyAccessible: z.literal(true),
});

/**
 * The DB instance identifier a finding names: cloudsec findings carry it as the resource id, Security
 * Hub findings (RDS.2) the ARN `arn:<partition>:rds:<region>:<account>:db:<identifier>`.
 */
const instanceIdOf = (finding: Finding): string => {
  const id = finding.resource.id;
  return id.startsWith('arn:') ? id.split(':').slice(6).join(':') : id;
};

/** ApplyImmediately: otherwise the change waits for the next maintenance window, and the fix cannot be verified. */
const publiclyAccessible = (instanceId: string, value: boolean): ModifyDBInstanceCommandInput => ({
  DBInstanceIdentifier: instanceId,
  PubliclyAccessible: value,
  ApplyImmediately: true,
});

export default defineRemediation({
  id: 'rds_instance_make_private',
  title: 'Make the RDS DB instance not publicly accessible',
  fixes: ['rds_instance_not_publicly_accessible'],
  // Clients outside the VPC (a laptop, another cloud, a SaaS tool) lose their connection at once.
  risk: 'high',
  approvals: 2,
  permissions: ['rds:ModifyDBInstance'],
  undoPermissions: ['rds:ModifyDBInstance'],
  before: Before,
  plan: (finding, account) => {
    const rds = account.rds?.[finding.region];
    if (!rds) return cannot(`The snapshot has no RDS data for region ${finding.region}.`);
    const instances = collected(rds.instances, `the RDS DB instances of ${finding.region}`);
    if (!instances.ok) return instances;
    const instanceId = instanceIdOf(finding);
    const instance = instances.value.find((i) => i.id === instanceId);
    if (!instance) return cannot(`RDS DB instance ${instanceId} is not in the snapshot of ${finding.region}.`);
    if (instance.publiclyAccessible === null)
      return cannot(
        `The snapshot does not say whether RDS DB instance ${instanceId} is publicly accessible; collect again.`,
      );
    if (!instance.publiclyAccessible)
      return cannot(`RDS DB instance ${instanceId} is already not publicly accessible.`);
    return {
      ok: true,
      calls: [sdkCall('rds', 'ModifyDBInstance', finding.region, publiclyAccessible(instanceId, false))],
      before: { instanceId, region: finding.region, publiclyAccessible: true as const },
      notes: [
        `Applied immediately: clients that reach ${instanceId} from outside its VPC lose their connection; its endpoint name stays the same and resolves to a private address.`,
        // RDS reports the instance `modifying` while it applies the change, which can outlast the
        // verification's re-reads; the finding then passes on the next scan.
        'RDS can take a few minutes to apply the change; if the verification right after still sees the instance public, check it again later.',
        ...(instance.status !== null && instance.status !== 'available'
          ? [`The instance is ${instance.status}; AWS refuses the change until it is available.`]
          : []),
      ],
    };
  },
  inverse: (_calls, before) => [
    sdkCall('rds', 'ModifyDBInstance', before.region, publiclyAccessible(before.instanceId, true)),
  ],
});
