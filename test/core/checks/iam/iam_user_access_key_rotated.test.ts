import check from '../../../../src/core/checks/iam/iam_user_access_key_rotated';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { aCredentialRow, aRootRow, anAccount, daysAgo, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam, anAccountWithReport, anAccountWithUsers } from '../../../fixtures/iam-builders';

const KEY1 = 'alice:access_key_1';
const KEY2 = 'alice:access_key_2';

describe('iam_user_access_key_rotated', () => {
  it('when an active key was rotated 10 days ago, then the key passes', () => {
    expect(resultFor(run(check, anAccount()), KEY1)).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsIamAccessKey', id: KEY1, arn: 'arn:aws:iam::111111111111:user/alice' },
      region: 'global',
    });
  });

  it('when an active key is 120 days old, then that key fails with its number and age', () => {
    const result = resultFor(
      run(check, anAccountWithUsers(aCredentialRow({ accessKey1LastRotated: daysAgo(120) }))),
      KEY1,
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('alice');
    expect(result.evidence).toMatchObject({ keyNumber: 1, ageDays: 120, user: 'alice' });
  });

  it('when a key is exactly 90 days old, then it passes', () => {
    expect(
      resultFor(run(check, anAccountWithUsers(aCredentialRow({ accessKey1LastRotated: daysAgo(90) }))), KEY1).status,
    ).toBe('pass');
  });

  it('when a key is just over 90 days old, then it fails', () => {
    const row = aCredentialRow({ accessKey1LastRotated: daysAgo(90 + 1 / 24) });
    expect(resultFor(run(check, anAccountWithUsers(row)), KEY1).status).toBe('fail');
  });

  it('when a user has two active keys, then each key gets its own result', () => {
    const row = aCredentialRow({ accessKey2Active: true, accessKey2LastRotated: daysAgo(200) });
    expect(statuses(run(check, anAccountWithUsers(row)))).toEqual([`${KEY1}:pass`, `${KEY2}:fail`]);
  });

  it('when an old key is inactive, then it is not examined', () => {
    const row = aCredentialRow({ accessKey1Active: false, accessKey1LastRotated: daysAgo(400) });
    expect(run(check, anAccountWithUsers(row))).toEqual([]);
  });

  it("when root's keys are old, then this check leaves them to the root checks", () => {
    const root = aRootRow({ accessKey1Active: true, accessKey1LastRotated: daysAgo(400) });
    expect(statuses(run(check, anAccountWithReport(root, aCredentialRow())))).toEqual([`${KEY1}:pass`]);
  });

  it('when an active key has no rotation date, then that key is unknown', () => {
    const row = aCredentialRow({ accessKey1LastRotated: null });
    expect(resultFor(run(check, anAccountWithUsers(row)), KEY1).status).toBe('unknown');
  });

  it('when the credential report cannot be read, then one unknown result stands for the account', () => {
    const results = run(check, anAccountWithIam({ credentialReport: denied('iam:GetCredentialReport') }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
  });
});
