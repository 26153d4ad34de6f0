import type { AccountSnapshotWith, LambdaFunction } from '../../model';
import { resourcePolicyExposure } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import { defineCheck, withFact, type CheckResult } from '../define';
import { LAMBDA_POLICY_SOURCE, documentOf, ownerContext, policyResult } from '../sqs/common/policy-result';
import { grantReaches, lambdaFunctionResource, publicPermissions } from './common/public-permissions';

/**
 * Actions that let a stranger run the function or take its code (GetFunction answers a link to the
 * deployment package). A public grant of any of them, or of a write, is critical; a public grant of
 * only other reads (GetPolicy, ListTags, …) is high.
 */
const CRITICAL_ACTIONS = [
  'lambda:InvokeFunction',
  'lambda:InvokeFunctionUrl',
  'lambda:InvokeAsync',
  'lambda:GetFunction',
];

const judge =
  (account: AccountSnapshotWith<'lambda'>, region: string) =>
  (fn: LambdaFunction): CheckResult => {
    const context = ownerContext(account, 'lambda');
    const exposure = resourcePolicyExposure(documentOf(fn.policy), context, LAMBDA_POLICY_SOURCE);
    const label = `Lambda function ${fn.name}`;
    const result = policyResult({
      resource: lambdaFunctionResource(fn),
      region,
      label,
      noun: 'function policy',
      exposure,
    });
    if (exposure.status !== 'public' || !fn.policy.ok || fn.policy.value === null) return result;
    const critical =
      exposure.includesWrite || exposure.publicGrants.some((g) => CRITICAL_ACTIONS.some((a) => grantReaches(g, a)));
    // Offered only when every public statement can be put back as it was (the undo).
    const removable = publicPermissions(fn.policy.value, fn.arn, context);
    return {
      ...result,
      ...(critical ? {} : { severity: 'high' as const }),
      ...(removable.ok
        ? {}
        : {
            remediable: false as const,
            message: `${result.message} cloudsec cannot remove it for you: ${removable.reason}.`,
          }),
      evidence: { ...result.evidence, removableByCloudsec: removable.ok },
    };
  };

export default defineCheck({
  id: 'lambda_function_not_public',
  service: 'lambda',
  severity: 'critical',
  title: 'Lambda function policies do not allow public access',
  failTitle: 'Lambda function is public through its function policy',
  rationale:
    'A function policy statement for Principal "*" without a condition pinning the caller lets any AWS account, or anyone on the internet through a function URL, invoke the function (running your code with its role, at your cost), read its code, or change it.',
  remediationText:
    'Remove the public statement (Lambda console → function → Configuration → Permissions → Resource-based policy statements → Delete), or run `aws lambda remove-permission --function-name <name> --statement-id <Sid>`; grant callers by account, service with aws:SourceArn, or organization instead (`aws lambda add-permission … --source-arn …`).',
  frameworks: { cis: null, securityHub: 'Lambda.1' },
  requires: ['lambda'],
  remediation: 'lambda_remove_public_permission',
  evaluate: ({ account }) =>
    Object.entries(account.lambda).flatMap(([region, lambda]) =>
      withFact(lambda.functions, regionSettingResource(account, region, 'lambda-functions'), region, (functions) =>
        functions.map(judge(account, region)),
      ),
    ),
});
