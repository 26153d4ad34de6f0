import check from '../../../../src/core/checks/iam/iam_root_mfa_enabled';
import { known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { aCredentialRow, aRootRow, anAccount, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam } from '../../../fixtures/iam-builders';

const only = (account: Parameters<typeof run>[1]) => {
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe('iam_root_mfa_enabled', () => {
  it('when the credential report shows root MFA active, then the account passes', () => {
    const result = only(anAccount());
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsAccount', id: '111111111111' },
      region: 'global',
    });
    expect(result.evidence).toEqual({ mfaActive: true, source: 'credentialReport' });
  });

  it('when the root row has no MFA, then it fails even if the account summary says otherwise', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: known([aRootRow({ mfaActive: false }), aCredentialRow()]),
        accountSummary: known({ AccountMFAEnabled: 1 }),
      }),
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('no MFA');
  });

  it('when the credential report is unavailable, then AccountMFAEnabled from the account summary decides', () => {
    const on = only(
      anAccountWithIam({
        credentialReport: denied('iam:GetCredentialReport'),
        accountSummary: known({ AccountMFAEnabled: 1 }),
      }),
    );
    const off = only(
      anAccountWithIam({
        credentialReport: denied('iam:GetCredentialReport'),
        accountSummary: known({ AccountMFAEnabled: 0 }),
      }),
    );
    expect(on).toMatchObject({ status: 'pass', evidence: { source: 'accountSummary' } });
    expect(off).toMatchObject({ status: 'fail', evidence: { source: 'accountSummary', mfaActive: false } });
  });

  it('when the report has no root row, then the account summary decides', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: known([aCredentialRow()]),
        accountSummary: known({ AccountMFAEnabled: 0 }),
      }),
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { source: 'accountSummary' } });
  });

  it('when neither the report nor the summary can be read, then it is unknown naming the report permission', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: denied('iam:GetCredentialReport'),
        accountSummary: denied('iam:GetAccountSummary'),
      }),
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('iam:GetCredentialReport');
  });

  it('when the report lacks a root row and the summary lacks AccountMFAEnabled, then it is unknown', () => {
    const result = only(
      anAccountWithIam({ credentialReport: known([aCredentialRow()]), accountSummary: known({ Users: 1 }) }),
    );
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('root MFA');
  });
});
