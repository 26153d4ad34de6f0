import { defineCheck, fail, pass, withFact } from '../define';
import type { Instance } from '../../model';
import { instanceResource, regionSettingResource } from '../../resources';
import { notCollectedResult } from '../../world-open-checks';

/** As for IMDSv2: instances on their way out are not reported; stopped ones are (they start again as they are). */
const IGNORED_STATES = new Set(['shutting-down', 'terminated']);

const label = (i: Instance) => (i.name ? `${i.instanceId} (${i.name})` : i.instanceId);

export default defineCheck({
  id: 'ec2_instance_profile_attached',
  service: 'ec2',
  severity: 'low',
  title: 'EC2 instances use an IAM instance profile',
  failTitle: 'EC2 instance has no IAM instance profile',
  rationale:
    'An instance profile gives software on the instance short-lived, automatically rotated role credentials. An instance without one that calls AWS does so with long-lived access keys stored on its disk or in its code, which leak with every image, backup or compromise. (Whether keys are embedded on the instance cannot be seen through the API: CIS 1.18 leaves that part to a person.)',
  remediationText:
    'Create a role with only the permissions the workload needs and attach it (EC2 console → Instances → Actions → Security → Modify IAM role, or `aws ec2 associate-iam-instance-profile --instance-id <id> --iam-instance-profile Name=<profile>`), then remove any access keys stored on the instance and deactivate them in IAM.',
  frameworks: { cis: '1.18', securityHub: null },
  requires: ['ec2'],
  // Which role, with which permissions, is the workload's owner's decision: no automatic fix.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withFact(ec2.instances, regionSettingResource(account, region, 'instances'), region, (instances) =>
        instances
          .filter((i) => !IGNORED_STATES.has(i.state))
          .map((i) => {
            const resource = instanceResource(account, region, i);
            // Recorded before cloudsec read instance profiles: unknown, never a pass or a failure.
            if (i.instanceProfileArn === undefined) {
              return notCollectedResult(resource, region, `the instance profile of instance ${label(i)}`);
            }
            const evidence = { state: i.state, instanceProfileArn: i.instanceProfileArn };
            return i.instanceProfileArn === null
              ? fail(
                  resource,
                  region,
                  `Instance ${label(i)} has no IAM instance profile: anything on it that calls AWS needs stored keys.`,
                  evidence,
                )
              : pass(resource, region, `Instance ${label(i)} uses instance profile ${i.instanceProfileArn}.`, evidence);
          }),
      ),
    ),
});
