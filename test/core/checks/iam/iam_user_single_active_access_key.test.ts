import check from '../../../../src/core/checks/iam/iam_user_single_active_access_key';
import { run, resultFor } from '../../../fixtures/check-harness';
import { aCredentialRow, anAccount, daysAgo, denied } from '../../../fixtures/snapshot-builders';
import { aBareUserRow, anAccountWithIam, anAccountWithUsers } from '../../../fixtures/iam-builders';

describe('iam_user_single_active_access_key', () => {
  it('when a user has one active key, then it passes', () => {
    expect(resultFor(run(check, anAccount()), 'alice')).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsIamUser' },
      region: 'global',
    });
  });

  it('when a user has both keys active, then it fails', () => {
    const row = aCredentialRow({ accessKey2Active: true, accessKey2LastRotated: daysAgo(3) });
    const result = resultFor(run(check, anAccountWithUsers(row)), 'alice');
    expect(result.status).toBe('fail');
    expect(result.evidence).toEqual({ activeKeys: [1, 2] });
  });

  it('when a second key exists but is inactive, then it passes', () => {
    const row = aCredentialRow({ accessKey2Active: false, accessKey2LastRotated: daysAgo(300) });
    expect(resultFor(run(check, anAccountWithUsers(row)), 'alice').status).toBe('pass');
  });

  it('when a user has no active key, then it passes', () => {
    expect(resultFor(run(check, anAccountWithUsers(aBareUserRow('ci-bot'))), 'ci-bot').status).toBe('pass');
  });

  it('when the credential report cannot be read, then one unknown result stands for the account', () => {
    const results = run(check, anAccountWithIam({ credentialReport: denied('iam:GetCredentialReport') }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
  });
});
