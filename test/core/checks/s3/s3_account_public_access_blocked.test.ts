import check from '../../../../src/core/checks/s3/s3_account_public_access_blocked';
import { GLOBAL_REGION, known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, ALL_BLOCKED, anAccount, anS3Slice, denied } from '../../../fixtures/snapshot-builders';

const withAccountBlock = (block: Parameters<typeof anS3Slice>[0]) => anAccount({ s3: anS3Slice(block) });

describe('s3_account_public_access_blocked', () => {
  it('when all four account settings are on, then one pass stands for the account', () => {
    const results = run(check, anAccount());
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsAccount', id: ACCOUNT_ID },
      region: GLOBAL_REGION,
    });
  });

  it('when the account has no configuration, then it fails saying so', () => {
    const [result] = run(check, withAccountBlock({ accountPublicAccessBlock: known(null) }));
    expect(result).toMatchObject({ status: 'fail', evidence: { configured: false } });
    expect(result!.message).toContain('no account-level');
  });

  it('when one setting is off, then it fails naming it', () => {
    const [result] = run(
      check,
      withAccountBlock({ accountPublicAccessBlock: known({ ...ALL_BLOCKED, ignorePublicAcls: false }) }),
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { missing: ['ignorePublicAcls'] } });
    expect(result!.message).toContain('ignorePublicAcls');
  });

  it('when buckets cannot be listed but the account setting is known, then the verdict still stands', () => {
    const [result] = run(check, withAccountBlock({ buckets: denied('s3:ListAllMyBuckets') }));
    expect(result!.status).toBe('pass');
  });

  it('when the account setting cannot be read, then it is unknown naming the permission', () => {
    const [result] = run(
      check,
      withAccountBlock({ accountPublicAccessBlock: denied('s3:GetAccountPublicAccessBlock') }),
    );
    expect(result).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 's3:GetAccountPublicAccessBlock' },
    });
  });
});
