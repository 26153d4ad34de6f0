import check from '../../../../src/core/checks/iam/iam_user_console_mfa_enabled';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { aCredentialRow, aRootRow, anAccount, denied } from '../../../fixtures/snapshot-builders';
import {
  aBareUserRow,
  anAccountWithIam,
  anAccountWithReport,
  anAccountWithUsers,
} from '../../../fixtures/iam-builders';

describe('iam_user_console_mfa_enabled', () => {
  it('when a console user has MFA, then the user passes', () => {
    expect(resultFor(run(check, anAccount()), 'alice')).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsIamUser', id: 'alice', arn: 'arn:aws:iam::111111111111:user/alice' },
      region: 'global',
    });
  });

  it('when a console user has no MFA, then the user fails', () => {
    const result = resultFor(run(check, anAccountWithUsers(aCredentialRow({ mfaActive: false }))), 'alice');
    expect(result.status).toBe('fail');
    expect(result.message).toContain('alice');
    expect(result.evidence).toEqual({ passwordEnabled: true, mfaActive: false });
  });

  it('when a user has no console password, then the missing MFA does not matter', () => {
    expect(resultFor(run(check, anAccountWithUsers(aBareUserRow('ci-bot'))), 'ci-bot').status).toBe('pass');
  });

  it('when the root row lacks MFA, then this check says nothing about root', () => {
    const results = run(check, anAccountWithReport(aRootRow({ mfaActive: false }), aCredentialRow()));
    expect(statuses(results)).toEqual(['alice:pass']);
  });

  it('when the credential report cannot be read, then one unknown result stands for the account', () => {
    const results = run(check, anAccountWithIam({ credentialReport: denied('iam:GetCredentialReport') }));
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ status: 'unknown', resource: { type: 'AwsAccount' } });
    expect(results[0]!.message).toContain('iam:GetCredentialReport');
  });
});
