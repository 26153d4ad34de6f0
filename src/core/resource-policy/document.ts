import { z } from 'zod';

/**
 * Reading a resource policy document into statements, or saying why it cannot be read. The document
 * reaches the core as `unknown`: the parsed JSON most collectors store, the JSON text some services
 * answer (SQS, SNS, KMS, Lambda …), or anything a hand-written snapshot holds. A document that is not
 * a policy is never "no statement grants anything": the caller gets a reason and reports `unknown`.
 *
 * The grammar is IAM's (element names and `Allow`/`Deny` are case-sensitive; exactly one of
 * Principal/NotPrincipal and of Action/NotAction per statement, as every resource policy requires;
 * at least one statement: an empty list is not a policy any service stores).
 */

const NON_EMPTY_STRING = z.string().min(1, { error: 'is an empty string' });
const stringOrList = (what: string) =>
  z.union([NON_EMPTY_STRING, z.array(NON_EMPTY_STRING).min(1, { error: 'is an empty list' })], {
    error: `must be ${what} or a non-empty list of them`,
  });

export const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

const PrincipalSchema = z.union(
  [
    z.literal('*'),
    z
      .partialRecord(z.enum(PRINCIPAL_TYPES), stringOrList('a string'))
      .refine((p) => Object.keys(p).length > 0, { error: 'names no principal' }),
  ],
  { error: 'must be "*" or an object of AWS/Service/Federated/CanonicalUser principals' },
);

/** Condition values are strings in IAM's grammar; AWS also accepts JSON numbers and booleans there. */
const ConditionScalar = z.union([z.string(), z.number(), z.boolean()], {
  error: 'condition values must be strings, numbers or booleans',
});
const ConditionSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.union([ConditionScalar, z.array(ConditionScalar)], {
      error: 'must be a string, number or boolean, or a list of them',
    }),
    {
      error: 'each condition operator must map keys to values',
    },
  ),
  { error: 'must map condition operators to keys' },
);

export const StatementSchema = z
  .object(
    {
      Sid: z.string({ error: 'must be a string' }).optional(),
      Effect: z.enum(['Allow', 'Deny'], { error: 'must be "Allow" or "Deny"' }),
      Principal: PrincipalSchema.optional(),
      NotPrincipal: PrincipalSchema.optional(),
      Action: stringOrList('an action').optional(),
      NotAction: stringOrList('an action').optional(),
      Resource: stringOrList('a resource').optional(),
      NotResource: stringOrList('a resource').optional(),
      Condition: ConditionSchema.optional(),
    },
    { error: 'is not an object' },
  )
  .superRefine((s, ctx) => {
    const exactlyOne = (a: unknown, b: unknown, names: string) => {
      if ((a === undefined) === (b === undefined))
        ctx.addIssue({ code: 'custom', message: `must have exactly one of ${names}` });
    };
    exactlyOne(s.Principal, s.NotPrincipal, 'Principal and NotPrincipal');
    exactlyOne(s.Action, s.NotAction, 'Action and NotAction');
    if (s.Resource !== undefined && s.NotResource !== undefined)
      ctx.addIssue({ code: 'custom', message: 'has both Resource and NotResource' });
  });

export const PolicyDocumentSchema = z.object(
  {
    Statement: z.union([StatementSchema, z.array(StatementSchema).min(1, { error: 'is an empty list' })], {
      error: 'must be a statement object or a list of them',
    }),
  },
  { error: 'is not a JSON object' },
);
export type RawStatement = z.infer<typeof StatementSchema>;

export interface ConditionClause {
  /** As written (`StringEqualsIfExists`, `ForAnyValue:StringLike`, …). */
  operator: string;
  /** As written (`aws:SourceAccount`, `AWS:SourceOwner`, …). */
  key: string;
  values: string[];
}

export type PrincipalElement = '*' | Partial<Record<PrincipalType, string[]>>;

/** One statement, normalised: lists where IAM allows "one or a list", conditions flattened. */
export interface PolicyStatement {
  index: number;
  /** The Sid, or the statement's position (`#0`, `#1`, …) when it has none: what messages call it. */
  label: string;
  effect: 'Allow' | 'Deny';
  principal: { element: 'Principal' | 'NotPrincipal'; value: PrincipalElement };
  actions: { element: 'Action' | 'NotAction'; values: string[] };
  /** `null`: the statement names no resource (the policy's own resource is implied). */
  resources: { element: 'Resource' | 'NotResource'; values: string[] } | null;
  conditions: ConditionClause[];
}

export type ReadPolicy = { ok: true; statements: PolicyStatement[] } | { ok: false; reason: string };

const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);

const normalisePrincipal = (p: '*' | Partial<Record<PrincipalType, string | string[]>>): PrincipalElement =>
  p === '*'
    ? '*'
    : Object.fromEntries(Object.entries(p).flatMap(([type, v]) => (v === undefined ? [] : [[type, list(v)]])));

const normalise = (s: RawStatement, index: number): PolicyStatement => ({
  index,
  label: s.Sid !== undefined && s.Sid !== '' ? s.Sid : `#${index}`,
  effect: s.Effect,
  principal:
    s.Principal !== undefined
      ? { element: 'Principal', value: normalisePrincipal(s.Principal) }
      : { element: 'NotPrincipal', value: normalisePrincipal(s.NotPrincipal!) },
  actions:
    s.Action !== undefined
      ? { element: 'Action', values: list(s.Action) }
      : { element: 'NotAction', values: list(s.NotAction!) },
  resources:
    s.Resource !== undefined
      ? { element: 'Resource', values: list(s.Resource) }
      : s.NotResource !== undefined
        ? { element: 'NotResource', values: list(s.NotResource) }
        : null,
  conditions: Object.entries(s.Condition ?? {}).flatMap(([operator, clauses]) =>
    Object.entries(clauses).map(([key, v]) => ({ operator, key, values: list(v).map(String) })),
  ),
});

/** "statement 2 (Sid "PublicRead"): Effect must be "Allow" or "Deny"" — where the first problem is. */
const describeIssue = (document: unknown, issue: z.core.$ZodIssue): string => {
  const [top, second, ...rest] = issue.path;
  if (top !== 'Statement') return `the policy ${issue.message}`;
  if (second === undefined) return `Statement ${issue.message}`;
  const statements = (document as { Statement?: unknown }).Statement;
  const index = typeof second === 'number' ? second : Array.isArray(statements) ? null : 0;
  const field = (typeof second === 'number' ? rest : [second, ...rest]).filter((p) => p !== undefined).map(String);
  if (index === null) return `Statement ${issue.message}`;
  const raw: unknown = Array.isArray(statements) ? statements[index] : statements;
  const sid =
    typeof raw === 'object' && raw !== null && typeof (raw as { Sid?: unknown }).Sid === 'string'
      ? ` (Sid "${(raw as { Sid: string }).Sid}")`
      : '';
  return `statement #${index}${sid}${field.length > 0 ? ` ${field.join('.')}` : ''} ${issue.message}`;
};

const flattenIssue = (issue: z.core.$ZodIssue): z.core.$ZodIssue[] =>
  issue.code === 'invalid_union'
    ? [
        issue,
        ...issue.errors
          .flat()
          .flatMap((e) => flattenIssue({ ...e, path: [...issue.path, ...e.path] } as z.core.$ZodIssue)),
      ]
    : [issue];

const parseText = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

/** The document's statements, or why it is not a readable policy. Never throws. */
export const readPolicy = (document: unknown): ReadPolicy => {
  const doc = typeof document === 'string' ? parseText(document) : document;
  if (doc === undefined) return { ok: false, reason: 'the policy is not JSON' };
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    return { ok: false, reason: 'the policy is not a JSON object' };
  if ((doc as { Statement?: unknown }).Statement === undefined)
    return { ok: false, reason: 'the policy has no Statement' };
  const parsed = PolicyDocumentSchema.safeParse(doc);
  if (!parsed.success) {
    // A union reports only its own message; the issues of its branches say which field is wrong.
    // Prefer the deepest issue: it names the statement and the field.
    const deepest = parsed.error.issues.flatMap(flattenIssue).reduce((a, b) => (b.path.length > a.path.length ? b : a));
    return { ok: false, reason: describeIssue(doc, deepest) };
  }
  return { ok: true, statements: list(parsed.data.Statement).map(normalise) };
};
