import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';
import { userRows } from '../../iam-credentials';

export default defineCheck({
  id: 'iam_user_console_mfa_enabled',
  service: 'iam',
  severity: 'high',
  title: 'IAM users with a console password have MFA',
  failTitle: 'IAM console user has no MFA',
  rationale:
    'A console password can be phished, guessed or reused from another breach; MFA stops a stolen password from being enough to sign in.',
  remediationText:
    'Have the user assign an MFA device (IAM console → Users → user → Security credentials → Assign MFA device), or remove the console password if it is not needed.',
  frameworks: { cis: '1.10', securityHub: 'IAM.5' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.iam.credentialReport, accountResource(account), GLOBAL_REGION, (rows) =>
      userRows(rows).map((row) => {
        const resource = iamUserResource(row);
        const evidence = { passwordEnabled: row.passwordEnabled, mfaActive: row.mfaActive };
        if (!row.passwordEnabled)
          return pass(resource, GLOBAL_REGION, `IAM user ${row.user} has no console password.`, evidence);
        return row.mfaActive
          ? pass(resource, GLOBAL_REGION, `IAM user ${row.user} has a console password and MFA.`, evidence)
          : fail(
              resource,
              GLOBAL_REGION,
              `IAM user ${row.user} can sign in to the console with a password but has no MFA.`,
              evidence,
            );
      }),
    ),
});
