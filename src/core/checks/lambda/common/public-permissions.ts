import { z } from 'zod';
import type { FunctionUrl, LambdaFunction, LambdaPolicy, ResourceRef } from '../../../model';
import {
  evaluateResourcePolicy,
  readPolicy,
  type PolicyContext,
  type PolicyStatement,
  type PublicPolicyGrant,
} from '../../../resource-policy';
// The evaluator's glob (IAM action patterns, case-insensitive); resource-policy.ts does not re-export it.
import { globRegex } from '../../../resource-policy/patterns';

/**
 * What the Lambda exposure checks and `lambda_remove_public_permission` share: how a function (or one
 * of its aliases) is named as a resource, whether a public grant reaches an action, and which public
 * statements of a policy can be removed with RemovePermission and faithfully put back with
 * AddPermission (the undo).
 */

export const lambdaFunctionResource = (fn: Pick<LambdaFunction, 'name' | 'arn'>): ResourceRef => ({
  type: 'AwsLambdaFunction',
  id: fn.name,
  arn: fn.arn,
});

/** An alias URL is about the alias (`name:alias`, the qualified ARN); the function's own URL about the function. */
export const functionUrlResource = (fn: Pick<LambdaFunction, 'name' | 'arn'>, qualifier: string | null): ResourceRef =>
  qualifier === null
    ? lambdaFunctionResource(fn)
    : { type: 'AwsLambdaFunction', id: `${fn.name}:${qualifier}`, arn: `${fn.arn}:${qualifier}` };

/** Whether a public grant lets anyone call `action` (an Action list that matches it, or a NotAction that spares it). */
export const grantReaches = (g: Pick<PublicPolicyGrant, 'actions' | 'notAction'>, action: string): boolean =>
  g.notAction !== g.actions.some((a) => globRegex(a, true).test(action));

/** What a function URL's policy is: the function's for its own URL, the alias's for an alias URL. */
export const urlPolicy = (fn: LambdaFunction, url: FunctionUrl): LambdaFunction['policy'] | null =>
  url.qualifier === null ? fn.policy : url.aliasPolicy;

// ---------------------------------------------------------------- removable statements

/**
 * A public statement as AddPermission's parameters: everything AddPermission needs to write the same
 * statement again (FunctionName, Qualifier and RevisionId come from elsewhere). Lambda has no "put
 * policy" call, so every statement in a function policy was written by AddPermission from these.
 */
export const ReAddablePermissionSchema = z.object({
  /** AddPermission's StatementId pattern. */
  statementId: z.string().regex(/^[a-zA-Z0-9_.-]{1,100}$/),
  action: z.string().regex(/^(?:lambda:[*]|lambda:[a-zA-Z]+|[*])$/),
  sourceArn: z.string().min(1).optional(),
  sourceAccount: z.string().min(1).optional(),
  principalOrgId: z.string().min(1).optional(),
  eventSourceToken: z.string().min(1).optional(),
  functionUrlAuthType: z.enum(['AWS_IAM', 'NONE']).optional(),
  invokedViaFunctionUrl: z.literal(true).optional(),
});
export type ReAddablePermission = z.infer<typeof ReAddablePermissionSchema>;

/**
 * The condition each AddPermission parameter writes: operator (exact) and key (any case: Lambda
 * writes `AWS:SourceArn`). Lambda writes SourceArn with ArnLike (its reference says StringLike);
 * either is what AddPermission's SourceArn puts back.
 */
const PARAMETER_OF: Record<string, { operators: string[]; field: keyof ReAddablePermission }> = {
  'aws:sourcearn': { operators: ['ArnLike', 'StringLike'], field: 'sourceArn' },
  'aws:sourceaccount': { operators: ['StringEquals'], field: 'sourceAccount' },
  'aws:principalorgid': { operators: ['StringEquals'], field: 'principalOrgId' },
  'lambda:eventsourcetoken': { operators: ['StringEquals'], field: 'eventSourceToken' },
  'lambda:functionurlauthtype': { operators: ['StringEquals'], field: 'functionUrlAuthType' },
  'lambda:invokedviafunctionurl': { operators: ['Bool'], field: 'invokedViaFunctionUrl' },
};

type ReAdd = { ok: true; value: ReAddablePermission } | { ok: false; reason: string };

/** The statement as AddPermission parameters, or why AddPermission could not write it back as it is. */
const toAddPermission = (s: PolicyStatement, resourceArn: string): ReAdd => {
  const no = (why: string): ReAdd => ({ ok: false, reason: `statement '${s.label}' ${why}` });
  if (s.label.startsWith('#')) return no('has no Sid, so RemovePermission cannot name it');
  if (s.principal.element !== 'Principal' || s.principal.value !== '*')
    return no('does not name its principal as "*", which is all AddPermission writes for everyone');
  if (s.actions.element !== 'Action' || s.actions.values.length !== 1)
    return no('grants more than one action (or uses NotAction); AddPermission writes one');
  if (s.resources?.element !== 'Resource' || s.resources.values.length !== 1 || s.resources.values[0] !== resourceArn)
    return no(`is not on ${resourceArn} alone, where AddPermission would put it`);
  const fields: Record<string, unknown> = { statementId: s.label, action: s.actions.values[0] };
  for (const c of s.conditions) {
    const parameter = PARAMETER_OF[c.key.toLowerCase()];
    if (!parameter || !parameter.operators.includes(c.operator) || c.values.length !== 1)
      return no(`has a condition AddPermission cannot write (${c.operator} ${c.key})`);
    if (parameter.field in fields) return no(`sets ${c.key} twice`);
    const value = c.values[0]!;
    if (parameter.field === 'invokedViaFunctionUrl' && value !== 'true')
      return no(`has ${c.key} ${value}, and AddPermission writes only true`);
    fields[parameter.field] = parameter.field === 'invokedViaFunctionUrl' ? true : value;
  }
  const parsed = ReAddablePermissionSchema.safeParse(fields);
  return parsed.success
    ? { ok: true, value: parsed.data }
    : no('has a Sid, action or value AddPermission does not accept');
};

export type PublicPermissions =
  { ok: true; revisionId: string | null; permissions: ReAddablePermission[] } | { ok: false; reason: string };

/**
 * The policy's public statements (per the shared evaluator) as permissions RemovePermission can remove
 * and AddPermission can write back: all of them, or a reason why not (no public statement, a
 * statement without a Sid, a Sid used twice, a condition AddPermission cannot write).
 */
export const publicPermissions = (
  policy: LambdaPolicy,
  resourceArn: string,
  context: PolicyContext,
): PublicPermissions => {
  const verdict = evaluateResourcePolicy(policy.document, context);
  if (verdict.status === 'unreadable') return { ok: false, reason: `the policy cannot be read: ${verdict.reason}` };
  if (verdict.status === 'not-public') return { ok: false, reason: 'no statement of the policy lets anyone in' };
  const read = readPolicy(policy.document);
  if (!read.ok) return { ok: false, reason: `the policy cannot be read: ${read.reason}` };
  const permissions: ReAddablePermission[] = [];
  for (const grant of verdict.publicGrants) {
    const same = read.statements.filter((s) => s.label === grant.statement);
    if (same.length !== 1)
      return { ok: false, reason: `statement '${grant.statement}' is not the only one with its Sid` };
    const permission = toAddPermission(same[0]!, resourceArn);
    if (!permission.ok) return permission;
    permissions.push(permission.value);
  }
  return { ok: true, revisionId: policy.revisionId, permissions };
};
