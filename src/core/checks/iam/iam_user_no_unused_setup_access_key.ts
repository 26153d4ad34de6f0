import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { GLOBAL_REGION, type CredentialReportRow } from '../../model';
import { accessKeys, dayOf, parseDate, unknownResult, userRows } from '../../iam-credentials';

/**
 * How close to the user's creation a key must have been created to count as made "at setup". The
 * credential report has no key creation date as such: `access_key_N_last_rotated` is when the key was
 * created (a key cannot change), and the console's user wizard creates both within minutes.
 */
export const SETUP_WINDOW_MS = 60 * 60 * 1000;

const judge = (row: CredentialReportRow): CheckResult => {
  const resource = iamUserResource(row);
  if (!row.passwordEnabled) {
    return pass(resource, GLOBAL_REGION, `IAM user ${row.user} has no console password.`, { passwordEnabled: false });
  }
  const neverUsed = accessKeys(row).filter((k) => k.active && k.lastUsed === null);
  const created = parseDate(row.userCreationTime);
  const evidence = { passwordEnabled: true, userCreationTime: row.userCreationTime };
  if (neverUsed.length > 0 && created === null) {
    return unknownResult(
      resource,
      `Could not check: the credential report does not say when IAM user ${row.user} was created.`,
      evidence,
    );
  }
  const undated = neverUsed.filter((k) => parseDate(k.lastRotated) === null);
  if (undated.length > 0) {
    return unknownResult(
      resource,
      `Could not check: the credential report does not say when access key ${undated.map((k) => k.keyNumber).join(' and ')} of IAM user ${row.user} was created.`,
      evidence,
    );
  }
  const atSetup = neverUsed.filter((k) => Math.abs(parseDate(k.lastRotated)! - created!) <= SETUP_WINDOW_MS);
  if (atSetup.length === 0) {
    return pass(resource, GLOBAL_REGION, `IAM user ${row.user} has no unused access key created with the user.`, {
      ...evidence,
      unusedAccessKeyNumbers: [],
    });
  }
  const numbers = atSetup.map((k) => k.keyNumber);
  const keys = numbers.length === 1 ? `access key ${numbers[0]}` : `access keys ${numbers.join(' and ')}`;
  return fail(
    resource,
    GLOBAL_REGION,
    `IAM user ${row.user} has a console password and ${keys}, created with the user on ${dayOf(row.userCreationTime!)}, never used: a key made at setup "just in case" is a credential nobody needs.`,
    {
      ...evidence,
      // The same field iam_user_credentials_unused uses, naming the keys to deactivate.
      unusedAccessKeyNumbers: numbers,
      keys: atSetup.map((k) => ({ keyNumber: k.keyNumber, createdAt: k.lastRotated })),
    },
  );
};

export default defineCheck({
  id: 'iam_user_no_unused_setup_access_key',
  service: 'iam',
  severity: 'low',
  title: 'IAM console users have no unused access key from their setup',
  failTitle: 'IAM console user has an unused access key created at setup',
  rationale:
    'Creating an access key along with a console user (the old console default) leaves a long-lived credential that nobody asked for and nobody rotates. A key never used since the user was created is such a key. This is a heuristic: the credential report has no key creation date, so a key created within an hour of the user counts as created at setup.',
  remediationText:
    'Delete the unused key (IAM console → Users → user → Security credentials → Access keys → Actions → Delete), or `aws iam delete-access-key --user-name <user> --access-key-id <id>`; create keys only when a program needs them.',
  frameworks: { cis: '1.11', securityHub: null },
  requires: ['iam'],
  remediation: 'iam_deactivate_access_key',
  evaluate: ({ account }) =>
    withFact(account.iam.credentialReport, accountResource(account), GLOBAL_REGION, (rows) =>
      userRows(rows).map(judge),
    ),
});
