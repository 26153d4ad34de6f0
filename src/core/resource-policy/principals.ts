import type { PolicyStatement, PrincipalElement, PrincipalType } from './document';
import { hasWildcard } from './patterns';

/**
 * Who a statement names. For an Allow, "everyone" is what AWS calls public: `"*"`, `{"AWS": "*"}`
 * (one `*` element in a list is enough), `NotPrincipal` (everyone except the listed principals), and
 * — fail closed — any principal value with a wildcard (`arn:aws:iam::*:root`), which AWS does not
 * accept in a Principal but a stored document may still hold. Fixed principals (an account, a role,
 * a service, a federated provider, a canonical user) are not public (S3 "The meaning of public": "a
 * fixed AWS principal, user, role, or service principal").
 */

const ACCOUNT_ID = /^\d{12}$/;
/** `arn:aws:iam::111122223333:root`, `arn:aws-cn:sts::111122223333:assumed-role/x/y`, … */
const IAM_ARN = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/;

/** The account an AWS principal belongs to, or null for a form that does not say (a unique id `AIDA…`). */
export const principalAccount = (value: string): string | null =>
  ACCOUNT_ID.test(value) ? value : (IAM_ARN.exec(value)?.[1] ?? null);

/** The account field of any ARN (`arn:partition:service:region:account:resource`), when it is 12 digits. */
export const arnAccount = (arn: string): string | null => {
  const account = arn.split(':')[4];
  return arn.startsWith('arn:') && account !== undefined && ACCOUNT_ID.test(account) ? account : null;
};

const describeValue = (type: PrincipalType, value: string) => (type === 'AWS' ? value : `${type} ${value}`);

/**
 * How the principal reads in a message when it means everyone: `Principal "*"`, `Principal AWS "*"`,
 * `Principal AWS "arn:aws:iam::*:root" (a wildcard)`, `NotPrincipal …`. `null` when it does not.
 */
export const everyoneLabel = (s: PolicyStatement): string | null => {
  const { element, value } = s.principal;
  if (element === 'NotPrincipal') return `NotPrincipal ${describePrincipal(value)} (everyone else)`;
  if (value === '*') return 'Principal "*"';
  if ((value.AWS ?? []).includes('*')) return 'Principal AWS "*"';
  for (const [type, values] of Object.entries(value) as [PrincipalType, string[]][]) {
    const wild = values.find(hasWildcard);
    if (wild !== undefined) return `Principal ${type} "${wild}" (a wildcard)`;
  }
  return null;
};

/**
 * Exactly `"*"` or an `AWS` list holding `"*"`: the only forms that certainly include the anonymous
 * caller. A Deny is taken to cover everyone only in these forms (a wildcard ARN such as
 * `arn:aws:iam::*:root` would not match an anonymous request, so it cannot cancel a public Allow).
 */
export const isStarPrincipal = (principal: unknown): boolean =>
  principal === '*' ||
  (typeof principal === 'object' &&
    principal !== null &&
    !Array.isArray(principal) &&
    [(principal as { AWS?: unknown }).AWS].flat().includes('*'));

export const describePrincipal = (value: PrincipalElement): string =>
  value === '*'
    ? '"*"'
    : (Object.entries(value) as [PrincipalType, string[]][])
        .flatMap(([type, values]) => values.map((v) => describeValue(type, v)))
        .join(', ');

/** The fixed principals of an Allow that is not for everyone, grouped by type. */
export const principalGroups = (value: PrincipalElement): { type: PrincipalType; values: string[] }[] =>
  value === '*'
    ? []
    : (Object.entries(value) as [PrincipalType, string[]][]).map(([type, values]) => ({ type, values }));
