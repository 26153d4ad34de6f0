import check from '../../../../src/core/checks/lambda/lambda_function_not_public';
import { evaluateAccount } from '../../../../src/core/findings';
import { known, missing } from '../../../../src/core/model';
import {
  aFunction,
  aFunctionPolicy,
  aLambdaRegion,
  aPublicUrlFunction,
  anAccountWithFunctions,
  anAccountWithLambda,
  functionArnOf,
} from '../../../fixtures/builders/lambda';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, NOW, REGION, accessDenied, anAccount, denied } from '../../../fixtures/snapshot-builders';

const ARN = functionArnOf('reports');
const withPolicy = (statements: Record<string, unknown>[]) =>
  resultFor(
    run(check, anAccountWithFunctions(aFunction({ name: 'reports', policy: known(aFunctionPolicy(statements)) }))),
    'reports',
  );
const anyone = (action: string, extra: Record<string, unknown> = {}) => ({
  Sid: 'Open',
  Effect: 'Allow',
  Principal: '*',
  Action: action,
  Resource: ARN,
  ...extra,
});

describe('lambda_function_not_public', () => {
  it('when only API Gateway may invoke, scoped to one API, then the function passes', () => {
    const [result] = run(check, anAccountWithLambda());
    expect(result).toMatchObject({
      status: 'pass',
      message: expect.stringMatching(/^The function policy of Lambda function orders-api does not let anyone in\./),
      resource: { type: 'AwsLambdaFunction', id: 'orders-api', arn: functionArnOf('orders-api') },
    });
  });

  it('when the function has no policy, then it passes', () => {
    const result = resultFor(
      run(check, anAccountWithFunctions(aFunction({ name: 'reports', policy: known(null) }))),
      'reports',
    );
    expect(result).toMatchObject({
      status: 'pass',
      message: 'Lambda function reports has no function policy, so no policy lets anyone in.',
    });
  });

  it('when a public URL statement lets anyone invoke, then the function fails as critical and the fix is offered', () => {
    const account = anAccountWithFunctions(aPublicUrlFunction());
    const result = resultFor(run(check, account), 'public-webhook');
    expect(result.status).toBe('fail');
    expect(result.severity).toBeUndefined();
    expect(result.remediable).toBeUndefined();
    expect(result.message).toBe(
      `Lambda function public-webhook is public: statement 'FunctionURLAllowPublicAccess' lets anyone (Principal "*") lambda:InvokeFunctionUrl; its condition StringEquals lambda:FunctionUrlAuthType NONE does not narrow who may call; statement 'FunctionURLAllowInvokeAction' lets anyone (Principal "*") lambda:InvokeFunction; its condition Bool lambda:InvokedViaFunctionUrl true does not narrow who may call.`,
    );
    expect(result.evidence).toMatchObject({
      publicStatements: ['FunctionURLAllowPublicAccess', 'FunctionURLAllowInvokeAction'],
      removableByCloudsec: true,
    });
    const [finding] = evaluateAccount([check], account, NOW).filter((f) => f.status === 'fail');
    expect(finding).toMatchObject({ severity: 'critical', remediationId: 'lambda_remove_public_permission' });
  });

  it('when anyone may only read the policy and tags, then it fails as high, not critical', () => {
    const result = withPolicy([anyone('lambda:GetPolicy')]);
    expect(result).toMatchObject({ status: 'fail', severity: 'high' });
  });

  it.each(['lambda:GetFunction', 'lambda:*', 'lambda:Invoke*', 'lambda:UpdateFunctionCode'])(
    'when anyone may %s, then it fails as critical',
    (action) => {
      const result = withPolicy([anyone(action)]);
      expect(result.status).toBe('fail');
      expect(result.severity).toBeUndefined();
    },
  );

  it('when anyone may invoke only from one S3 bucket (fixed aws:SourceArn), then the function passes', () => {
    expect(
      withPolicy([
        anyone('lambda:InvokeFunction', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::uploads' } } }),
      ]).status,
    ).toBe('pass');
  });

  it('when anyone may invoke from any S3 bucket (wildcard aws:SourceArn), then it fails, and the fix is offered (AddPermission can write it back)', () => {
    const result = withPolicy([
      anyone('lambda:InvokeFunction', { Condition: { ArnLike: { 'AWS:SourceArn': 'arn:aws:s3:::*' } } }),
    ]);
    expect(result).toMatchObject({ status: 'fail', evidence: { removableByCloudsec: true } });
    expect(result.remediable).toBeUndefined();
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'names everyone as AWS "*"',
      anyone('lambda:InvokeFunction', { Principal: { AWS: '*' } }),
      'does not name its principal as "*"',
    ],
    [
      'grants two actions',
      anyone('lambda:InvokeFunction', { Action: ['lambda:InvokeFunction', 'lambda:GetFunction'] }),
      'more than one action',
    ],
    [
      'has a condition AddPermission cannot write',
      anyone('lambda:InvokeFunction', { Condition: { StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT_ID } } }),
      'condition AddPermission cannot write (StringEqualsIfExists aws:SourceAccount)',
    ],
    ['has no Sid', { ...anyone('lambda:InvokeFunction'), Sid: undefined }, 'has no Sid'],
    ['is on another resource', anyone('lambda:InvokeFunction', { Resource: '*' }), 'is not on'],
  ])('when the public statement %s, then it fails but offers no fix, saying why', (_, statement, reason) => {
    const result = withPolicy([statement]);
    expect(result.status).toBe('fail');
    expect(result.remediable).toBe(false);
    expect(result.message).toContain(`cloudsec cannot remove it for you: statement`);
    expect(result.message).toContain(reason);
    expect(result.evidence).toMatchObject({ removableByCloudsec: false });
  });

  it('when GetPolicy was refused, then the function is unknown, naming lambda:GetPolicy', () => {
    const result = resultFor(
      run(check, anAccountWithFunctions(aFunction({ name: 'reports', policy: denied('lambda:GetPolicy') }))),
      'reports',
    );
    expect(result).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'lambda:GetPolicy' } });
  });

  it('when the stored policy is not a policy document, then the function is unknown, never a pass', () => {
    const result = resultFor(
      run(
        check,
        anAccountWithFunctions(
          aFunction({ name: 'reports', policy: known({ document: 'not json', revisionId: null }) }),
        ),
      ),
      'reports',
    );
    expect(result).toMatchObject({ status: 'unknown', evidence: { errorKind: 'malformed', operation: 'GetPolicy' } });
  });

  it('when ListFunctions was refused, then one unknown result stands for the region', () => {
    const results = run(
      check,
      anAccountWithLambda(aLambdaRegion({ functions: missing(accessDenied('lambda:ListFunctions')) })),
    );
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/lambda-functions:unknown`]);
  });

  it('when the snapshot has no lambda data, then the check is unknown, not passing', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
