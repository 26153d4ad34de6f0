import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectLambdaRegion } from '../../../src/aws/collectors/lambda';
import { LambdaRegionSchema, known, type LambdaRegion } from '../../../src/core/model';
import {
  FUNCTIONS_PATH,
  LAMBDA_ACCOUNT_ID,
  apiGatewayStatement,
  functionArn,
  getPolicyJson,
  lambdaAccessDenied,
  lambdaFunctionNotFound,
  lambdaHost,
  lambdaNoPolicy,
  lambdaOk,
  lambdaThrottling,
  listFunctionUrlConfigsJson,
  listFunctionsJson,
  policyPath,
  publicUrlInvokeStatement,
  publicUrlStatement,
  urlsPath,
} from '../../fixtures/aws/fake-services/lambda';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import notPublic from '../../../src/core/checks/lambda/lambda_function_not_public';
import urlAuth from '../../../src/core/checks/lambda/lambda_function_url_auth_required';
import { HTML_PAGE, mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { run } from '../../fixtures/check-harness';
import { anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const ARN = (name: string) => functionArn(name, REGION);
const API = `arn:aws:execute-api:${REGION}:${LAMBDA_ACCOUNT_ID}:a1b2c3d4e5/*/POST/orders`;

const lambdaContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: LAMBDA_ACCOUNT_ID,
  }),
  accountId: LAMBDA_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** The slice must be storable as-is: it is validated against the shared schema when read back. */
const collect = async (): Promise<LambdaRegion> =>
  LambdaRegionSchema.parse(await collectLambdaRegion(lambdaContext(), REGION));

const host = () => nock(lambdaHost(REGION));
const listing = (marker?: string) =>
  host()
    .get(FUNCTIONS_PATH)
    .query((q) => q.MaxItems === '50' && q.Marker === marker);
const policyOf = (name: string, qualifier?: string) =>
  host()
    .get(policyPath(name))
    .query((q) => q.Qualifier === qualifier);
const urlsOf = (name: string, marker?: string) =>
  host()
    .get(urlsPath(name))
    .query((q) => q.MaxItems === '50' && q.Marker === marker);

/** One function whose policy and URL listing answer as given. */
const oneFunction = (name: string) => listing().reply(...lambdaOk(listFunctionsJson([{ name, region: REGION }])));

const functionsOf = (region: LambdaRegion) => {
  if (!region.functions.ok) throw new Error(`expected the functions to be known: ${region.functions.error.message}`);
  return region.functions.value;
};

describe('collectLambdaRegion', () => {
  it('when functions span two pages, then each one is read with its policy and URLs, following NextMarker', async () => {
    listing().reply(...lambdaOk(listFunctionsJson([{ name: 'orders-api', region: REGION }], 'page-2')));
    listing('page-2').reply(
      ...lambdaOk(listFunctionsJson([{ name: 'public-webhook', region: REGION, runtime: 'python3.12' }])),
    );
    policyOf('orders-api').reply(...lambdaOk(getPolicyJson([apiGatewayStatement(ARN('orders-api'), API)], 'rev-1')));
    urlsOf('orders-api').reply(...lambdaOk(listFunctionUrlConfigsJson([])));
    policyOf('public-webhook').reply(...lambdaOk(getPolicyJson([publicUrlStatement(ARN('public-webhook'))], 'rev-2')));
    urlsOf('public-webhook').reply(
      ...lambdaOk(
        listFunctionUrlConfigsJson([
          { functionArn: ARN('public-webhook'), authType: 'NONE', url: 'https://abc.lambda-url.eu-west-1.on.aws/' },
        ]),
      ),
    );

    expect(functionsOf(await collect())).toEqual([
      {
        name: 'orders-api',
        arn: ARN('orders-api'),
        runtime: 'nodejs20.x',
        policy: known({
          document: {
            Version: '2012-10-17',
            Id: 'default',
            Statement: [apiGatewayStatement(ARN('orders-api'), API)],
          },
          revisionId: 'rev-1',
        }),
        urls: known([]),
      },
      {
        name: 'public-webhook',
        arn: ARN('public-webhook'),
        runtime: 'python3.12',
        policy: known({
          document: { Version: '2012-10-17', Id: 'default', Statement: [publicUrlStatement(ARN('public-webhook'))] },
          revisionId: 'rev-2',
        }),
        urls: known([
          { url: 'https://abc.lambda-url.eu-west-1.on.aws/', qualifier: null, authType: 'NONE', aliasPolicy: null },
        ]),
      },
    ]);
  });

  it('when the region has no functions, then the list is known and empty, and nothing else is asked', async () => {
    listing().reply(...lambdaOk(listFunctionsJson([])));
    expect((await collect()).functions).toEqual(known([]));
  });

  it('when GetPolicy answers ResourceNotFoundException, then the function has no policy (null), not an unknown one', async () => {
    oneFunction('nightly-report');
    policyOf('nightly-report').reply(...lambdaNoPolicy());
    urlsOf('nightly-report').reply(...lambdaOk(listFunctionUrlConfigsJson([])));
    expect(functionsOf(await collect())[0]).toMatchObject({ policy: known(null), urls: known([]) });
  });

  it('when the function was deleted after the listing, then it is left out', async () => {
    oneFunction('short-lived');
    policyOf('short-lived').reply(...lambdaFunctionNotFound('short-lived', REGION));
    urlsOf('short-lived').reply(...lambdaFunctionNotFound('short-lived', REGION));
    expect((await collect()).functions).toEqual(known([]));
  });

  it('when an alias URL takes unauthenticated requests, then the alias policy is read with its Qualifier', async () => {
    oneFunction('checkout');
    policyOf('checkout').reply(...lambdaNoPolicy());
    urlsOf('checkout', undefined).reply(
      ...lambdaOk(listFunctionUrlConfigsJson([{ functionArn: `${ARN('checkout')}:live`, authType: 'NONE' }], 'urls-2')),
    );
    urlsOf('checkout', 'urls-2').reply(
      ...lambdaOk(listFunctionUrlConfigsJson([{ functionArn: `${ARN('checkout')}:canary`, authType: 'AWS_IAM' }])),
    );
    policyOf('checkout', 'live').reply(
      ...lambdaOk(getPolicyJson([publicUrlStatement(`${ARN('checkout')}:live`)], 'rev-live')),
    );

    const [fn] = functionsOf(await collect());
    expect(fn!.urls).toMatchObject(
      known([
        {
          qualifier: 'live',
          authType: 'NONE',
          aliasPolicy: known({
            revisionId: 'rev-live',
            document: { Statement: [{ Sid: 'FunctionURLAllowPublicAccess' }] },
          }),
        },
        { qualifier: 'canary', authType: 'AWS_IAM', aliasPolicy: null },
      ]),
    );
  });

  it('when ListFunctions is refused, then the functions are unknown, naming lambda:ListFunctions', async () => {
    listing().reply(...lambdaAccessDenied('ListFunctions'));
    expect((await collect()).functions).toMatchObject({
      ok: false,
      error: {
        kind: 'access-denied',
        code: 'AccessDeniedException',
        permission: 'lambda:ListFunctions',
        region: REGION,
      },
    });
  });

  it('when GetPolicy is refused, then only that policy is unknown, naming lambda:GetPolicy', async () => {
    oneFunction('orders-api');
    policyOf('orders-api').reply(...lambdaAccessDenied('GetPolicy'));
    urlsOf('orders-api').reply(...lambdaOk(listFunctionUrlConfigsJson([])));
    expect(functionsOf(await collect())[0]).toMatchObject({
      policy: { ok: false, error: { kind: 'access-denied', permission: 'lambda:GetPolicy' } },
      urls: known([]),
    });
  });

  it('when ListFunctionUrlConfigs is refused, then the URLs are unknown, naming lambda:ListFunctionUrlConfigs', async () => {
    oneFunction('orders-api');
    policyOf('orders-api').reply(...lambdaNoPolicy());
    urlsOf('orders-api').reply(...lambdaAccessDenied('ListFunctionUrlConfigs'));
    expect(functionsOf(await collect())[0]).toMatchObject({
      policy: known(null),
      urls: { ok: false, error: { kind: 'access-denied', permission: 'lambda:ListFunctionUrlConfigs' } },
    });
  });

  it('when Lambda throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...lambdaThrottling());
    listing().reply(...lambdaOk(listFunctionsJson([])));
    expect((await collect()).functions).toEqual(known([]));
  });

  it('when Lambda keeps throttling GetPolicy, then the policy is unknown as throttled, not absent', async () => {
    oneFunction('orders-api');
    policyOf('orders-api')
      .times(3)
      .reply(...lambdaThrottling());
    urlsOf('orders-api').reply(...lambdaOk(listFunctionUrlConfigsJson([])));
    expect(functionsOf(await collect())[0]!.policy).toMatchObject({
      ok: false,
      error: { kind: 'throttled', code: 'TooManyRequestsException' },
    });
  });

  it.each<[string, string, string]>([
    ['a page without Functions', '{}', 'application/json'],
    [
      'a function without its name',
      JSON.stringify(listFunctionsJson([{ name: 'orders-api', omit: ['FunctionName'] }])),
      'application/json',
    ],
    ['an empty body', '', 'application/json'],
    ['an HTML page', HTML_PAGE, 'text/html'],
  ])('when ListFunctions answers %s, then the functions are unknown as malformed', async (_, body, type) => {
    listing().reply(200, body, { 'content-type': type });
    expect((await collect()).functions).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it.each<[string, unknown]>([
    ['a Policy that is not JSON', { Policy: '{"Statement": [', RevisionId: 'r' }],
    ['no Policy', { RevisionId: 'r' }],
    ['a Policy that is not a string', { Policy: { Statement: [] }, RevisionId: 'r' }],
  ])('when GetPolicy answers %s, then the policy is unknown as malformed, never "no policy"', async (_, body) => {
    oneFunction('orders-api');
    policyOf('orders-api').reply(...lambdaOk(body));
    urlsOf('orders-api').reply(...lambdaOk(listFunctionUrlConfigsJson([])));
    expect(functionsOf(await collect())[0]!.policy).toMatchObject({
      ok: false,
      error: { kind: 'malformed', operation: 'GetPolicy', permission: 'lambda:GetPolicy' },
    });
  });

  it.each<[string, unknown]>([
    ['no FunctionUrlConfigs', {}],
    ['an auth type it does not document', listFunctionUrlConfigsJson([{ functionArn: ARN('orders-api') }])],
    [
      'a URL without its AuthType',
      listFunctionUrlConfigsJson([{ functionArn: ARN('orders-api'), omit: ['AuthType'] }]),
    ],
    ['a URL of another function', listFunctionUrlConfigsJson([{ functionArn: ARN('other-function') }])],
  ])('when ListFunctionUrlConfigs answers %s, then the URLs are unknown as malformed', async (label, body) => {
    const answer =
      label === 'an auth type it does not document'
        ? JSON.parse(JSON.stringify(body).replace('"AWS_IAM"', '"CUSTOM"'))
        : body;
    oneFunction('orders-api');
    policyOf('orders-api').reply(...lambdaNoPolicy());
    urlsOf('orders-api').reply(...lambdaOk(answer));
    expect(functionsOf(await collect())[0]!.urls).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});

// ---------------------------------------------------------------- fail closed on every corruption

const asAnswer = ([status, body, headers]: [number, unknown, Record<string, string>]): WireAnswer => ({
  status,
  body: String(body),
  headers,
});
const WEBHOOK = ARN('public-webhook');
const TRUTH: Record<'ListFunctions' | 'GetPolicy' | 'ListFunctionUrlConfigs', WireAnswer> = {
  ListFunctions: asAnswer(lambdaOk(listFunctionsJson([{ name: 'public-webhook', region: REGION }]))),
  GetPolicy: asAnswer(lambdaOk(getPolicyJson([publicUrlStatement(WEBHOOK), publicUrlInvokeStatement(WEBHOOK)]))),
  ListFunctionUrlConfigs: asAnswer(
    lambdaOk(
      listFunctionUrlConfigsJson([{ functionArn: WEBHOOK, authType: 'NONE', url: 'https://hook.lambda-url.on.aws/' }]),
    ),
  ),
};

/** Both Lambda checks on the public webhook, with `operation`'s answer replaced by `answer`. */
const verdictsOn = async (operation: keyof typeof TRUTH, answer: WireAnswer) => {
  const reply = (op: keyof typeof TRUTH) => {
    const a = op === operation ? answer : TRUTH[op];
    return [a.status, a.body, a.headers] as const;
  };
  listing().reply(...reply('ListFunctions'));
  // Asked only when the listing named the function.
  policyOf('public-webhook')
    .optionally()
    .reply(...reply('GetPolicy'));
  urlsOf('public-webhook')
    .optionally()
    .reply(...reply('ListFunctionUrlConfigs'));
  const account = anAccount({ accountId: LAMBDA_ACCOUNT_ID, regions: [REGION], lambda: { [REGION]: await collect() } });
  return [notPublic, urlAuth].map((check) => {
    const results = run(check, account);
    const own = results.find((r) => r.resource.id === 'public-webhook');
    return own?.status ?? (results.some((r) => r.status === 'unknown') ? 'unknown' : 'vanished');
  });
};

describe('collectLambdaRegion on corrupted answers', () => {
  it('when nothing is corrupted, then the public webhook fails both checks', async () => {
    expect(await verdictsOn('GetPolicy', TRUTH.GetPolicy)).toEqual(['fail', 'fail']);
  });

  it.each(
    (Object.keys(TRUTH) as (keyof typeof TRUTH)[]).flatMap((operation) =>
      mutationsOf(TRUTH[operation])
        .filter((m) => m.class === 'corruption')
        .map((m) => [`${operation}: ${m.label}`, operation, m] as const),
    ),
  )('%s: the public webhook does not pass or vanish', async (_, operation, mutation) => {
    for (const status of await verdictsOn(operation, mutation.apply(TRUTH[operation])))
      expect(status).toMatch(/^(fail|unknown)$/);
  });
});
