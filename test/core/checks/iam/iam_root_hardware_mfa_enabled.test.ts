import check from '../../../../src/core/checks/iam/iam_root_hardware_mfa_enabled';
import { known } from '../../../../src/core/model';
import { run } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, aCredentialRow, aRootRow, anAccount, denied } from '../../../fixtures/snapshot-builders';
import { anAccountWithIam } from '../../../fixtures/iam-builders';

const only = (account: Parameters<typeof run>[1]) => {
  const results = run(check, account);
  expect(results).toHaveLength(1);
  return results[0]!;
};

describe('iam_root_hardware_mfa_enabled', () => {
  it('when root has MFA and no virtual device is assigned to root, then it passes', () => {
    expect(only(anAccount())).toMatchObject({ status: 'pass', resource: { type: 'AwsAccount' }, region: 'global' });
  });

  it('when a virtual device is assigned to the root ARN, then it fails naming the device', () => {
    const serial = `arn:aws:iam::${ACCOUNT_ID}:mfa/my-phone`;
    const result = only(
      anAccountWithIam({
        virtualMfaDevices: known([{ serialNumber: serial, userArn: `arn:aws:iam::${ACCOUNT_ID}:root` }]),
      }),
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain('virtual MFA');
    expect(result.evidence).toEqual({ virtualDevices: [serial] });
  });

  it('when the root device is recognised only by its serial name, then it fails', () => {
    const serial = `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`;
    expect(only(anAccountWithIam({ virtualMfaDevices: known([{ serialNumber: serial, userArn: null }]) })).status).toBe(
      'fail',
    );
  });

  it("when only IAM users' virtual devices are assigned, then it passes", () => {
    const device = {
      serialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/alice`,
      userArn: `arn:aws:iam::${ACCOUNT_ID}:user/alice`,
    };
    expect(only(anAccountWithIam({ virtualMfaDevices: known([device]) })).status).toBe('pass');
  });

  it('when root has no MFA at all, then it fails', () => {
    const result = only(
      anAccountWithIam({ credentialReport: known([aRootRow({ mfaActive: false }), aCredentialRow()]) }),
    );
    expect(result).toMatchObject({ status: 'fail', evidence: { mfaActive: false } });
  });

  it('when root has MFA but virtual devices cannot be listed, then it is unknown naming the permission', () => {
    const result = only(anAccountWithIam({ virtualMfaDevices: denied('iam:ListVirtualMFADevices') }));
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('iam:ListVirtualMFADevices');
  });

  it('when the root MFA status cannot be read and no root virtual device is seen, then it is unknown', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: denied('iam:GetCredentialReport'),
        accountSummary: denied('iam:GetAccountSummary'),
      }),
    );
    expect(result.status).toBe('unknown');
  });

  it('when the root MFA status cannot be read but a root virtual device is listed, then it still fails', () => {
    const result = only(
      anAccountWithIam({
        credentialReport: denied('iam:GetCredentialReport'),
        accountSummary: denied('iam:GetAccountSummary'),
        virtualMfaDevices: known([{ serialNumber: 'x', userArn: `arn:aws:iam::${ACCOUNT_ID}:root` }]),
      }),
    );
    expect(result.status).toBe('fail');
  });
});
