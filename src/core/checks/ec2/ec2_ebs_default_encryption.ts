import { defineCheck, fail, pass, withFactOne } from '../define';
import { regionSettingResource } from '../../resources';

export default defineCheck({
  id: 'ec2_ebs_default_encryption',
  service: 'ec2',
  severity: 'medium',
  title: 'EBS encryption by default is enabled',
  failTitle: 'EBS encryption by default is off',
  rationale:
    'With encryption by default on, every new EBS volume and snapshot copy in the region is encrypted, so no one can forget to ask for it. The setting is per region.',
  remediationText:
    'Turn it on in each region (EC2 console → Settings → Data protection and security → EBS encryption → Always encrypt new EBS volumes), or run `aws ec2 enable-ebs-encryption-by-default --region <region>`.',
  frameworks: { cis: '2.2.1', securityHub: 'EC2.7' },
  requires: ['ec2'],
  remediation: 'ec2_enable_ebs_default_encryption',
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) => {
      const resource = regionSettingResource(account, region, 'ebs-default-encryption');
      return withFactOne(ec2.ebsEncryptionByDefault, resource, region, (enabled) =>
        enabled
          ? pass(resource, region, `EBS encryption by default is on in ${region}.`, { ebsEncryptionByDefault: true })
          : fail(
              resource,
              region,
              `EBS encryption by default is off in ${region}: new volumes may be created unencrypted.`,
              {
                ebsEncryptionByDefault: false,
              },
            ),
      );
    }),
});
