import check from '../../../../src/core/checks/iam/iam_password_policy_reuse_prevention';
import { known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { aCisPasswordPolicy, anAccount, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam } from '../../../fixtures/iam-builders';

const only = (account: Parameters<typeof run>[1]) => {
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};
const withReuse = (passwordReusePrevention: number | null) =>
  only(anAccountWithIam({ passwordPolicy: known(aCisPasswordPolicy({ passwordReusePrevention })) }));

describe('iam_password_policy_reuse_prevention', () => {
  it('when the policy remembers 24 passwords, then the account passes', () => {
    expect(only(anAccount())).toMatchObject({ status: 'pass', resource: { type: 'AwsAccount' }, region: 'global' });
  });

  it('when the policy remembers 23 passwords, then it fails stating the number', () => {
    const result = withReuse(23);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('23');
    expect(result.evidence).toEqual({ passwordReusePrevention: 23, required: 24 });
  });

  it('when the policy does not prevent reuse, then it fails', () => {
    const result = withReuse(null);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('does not prevent password reuse');
  });

  it('when the account has no password policy, then it fails saying so', () => {
    const result = only(anAccountWithIam({ passwordPolicy: known(null) }));
    expect(result.status).toBe('fail');
    expect(result.message).toContain('no password policy');
  });

  it('when the password policy cannot be read, then it is unknown naming the permission', () => {
    const result = only(anAccountWithIam({ passwordPolicy: denied('iam:GetAccountPasswordPolicy') }));
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('iam:GetAccountPasswordPolicy');
  });
});
