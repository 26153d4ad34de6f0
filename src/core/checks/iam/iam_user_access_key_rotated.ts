import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource } from '../../resources';
import { GLOBAL_REGION, type CredentialReportRow, type ResourceRef } from '../../model';
import { accessKeys, dayOf, daysSince, unknownResult, userRows } from '../../iam-credentials';

/** A key older than this many days fails; a key exactly this old still passes ("90 days or less"). */
export const MAX_ACCESS_KEY_AGE_DAYS = 90;

/** The credential report does not carry key ids, so a key is named by its user and slot. */
const accessKeyResource = (row: CredentialReportRow, keyNumber: 1 | 2): ResourceRef => ({
  type: 'AwsIamAccessKey',
  id: `${row.user}:access_key_${keyNumber}`,
  arn: row.arn,
});

export default defineCheck({
  id: 'iam_user_access_key_rotated',
  service: 'iam',
  severity: 'medium',
  title: 'Active access keys are rotated within 90 days',
  failTitle: 'Access key not rotated for over 90 days',
  rationale:
    'The longer an access key lives, the more places it has been copied to and the longer a leaked copy stays useful.',
  remediationText:
    'Create a second key for the user, move the workload to it, then deactivate and delete the old key (IAM console → Users → Security credentials). Better: replace long-lived keys with roles.',
  frameworks: { cis: '1.14', securityHub: 'IAM.3' },
  requires: ['iam'],
  remediation: 'iam_deactivate_access_key',
  evaluate: ({ account, now }) =>
    withFact(account.iam.credentialReport, accountResource(account), GLOBAL_REGION, (rows) =>
      userRows(rows).flatMap((row) =>
        accessKeys(row)
          .filter((k) => k.active)
          .map((k) => {
            const resource = accessKeyResource(row, k.keyNumber);
            const age = daysSince(k.lastRotated, now);
            const evidence = { user: row.user, keyNumber: k.keyNumber, lastRotated: k.lastRotated };
            if (age === null || k.lastRotated === null) {
              return unknownResult(
                resource,
                `Could not check: the credential report has no rotation date for access key ${k.keyNumber} of ${row.user}.`,
                evidence,
              );
            }
            const ageDays = Math.floor(age);
            return age > MAX_ACCESS_KEY_AGE_DAYS
              ? fail(
                  resource,
                  GLOBAL_REGION,
                  `Access key ${k.keyNumber} of IAM user ${row.user} was last rotated ${ageDays} days ago (${dayOf(k.lastRotated)}), over ${MAX_ACCESS_KEY_AGE_DAYS}.`,
                  { ...evidence, ageDays },
                )
              : pass(
                  resource,
                  GLOBAL_REGION,
                  `Access key ${k.keyNumber} of IAM user ${row.user} is ${ageDays} days old.`,
                  { ...evidence, ageDays },
                );
          }),
      ),
    ),
});
