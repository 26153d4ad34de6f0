import { z } from 'zod';
import { GLOBAL_REGION, PublicAccessBlockSchema } from '../model';
import { PUBLIC_ACCESS_BLOCK_SETTINGS } from '../s3-access';
import { cannot, collected, defineRemediation } from './define';
import { ALL_BLOCKED, publicAccessBlockConfiguration } from './s3_block_public_access';
import { sdkCall } from './sdk-call';

const Before = z.object({
  accountId: z.string(),
  /** `null`: the account had no configuration. */
  publicAccessBlock: PublicAccessBlockSchema.nullable(),
});

export default defineRemediation({
  id: 's3_account_block_public_access',
  title: 'Turn on all four Block Public Access settings for the whole account',
  fixes: ['s3_account_public_access_blocked'],
  risk: 'low',
  // S3 Control authorizes DeletePublicAccessBlock with the same action as PutPublicAccessBlock.
  permissions: ['s3:PutAccountPublicAccessBlock'],
  undoPermissions: ['s3:PutAccountPublicAccessBlock'],
  before: Before,
  plan: (_finding, account) => {
    const current = collected(account.s3?.accountPublicAccessBlock, 'the account-level Block Public Access settings');
    if (!current.ok) return current;
    if (current.value && PUBLIC_ACCESS_BLOCK_SETTINGS.every((k) => current.value?.[k])) {
      return cannot(`Account ${account.accountId} already turns on all four Block Public Access settings.`);
    }
    return {
      ok: true,
      calls: [
        sdkCall('s3control', 'PutPublicAccessBlock', GLOBAL_REGION, {
          AccountId: account.accountId,
          PublicAccessBlockConfiguration: publicAccessBlockConfiguration(ALL_BLOCKED),
        }),
      ],
      before: { accountId: account.accountId, publicAccessBlock: current.value },
    };
  },
  inverse: (_calls, before) => [
    before.publicAccessBlock
      ? sdkCall('s3control', 'PutPublicAccessBlock', GLOBAL_REGION, {
          AccountId: before.accountId,
          PublicAccessBlockConfiguration: publicAccessBlockConfiguration(before.publicAccessBlock),
        })
      : sdkCall('s3control', 'DeletePublicAccessBlock', GLOBAL_REGION, { AccountId: before.accountId }),
  ],
});
