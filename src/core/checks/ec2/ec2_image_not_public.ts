import { defineCheck, fail, pass } from '../define';
import type { Ami } from '../../model';
import { imageResource, regionSettingResource } from '../../resources';
import { withCollectedFact } from '../../world-open-checks';

const label = (i: Ami) => (i.name ? `${i.imageId} (${i.name})` : i.imageId);

export default defineCheck({
  id: 'ec2_image_not_public',
  service: 'ec2',
  severity: 'critical',
  title: 'AMIs owned by the account are not public',
  failTitle: 'AMI is public',
  rationale:
    'Any AWS account can launch a public AMI and read everything baked into it: application code, configuration, credentials and keys left on the disk. Public sharing of a private image is almost always a mistake.',
  remediationText:
    'Make the image private (EC2 console → AMIs → Actions → Edit AMI permissions → Private), or run `aws ec2 modify-image-attribute --image-id <id> --launch-permission "Remove=[{Group=all}]"`; consider turning on block public access for AMIs in the region.',
  // Security Hub has no control for public AMIs (its EC2.1 is about EBS snapshots).
  frameworks: { cis: null, securityHub: null },
  requires: ['ec2'],
  remediation: 'ec2_image_make_private',
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withCollectedFact(
        ec2.images,
        regionSettingResource(account, region, 'images'),
        region,
        'the list of AMIs the account owns (DescribeImages)',
        (images) =>
          images.map((image) => {
            const resource = imageResource(account, region, image);
            const evidence = { name: image.name, state: image.state, public: image.public };
            if (image.public === null) {
              return {
                status: 'unknown' as const,
                resource,
                region,
                message: `Could not check: DescribeImages did not say whether AMI ${label(image)} is public; collect again.`,
                evidence,
              };
            }
            return image.public
              ? fail(
                  resource,
                  region,
                  `AMI ${label(image)} is public: any AWS account can launch it and read its disks.`,
                  evidence,
                )
              : pass(resource, region, `AMI ${label(image)} is not shared publicly.`, evidence);
          }),
      ),
    ),
});
