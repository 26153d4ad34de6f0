import { defineCheck, fail, pass, withFact } from '../define';
import { accountResource, iamUserResource } from '../../resources';
import { GLOBAL_REGION, type CredentialReportRow } from '../../model';
import { accessKeys, dayOf, daysSince, userRows } from '../../iam-credentials';

/** A credential unused for this many days or more fails (45 days exactly fails, as "45 days or more"). */
export const UNUSED_CREDENTIAL_DAYS = 45;

interface UnusedCredential {
  credential: 'password' | 'access_key_1' | 'access_key_2';
  /** Last use, or null when never used. */
  lastUsed: string | null;
  /** When unused since: last use, or when the credential came to exist if never used. */
  idleSince: string;
  idleDays: number;
}

/**
 * A credential never used counts from when it came to exist: a password from when it was last set
 * (a password added long after the user was created is not idle since the user's creation), a key from
 * its last rotation (creation). The user's creation time stands in when the report has neither.
 */
const idle = (
  credential: UnusedCredential['credential'],
  lastUsed: string | null,
  existsSince: string | null,
  now: Date,
): UnusedCredential | null => {
  const used = daysSince(lastUsed, now) === null ? null : lastUsed;
  const since = used ?? existsSince;
  const days = daysSince(since, now);
  if (since === null || days === null || days < UNUSED_CREDENTIAL_DAYS) return null;
  return { credential, lastUsed: used, idleSince: since, idleDays: Math.floor(days) };
};

const unusedCredentials = (row: CredentialReportRow, now: Date): UnusedCredential[] => {
  const found: (UnusedCredential | null)[] = [];
  if (row.passwordEnabled) {
    found.push(idle('password', row.passwordLastUsed, row.passwordLastChanged ?? row.userCreationTime, now));
  }
  for (const k of accessKeys(row)) {
    if (k.active) found.push(idle(`access_key_${k.keyNumber}`, k.lastUsed, k.lastRotated ?? row.userCreationTime, now));
  }
  return found.filter((c): c is UnusedCredential => c !== null);
};

const describe = (c: UnusedCredential): string => {
  const name = c.credential === 'password' ? 'console password' : `access key ${c.credential.slice(-1)}`;
  return c.lastUsed === null
    ? `${name} (never used, exists since ${dayOf(c.idleSince)})`
    : `${name} (last used ${dayOf(c.lastUsed)}, ${c.idleDays} days ago)`;
};

export default defineCheck({
  id: 'iam_user_credentials_unused',
  service: 'iam',
  severity: 'medium',
  title: 'IAM user credentials unused for 45 days are disabled',
  failTitle: 'IAM user credentials unused for 45+ days are still enabled',
  rationale:
    'A password or key nobody uses is still a way in; removing it shrinks what an attacker can steal without affecting anyone.',
  remediationText:
    'Deactivate or delete the unused access keys and remove the console password (IAM console → Users → user → Security credentials), after checking with the owner.',
  frameworks: { cis: '1.12', securityHub: 'IAM.22' },
  requires: ['iam'],
  remediation: 'iam_deactivate_access_key',
  evaluate: ({ account, now }) =>
    withFact(account.iam.credentialReport, accountResource(account), GLOBAL_REGION, (rows) =>
      userRows(rows).map((row) => {
        const resource = iamUserResource(row);
        const unused = unusedCredentials(row, now);
        if (unused.length === 0) {
          return pass(
            resource,
            GLOBAL_REGION,
            `IAM user ${row.user} has no credentials unused for ${UNUSED_CREDENTIAL_DAYS} days or more.`,
            {
              unused: [],
            },
          );
        }
        return fail(
          resource,
          GLOBAL_REGION,
          `IAM user ${row.user} has credentials unused for ${UNUSED_CREDENTIAL_DAYS} days or more: ${unused.map(describe).join(', ')}.`,
          {
            unused,
            unusedAccessKeyNumbers: unused.flatMap((c) =>
              c.credential === 'password' ? [] : [Number(c.credential.slice(-1))],
            ),
          },
        );
      }),
    ),
});
