import { defineCheck, fail, pass } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';
import { rootMfaStatus, unknownResult } from '../../iam-credentials';

export default defineCheck({
  id: 'iam_root_mfa_enabled',
  service: 'iam',
  severity: 'critical',
  title: 'Root user has MFA enabled',
  failTitle: 'Root user has no MFA',
  rationale:
    'The root user can do anything in the account, including closing it; without MFA a leaked password alone hands all of that over.',
  remediationText:
    'Sign in as the root user, open Security credentials, and assign an MFA device (preferably hardware) under Multi-factor authentication.',
  frameworks: { cis: '1.5', securityHub: 'IAM.9' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => {
    const resource = accountResource(account);
    const status = rootMfaStatus(account.iam);
    if (!status.known) {
      return [
        unknownResult(
          resource,
          status.error ??
            `Could not check: neither the credential report nor the account summary of ${account.accountId} shows root MFA.`,
        ),
      ];
    }
    const evidence = { mfaActive: status.mfaActive, source: status.source };
    return [
      status.mfaActive
        ? pass(resource, GLOBAL_REGION, `The root user of account ${account.accountId} has MFA enabled.`, evidence)
        : fail(resource, GLOBAL_REGION, `The root user of account ${account.accountId} has no MFA device.`, evidence),
    ];
  },
});
