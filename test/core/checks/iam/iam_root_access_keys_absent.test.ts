import check from '../../../../src/core/checks/iam/iam_root_access_keys_absent';
import { known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { aCredentialRow, aRootRow, anAccount, daysAgo, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam } from '../../../fixtures/iam-builders';

const only = (account: Parameters<typeof run>[1]) => {
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe('iam_root_access_keys_absent', () => {
  it('when root has no active keys and the summary counts none, then it passes', () => {
    expect(only(anAccount())).toMatchObject({ status: 'pass', resource: { type: 'AwsAccount' }, region: 'global' });
  });

  it('when root access key 2 is active, then it fails naming the key', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: known([
          aRootRow({ accessKey2Active: true, accessKey2LastRotated: daysAgo(5) }),
          aCredentialRow(),
        ]),
      }),
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('access key 2');
    expect(result.evidence).toMatchObject({ activeKeys: [2] });
  });

  it('when the report shows no active key but the summary counts a (possibly inactive) root key, then it fails', () => {
    const result = only(
      anAccountWithIam({ accountSummary: known({ AccountMFAEnabled: 1, AccountAccessKeysPresent: 1 }) }),
    );
    expect(result).toMatchObject({
      status: 'fail',
      evidence: { accountAccessKeysPresent: 1, source: 'accountSummary' },
    });
  });

  it('when the report is unavailable, then AccountAccessKeysPresent decides', () => {
    const noReport = { credentialReport: denied<never>('iam:GetCredentialReport') };
    expect(only(anAccountWithIam({ ...noReport, accountSummary: known({ AccountAccessKeysPresent: 0 }) })).status).toBe(
      'pass',
    );
    expect(only(anAccountWithIam({ ...noReport, accountSummary: known({ AccountAccessKeysPresent: 1 }) })).status).toBe(
      'fail',
    );
  });

  it('when the summary is unavailable, then the report alone decides', () => {
    expect(only(anAccountWithIam({ accountSummary: denied('iam:GetAccountSummary') })).status).toBe('pass');
  });

  it('when neither the report nor the summary can be read, then it is unknown naming a permission', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: denied('iam:GetCredentialReport'),
        accountSummary: denied('iam:GetAccountSummary'),
      }),
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('iam:GetCredentialReport');
  });
});
