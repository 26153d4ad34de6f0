import { z } from 'zod';
import { cannot, collected, defineRemediation, findEc2Region } from './define';
import { sdkCall } from './sdk-call';

const Before = z.object({ region: z.string(), ebsEncryptionByDefault: z.literal(false) });

export default defineRemediation({
  id: 'ec2_enable_ebs_default_encryption',
  title: 'Encrypt new EBS volumes by default in the region',
  fixes: ['ec2_ebs_default_encryption'],
  risk: 'low',
  permissions: ['ec2:EnableEbsEncryptionByDefault'],
  undoPermissions: ['ec2:DisableEbsEncryptionByDefault'],
  before: Before,
  plan: (finding, account) => {
    const ec2 = findEc2Region(finding, account);
    if (!ec2.ok) return ec2;
    const enabled = collected(ec2.value.ebsEncryptionByDefault, `the EBS encryption default of ${finding.region}`);
    if (!enabled.ok) return enabled;
    if (enabled.value) return cannot(`EBS encryption by default is already on in ${finding.region}.`);
    return {
      ok: true,
      calls: [sdkCall('ec2', 'EnableEbsEncryptionByDefault', finding.region, {})],
      before: { region: finding.region, ebsEncryptionByDefault: false as const },
      notes: ['Existing volumes stay as they are; only volumes created from now on are encrypted.'],
    };
  },
  inverse: (_calls, before) => [sdkCall('ec2', 'DisableEbsEncryptionByDefault', before.region, {})],
});
