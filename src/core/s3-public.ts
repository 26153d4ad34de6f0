import type { AclGrant, CollectError, Fact, PublicAccessBlock, S3Bucket } from './model';
import { effectivePublicAccessBlock } from './s3-access';

/**
 * Whether a bucket is public, decided the way S3 decides it: AWS's own policy status when it is
 * known, otherwise our reading of the policy document; public ACL grants; and Block Public Access,
 * which can neutralise either. Pure: every input is a collected Fact.
 */

// ---------------------------------------------------------------- policy document

export interface PublicStatement {
  /** The statement's Sid, or its position (`#0`, `#1`, …) when it has none. */
  statement: string;
  /** The Action values granted (for a NotAction statement: everything except these, prefixed `NOT `). */
  actions: string[];
  includesWrite: boolean;
}

/**
 * Condition keys that, with fixed values, restrict a `*` principal to callers the owner chose.
 * Lower case because condition keys are case-insensitive.
 */
const NARROWING_KEYS = new Set([
  'aws:sourcearn',
  'aws:sourcevpc',
  'aws:sourcevpce',
  'aws:sourceaccount',
  'aws:sourceowner',
  'aws:principalorgid',
  'aws:principalaccount',
  'aws:principalarn',
  'aws:userid',
]);
const STRING_MATCH_OPERATORS = new Set([
  'stringequals',
  'stringequalsignorecase',
  'stringlike',
  'arnequals',
  'arnlike',
]);

/** Action names a pattern is tested against to tell whether it lets the public change the bucket. */
const WRITE_ACTION_SAMPLES = [
  's3:PutObject',
  's3:PutObjectAcl',
  's3:PutBucketPolicy',
  's3:PutBucketAcl',
  's3:DeleteObject',
  's3:DeleteObjectVersion',
  's3:DeleteBucket',
  's3:DeleteBucketPolicy',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
const strings = (v: unknown): string[] => asArray(v).filter((x): x is string => typeof x === 'string');

const wildcardRegex = (pattern: string): RegExp =>
  new RegExp(
    '^' +
      pattern
        .split('')
        .map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\]/g, '\\$&')))
        .join('') +
      '$',
    'i',
  );

export const actionIncludesWrite = (action: string): boolean => {
  const re = wildcardRegex(action);
  return WRITE_ACTION_SAMPLES.some((sample) => re.test(sample));
};

/** The GetBucketPolicy text is normally parsed by the collector; a raw string is accepted too. */
const parseDocument = (document: unknown): Json | null => {
  if (typeof document === 'string') {
    try {
      const parsed: unknown = JSON.parse(document);
      return isObject(parsed) ? parsed : null;
    } catch {
      return null;
    }
  }
  return isObject(document) ? document : null;
};

export const policyStatements = (document: unknown): Json[] =>
  asArray(parseDocument(document)?.Statement).filter(isObject);

/**
 * The statements of a policy document, or null when it is not one (not JSON, no Statement, or a
 * statement that is not an object): such a document cannot show that a bucket is not public.
 */
export const readablePolicyStatements = (document: unknown): Json[] | null => {
  const parsed = parseDocument(document);
  if (!parsed || parsed.Statement === undefined) return null;
  const statements = asArray(parsed.Statement);
  return statements.every(isObject) ? statements : null;
};

export const isEveryonePrincipal = (principal: unknown): boolean =>
  principal === '*' || (isObject(principal) && strings(principal.AWS).includes('*'));

/** A value an attacker cannot choose: no wildcard and no policy variable. */
const isFixedValue = (v: string) => !/[*?]/.test(v) && !v.includes('${');

const isOpenCidr = (cidr: string) => /\/0+$/.test(cidr.trim());

/**
 * `IfExists` and `ForAllValues:` both evaluate to true when the key is absent from the request,
 * which is exactly the anonymous caller, so neither narrows.
 */
const narrowingOperator = (operator: string): string | null => {
  const op = operator.toLowerCase();
  if (op.endsWith('ifexists') || op.startsWith('forallvalues:')) return null;
  return op.startsWith('foranyvalue:') ? op.slice('foranyvalue:'.length) : op;
};

export const conditionNarrows = (condition: unknown): boolean => {
  if (!isObject(condition)) return false;
  return Object.entries(condition).some(([operator, clauses]) => {
    const op = narrowingOperator(operator);
    if (op === null || !isObject(clauses)) return false;
    return Object.entries(clauses).some(([key, raw]) => {
      const values = strings(raw);
      if (values.length === 0) return false;
      const k = key.toLowerCase();
      if (k === 'aws:sourceip') return op === 'ipaddress' && !values.some(isOpenCidr);
      return NARROWING_KEYS.has(k) && STRING_MATCH_OPERATORS.has(op) && values.every(isFixedValue);
    });
  });
};

const statementGrantsEveryone = (s: Json): boolean =>
  // Allow with NotPrincipal grants everyone except the listed principals.
  isEveryonePrincipal(s.Principal) || (s.Principal === undefined && s.NotPrincipal !== undefined);

/** The Allow statements of a bucket policy that grant access to anyone, unnarrowed by a condition. */
export const publicPolicyStatements = (document: unknown): PublicStatement[] =>
  policyStatements(document).flatMap((s, index) => {
    if (s.Effect !== 'Allow' || !statementGrantsEveryone(s) || conditionNarrows(s.Condition)) return [];
    const statement = typeof s.Sid === 'string' && s.Sid !== '' ? s.Sid : `#${index}`;
    if (s.NotAction !== undefined) {
      const excluded = strings(s.NotAction);
      const excludesAll = excluded.some((a) => a === '*' || a.toLowerCase() === 's3:*');
      return excludesAll ? [] : [{ statement, actions: excluded.map((a) => `NOT ${a}`), includesWrite: true }];
    }
    const actions = strings(s.Action);
    return [{ statement, actions, includesWrite: actions.some(actionIncludesWrite) }];
  });

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

/** A collected policy that is not a policy document (possible in a snapshot file): unreadable evidence. */
const unreadableDocument = (): CollectError => ({
  service: 's3',
  operation: 'GetBucketPolicy',
  permission: 's3:GetBucketPolicy',
  code: 'MalformedPolicy',
  kind: 'malformed',
  message: 'the bucket policy is not a policy document (no list of statement objects)',
});

/**
 * AWS's GetBucketPolicyStatus is authoritative (it knows every narrowing rule S3 applies); the
 * document is read to name the statements, and judged by us only when the status is unavailable.
 * A status that could not be read is never taken as "not public".
 */
export const policyExposure = (bucket: Pick<S3Bucket, 'policyStatus' | 'policy'>): PolicyExposure => {
  const { policyStatus, policy } = bucket;
  const statements = policy.ok && policy.value !== null ? publicPolicyStatements(policy.value) : [];
  const includesWrite = statements.some((s) => s.includesWrite);

  if (policyStatus.ok) {
    if (policyStatus.value === null) return { status: 'none', basis: 'no-policy' };
    if (!policyStatus.value.isPublic) return { status: 'none', basis: 'policy-status' };
    return {
      status: 'public',
      basis: 'policy-status',
      statements,
      includesWrite: statements.length > 0 ? includesWrite : null,
    };
  }
  const statusError = policyStatus.error;
  // Naming the status permission first: it is the one that gives AWS's own verdict.
  if (!policy.ok) return { status: 'unknown', error: statusError, documentError: policy.error };
  if (policy.value === null) return { status: 'none', basis: 'no-policy' };
  if (readablePolicyStatements(policy.value) === null) {
    return { status: 'unknown', error: statusError, documentError: unreadableDocument() };
  }
  return statements.length > 0
    ? { status: 'public', basis: 'policy-document', statusError, statements, includesWrite }
    : { status: 'none', basis: 'policy-document', statusError };
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

/** Whether `setting` is certainly on; when it might be on but a level could not be read, why. */
const blockSetting = (
  setting: keyof PublicAccessBlock,
  accountBlock: AccountBlock,
  bucketBlock: Fact<PublicAccessBlock | null>,
): { on: true } | { on: false; unreadable: CollectError | null } => {
  const effective = effectivePublicAccessBlock(accountBlock, bucketBlock);
  if (effective.ok) return effective.value[setting] ? { on: true } : { on: false, unreadable: null };
  return effective.partial[setting] ? { on: true } : { on: false, unreadable: effective.error };
};

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

/** Why a piece of evidence is missing, as a clause: "GetBucketPolicyStatus was refused (cloudsec needs s3:GetBucketPolicyStatus)". */
export const describeUnreadable = (e: CollectError): string => {
  switch (e.kind) {
    case 'access-denied':
      return `${e.operation} was refused (cloudsec needs ${e.permission})`;
    case 'malformed':
      // The collector's own messages already name the call ("GetBucketPolicyStatus answered a <html> document …").
      return e.message.startsWith(e.operation)
        ? e.message
        : `${e.operation} answered something cloudsec could not read (${e.message})`;
    case 'throttled':
      return `${e.operation} was throttled (${e.code})`;
    default:
      return `${e.operation} failed (${e.code})`;
  }
};

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
