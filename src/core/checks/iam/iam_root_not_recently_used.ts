import { defineCheck, fail, pass } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION } from '../../model';
import { dayOf, daysSince, findRootRow, unknownResult } from '../../iam-credentials';

/** Root use counts as recent when it is at most this many days old (a use exactly 90 days ago is recent). */
export const ROOT_RECENT_USE_DAYS = 90;

export default defineCheck({
  id: 'iam_root_not_recently_used',
  service: 'iam',
  severity: 'high',
  title: 'Root user has not been used recently',
  failTitle: 'Root user was used recently',
  rationale:
    'The root user should be kept for the few tasks only it can do; routine use multiplies the chances of its credentials leaking.',
  remediationText:
    'Find out who used the root user and why (CloudTrail, userIdentity.type = Root), move that work to an IAM role or Identity Center user, and lock the root credentials away.',
  frameworks: { cis: '1.7', securityHub: null },
  requires: ['iam'],
  remediation: null,
  evaluate: ({ account, now }) => {
    const report = account.iam.credentialReport;
    const resource = accountResource(account);
    if (!report.ok) return [unknownResult(resource, report.error)];
    const root = findRootRow(report.value);
    if (!root)
      return [
        unknownResult(resource, `Could not check: the credential report of ${account.accountId} has no root row.`),
      ];

    const uses = {
      password: root.passwordLastUsed,
      accessKey1: root.accessKey1LastUsedDate,
      accessKey2: root.accessKey2LastUsedDate,
    };
    const latest = Object.values(uses)
      .flatMap((iso) => {
        const age = daysSince(iso, now);
        return iso === null || age === null ? [] : [{ iso, age }];
      })
      .sort((a, b) => a.age - b.age)[0];
    const evidence = { lastUsed: uses, windowDays: ROOT_RECENT_USE_DAYS };

    if (latest && latest.age <= ROOT_RECENT_USE_DAYS) {
      return [
        fail(
          resource,
          GLOBAL_REGION,
          `The root user of account ${account.accountId} was used on ${dayOf(latest.iso)}, within the last ${ROOT_RECENT_USE_DAYS} days.`,
          {
            ...evidence,
            mostRecentUse: latest.iso,
            daysAgo: Math.max(0, Math.floor(latest.age)),
          },
        ),
      ];
    }
    const since = latest ? `was last used on ${dayOf(latest.iso)}` : 'has no recorded use';
    return [
      pass(resource, GLOBAL_REGION, `The root user of account ${account.accountId} ${since}.`, {
        ...evidence,
        mostRecentUse: latest?.iso ?? null,
      }),
    ];
  },
});
