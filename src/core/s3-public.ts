import type { AclGrant, CollectError, Fact, PublicAccessBlock, S3Bucket } from './model';
import {
  actionIncludesWrite as grantsWrite,
  describeUnreadable,
  evaluateResourcePolicy,
  isStarPrincipal,
  resourcePolicyExposure,
  type PolicyContext,
  type PublicPolicyGrant,
} from './resource-policy';
import { blockSetting } from './s3-access';

/**
 * Whether a bucket is public, decided the way S3 decides it: AWS's own policy status when it is
 * known, otherwise the shared resource-policy reader (./resource-policy) on the policy document;
 * public ACL grants; and Block Public Access, which can neutralise either. Pure: every input is a
 * collected Fact.
 */

export { describeUnreadable };

// ---------------------------------------------------------------- policy document

export interface PublicStatement {
  /** The statement's Sid, or its position (`#0`, `#1`, …) when it has none. */
  statement: string;
  /** The Action values granted (for a NotAction statement: everything except these, prefixed `NOT `). */
  actions: string[];
  includesWrite: boolean;
}

/** The bucket's account is not on S3Bucket; it only classes grants by account, which S3 checks do not use. */
const S3_POLICY: PolicyContext = { ownerAccountId: null, service: 's3' };

/** `"*"` or `{"AWS": "*"}` (a list holding `*` included). */
export const isEveryonePrincipal = isStarPrincipal;

/** Whether granting `action` (a pattern such as `s3:Put*`) lets the public change the bucket. */
export const actionIncludesWrite = (action: string): boolean => grantsWrite(action, 's3');

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every statement object of a document, however malformed the rest: for checks that look for a
 * statement they need (a Deny of plain HTTP), where a missing one already fails.
 */
export const policyStatements = (document: unknown): Json[] => {
  let doc = document;
  if (typeof doc === 'string') {
    try {
      doc = JSON.parse(doc);
    } catch {
      return [];
    }
  }
  if (!isObject(doc)) return [];
  const s = doc.Statement;
  return (Array.isArray(s) ? s : s === undefined ? [] : [s]).filter(isObject);
};

const toStatement = (g: PublicPolicyGrant): PublicStatement => ({
  statement: g.statement,
  actions: g.notAction ? g.actions.map((a) => `NOT ${a}`) : g.actions,
  includesWrite: g.includesWrite,
});

/** The statements of a bucket policy that grant access to anyone; none for a document that is not a policy. */
export const publicPolicyStatements = (document: unknown): PublicStatement[] => {
  const verdict = evaluateResourcePolicy(document, S3_POLICY);
  return verdict.status === 'public' ? verdict.publicGrants.map(toStatement) : [];
};

// ---------------------------------------------------------------- exposure through the policy

/**
 * Which evidence decided: AWS's own verdict (GetBucketPolicyStatus), the absence of a policy, or
 * cloudsec's reading of the document when AWS's verdict could not be read (`statusError` says why).
 */
export type PolicyExposure =
  | { status: 'none'; basis: 'no-policy' | 'policy-status' }
  | { status: 'none'; basis: 'policy-document'; statusError: CollectError }
  | {
      status: 'public';
      basis: 'policy-status';
      statements: PublicStatement[];
      /** `null` when AWS says the policy is public but the document could not be read to tell which actions. */
      includesWrite: boolean | null;
    }
  | {
      status: 'public';
      basis: 'policy-document';
      statusError: CollectError;
      statements: PublicStatement[];
      includesWrite: boolean;
    }
  /** `documentError`: the policy document could not be read either, so nothing decided. */
  | { status: 'unknown'; error: CollectError; documentError?: CollectError };

export type PublicPolicy = Extract<PolicyExposure, { status: 'public' }>;

const POLICY_SOURCE = { service: 's3', operation: 'GetBucketPolicy', permission: 's3:GetBucketPolicy' };

/**
 * AWS's GetBucketPolicyStatus is authoritative (it knows every narrowing rule S3 applies); the
 * document is read to name the statements, and judged by us only when the status is unavailable.
 * A status that could not be read is never taken as "not public".
 */
export const policyExposure = (bucket: Pick<S3Bucket, 'policyStatus' | 'policy'>): PolicyExposure => {
  const { policyStatus, policy } = bucket;
  if (policyStatus.ok) {
    if (policyStatus.value === null) return { status: 'none', basis: 'no-policy' };
    if (!policyStatus.value.isPublic) return { status: 'none', basis: 'policy-status' };
    const statements = policy.ok && policy.value !== null ? publicPolicyStatements(policy.value) : [];
    return {
      status: 'public',
      basis: 'policy-status',
      statements,
      includesWrite: statements.length > 0 ? statements.some((s) => s.includesWrite) : null,
    };
  }
  const statusError = policyStatus.error;
  const own = resourcePolicyExposure(policy, S3_POLICY, POLICY_SOURCE);
  switch (own.status) {
    case 'unknown':
      // Naming the status permission first: it is the one that gives AWS's own verdict.
      return { status: 'unknown', error: statusError, documentError: own.error };
    case 'none':
      return own.basis === 'no-policy'
        ? { status: 'none', basis: 'no-policy' }
        : { status: 'none', basis: 'policy-document', statusError };
    case 'public':
      return {
        status: 'public',
        basis: 'policy-document',
        statusError,
        statements: own.publicGrants.map(toStatement),
        includesWrite: own.includesWrite,
      };
  }
};

// ---------------------------------------------------------------- exposure through the ACL

export const ALL_USERS_URI = 'http://acs.amazonaws.com/groups/global/AllUsers';
export const AUTHENTICATED_USERS_URI = 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers';

export type PublicGrantee = 'AllUsers' | 'AuthenticatedUsers';

export interface PublicGrant {
  grantee: PublicGrantee;
  granteeUri: string;
  permission: string;
  includesWrite: boolean;
}

export const describeGrantee = (grantee: PublicGrantee): string =>
  grantee === 'AllUsers' ? 'anyone on the internet' : 'any authenticated AWS user';

const WRITE_PERMISSIONS = new Set(['WRITE', 'WRITE_ACP', 'FULL_CONTROL']);

const publicGrantee = (g: AclGrant): PublicGrantee | null => {
  if (g.granteeType !== 'Group' || !g.granteeUri) return null;
  // The console and older tools write the URI with https or a trailing slash.
  const uri = g.granteeUri.replace(/^https:/, 'http:').replace(/\/+$/, '');
  return uri === ALL_USERS_URI ? 'AllUsers' : uri === AUTHENTICATED_USERS_URI ? 'AuthenticatedUsers' : null;
};

export const publicGrants = (grants: readonly AclGrant[]): PublicGrant[] =>
  grants.flatMap((g) => {
    const grantee = publicGrantee(g);
    return grantee
      ? [
          {
            grantee,
            granteeUri: g.granteeUri!,
            permission: g.permission,
            includesWrite: WRITE_PERMISSIONS.has(g.permission),
          },
        ]
      : [];
  });

export type AclExposure =
  | { status: 'none' }
  | { status: 'public'; grants: PublicGrant[]; includesWrite: boolean }
  | { status: 'unknown'; error: CollectError };

export type PublicAcl = Extract<AclExposure, { status: 'public' }>;

export const aclExposure = (bucket: Pick<S3Bucket, 'acl'>): AclExposure => {
  if (!bucket.acl.ok) return { status: 'unknown', error: bucket.acl.error };
  const grants = publicGrants(bucket.acl.value.grants);
  return grants.length > 0
    ? { status: 'public', grants, includesWrite: grants.some((g) => g.includesWrite) }
    : { status: 'none' };
};

// ---------------------------------------------------------------- Block Public Access on top

/** The policy or ACL would be public, or could not be read, but a Block Public Access setting makes it moot. */
export type Neutralised<P> = {
  status: 'blocked';
  by: keyof PublicAccessBlock;
  /** What the setting neutralises; `null` when the policy or ACL could not be read (and no longer matters). */
  exposure: P | null;
};

export type EffectivePolicyExposure = PolicyExposure | Neutralised<PublicPolicy>;
export type EffectiveAclExposure = AclExposure | Neutralised<PublicAcl>;

type AccountBlock = Fact<PublicAccessBlock | null>;

/** `restrictPublicBuckets` limits a public policy to the owner's account and AWS services. */
export const effectivePolicyExposure = (
  bucket: Pick<S3Bucket, 'policyStatus' | 'policy' | 'publicAccessBlock'>,
  accountBlock: AccountBlock,
): EffectivePolicyExposure => {
  const raw = policyExposure(bucket);
  const block = blockSetting('restrictPublicBuckets', accountBlock, bucket.publicAccessBlock);
  if (block.on)
    return { status: 'blocked', by: 'restrictPublicBuckets', exposure: raw.status === 'public' ? raw : null };
  // A public grant counts only if no unreadable Block Public Access level could be neutralising it.
  if (block.unreadable && raw.status === 'public') return { status: 'unknown', error: block.unreadable };
  return raw;
};

/** `ignorePublicAcls` makes S3 disregard public ACL grants. */
export const effectiveAclExposure = (
  bucket: Pick<S3Bucket, 'acl' | 'publicAccessBlock'>,
  accountBlock: AccountBlock,
): EffectiveAclExposure => {
  const raw = aclExposure(bucket);
  const block = blockSetting('ignorePublicAcls', accountBlock, bucket.publicAccessBlock);
  if (block.on) return { status: 'blocked', by: 'ignorePublicAcls', exposure: raw.status === 'public' ? raw : null };
  if (block.unreadable && raw.status === 'public') return { status: 'unknown', error: block.unreadable };
  return raw;
};

export type BucketPublicity =
  | { status: 'public'; policy: EffectivePolicyExposure; acl: EffectiveAclExposure }
  | { status: 'not-public'; policy: EffectivePolicyExposure; acl: EffectiveAclExposure }
  | { status: 'unknown'; error: CollectError; policy: EffectivePolicyExposure; acl: EffectiveAclExposure };

/** Public by either route wins over the other being unknown: one open door is enough. */
export const bucketPublicity = (bucket: S3Bucket, accountBlock: AccountBlock): BucketPublicity => {
  const policy = effectivePolicyExposure(bucket, accountBlock);
  const acl = effectiveAclExposure(bucket, accountBlock);
  if (policy.status === 'public' || acl.status === 'public') return { status: 'public', policy, acl };
  const unknown = [policy, acl].find((e): e is { status: 'unknown'; error: CollectError } => e.status === 'unknown');
  return unknown ? { status: 'unknown', error: unknown.error, policy, acl } : { status: 'not-public', policy, acl };
};

// ---------------------------------------------------------------- wording for findings

/**
 * The sentence that says which evidence decided, for a finding's message: empty when AWS's own
 * verdict (or the absence of a policy) decided, a note when cloudsec judged the document itself.
 */
export const describePolicyBasis = (p: EffectivePolicyExposure): string =>
  (p.status === 'none' || p.status === 'public') && p.basis === 'policy-document'
    ? ` Decided by cloudsec's reading of the policy document, because AWS's policy status could not be read: ${describeUnreadable(p.statusError)}.`
    : '';

/** Evidence fields naming what decided a policy verdict. */
export const policyBasisEvidence = (p: EffectivePolicyExposure): Record<string, unknown> =>
  p.status === 'none' || p.status === 'public'
    ? {
        basis: p.basis,
        ...(p.basis === 'policy-document'
          ? {
              policyStatusUnavailable: {
                operation: p.statusError.operation,
                code: p.statusError.code,
                kind: p.statusError.kind,
                message: p.statusError.message,
              },
            }
          : {}),
      }
    : {};

/** "statement PublicRead allows anyone s3:GetObject; statement #2 allows anyone s3:*" */
export const describePublicPolicy = (p: PublicPolicy): string =>
  p.statements.length === 0
    ? 'AWS reports its bucket policy as public'
    : 'its bucket policy ' +
      p.statements
        .map((s) => `statement ${s.statement} allows anyone ${s.actions.join(', ') || 'no listed action'}`)
        .join('; ');

/** "its ACL grants READ to anyone on the internet and WRITE to any authenticated AWS user" */
export const describePublicAcl = (a: PublicAcl): string =>
  'its ACL grants ' + a.grants.map((g) => `${g.permission} to ${describeGrantee(g.grantee)}`).join(' and ');
