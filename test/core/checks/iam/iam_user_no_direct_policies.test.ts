import check from '../../../../src/core/checks/iam/iam_user_no_direct_policies';
import { run, resultFor } from '../../../fixtures/check-harness';
import { anAccount, denied } from '../../../fixtures/snapshot-builders';
import {
  aPolicyDocument,
  anAccountWithAuthorization,
  anAccountWithIam,
  anIamUser,
} from '../../../fixtures/iam-builders';

describe('iam_user_no_direct_policies', () => {
  it('when a user gets permissions only through groups, then it passes', () => {
    expect(resultFor(run(check, anAccount()), 'alice')).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsIamUser', id: 'alice', arn: 'arn:aws:iam::111111111111:user/alice' },
      region: 'global',
    });
  });

  it('when a managed policy is attached to a user, then it fails naming the policy', () => {
    const bob = anIamUser({
      attachedPolicies: [{ name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' }],
    });
    const result = resultFor(run(check, anAccountWithAuthorization({ users: [bob] })), 'bob');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('AdministratorAccess');
    expect(result.evidence).toEqual({ attachedPolicies: ['AdministratorAccess'], inlinePolicies: [] });
  });

  it('when a user has an inline policy, then it fails naming the policy', () => {
    const bob = anIamUser({ inlinePolicies: [{ name: 'tmp-s3', document: aPolicyDocument([]) }] });
    const result = resultFor(run(check, anAccountWithAuthorization({ users: [bob] })), 'bob');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('tmp-s3');
  });

  it('when authorization details cannot be read, then one unknown result stands for the account', () => {
    const results = run(
      check,
      anAccountWithIam({ authorizationDetails: denied('iam:GetAccountAuthorizationDetails') }),
    );
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
    expect(results[0]!.message).toContain('iam:GetAccountAuthorizationDetails');
  });
});
