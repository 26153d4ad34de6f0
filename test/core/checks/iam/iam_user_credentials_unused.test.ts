import check from '../../../../src/core/checks/iam/iam_user_credentials_unused';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { aCredentialRow, anAccount, daysAgo, denied } from '../../../fixtures/snapshot-builders';
import { aBareUserRow, anAccountWithIam, anAccountWithUsers } from '../../../fixtures/iam-builders';

const aliceWith = (over: Parameters<typeof aCredentialRow>[0]) =>
  resultFor(run(check, anAccountWithUsers(aCredentialRow(over))), 'alice');

describe('iam_user_credentials_unused', () => {
  it('when password and key were used yesterday, then the user passes', () => {
    expect(resultFor(run(check, anAccount()), 'alice')).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsIamUser', id: 'alice' },
      region: 'global',
    });
  });

  it('when the password was last used 60 days ago, then the user fails naming the password', () => {
    const result = aliceWith({ passwordLastUsed: daysAgo(60) });
    expect(result.status).toBe('fail');
    expect(result.message).toContain('console password');
    expect(result.evidence).toMatchObject({
      unused: [{ credential: 'password', idleDays: 60 }],
      unusedAccessKeyNumbers: [],
    });
  });

  it('when the password was last used exactly 45 days ago, then it counts as unused', () => {
    expect(aliceWith({ passwordLastUsed: daysAgo(45) }).status).toBe('fail');
  });

  it('when the password was last used 44 days ago, then it passes', () => {
    expect(aliceWith({ passwordLastUsed: daysAgo(44) }).status).toBe('pass');
  });

  it('when a password set 45 days ago was never used, then it counts as unused', () => {
    const result = aliceWith({ passwordLastUsed: null, passwordLastChanged: daysAgo(45) });
    expect(result.status).toBe('fail');
    expect(result.message).toContain('never used');
  });

  it('when a never-used password was set 10 days ago on an old user, then it is not yet unused', () => {
    expect(
      aliceWith({ passwordLastUsed: null, passwordLastChanged: daysAgo(10), userCreationTime: daysAgo(400) }).status,
    ).toBe('pass');
  });

  it('when a never-used password has no change date, then the user creation time counts', () => {
    expect(aliceWith({ passwordLastUsed: null, passwordLastChanged: null, userCreationTime: daysAgo(50) }).status).toBe(
      'fail',
    );
  });

  it('when an active key was last used 46 days ago, then it fails naming the key number', () => {
    const result = aliceWith({ accessKey1LastUsedDate: daysAgo(46) });
    expect(result.status).toBe('fail');
    expect(result.message).toContain('access key 1');
    expect(result.evidence).toMatchObject({ unusedAccessKeyNumbers: [1] });
  });

  it('when an active key created 45 days ago was never used, then it counts as unused', () => {
    expect(aliceWith({ accessKey1LastUsedDate: null, accessKey1LastRotated: daysAgo(45) }).status).toBe('fail');
  });

  it('when an unused key is inactive, then it does not count', () => {
    expect(aliceWith({ accessKey1Active: false, accessKey1LastUsedDate: daysAgo(300) }).status).toBe('pass');
  });

  it('when several credentials are unused, then one result lists them all', () => {
    const results = run(
      check,
      anAccountWithUsers(
        aCredentialRow({
          passwordLastUsed: daysAgo(100),
          accessKey1LastUsedDate: daysAgo(50),
          accessKey2Active: true,
          accessKey2LastRotated: daysAgo(80),
          accessKey2LastUsedDate: null,
        }),
      ),
    );
    expect(statuses(results)).toEqual(['alice:fail']);
    expect(results[0]!.evidence).toMatchObject({ unusedAccessKeyNumbers: [1, 2] });
    expect(results[0]!.message).toMatch(/console password.*access key 1.*access key 2/);
  });

  it('when a user has no password and no active key, then it passes', () => {
    expect(resultFor(run(check, anAccountWithUsers(aBareUserRow('ci-bot'))), 'ci-bot').status).toBe('pass');
  });

  it('when the credential report cannot be read, then one unknown result stands for the account', () => {
    const results = run(check, anAccountWithIam({ credentialReport: denied('iam:GetCredentialReport') }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
  });
});
