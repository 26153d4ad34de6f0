import { fail, pass, withFact, type CheckContext, type CheckResult } from './checks/define';
import { GLOBAL_REGION, type PasswordPolicy } from './model';
import { accountResource } from './resources';

type NumericSetting = 'minimumPasswordLength' | 'passwordReusePrevention';

/**
 * The evaluation shared by the password-policy checks that require a number to be at least some
 * value: one account-level result; no policy at all fails with `noPolicy`. The wording comes from
 * the check: `has(n)` completes "The password policy of account … " when it passes, `lacks(n)`
 * when it fails (n is null when the setting is off).
 */
export const evaluatePolicyMinimum =
  (spec: {
    setting: NumericSetting;
    required: number;
    noPolicy: string;
    has: (n: number) => string;
    lacks: (n: number | null) => string;
  }) =>
  ({ account }: CheckContext<readonly ['iam']>): CheckResult[] => {
    const resource = accountResource(account);
    return withFact(account.iam.passwordPolicy, resource, GLOBAL_REGION, (policy: PasswordPolicy | null) => {
      if (policy === null) {
        return [
          fail(resource, GLOBAL_REGION, `Account ${account.accountId} has no password policy, so ${spec.noPolicy}.`, {
            passwordPolicy: null,
            required: spec.required,
          }),
        ];
      }
      const value = policy[spec.setting];
      const evidence = { [spec.setting]: value, required: spec.required };
      const subject = `The password policy of account ${account.accountId}`;
      return value !== null && value >= spec.required
        ? [pass(resource, GLOBAL_REGION, `${subject} ${spec.has(value)}.`, evidence)]
        : [fail(resource, GLOBAL_REGION, `${subject} ${spec.lacks(value)}.`, evidence)];
    });
  };
