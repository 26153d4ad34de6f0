import type { AccountSnapshotWith, FunctionUrl, LambdaFunction } from '../../model';
import { describePublicGrants, resourcePolicyExposure } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';
import { LAMBDA_POLICY_SOURCE, documentOf, ownerContext, unknownPolicy } from '../sqs/common/policy-result';
import {
  functionUrlResource,
  grantReaches,
  lambdaFunctionResource,
  publicPermissions,
  urlPolicy,
} from './common/public-permissions';

/**
 * A URL with AuthType NONE skips authentication, but Lambda still applies the function's (or the
 * alias's) policy: the URL is open to anyone only when some statement lets anyone call
 * lambda:InvokeFunctionUrl ("Control access to Lambda function URLs"; research §2). Without one,
 * every request is refused, which passes here. URLs created since October 2025 also need
 * lambda:InvokeFunction; a URL whose age cloudsec does not read is judged by the older rule, which
 * can only report more, never less.
 */
const judgeUrl = (
  account: AccountSnapshotWith<'lambda'>,
  region: string,
  fn: LambdaFunction,
  url: FunctionUrl,
): CheckResult => {
  const resource = functionUrlResource(fn, url.qualifier);
  const label =
    url.qualifier === null ? `Lambda function ${fn.name}` : `alias ${url.qualifier} of Lambda function ${fn.name}`;
  const evidence = { url: url.url, authType: url.authType, qualifier: url.qualifier };
  if (url.authType === 'AWS_IAM')
    return pass(
      resource,
      region,
      `The function URL of ${label} (${url.url}) requires IAM authentication (AuthType AWS_IAM).`,
      evidence,
    );
  const policy = urlPolicy(fn, url);
  if (policy === null)
    return {
      status: 'unknown',
      resource,
      region,
      message: `Could not check: the policy of ${label}, which decides who may call its unauthenticated URL, was not collected in this snapshot; collect again.`,
      evidence,
    };
  const context = ownerContext(account, 'lambda');
  const exposure = resourcePolicyExposure(documentOf(policy), context, LAMBDA_POLICY_SOURCE);
  if (exposure.status === 'unknown') return unknownPolicy(resource, region, label, exposure.error);
  const urlGrants =
    exposure.status === 'public'
      ? exposure.publicGrants.filter((g) => grantReaches(g, 'lambda:InvokeFunctionUrl'))
      : [];
  if (urlGrants.length === 0 || !policy.ok || policy.value === null)
    return pass(
      resource,
      region,
      `The function URL of ${label} (${url.url}) skips authentication (AuthType NONE), but no statement of its policy lets anyone call lambda:InvokeFunctionUrl, so Lambda refuses every request to it.`,
      { ...evidence, unauthenticated: true },
    );
  const removable = publicPermissions(policy.value, resource.arn!, context);
  const message =
    `The function URL of ${label} (${url.url}) takes requests without authentication (AuthType NONE), and ` +
    `${describePublicGrants(urlGrants)}: anyone on the internet can invoke the function.`;
  return {
    ...fail(
      resource,
      region,
      removable.ok ? message : `${message} cloudsec cannot remove it for you: ${removable.reason}.`,
      {
        ...evidence,
        publicStatements: urlGrants.map((g) => g.statement),
        invokeFunctionAlsoPublic:
          exposure.status === 'public' && exposure.publicGrants.some((g) => grantReaches(g, 'lambda:InvokeFunction')),
        removableByCloudsec: removable.ok,
      },
    ),
    ...(removable.ok ? {} : { remediable: false as const }),
  };
};

const judge =
  (account: AccountSnapshotWith<'lambda'>, region: string) =>
  (fn: LambdaFunction): CheckResult[] =>
    withFact(fn.urls, lambdaFunctionResource(fn), region, (urls) =>
      urls.length === 0
        ? [pass(lambdaFunctionResource(fn), region, `Lambda function ${fn.name} has no function URL.`, { urls: 0 })]
        : urls.map((url) => judgeUrl(account, region, fn, url)),
    );

export default defineCheck({
  id: 'lambda_function_url_auth_required',
  service: 'lambda',
  severity: 'critical',
  title: 'Lambda function URLs do not let anyone invoke the function without authentication',
  failTitle: 'Lambda function URL lets anyone on the internet invoke the function',
  rationale:
    'A function URL with AuthType NONE whose policy lets anyone call lambda:InvokeFunctionUrl is an HTTPS endpoint anyone on the internet can call: every request runs the function with its role and is billed to you.',
  remediationText:
    'Require IAM authentication (Lambda console → function → Configuration → Function URL → Edit → Auth type AWS_IAM, or `aws lambda update-function-url-config --function-name <name> --auth-type AWS_IAM`), or remove the public statement (`aws lambda remove-permission --function-name <name> --statement-id FunctionURLAllowPublicAccess`); if the URL must stay public (a webhook), verify callers in the function (a signature) and accept the risk.',
  frameworks: { cis: null, securityHub: null },
  requires: ['lambda'],
  remediation: 'lambda_remove_public_permission',
  evaluate: ({ account }) =>
    Object.entries(account.lambda).flatMap(([region, lambda]) =>
      withFact(lambda.functions, regionSettingResource(account, region, 'lambda-functions'), region, (functions) =>
        functions.flatMap(judge(account, region)),
      ),
    ),
});
