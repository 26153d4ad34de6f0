import type { AddPermissionCommandInput, RemovePermissionCommandInput } from '@aws-sdk/client-lambda';
import urlCheck from '../../../src/core/checks/lambda/lambda_function_url_auth_required';
import { known } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/lambda_remove_public_permission';
import {
  aFunction,
  aFunctionPolicy,
  aFunctionUrl,
  aPublicUrlFunction,
  anAccountWithFunctions,
  functionArnOf,
  publicUrlStatement,
} from '../../fixtures/builders/lambda';
import { failingFinding } from '../../fixtures/remediation-samples/data-stores';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';
import { REGION, denied } from '../../fixtures/snapshot-builders';

const { finding, account } = SAMPLES.lambda_remove_public_permission!();
const ARN = functionArnOf('public-webhook');

describe('lambda_remove_public_permission', () => {
  it('when a function is public, then the plan removes each public statement by Sid, the first guarded by the policy revision', () => {
    const first: RemovePermissionCommandInput = {
      FunctionName: 'public-webhook',
      StatementId: 'FunctionURLAllowPublicAccess',
      RevisionId: 'rev-7f3a',
    };
    const second: RemovePermissionCommandInput = {
      FunctionName: 'public-webhook',
      StatementId: 'FunctionURLAllowInvokeAction',
    };
    const result = planned(remediation.plan(finding, account));
    expect(result.calls).toEqual([
      { service: 'lambda', region: REGION, command: 'RemovePermission', input: first },
      { service: 'lambda', region: REGION, command: 'RemovePermission', input: second },
    ]);
    expect(result.notes?.[0]).toBe(
      "Removes statements 'FunctionURLAllowPublicAccess', 'FunctionURLAllowInvokeAction' from the policy of Lambda function public-webhook: whoever calls it through them (a public function URL, a webhook sender) is refused from then on.",
    );
    expect(remediation).toMatchObject({ risk: 'high', approvals: 2 });
  });

  it('when undone, then AddPermission writes the same statements back, conditions included', () => {
    const result = planned(remediation.plan(finding, account));
    const url: AddPermissionCommandInput = {
      FunctionName: 'public-webhook',
      StatementId: 'FunctionURLAllowPublicAccess',
      Action: 'lambda:InvokeFunctionUrl',
      Principal: '*',
      FunctionUrlAuthType: 'NONE',
    };
    const invoke: AddPermissionCommandInput = {
      FunctionName: 'public-webhook',
      StatementId: 'FunctionURLAllowInvokeAction',
      Action: 'lambda:InvokeFunction',
      Principal: '*',
      InvokedViaFunctionUrl: true,
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [
        { service: 'lambda', region: REGION, command: 'AddPermission', input: url },
        { service: 'lambda', region: REGION, command: 'AddPermission', input: invoke },
      ],
    });
  });

  it('when a public statement carries a wildcard SourceArn, then undo puts the SourceArn back', () => {
    const statement = {
      Sid: 'AnyBucket',
      Effect: 'Allow',
      Principal: '*',
      Action: 'lambda:InvokeFunction',
      Resource: functionArnOf('thumbnails'),
      Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } },
    };
    const acct = anAccountWithFunctions(
      aFunction({ name: 'thumbnails', policy: known(aFunctionPolicy([statement], 'rev-9')) }),
    );
    const f = {
      ...finding,
      resource: { type: 'AwsLambdaFunction', id: 'thumbnails', arn: functionArnOf('thumbnails') },
    };
    const result = planned(remediation.plan(f, acct));
    expect(remediation.inverse(result.calls, result.before)).toMatchObject({
      ok: true,
      calls: [
        { command: 'AddPermission', input: { StatementId: 'AnyBucket', SourceArn: 'arn:aws:s3:::*', Principal: '*' } },
      ],
    });
  });

  it("when an alias URL is public through the alias's policy, then the plan and undo name the alias as Qualifier", () => {
    const alias = `${functionArnOf('checkout')}:live`;
    const acct = anAccountWithFunctions(
      aFunction({
        name: 'checkout',
        policy: known(null),
        urls: known([
          aFunctionUrl({
            qualifier: 'live',
            authType: 'NONE',
            aliasPolicy: known(aFunctionPolicy([publicUrlStatement(alias)], 'rev-live')),
          }),
        ]),
      }),
    );
    const result = planned(remediation.plan(failingFinding(urlCheck, acct), acct));
    expect(result.calls).toEqual([
      {
        service: 'lambda',
        region: REGION,
        command: 'RemovePermission',
        input: {
          FunctionName: 'checkout',
          StatementId: 'FunctionURLAllowPublicAccess',
          Qualifier: 'live',
          RevisionId: 'rev-live',
        },
      },
    ]);
    expect(remediation.inverse(result.calls, result.before)).toMatchObject({
      ok: true,
      calls: [{ command: 'AddPermission', input: { Qualifier: 'live', FunctionUrlAuthType: 'NONE' } }],
    });
  });

  it('when the finding comes from Security Hub (Lambda.1, named by ARN), then the function is found by its ARN', () => {
    const fromHub = {
      ...finding,
      source: 'securityhub' as const,
      resource: { type: 'AwsLambdaFunction', id: ARN, arn: ARN },
    };
    expect(planned(remediation.plan(fromHub, account)).calls).toHaveLength(2);
  });

  it('when a public statement could not be written back by AddPermission, then the plan is refused, saying which and why', () => {
    const odd = { ...publicUrlStatement(ARN), Principal: { AWS: '*' } };
    const acct = anAccountWithFunctions(
      aFunction({
        name: 'public-webhook',
        policy: known(aFunctionPolicy([odd])),
        urls: known([aFunctionUrl({ authType: 'NONE' })]),
      }),
    );
    expect(reasonOf(remediation.plan(finding, acct))).toBe(
      `cloudsec cannot remove the public access of Lambda function public-webhook: statement 'FunctionURLAllowPublicAccess' does not name its principal as "*", which is all AddPermission writes for everyone.`,
    );
  });

  it('when the policy was not readable in the snapshot, then the plan is refused, naming the permission', () => {
    const acct = anAccountWithFunctions({ ...aPublicUrlFunction(), policy: denied('lambda:GetPolicy') });
    expect(reasonOf(remediation.plan(finding, acct))).toContain('cloudsec needs lambda:GetPolicy');
  });

  it('when nothing is public any more, then the plan is refused', () => {
    const acct = anAccountWithFunctions(aFunction({ name: 'public-webhook' }));
    expect(reasonOf(remediation.plan(finding, acct))).toContain('no statement of the policy lets anyone in');
  });

  it('when the function is gone, or the region was not collected, then the plan is refused', () => {
    expect(reasonOf(remediation.plan(finding, anAccountWithFunctions(aFunction())))).toBe(
      `Lambda function public-webhook is not in the snapshot of ${REGION}.`,
    );
    expect(reasonOf(remediation.plan(finding, { ...account, lambda: {} }))).toContain('has no Lambda data');
  });

  it('when the stored state names a statement AddPermission could not write, then undo is refused', () => {
    const result = planned(remediation.plan(finding, account));
    const tampered = JSON.parse(JSON.stringify(result.before)) as { permissions: { action: string }[] };
    tampered.permissions[0]!.action = 'lambda:Invoke*';
    expect(reasonOf(remediation.inverse(result.calls, tampered))).toMatch(/^The stored state cannot be restored/);
  });
});
