import type { UpdateAccountPasswordPolicyCommandInput } from '@aws-sdk/client-iam';
import { z } from 'zod';
import { GLOBAL_REGION, PasswordPolicySchema, type PasswordPolicy } from '../model';
import { cannot, collected, defineRemediation } from './define';
import { sdkCall } from './sdk-call';

export const MIN_LENGTH = 14;
/** Also the most IAM accepts. */
export const REUSE_PREVENTION = 24;

/** IAM takes 1 or more for these counts; "not set" is expressed by leaving the field out. */
const ifSet = <K extends string>(key: K, value: number | null): Partial<Record<K, number>> =>
  value === null || value <= 0 ? {} : ({ [key]: value } as Record<K, number>);

/**
 * UpdateAccountPasswordPolicy replaces the whole policy: a field left out falls back to its
 * default (usually the weakest setting), so every field that is set is sent.
 */
export const updatePasswordPolicyInput = (p: PasswordPolicy): UpdateAccountPasswordPolicyCommandInput => ({
  ...ifSet('MinimumPasswordLength', p.minimumPasswordLength),
  RequireSymbols: p.requireSymbols,
  RequireNumbers: p.requireNumbers,
  RequireUppercaseCharacters: p.requireUppercaseCharacters,
  RequireLowercaseCharacters: p.requireLowercaseCharacters,
  AllowUsersToChangePassword: p.allowUsersToChangePassword,
  ...ifSet('MaxPasswordAge', p.maxPasswordAge),
  ...ifSet('PasswordReusePrevention', p.passwordReusePrevention),
  HardExpiry: p.hardExpiry,
});

/**
 * Without a custom policy IAM applies its built-in default, which already demands a mix of
 * character types; a new custom policy with every requirement off would be weaker than that, so
 * all four are required. Passwords keep never expiring, as they do now.
 */
const FROM_NOTHING: PasswordPolicy = {
  minimumPasswordLength: MIN_LENGTH,
  requireSymbols: true,
  requireNumbers: true,
  requireUppercaseCharacters: true,
  requireLowercaseCharacters: true,
  allowUsersToChangePassword: true,
  maxPasswordAge: null,
  passwordReusePrevention: REUSE_PREVENTION,
  hardExpiry: false,
};

/** The current policy with only the two CIS settings raised; everything stricter is kept as it is. */
export const strengthened = (current: PasswordPolicy | null): PasswordPolicy =>
  current === null
    ? FROM_NOTHING
    : {
        ...current,
        minimumPasswordLength: Math.max(MIN_LENGTH, current.minimumPasswordLength ?? 0),
        passwordReusePrevention: Math.max(REUSE_PREVENTION, current.passwordReusePrevention ?? 0),
      };

/** `null`: the account had no password policy. */
const Before = z.object({ passwordPolicy: PasswordPolicySchema.nullable() });

export default defineRemediation({
  id: 'iam_set_password_policy',
  title: `Require passwords of at least ${MIN_LENGTH} characters and prevent reuse of the last ${REUSE_PREVENTION}`,
  fixes: ['iam_password_policy_min_length', 'iam_password_policy_reuse_prevention'],
  risk: 'low',
  permissions: ['iam:UpdateAccountPasswordPolicy'],
  undoPermissions: ['iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
  before: Before,
  plan: (_finding, account) => {
    const current = collected(account.iam?.passwordPolicy, 'the account password policy');
    if (!current.ok) return current;
    const next = strengthened(current.value);
    if (
      current.value &&
      next.minimumPasswordLength === current.value.minimumPasswordLength &&
      next.passwordReusePrevention === current.value.passwordReusePrevention
    ) {
      return cannot(`The password policy of account ${account.accountId} already meets both settings.`);
    }
    return {
      ok: true,
      calls: [sdkCall('iam', 'UpdateAccountPasswordPolicy', GLOBAL_REGION, updatePasswordPolicyInput(next))],
      before: { passwordPolicy: current.value },
    };
  },
  inverse: (_calls, before) => [
    before.passwordPolicy
      ? sdkCall('iam', 'UpdateAccountPasswordPolicy', GLOBAL_REGION, updatePasswordPolicyInput(before.passwordPolicy))
      : sdkCall('iam', 'DeleteAccountPasswordPolicy', GLOBAL_REGION, {}),
  ],
});
