import type { AddPermissionCommandInput, RemovePermissionCommandInput } from '@aws-sdk/client-lambda';
import { z } from 'zod';
import {
  ReAddablePermissionSchema,
  publicPermissions,
  type ReAddablePermission,
} from '../checks/lambda/common/public-permissions';
import { ownerContext } from '../checks/sqs/common/policy-result';
import type { AccountSnapshot, Finding, LambdaFunction, LambdaPolicy } from '../model';
import { cannot, collected, defineRemediation, type Outcome } from './define';
import { sdkCall } from './sdk-call';

/**
 * Removes every statement of a function's (or an alias's) policy that lets anyone in, one
 * RemovePermission per Sid, and undoes it with one AddPermission per statement, rebuilt from the
 * statement itself. Lambda writes its policies only through AddPermission, so a statement can be put
 * back exactly when AddPermission's parameters can express it (principal `*`, one action, the
 * function as resource, conditions on SourceArn, SourceAccount, PrincipalOrgID, EventSourceToken,
 * FunctionUrlAuthType, InvokedViaFunctionUrl); for any other the plan is refused (and the checks do
 * not offer it), since an undo that writes something else would not be an undo.
 */

const Before = z.object({
  functionName: z.string().min(1),
  /** The alias whose policy is changed; null for the function's own policy. */
  qualifier: z.string().min(1).nullable(),
  region: z.string().min(1),
  permissions: z.array(ReAddablePermissionSchema).min(1),
});
type Before = z.infer<typeof Before>;

/**
 * The function and alias a finding is about: cloudsec names them `name` or `name:alias`; Security Hub
 * (Lambda.1) by ARN, `arn:<partition>:lambda:<region>:<account>:function:<name>[:<alias>]`.
 */
const targetOf = (finding: Finding): { name: string; qualifier: string | null } | null => {
  const { id } = finding.resource;
  const parts = id.startsWith('arn:') ? id.split(':').slice(5) : ['function', ...id.split(':')];
  if (parts[0] !== 'function' || !parts[1] || parts.length > 3) return null;
  return { name: parts[1], qualifier: parts[2] ?? null };
};

/** The policy the change is made to: the function's own, or the alias's (read for its unauthenticated URL). */
const policyOf = (fn: LambdaFunction, qualifier: string | null): Outcome<LambdaPolicy | null> => {
  if (qualifier === null) return collected(fn.policy, `the policy of Lambda function ${fn.name}`);
  const urls = collected(fn.urls, `the function URLs of ${fn.name}`);
  if (!urls.ok) return urls;
  const url = urls.value.find((u) => u.qualifier === qualifier);
  if (!url || url.aliasPolicy === null)
    return cannot(
      `The snapshot has no policy of alias ${qualifier} of ${fn.name} (cloudsec reads it for an alias URL that skips authentication).`,
    );
  return collected(url.aliasPolicy, `the policy of alias ${qualifier} of ${fn.name}`);
};

const removeCall = (before: Before, p: ReAddablePermission, revisionId: string | null) => {
  const input: RemovePermissionCommandInput = {
    FunctionName: before.functionName,
    StatementId: p.statementId,
    ...(before.qualifier === null ? {} : { Qualifier: before.qualifier }),
    ...(revisionId === null ? {} : { RevisionId: revisionId }),
  };
  return sdkCall('lambda', 'RemovePermission', before.region, input);
};

const addCall = (before: Before, p: ReAddablePermission) => {
  const input: AddPermissionCommandInput = {
    FunctionName: before.functionName,
    StatementId: p.statementId,
    Action: p.action,
    Principal: '*',
    ...(before.qualifier === null ? {} : { Qualifier: before.qualifier }),
    ...(p.sourceArn === undefined ? {} : { SourceArn: p.sourceArn }),
    ...(p.sourceAccount === undefined ? {} : { SourceAccount: p.sourceAccount }),
    ...(p.principalOrgId === undefined ? {} : { PrincipalOrgID: p.principalOrgId }),
    ...(p.eventSourceToken === undefined ? {} : { EventSourceToken: p.eventSourceToken }),
    ...(p.functionUrlAuthType === undefined ? {} : { FunctionUrlAuthType: p.functionUrlAuthType }),
    ...(p.invokedViaFunctionUrl === undefined ? {} : { InvokedViaFunctionUrl: true }),
  };
  return sdkCall('lambda', 'AddPermission', before.region, input);
};

const plan = (finding: Finding, account: AccountSnapshot) => {
  const lambda = account.lambda?.[finding.region];
  if (!lambda) return cannot(`The snapshot has no Lambda data for region ${finding.region}; collect it first.`);
  const target = targetOf(finding);
  if (!target) return cannot(`${finding.resource.id} does not name a Lambda function.`);
  const functions = collected(lambda.functions, `the Lambda functions of ${finding.region}`);
  if (!functions.ok) return functions;
  const fn = functions.value.find((f) => f.name === target.name);
  if (!fn) return cannot(`Lambda function ${target.name} is not in the snapshot of ${finding.region}.`);
  const what = target.qualifier === null ? `Lambda function ${fn.name}` : `alias ${target.qualifier} of ${fn.name}`;
  const policy = policyOf(fn, target.qualifier);
  if (!policy.ok) return policy;
  if (policy.value === null) return cannot(`${what} has no policy, so nothing is public through it.`);
  const arn = target.qualifier === null ? fn.arn : `${fn.arn}:${target.qualifier}`;
  const removable = publicPermissions(policy.value, arn, ownerContext(account, 'lambda'));
  if (!removable.ok) return cannot(`cloudsec cannot remove the public access of ${what}: ${removable.reason}.`);
  const before: Before = {
    functionName: fn.name,
    qualifier: target.qualifier,
    region: finding.region,
    permissions: removable.permissions,
  };
  const sids = removable.permissions.map((p) => `'${p.statementId}'`).join(', ');
  return {
    ok: true as const,
    // RevisionId on the first removal: Lambda refuses it if the policy changed since the scan.
    calls: removable.permissions.map((p, i) => removeCall(before, p, i === 0 ? removable.revisionId : null)),
    before,
    notes: [
      `Removes ${removable.permissions.length === 1 ? 'statement' : 'statements'} ${sids} from the policy of ${what}: whoever calls it through them (a public function URL, a webhook sender) is refused from then on.`,
      'Undo adds the same statements back with AddPermission.',
    ],
  };
};

export default defineRemediation({
  id: 'lambda_remove_public_permission',
  title: 'Remove the statements that let anyone invoke the Lambda function',
  fixes: ['lambda_function_not_public', 'lambda_function_url_auth_required'],
  // Callers that rely on public access (a public URL, a webhook) stop working at once.
  risk: 'high',
  permissions: ['lambda:RemovePermission'],
  undoPermissions: ['lambda:AddPermission'],
  before: Before,
  plan,
  inverse: (_calls, before) => before.permissions.map((p) => addCall(before, p)),
});
