import type { ModifyImageAttributeCommandInput } from '@aws-sdk/client-ec2';
import { z } from 'zod';
import { cannot, collected, defineRemediation, findEc2Region, targetId } from './define';
import { sdkCall } from './sdk-call';

const Before = z.object({ imageId: z.string(), region: z.string(), public: z.literal(true) });

/** The launch permission of group `all` (every AWS account): removed to make the AMI private, added back on undo. */
const launchByEveryone = (imageId: string, change: 'Add' | 'Remove'): ModifyImageAttributeCommandInput => ({
  ImageId: imageId,
  LaunchPermission: { [change]: [{ Group: 'all' }] },
});

export default defineRemediation({
  id: 'ec2_image_make_private',
  title: 'Stop sharing the AMI with every AWS account',
  fixes: ['ec2_image_not_public'],
  // Accounts it was shared with explicitly keep their launch permission; only "everyone" goes.
  risk: 'low',
  permissions: ['ec2:ModifyImageAttribute'],
  undoPermissions: ['ec2:ModifyImageAttribute'],
  before: Before,
  plan: (finding, account) => {
    const ec2 = findEc2Region(finding, account);
    if (!ec2.ok) return ec2;
    const images = collected(ec2.value.images, `the AMIs of ${finding.region}`);
    if (!images.ok) return images;
    const imageId = targetId(finding);
    const image = images.value.find((i) => i.imageId === imageId);
    if (!image) return cannot(`AMI ${imageId} is not in the snapshot of ${finding.region}.`);
    if (image.public === null)
      return cannot(`The snapshot does not say whether AMI ${imageId} is public; collect again.`);
    if (!image.public) return cannot(`AMI ${imageId} is already private.`);
    return {
      ok: true,
      calls: [sdkCall('ec2', 'ModifyImageAttribute', finding.region, launchByEveryone(imageId, 'Remove'))],
      before: { imageId, region: finding.region, public: true as const },
      notes: [
        'Accounts and organizations the AMI is shared with by name keep their access; instances already launched from it keep running.',
      ],
    };
  },
  inverse: (_calls, before) => [
    sdkCall('ec2', 'ModifyImageAttribute', before.region, launchByEveryone(before.imageId, 'Add')),
  ],
});
