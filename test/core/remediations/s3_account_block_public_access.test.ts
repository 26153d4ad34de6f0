import type { DeletePublicAccessBlockCommandInput, PutPublicAccessBlockCommandInput } from '@aws-sdk/client-s3-control';
import { GLOBAL_REGION, known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/s3_account_block_public_access';
import { ACCOUNT_ID, ALL_BLOCKED, anAccount, anS3Slice, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding } = SAMPLES.s3_account_block_public_access!();
const accountWith = (block: Parameters<typeof anS3Slice>[0]) => anAccount({ s3: anS3Slice(block) });

describe('s3_account_block_public_access', () => {
  it('when the account has no configuration, then the plan turns all four on through S3 Control', () => {
    const result = planned(remediation.plan(finding, accountWith({ accountPublicAccessBlock: known(null) })));
    const expected: PutPublicAccessBlockCommandInput = {
      AccountId: ACCOUNT_ID,
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        IgnorePublicAcls: true,
        BlockPublicPolicy: true,
        RestrictPublicBuckets: true,
      },
    };
    expect(result.calls).toEqual([
      { service: 's3control', region: GLOBAL_REGION, command: 'PutPublicAccessBlock', input: expected },
    ]);
  });

  it('when there was no configuration, then undo deletes the account configuration', () => {
    const result = planned(remediation.plan(finding, accountWith({ accountPublicAccessBlock: known(null) })));
    const expected: DeletePublicAccessBlockCommandInput = { AccountId: ACCOUNT_ID };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 's3control', region: GLOBAL_REGION, command: 'DeletePublicAccessBlock', input: expected }],
    });
  });

  it('when some settings were on, then undo puts the previous settings back', () => {
    const previous = { ...ALL_BLOCKED, blockPublicPolicy: false };
    const result = planned(remediation.plan(finding, accountWith({ accountPublicAccessBlock: known(previous) })));
    const undo = remediation.inverse(result.calls, result.before);
    expect(undo).toMatchObject({
      ok: true,
      calls: [
        {
          command: 'PutPublicAccessBlock',
          input: { PublicAccessBlockConfiguration: { BlockPublicPolicy: false, BlockPublicAcls: true } },
        },
      ],
    });
  });

  it('when the account settings could not be read, then no plan is made, naming the permission', () => {
    const account = accountWith({ accountPublicAccessBlock: denied('s3:GetAccountPublicAccessBlock') });
    expect(reasonOf(remediation.plan(finding, account))).toContain('s3:GetAccountPublicAccessBlock');
  });

  it('when all four are already on, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, anAccount()))).toMatch(/already/);
  });
});
