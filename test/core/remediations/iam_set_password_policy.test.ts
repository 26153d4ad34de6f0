import type { UpdateAccountPasswordPolicyCommandInput } from '@aws-sdk/client-iam';
import { GLOBAL_REGION, known, type PasswordPolicy } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/iam_set_password_policy';
import { aCisPasswordPolicy, anAccount, anIamSlice, denied } from '../../fixtures/snapshot-builders';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';

const { finding } = SAMPLES.iam_set_password_policy!();
const withPolicy = (policy: PasswordPolicy | null) => anAccount({ iam: anIamSlice({ passwordPolicy: known(policy) }) });

describe('iam_set_password_policy', () => {
  it('when the policy is short and allows reuse, then the update raises both and sends every other field unchanged', () => {
    const current = aCisPasswordPolicy({
      minimumPasswordLength: 8,
      passwordReusePrevention: 5,
      requireSymbols: false,
      maxPasswordAge: 60,
      hardExpiry: true,
    });
    const result = planned(remediation.plan(finding, withPolicy(current)));
    const expected: UpdateAccountPasswordPolicyCommandInput = {
      MinimumPasswordLength: 14,
      RequireSymbols: false,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 60,
      PasswordReusePrevention: 24,
      HardExpiry: true,
    };
    expect(result.calls).toEqual([
      { service: 'iam', region: GLOBAL_REGION, command: 'UpdateAccountPasswordPolicy', input: expected },
    ]);
  });

  it('when the current minimum is already longer than 14, then it is kept', () => {
    const result = planned(
      remediation.plan(
        finding,
        withPolicy(aCisPasswordPolicy({ minimumPasswordLength: 20, passwordReusePrevention: 3 })),
      ),
    );
    expect(result.calls[0]?.input).toMatchObject({ MinimumPasswordLength: 20, PasswordReusePrevention: 24 });
  });

  it('when passwords never expire (no max age), then the update leaves MaxPasswordAge out so they still never expire', () => {
    const result = planned(
      remediation.plan(finding, withPolicy(aCisPasswordPolicy({ minimumPasswordLength: 8, maxPasswordAge: null }))),
    );
    expect(result.calls[0]?.input).not.toHaveProperty('MaxPasswordAge');
  });

  it('when the account has no policy, then a full policy requiring every character class is created', () => {
    const result = planned(remediation.plan(finding, withPolicy(null)));
    const expected: UpdateAccountPasswordPolicyCommandInput = {
      MinimumPasswordLength: 14,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      PasswordReusePrevention: 24,
      HardExpiry: false,
    };
    expect(result.calls[0]?.input).toEqual(expected);
  });

  it('when undone, then the previous policy is restored in full', () => {
    const current = aCisPasswordPolicy({ minimumPasswordLength: 8, passwordReusePrevention: null, maxPasswordAge: 45 });
    const result = planned(remediation.plan(finding, withPolicy(current)));
    const expected: UpdateAccountPasswordPolicyCommandInput = {
      MinimumPasswordLength: 8,
      RequireSymbols: true,
      RequireNumbers: true,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      AllowUsersToChangePassword: true,
      MaxPasswordAge: 45,
      HardExpiry: false,
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'iam', region: GLOBAL_REGION, command: 'UpdateAccountPasswordPolicy', input: expected }],
    });
  });

  it('when there was no policy, then undo deletes the policy', () => {
    const result = planned(remediation.plan(finding, withPolicy(null)));
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'iam', region: GLOBAL_REGION, command: 'DeleteAccountPasswordPolicy', input: {} }],
    });
  });

  it('when the policy could not be read, then no plan is made, naming the permission', () => {
    const account = anAccount({ iam: anIamSlice({ passwordPolicy: denied('iam:GetAccountPasswordPolicy') }) });
    expect(reasonOf(remediation.plan(finding, account))).toContain('iam:GetAccountPasswordPolicy');
  });

  it('when the policy already meets both settings, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, withPolicy(aCisPasswordPolicy())))).toMatch(/already/);
  });
});
