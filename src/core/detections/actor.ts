import { z } from 'zod';
import type { CloudTrailRecord } from './record';

/**
 * Who made a change, in the words a security lead asks for: the principal, the role session, the
 * SSO user, whether MFA was used, from where and with what. Derived from `userIdentity` as AWS
 * documents it; what AWS did not send stays null (MFA unknown is not "no MFA").
 */

export const ACTOR_KINDS = [
  'root',
  'iam-user',
  'assumed-role',
  'sso-user',
  'saml-user',
  'web-identity',
  'federated-user',
  'aws-service',
  'aws-account',
  'unknown',
] as const;
export const ActorKindSchema = z.enum(ACTOR_KINDS);
export type ActorKind = z.infer<typeof ActorKindSchema>;

export const ChangeActorSchema = z.object({
  kind: ActorKindSchema,
  /** The caller's ARN as CloudTrail gives it (the assumed-role session ARN for roles); null when not sent. */
  arn: z.string().nullable(),
  /** The IAM role behind an assumed-role session (its issuer), else null. */
  roleArn: z.string().nullable(),
  /** The role session name (the part after the role name in an assumed-role ARN), else null. */
  sessionName: z.string().nullable(),
  /** The person behind an SSO / SAML session (session name or source identity), else null. */
  personName: z.string().nullable(),
  /** The caller's account; differs from the record's account for cross-account callers. */
  accountId: z.string().nullable(),
  crossAccount: z.boolean(),
  /** true / false when CloudTrail said; null when it did not (never read as "without MFA"). */
  mfa: z.boolean().nullable(),
  sourceIp: z.string().nullable(),
  userAgent: z.string().nullable(),
  /** The AWS service that acted for the principal (`invokedBy`), else null. */
  invokedBy: z.string().nullable(),
  accessKeyId: z.string().nullable(),
  /** A short name for people: `alice`, `root`, `AWSReservedSSO_Admin/jane@example.com`, `config.amazonaws.com`. */
  label: z.string(),
});
export type ChangeActor = z.infer<typeof ChangeActorSchema>;

/**
 * An IAM Identity Center (SSO) permission-set role, as AWS creates it: named `AWSReservedSSO_…` and
 * placed under the path `/aws-reserved/sso.amazonaws.com/` (with the Identity Center region after it
 * in newer accounts). The name alone proves nothing: anyone allowed to create roles can name one
 * `AWSReservedSSO_Admin` and pick a session name such as a colleague's e-mail, which would then be
 * shown (and looked up in Slack) as the person. The path is where AWS keeps the roles Identity
 * Center provisions, and the session issuer's ARN is written by CloudTrail from the role itself, not
 * by the caller, so both must say SSO. A record without the issuer (or with another path) is an
 * ordinary assumed role: its MFA flag is read as any session's, and no person is inferred from it.
 */
const SSO_ISSUER =
  /^arn:aws[a-z-]*:iam::\d{12}:role\/aws-reserved\/sso\.amazonaws\.com\/(?:[a-z0-9-]+\/)?(AWSReservedSSO_[^/]+)$/;

/** Whether the session's issuer is AWS's SSO role of that name (the name must agree with the session's). */
const isSsoSession = (issuerArn: string | undefined, roleName: string | null): boolean => {
  const m = issuerArn ? SSO_ISSUER.exec(issuerArn) : null;
  return m !== null && roleName === m[1];
};
const SAML_PROVIDER = /:saml-provider\//;

/** `arn:aws:sts::111:assumed-role/RoleName/session` → ['RoleName', 'session']. */
const assumedRoleParts = (arn: string | undefined): [string, string] | null => {
  const m = arn ? /:assumed-role\/([^/]+)\/(.+)$/.exec(arn) : null;
  return m ? [m[1]!, m[2]!] : null;
};

/**
 * A session's own flag, else (for a root or IAM user console sign-in, which has no session yet)
 * ConsoleLogin's `MFAUsed`. SSO and SAML sessions say `mfaAuthenticated: false` and `MFAUsed: No`
 * whatever happened at the identity provider, where their MFA is: unknown, never "without MFA".
 */
const mfaOf = (r: CloudTrailRecord, kind: ActorKind): boolean | null => {
  if (kind === 'sso-user' || kind === 'saml-user') return null;
  const attr = r.userIdentity?.sessionContext?.attributes?.mfaAuthenticated;
  if (attr === 'true') return true;
  if (attr === 'false') return false;
  if (r.eventName === 'ConsoleLogin' && (kind === 'root' || kind === 'iam-user')) {
    const used = r.additionalEventData?.['MFAUsed'];
    if (used === 'Yes') return true;
    if (used === 'No') return false;
  }
  return null;
};

/** The issuer's ARN when it is a role (a federated user's issuer is an IAM user). */
const roleArnOf = (issuer: { type?: string; arn?: string } | undefined): string | null =>
  issuer?.arn && (issuer.type === 'Role' || /^arn:[^:]+:iam::\d*:role\//.test(issuer.arn)) ? issuer.arn : null;

const kindOf = (r: CloudTrailRecord, roleName: string | null): ActorKind => {
  const id = r.userIdentity;
  switch (id?.type) {
    case 'Root':
      return 'root';
    case 'IAMUser':
      return 'iam-user';
    case 'IdentityCenterUser':
      return 'sso-user';
    case 'FederatedUser':
      return 'federated-user';
    case 'AWSService':
      return 'aws-service';
    case 'AWSAccount':
      return 'aws-account';
    case 'WebIdentityUser':
      return 'web-identity';
    case 'SAMLUser':
      return 'saml-user';
    case 'AssumedRole': {
      const issuer = id.sessionContext?.sessionIssuer?.arn ?? '';
      if (isSsoSession(issuer, roleName)) return 'sso-user';
      // A session's issuer is its role; the SAML provider shows only on the console sign-in itself.
      const samlProvider = r.additionalEventData?.['SamlProviderArn'];
      if (SAML_PROVIDER.test(issuer) || (typeof samlProvider === 'string' && SAML_PROVIDER.test(samlProvider))) {
        return 'saml-user';
      }
      if (id.sessionContext?.webIdFederationData && Object.keys(id.sessionContext.webIdFederationData).length > 0) {
        return 'web-identity';
      }
      return 'assumed-role';
    }
    default:
      return 'unknown';
  }
};

/** Describes the caller of a record. */
export const describeActor = (r: CloudTrailRecord): ChangeActor => {
  const id = r.userIdentity;
  const parts = assumedRoleParts(id?.arn);
  const roleName = parts?.[0] ?? id?.sessionContext?.sessionIssuer?.userName ?? null;
  const sessionName = parts?.[1] ?? null;
  const kind = kindOf(r, roleName);
  const callerAccount = id?.accountId ?? null;
  const recordAccount = r.recipientAccountId ?? null;
  const personName =
    kind === 'sso-user' || kind === 'saml-user' ? (id?.sessionContext?.sourceIdentity ?? sessionName ?? null) : null;
  const label = (() => {
    if (kind === 'root') return 'root';
    if (kind === 'aws-service') return id?.invokedBy ?? r.sourceIPAddress ?? 'an AWS service';
    if (kind === 'iam-user' && id?.userName) return id.userName;
    if (roleName && sessionName) return `${roleName}/${sessionName}`;
    return id?.arn ?? id?.principalId ?? 'an unknown caller';
  })();
  return {
    kind,
    arn: id?.arn ?? null,
    roleArn: roleArnOf(id?.sessionContext?.sessionIssuer),
    sessionName,
    personName,
    accountId: callerAccount,
    crossAccount: callerAccount !== null && recordAccount !== null && callerAccount !== recordAccount,
    mfa: mfaOf(r, kind),
    sourceIp: r.sourceIPAddress ?? null,
    userAgent: r.userAgent ?? null,
    invokedBy: id?.invokedBy ?? null,
    // AWS writes "" for console sign-ins and root: no key.
    accessKeyId: id?.accessKeyId || null,
    label,
  };
};
