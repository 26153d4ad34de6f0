import { analyzeAdminGrant, type StatementRef } from './iam-policy-analysis';
import type { AuthorizationDetails, IamPrincipal, IamUser } from './model';

/**
 * Who holds full administrator access ("*" on "*") and through what: a user's own policies, its groups'
 * policies, or a group's or role's own. Every attached policy is looked up by ARN among the collected
 * documents (AWS-managed and customer-managed alike); one that cannot be read makes the verdict unknown
 * unless another path already proves admin or an unconditional Deny of everything settles it.
 *
 * Not considered (each can only narrow access, so a reported admin may in fact hold less): permissions
 * boundaries (named in the verdict when set), service control policies, session policies.
 */

export type PolicyKind = 'aws-managed' | 'customer-managed' | 'inline';

/** One policy in effect for a principal, and how it reaches it. */
export interface PolicySource {
  /** The group it comes through, or null when it is the principal's own. */
  group: string | null;
  policy: string;
  policyArn: string | null;
  kind: PolicyKind;
}

export interface AdminPath extends PolicySource {
  statements: StatementRef[];
}

export interface Unreadable extends Partial<PolicySource> {
  reason: string;
}

export type AdminVerdict =
  /** Holds "*" on "*" through `paths`; `unreadable` documents could only add more. */
  | { status: 'admin'; paths: AdminPath[]; unreadable: Unreadable[] }
  /** Granted "*" on "*" perhaps, but an unconditional Deny of everything overrides any Allow. */
  | { status: 'denied'; paths: AdminPath[]; deniedBy: AdminPath[] }
  | { status: 'not-admin' }
  | { status: 'unknown'; unreadable: Unreadable[] };

const AWS_MANAGED_ARN = /^arn:[\w-]+:iam::aws:policy\//;
export const isAwsManagedArn = (arn: string): boolean => AWS_MANAGED_ARN.test(arn);

const KIND_LABEL: Record<PolicyKind, string> = {
  'aws-managed': 'AWS managed',
  'customer-managed': 'customer managed',
  inline: 'inline',
};

/** "carol ← AdministratorAccess (AWS managed), attached directly", "dave ← group admins ← inline policy all". */
export const describePath = (principal: string, path: PolicySource): string => {
  const policy = path.kind === 'inline' ? `inline policy ${path.policy}` : `${path.policy} (${KIND_LABEL[path.kind]})`;
  if (path.group !== null) return `${principal} ← group ${path.group} ← ${policy}`;
  return path.kind === 'inline' ? `${principal} ← ${policy}` : `${principal} ← ${policy}, attached directly`;
};

type Resolved = PolicySource & ({ ok: true; document: unknown } | { ok: false; reason: string });

/** Looks policies and groups up once per account. */
export const makeAdminResolver = (details: AuthorizationDetails) => {
  const customer = new Map(details.policies.map((p) => [p.arn, p]));
  const aws = details.awsManagedPolicies ? new Map(details.awsManagedPolicies.map((p) => [p.arn, p])) : null;
  // IAM group names are unique regardless of case.
  const groups = new Map(details.groups.map((g) => [g.name.toLowerCase(), g]));

  const ownSources = (p: IamPrincipal, group: string | null): Resolved[] => [
    ...p.attachedPolicies.map((a): Resolved => {
      const source = {
        group,
        policy: a.name,
        policyArn: a.arn,
        kind: isAwsManagedArn(a.arn) ? ('aws-managed' as const) : ('customer-managed' as const),
      };
      if (source.kind === 'aws-managed' && aws === null)
        return { ...source, ok: false, reason: 'AWS-managed policy documents were not collected in this snapshot' };
      const found = (source.kind === 'aws-managed' ? aws : customer)?.get(a.arn);
      return found
        ? { ...source, ok: true, document: found.defaultDocument }
        : { ...source, ok: false, reason: `the document of ${a.name} (${a.arn}) was not among those collected` };
    }),
    ...p.inlinePolicies.map((i): Resolved => ({
      group,
      policy: i.name,
      policyArn: null,
      kind: 'inline',
      ok: true,
      document: i.document,
    })),
  ];

  const verdictOf = (sources: Resolved[], missingGroups: Unreadable[]): AdminVerdict => {
    const paths: AdminPath[] = [];
    const deniedBy: AdminPath[] = [];
    const unreadable: Unreadable[] = [...missingGroups];
    for (const s of sources) {
      const { group, policy, policyArn, kind } = s;
      const source = { group, policy, policyArn, kind };
      if (!s.ok) {
        unreadable.push({ ...source, reason: s.reason });
        continue;
      }
      const analysis = analyzeAdminGrant(s.document);
      if (!analysis.ok) {
        unreadable.push({ ...source, reason: `${policy} is unreadable (${analysis.reason})` });
        continue;
      }
      if (analysis.grants.length > 0) paths.push({ ...source, statements: analysis.grants });
      if (analysis.denyAll.length > 0) deniedBy.push({ ...source, statements: analysis.denyAll });
    }
    if (deniedBy.length > 0) return { status: 'denied', paths, deniedBy };
    if (paths.length > 0) return { status: 'admin', paths, unreadable };
    if (unreadable.length > 0) return { status: 'unknown', unreadable };
    return { status: 'not-admin' };
  };

  return {
    /** A user's own policies and those of every group it is in; a group the details lack is unknown. */
    user(u: IamUser): AdminVerdict {
      const sources = [...ownSources(u, null)];
      const missingGroups: Unreadable[] = [];
      for (const name of u.groups) {
        const g = groups.get(name.toLowerCase());
        if (g) sources.push(...ownSources(g, g.name));
        else missingGroups.push({ group: name, reason: `group ${name} is not in the collected authorization details` });
      }
      return verdictOf(sources, missingGroups);
    },
    principal(p: IamPrincipal): AdminVerdict {
      return verdictOf(ownSources(p, null), []);
    },
  };
};
