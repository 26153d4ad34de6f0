import check from '../../../../src/core/checks/iam/iam_password_policy_min_length';
import { known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { aCisPasswordPolicy, anAccount, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam } from '../../../fixtures/iam-builders';

const only = (account: Parameters<typeof run>[1]) => {
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};
const withLength = (minimumPasswordLength: number | null) =>
  only(anAccountWithIam({ passwordPolicy: known(aCisPasswordPolicy({ minimumPasswordLength })) }));

describe('iam_password_policy_min_length', () => {
  it('when the policy requires exactly 14 characters, then the account passes', () => {
    expect(only(anAccount())).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsAccount', id: '111111111111' },
      region: 'global',
    });
  });

  it('when the policy requires 13 characters, then it fails stating the current length', () => {
    const result = withLength(13);
    expect(result.status).toBe('fail');
    expect(result.message).toContain('13');
    expect(result.evidence).toEqual({ minimumPasswordLength: 13, required: 14 });
  });

  it('when the policy sets no minimum length, then it fails', () => {
    expect(withLength(null).status).toBe('fail');
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
