import { defineCheck, fail, pass } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';
import { accessKeys, findRootRow, unknownResult } from '../../iam-credentials';

export default defineCheck({
  id: 'iam_root_access_keys_absent',
  service: 'iam',
  severity: 'critical',
  title: 'Root user has no access keys',
  failTitle: 'Root user has access keys',
  rationale:
    'A root access key is a long-lived secret with unrestricted power that no policy can limit; it should not exist.',
  remediationText:
    'Sign in as the root user, open Security credentials, and delete every access key (create IAM roles or users for programmatic access instead).',
  frameworks: { cis: '1.4', securityHub: 'IAM.4' },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account }) => {
    const iam = account.iam;
    const resource = accountResource(account);
    const root = iam.credentialReport.ok ? findRootRow(iam.credentialReport.value) : undefined;
    const present = iam.accountSummary.ok ? iam.accountSummary.value['AccountAccessKeysPresent'] : undefined;

    const activeKeys = root
      ? accessKeys(root)
          .filter((k) => k.active)
          .map((k) => k.keyNumber)
      : [];
    if (activeKeys.length > 0) {
      return [
        fail(
          resource,
          GLOBAL_REGION,
          `The root user of account ${account.accountId} has active access key ${activeKeys.join(' and ')}.`,
          {
            activeKeys,
            source: 'credentialReport',
          },
        ),
      ];
    }
    // The summary also counts inactive root keys, which the report only shows as "not active".
    if (present !== undefined && present > 0) {
      return [
        fail(
          resource,
          GLOBAL_REGION,
          `The root user of account ${account.accountId} has access keys (AccountAccessKeysPresent=${present}).`,
          {
            accountAccessKeysPresent: present,
            source: 'accountSummary',
          },
        ),
      ];
    }
    if (!root && present === undefined) {
      const reason = !iam.credentialReport.ok
        ? iam.credentialReport.error
        : !iam.accountSummary.ok
          ? iam.accountSummary.error
          : `Could not check: neither the credential report nor the account summary of ${account.accountId} shows root access keys.`;
      return [unknownResult(resource, reason)];
    }
    return [
      pass(resource, GLOBAL_REGION, `The root user of account ${account.accountId} has no access keys.`, {
        activeKeys: [],
        ...(present !== undefined ? { accountAccessKeysPresent: present } : {}),
        source: root ? 'credentialReport' : 'accountSummary',
      }),
    ];
  },
});
