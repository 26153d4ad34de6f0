import check from '../../../../src/core/checks/lambda/lambda_function_url_auth_required';
import { known } from '../../../../src/core/model';
import {
  aFunction,
  aFunctionPolicy,
  aFunctionUrl,
  aPublicUrlFunction,
  anAccountWithFunctions,
  anAccountWithLambda,
  functionArnOf,
  publicUrlStatement,
} from '../../../fixtures/builders/lambda';
import { resultFor, run } from '../../../fixtures/check-harness';
import { anAccount, denied } from '../../../fixtures/snapshot-builders';

const URL = 'https://checkout.lambda-url.us-east-1.on.aws/';
const ARN = functionArnOf('checkout');
const noneUrl = (over = {}) => aFunctionUrl({ url: URL, authType: 'NONE', ...over });

describe('lambda_function_url_auth_required', () => {
  it('when a function has no URL, then it passes, saying so', () => {
    expect(run(check, anAccountWithLambda())).toMatchObject([
      { status: 'pass', message: 'Lambda function orders-api has no function URL.' },
    ]);
  });

  it('when the URL requires IAM authentication, then it passes', () => {
    const account = anAccountWithFunctions(aFunction({ name: 'checkout', urls: known([aFunctionUrl({ url: URL })]) }));
    expect(resultFor(run(check, account), 'checkout')).toMatchObject({
      status: 'pass',
      message: `The function URL of Lambda function checkout (${URL}) requires IAM authentication (AuthType AWS_IAM).`,
    });
  });

  it('when the URL skips authentication and the policy lets anyone call it, then it fails as critical, naming the statement', () => {
    const result = resultFor(run(check, anAccountWithFunctions(aPublicUrlFunction('checkout'))), 'checkout');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      `The function URL of Lambda function checkout (https://checkout.lambda-url.us-east-1.on.aws/) takes requests without authentication (AuthType NONE), and statement 'FunctionURLAllowPublicAccess' lets anyone (Principal "*") lambda:InvokeFunctionUrl; its condition StringEquals lambda:FunctionUrlAuthType NONE does not narrow who may call: anyone on the internet can invoke the function.`,
    );
    expect(result.evidence).toMatchObject({
      authType: 'NONE',
      publicStatements: ['FunctionURLAllowPublicAccess'],
      invokeFunctionAlsoPublic: true,
      removableByCloudsec: true,
    });
    expect(result.remediable).toBeUndefined();
  });

  it('when the URL skips authentication but no statement lets anyone call it, then it passes: Lambda refuses every request', () => {
    const account = anAccountWithFunctions(aFunction({ name: 'checkout', urls: known([noneUrl()]) }));
    const result = resultFor(run(check, account), 'checkout');
    expect(result.status).toBe('pass');
    expect(result.message).toContain('no statement of its policy lets anyone call lambda:InvokeFunctionUrl');
    expect(result.evidence).toMatchObject({ unauthenticated: true });
  });

  it('when the URL skips authentication and the function has no policy, then it passes', () => {
    const account = anAccountWithFunctions(
      aFunction({ name: 'checkout', policy: known(null), urls: known([noneUrl()]) }),
    );
    expect(resultFor(run(check, account), 'checkout').status).toBe('pass');
  });

  it("when an alias URL skips authentication, then the alias's own policy decides, and the result is about the alias", () => {
    const alias = `${ARN}:live`;
    const account = anAccountWithFunctions(
      aFunction({
        name: 'checkout',
        policy: known(null),
        urls: known([noneUrl({ qualifier: 'live', aliasPolicy: known(aFunctionPolicy([publicUrlStatement(alias)])) })]),
      }),
    );
    const result = resultFor(run(check, account), 'checkout:live');
    expect(result).toMatchObject({
      status: 'fail',
      resource: { type: 'AwsLambdaFunction', id: 'checkout:live', arn: alias },
      evidence: { qualifier: 'live', removableByCloudsec: true },
    });
    expect(result.message).toMatch(/^The function URL of alias live of Lambda function checkout/);
  });

  it('when the policy deciding an unauthenticated URL was refused, then the URL is unknown, naming lambda:GetPolicy', () => {
    const account = anAccountWithFunctions(
      aFunction({ name: 'checkout', policy: denied('lambda:GetPolicy'), urls: known([noneUrl()]) }),
    );
    expect(resultFor(run(check, account), 'checkout')).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'lambda:GetPolicy' },
    });
  });

  it('when an alias URL skips authentication but its policy was not collected, then it is unknown', () => {
    const account = anAccountWithFunctions(
      aFunction({ name: 'checkout', urls: known([noneUrl({ qualifier: 'live', aliasPolicy: null })]) }),
    );
    expect(resultFor(run(check, account), 'checkout:live')).toMatchObject({
      status: 'unknown',
      message: expect.stringContaining('was not collected in this snapshot'),
    });
  });

  it('when ListFunctionUrlConfigs was refused, then the function is unknown, naming lambda:ListFunctionUrlConfigs', () => {
    const account = anAccountWithFunctions(
      aFunction({ name: 'checkout', urls: denied('lambda:ListFunctionUrlConfigs') }),
    );
    expect(resultFor(run(check, account), 'checkout')).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'lambda:ListFunctionUrlConfigs' },
    });
  });

  it('when the public URL statement cannot be written back by AddPermission, then it fails without offering the fix', () => {
    const odd = { ...publicUrlStatement(ARN), Principal: { AWS: '*' } };
    const account = anAccountWithFunctions(
      aFunction({ name: 'checkout', policy: known(aFunctionPolicy([odd])), urls: known([noneUrl()]) }),
    );
    const result = resultFor(run(check, account), 'checkout');
    expect(result).toMatchObject({ status: 'fail', remediable: false });
    expect(result.message).toContain('cloudsec cannot remove it for you');
  });

  it('when the snapshot has no lambda data, then the check is unknown, not passing', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
