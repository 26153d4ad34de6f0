import check from '../../../../src/core/checks/account/account_security_contact_registered';
import { known } from '../../../../src/core/model';
import { run, statuses } from '../../../fixtures/check-harness';
import { anAccountSlice, anAccountWithSettings } from '../../../fixtures/builders/account';
import { anAccount, denied } from '../../../fixtures/snapshot-builders';

describe('account_security_contact_registered', () => {
  it('when a security contact is registered, then the account passes without the address in the evidence', () => {
    const results = run(check, anAccountWithSettings());

    expect(statuses(results)).toEqual(['111111111111:pass']);
    expect(results[0]).toMatchObject({
      region: 'global',
      evidence: { registered: true, emailPresent: true, namePresent: true, phonePresent: true },
    });
    expect(JSON.stringify(results[0]!.evidence)).not.toContain('@');
  });

  it('when no security contact is registered, then the account fails', () => {
    const [result] = run(check, anAccountWithSettings(anAccountSlice({ securityContact: known(null) })));

    expect(result).toMatchObject({ status: 'fail', evidence: { registered: false } });
    expect(result!.message).toBe(
      'Account 111111111111 has no security contact: AWS security notices reach only the root email address.',
    );
  });

  it('when the contact has no email address, then the account fails', () => {
    const noEmail = known({ emailPresent: false, namePresent: true, phonePresent: true });

    expect(run(check, anAccountWithSettings(anAccountSlice({ securityContact: noEmail })))[0]!.status).toBe('fail');
  });

  it('when the contact cannot be read, then the account is unknown naming the permission', () => {
    const refused = anAccountSlice({ securityContact: denied('account:GetAlternateContact') });

    expect(run(check, anAccountWithSettings(refused))[0]).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'account:GetAlternateContact' },
    });
  });

  it('when the account settings were not collected, then the check is unknown', () => {
    expect(run(check, anAccount())[0]).toMatchObject({ status: 'unknown', evidence: { notCollected: ['account'] } });
  });
});
