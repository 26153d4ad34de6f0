import { z } from 'zod';
import { GLOBAL_REGION, ROOT_USER, type CredentialReportRow, type Finding } from '../model';
import {
  AccessKeySelectorSchema,
  cannot,
  collected,
  defineRemediation,
  type AccessKeySelector,
  type Outcome,
} from './define';
import { sdkCallWithLookups, sdkLookup, type SdkCall } from './sdk-call';

type KeyNumber = 1 | 2;
const isKeyNumber = (n: unknown): n is KeyNumber => n === 1 || n === 2;

/**
 * Which keys the finding is about. Key findings (iam_user_access_key_rotated) name the key in the
 * resource id, `<user>:access_key_<n>`; user findings (iam_user_credentials_unused) list the idle
 * keys' numbers in `evidence.unusedAccessKeyNumbers`.
 */
const keysOf = (finding: Finding): Outcome<{ user: string; keyNumbers: KeyNumber[] }> => {
  const slot = /^(.+):access_key_([12])$/.exec(finding.resource.id);
  if (slot) return { ok: true, value: { user: slot[1]!, keyNumbers: [Number(slot[2]) as KeyNumber] } };
  const { user, keyNumber, unusedAccessKeyNumbers } = finding.evidence;
  if (typeof user === 'string' && isKeyNumber(keyNumber)) return { ok: true, value: { user, keyNumbers: [keyNumber] } };
  if (finding.resource.type === 'AwsIamUser' && Array.isArray(unusedAccessKeyNumbers)) {
    const keyNumbers = unusedAccessKeyNumbers.filter(isKeyNumber);
    return keyNumbers.length > 0
      ? { ok: true, value: { user: finding.resource.id, keyNumbers } }
      : {
          ok: false,
          reason: `No access key of ${finding.resource.id} is unused; deactivating keys would not fix this finding.`,
        };
  }
  return { ok: false, reason: 'The finding does not say which access key (user and key number) it is about.' };
};

const keyColumns = (row: CredentialReportRow, n: KeyNumber) =>
  n === 1
    ? { active: row.accessKey1Active, createdAt: row.accessKey1LastRotated }
    : { active: row.accessKey2Active, createdAt: row.accessKey2LastRotated };

const Before = z.object({ keys: z.array(AccessKeySelectorSchema).min(1) });

/** A ListAccessKeys lookup naming the key, then UpdateAccessKey with the id it found. */
const setStatus = (key: AccessKeySelector, status: 'Active' | 'Inactive'): SdkCall[] => {
  const as = `${key.userName}:access_key_${key.keyNumber}`;
  return [
    sdkLookup('iam', 'ListAccessKeys', GLOBAL_REGION, { UserName: key.userName }, { as, select: key }),
    sdkCallWithLookups(
      'iam',
      'UpdateAccessKey',
      GLOBAL_REGION,
      { UserName: key.userName, Status: status },
      { AccessKeyId: as },
    ),
  ];
};

export default defineRemediation({
  id: 'iam_deactivate_access_key',
  title: 'Deactivate the IAM access key (it stays, and can be reactivated)',
  fixes: ['iam_user_access_key_rotated', 'iam_user_credentials_unused', 'iam_user_no_unused_setup_access_key'],
  // An old key is often a key in daily use: deactivating it stops whatever runs with it.
  risk: 'high',
  permissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  undoPermissions: ['iam:ListAccessKeys', 'iam:UpdateAccessKey'],
  before: Before,
  plan: (finding, account) => {
    const target = keysOf(finding);
    if (!target.ok) return target;
    const { user, keyNumbers } = target.value;
    if (user === ROOT_USER) return cannot('Root access keys can only be managed while signed in as root.');
    const rows = collected(account.iam?.credentialReport, 'the IAM credential report');
    if (!rows.ok) return rows;
    const row = rows.value.find((r) => r.user === user);
    if (!row) return cannot(`IAM user ${user} is not in the credential report.`);
    const keys: AccessKeySelector[] = [];
    for (const keyNumber of keyNumbers) {
      const { active, createdAt } = keyColumns(row, keyNumber);
      if (!active) continue;
      if (createdAt === null) {
        return cannot(
          `The credential report has no creation date for access key ${keyNumber} of ${user}, so the key cannot be identified.`,
        );
      }
      keys.push({ kind: 'iamAccessKey', userName: user, keyNumber, createdAt });
    }
    if (keys.length === 0) return cannot(`The access keys of ${user} named by the finding are already inactive.`);
    const passwordIdle =
      Array.isArray(finding.evidence['unused']) &&
      finding.evidence['unused'].some((c) => (c as { credential?: unknown })?.credential === 'password');
    return {
      ok: true,
      calls: keys.flatMap((k) => setStatus(k, 'Inactive')),
      before: { keys },
      ...(passwordIdle
        ? {
            notes: [
              `The unused console password of ${user} stays enabled: remove it by hand (IAM console → Users → ${user} → Security credentials).`,
            ],
          }
        : {}),
    };
  },
  inverse: (_calls, before) => before.keys.flatMap((k) => setStatus(k, 'Active')),
});
