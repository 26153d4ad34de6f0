import check from '../../../../src/core/checks/iam/iam_root_not_recently_used';
import { run } from '../../../fixtures/check-harness';
import { aCredentialRow, aRootRow, anAccount, daysAgo, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam, anAccountWithReport } from '../../../fixtures/iam-builders';

const only = (account: Parameters<typeof run>[1]) => {
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};

const withRoot = (over: Parameters<typeof aRootRow>[0]) => anAccountWithReport(aRootRow(over), aCredentialRow());

describe('iam_root_not_recently_used', () => {
  it('when root last signed in 200 days ago, then it passes', () => {
    expect(only(anAccount())).toMatchObject({ status: 'pass', resource: { type: 'AwsAccount' }, region: 'global' });
  });

  it('when root signed in 10 days ago, then it fails with the date', () => {
    const when = daysAgo(10);
    const result = only(withRoot({ passwordLastUsed: when }));
    expect(result.status).toBe('fail');
    expect(result.message).toContain(when.slice(0, 10));
    expect(result.evidence).toMatchObject({ mostRecentUse: when, daysAgo: 10 });
  });

  it('when only a root access key was used recently, then it fails', () => {
    const result = only(withRoot({ passwordLastUsed: null, accessKey2LastUsedDate: daysAgo(30) }));
    expect(result).toMatchObject({ status: 'fail', evidence: { mostRecentUse: daysAgo(30) } });
  });

  it('when root was used exactly 90 days ago, then it still counts as recent', () => {
    expect(only(withRoot({ passwordLastUsed: daysAgo(90) })).status).toBe('fail');
  });

  it('when root was last used just over 90 days ago, then it passes', () => {
    expect(only(withRoot({ passwordLastUsed: daysAgo(90 + 1 / 24) })).status).toBe('pass');
  });

  it('when root has no recorded password or key use, then it passes', () => {
    const result = only(withRoot({ passwordLastUsed: null }));
    expect(result.status).toBe('pass');
    expect(result.message).toContain('no recorded use');
  });

  it('when the credential report cannot be read, then it is unknown naming the permission', () => {
    const result = only(anAccountWithIam({ credentialReport: denied('iam:GetCredentialReport') }));
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('iam:GetCredentialReport');
  });

  it('when the report has no root row, then it is unknown', () => {
    expect(only(anAccountWithReport(aCredentialRow())).status).toBe('unknown');
  });
});
