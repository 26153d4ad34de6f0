import nock from 'nock';
import { CloudTrailClient, DescribeTrailsCommand } from '@aws-sdk/client-cloudtrail';
import { DescribeRegionsCommand, GetEbsEncryptionByDefaultCommand } from '@aws-sdk/client-ec2';
import { GetAccountPasswordPolicyCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { DescribeHubCommand } from '@aws-sdk/client-securityhub';
import { makeClientFactory, type AccountClients } from '../../src/aws/clients';
import { guardAnswers } from '../../src/aws/answer-guard';
import { attempt } from '../../src/aws/attempt';
import { isOptInRegion, type CallMeta } from '../../src/aws/errors';
import { COLLECT_ERROR_TEXT_MAX, describeCollectError } from '../../src/core/checks/define';
import type { CollectError } from '../../src/core/model';
import { cloudTrailCall, cloudTrailEndpoint, ctError, ctOk, ctThrottled } from '../fixtures/aws/cloudtrail';
import { ec2Action, ec2Endpoint, ec2Error, htmlPage, optInRequired } from '../fixtures/aws/ec2';
import { accessDeniedXml, IAM_ENDPOINT, onIam } from '../fixtures/aws/iam';
import { s3Endpoint } from '../fixtures/aws/s3';
import { securityHubEndpoint } from '../fixtures/aws/securityhub';

/**
 * Every failure below is produced by a real SDK v3 client talking to nock: the SDK's own error
 * objects (names, `$response`, the "Deserialization error" hint, Node's network codes) are what
 * errors.ts has to classify, not hand-made imitations of them.
 */

const ACCOUNT = '123456789012';
const clients = (): AccountClients =>
  makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 })({ accountId: ACCOUNT });

const failureOf = async (meta: CallMeta, call: () => Promise<unknown>): Promise<CollectError> => {
  const fact = await attempt(meta, call);
  if (fact.ok) throw new Error(`expected ${meta.operation} to fail, it answered ${JSON.stringify(fact.value)}`);
  return fact.error;
};

const trails = (region = 'eu-west-1') =>
  failureOf(
    { service: 'cloudtrail', operation: 'DescribeTrails', permission: 'cloudtrail:DescribeTrails', region },
    () => clients().cloudtrail(region).send(new DescribeTrailsCommand({})),
  );

/** What every described failure must be, whatever the kind. */
const expectOneSafeLine = (text: string) => {
  expect(text).not.toMatch(/[\r\n]/);
  expect(text.length).toBeLessThanOrEqual(COLLECT_ERROR_TEXT_MAX);
  expect(text).not.toMatch(/Deserialization error|\$response/);
  expect(text).not.toMatch(/arn:aws:(sts|iam)::\d{12}:(assumed-role|user)\//);
};

/** A failure that is not a refusal must not send the operator to IAM, nor to the region settings. */
const expectNoWrongAdvice = (error: CollectError) => {
  const text = describeCollectError(error);
  expectOneSafeLine(text);
  expect(text).not.toMatch(/grant|needs [a-z0-9-]+:/i);
  expect(text).not.toMatch(/not enabled/);
  return text;
};

describe('classifying AWS failures', () => {
  describe('when AWS refuses the call', () => {
    it('then IAM AccessDenied is access-denied, and the text names the permission without the caller ARN', async () => {
      onIam('GetAccountPasswordPolicy').reply(403, accessDeniedXml('GetAccountPasswordPolicy'));

      const error = await failureOf(
        { service: 'iam', operation: 'GetAccountPasswordPolicy', permission: 'iam:GetAccountPasswordPolicy' },
        () => clients().iam().send(new GetAccountPasswordPolicyCommand({})),
      );

      expect(error).toMatchObject({ code: 'AccessDenied', kind: 'access-denied' });
      expect(error.message).not.toContain('assumed-role/cloudsec/scan');
      const text = describeCollectError(error);
      expectOneSafeLine(text);
      expect(text).toContain('iam:GetAccountPasswordPolicy');
      expect(text).toMatch(/grant/);
    });
  });

  describe('when AWS keeps throttling', () => {
    it('then the failure is throttled and the next step is to try later, not to grant anything', async () => {
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails').reply(...ctThrottled());

      const error = await trails();

      expect(error).toMatchObject({ code: 'ThrottlingException', kind: 'throttled' });
      expect(expectNoWrongAdvice(error)).toMatch(/again later/);
    });
  });

  describe('when the network fails', () => {
    it.each([
      ['ECONNREFUSED', 'connect ECONNREFUSED 52.94.0.1:443', 'connect'],
      ['ECONNRESET', 'socket hang up', undefined],
      ['ETIMEDOUT', 'connect ETIMEDOUT 52.94.0.1:443', 'connect'],
      ['ENOTFOUND', 'getaddrinfo ENOTFOUND cloudtrail.eu-west-1.amazonaws.com', 'getaddrinfo'],
      ['EAI_AGAIN', 'getaddrinfo EAI_AGAIN cloudtrail.eu-west-1.amazonaws.com', 'getaddrinfo'],
    ])(
      'then %s is unreachable, with network advice rather than "region not enabled"',
      async (code, message, syscall) => {
        cloudTrailEndpoint('eu-west-1')
          .post('/')
          .replyWithError(Object.assign(new Error(message), { code, ...(syscall ? { syscall } : {}) }));

        const error = await trails();

        expect(error).toMatchObject({ code, kind: 'unreachable', region: 'eu-west-1' });
        expect(expectNoWrongAdvice(error)).toMatch(/could not reach AWS.*network/);
      },
    );

    it('then a call that times out in the SDK (TimeoutError) is unreachable', async () => {
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails')
        .delay(300)
        .reply(...ctOk({ trailList: [] }));
      const client = guardAnswers(
        new CloudTrailClient({
          region: 'eu-west-1',
          maxAttempts: 1,
          requestHandler: { requestTimeout: 50, throwOnRequestTimeout: true },
        }),
      );

      const error = await failureOf(
        { service: 'cloudtrail', operation: 'DescribeTrails', permission: 'cloudtrail:DescribeTrails' },
        () => client.send(new DescribeTrailsCommand({})),
      );

      expect(error.kind).toBe('unreachable');
      expect(['TimeoutError', 'ETIMEDOUT']).toContain(error.code);
      expectNoWrongAdvice(error);
    });
  });

  describe('when an answer stalls on a client made by cloudsec', () => {
    it("then the factory's request timeout ends the call as unreachable instead of hanging the scan", async () => {
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails')
        .delay(2_000)
        .reply(...ctOk({ trailList: [] }));
      const factory = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1, requestTimeoutMs: 100 });

      const error = await failureOf(
        { service: 'cloudtrail', operation: 'DescribeTrails', permission: 'cloudtrail:DescribeTrails' },
        () => factory({ accountId: ACCOUNT }).cloudtrail('eu-west-1').send(new DescribeTrailsCommand({})),
      );

      expect(error.kind).toBe('unreachable');
      expectNoWrongAdvice(error);
    });
  });

  describe('when AWS answers with something that is not the API answer', () => {
    const BODY_TEXT = 'Sign in to the network';

    const expectMalformed = (error: CollectError, status: number) => {
      expect(error).toMatchObject({ kind: 'malformed' });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).not.toContain(BODY_TEXT);
      const text = expectNoWrongAdvice(error);
      expect(text).not.toContain(BODY_TEXT);
      expect(text).toMatch(/could not be read/);
    };

    it('then a JSON API (Security Hub) answering 200 with an HTML page is malformed, in one line', async () => {
      nock(securityHubEndpoint('eu-west-1'))
        .get('/accounts')
        .reply(200, htmlPage(), { 'content-type': 'text/html; charset=utf-8' });

      const error = await failureOf(
        {
          service: 'securityhub',
          operation: 'DescribeHub',
          permission: 'securityhub:DescribeHub',
          region: 'eu-west-1',
        },
        () => clients().securityhub('eu-west-1').send(new DescribeHubCommand({})),
      );

      expectMalformed(error, 200);
    });

    it('then a JSON API answering 200 with a cut-off JSON body (SyntaxError) is malformed', async () => {
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails').reply(200, '{"trailList": [{"Name": "ma', {
        'content-type': 'application/x-amz-json-1.1',
      });

      const error = await trails();

      expectMalformed(error, 200);
      expect(error.message).toContain('not valid JSON');
    });

    it('then a gateway answering 502 with an HTML page in front of a JSON API is malformed', async () => {
      nock(securityHubEndpoint('eu-west-1'))
        .get('/accounts')
        .reply(502, `<html><body>${BODY_TEXT}</body></html>`, { 'content-type': 'text/html' });

      const error = await failureOf(
        {
          service: 'securityhub',
          operation: 'DescribeHub',
          permission: 'securityhub:DescribeHub',
          region: 'eu-west-1',
        },
        () => clients().securityhub('eu-west-1').send(new DescribeHubCommand({})),
      );

      expectMalformed(error, 502);
    });

    it('then an XML API (EC2) answering 200 with cut-off XML is malformed', async () => {
      ec2Endpoint('eu-west-1')
        .post('/', ec2Action('DescribeRegions'))
        .reply(200, '<?xml version="1.0"?><DescribeRegionsResponse><regionInfo><item><regionName>eu-we', {
          'content-type': 'text/xml;charset=UTF-8',
        });

      const error = await failureOf(
        { service: 'ec2', operation: 'DescribeRegions', permission: 'ec2:DescribeRegions', region: 'eu-west-1' },
        () => clients().ec2('eu-west-1').send(new DescribeRegionsCommand({})),
      );

      expectMalformed(error, 200);
      expect(error.message).toContain('not valid XML');
    });

    // The SDK's XML parsers read an HTML page as an answer with no fields: without the guard,
    // ListBuckets would say "no buckets" and every bucket check would pass.
    it.each([
      [
        'S3 ListBuckets',
        () => nock(s3Endpoint('us-east-1')).get('/').query(true),
        (c: AccountClients) => c.s3('us-east-1').send(new ListBucketsCommand({})),
      ],
      [
        'IAM GetAccountPasswordPolicy',
        () => nock(IAM_ENDPOINT).post('/'),
        (c: AccountClients) => c.iam().send(new GetAccountPasswordPolicyCommand({})),
      ],
      [
        'EC2 GetEbsEncryptionByDefault',
        () => ec2Endpoint('us-east-1').post('/'),
        (c: AccountClients) => c.ec2('us-east-1').send(new GetEbsEncryptionByDefaultCommand({})),
      ],
    ])(
      'then an XML API (%s) answering 200 with an HTML page is malformed, not an empty answer',
      async (_, intercept, call) => {
        intercept().reply(200, htmlPage(), { 'content-type': 'text/html' });

        const error = await failureOf({ service: 'x', operation: 'Call', permission: 'x:Call' }, () => call(clients()));

        expectMalformed(error, 200);
      },
    );

    it('then S3 answering 503 with an HTML page (no error code the SDK can read) is malformed', async () => {
      nock(s3Endpoint('us-east-1')).get('/').query(true).reply(503, htmlPage(), { 'content-type': 'text/html' });

      const error = await failureOf(
        { service: 's3', operation: 'ListBuckets', permission: 's3:ListAllMyBuckets' },
        () => clients().s3('us-east-1').send(new ListBucketsCommand({})),
      );

      expectMalformed(error, 503);
    });
  });

  describe('when the operation does not exist where it was called', () => {
    it.each([
      ['InvalidAction', 'The action GetEbsEncryptionByDefault is not valid for this web service.'],
      ['UnsupportedOperation', 'The operation is not supported in this region.'],
    ])('then EC2 %s is unsupported, and nothing is to be granted', async (code, message) => {
      ec2Endpoint('eu-west-1')
        .post('/', ec2Action('GetEbsEncryptionByDefault'))
        .reply(...ec2Error(400, code, message));

      const error = await failureOf(
        {
          service: 'ec2',
          operation: 'GetEbsEncryptionByDefault',
          permission: 'ec2:GetEbsEncryptionByDefault',
          region: 'eu-west-1',
        },
        () => clients().ec2('eu-west-1').send(new GetEbsEncryptionByDefaultCommand({})),
      );

      expect(error).toMatchObject({ code, kind: 'unsupported' });
      expect(expectNoWrongAdvice(error)).toMatch(/not available in eu-west-1/);
    });
  });

  describe('when a region does not accept the credentials', () => {
    it('then OptInRequired is region-unavailable, and the text says the region is not enabled', async () => {
      ec2Endpoint('ap-east-1')
        .post('/', ec2Action('DescribeRegions'))
        .reply(...optInRequired());

      const error = await failureOf(
        { service: 'ec2', operation: 'DescribeRegions', permission: 'ec2:DescribeRegions', region: 'ap-east-1' },
        () => clients().ec2('ap-east-1').send(new DescribeRegionsCommand({})),
      );

      expect(error).toMatchObject({ code: 'OptInRequired', kind: 'region-unavailable' });
      const text = describeCollectError(error);
      expectOneSafeLine(text);
      expect(text).toContain('region ap-east-1 is not enabled');
    });

    it('then an unknown-token answer from an opt-in region is region-unavailable', async () => {
      cloudTrailCall(cloudTrailEndpoint('ap-east-1'), 'DescribeTrails').reply(
        ...ctError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      );

      expect(await trails('ap-east-1')).toMatchObject({
        code: 'UnrecognizedClientException',
        kind: 'region-unavailable',
      });
    });

    it('then the same answer from a region every account has is about the credentials, not the region', async () => {
      cloudTrailCall(cloudTrailEndpoint('us-east-1'), 'DescribeTrails').reply(
        ...ctError('UnrecognizedClientException', 'The security token included in the request is invalid.'),
      );

      const error = await trails('us-east-1');

      expect(error).toMatchObject({ code: 'UnrecognizedClientException', kind: 'other' });
      expect(expectNoWrongAdvice(error)).toContain('security token included in the request is invalid');
    });
  });

  describe('when only some regions are opt-in', () => {
    it.each([
      ['ap-east-1', true],
      ['me-central-1', true],
      ['mx-central-1', true],
      ['eu-west-1', false],
      ['us-east-1', false],
      ['us-gov-west-1', false],
      ['cn-north-1', false],
      ['global', false],
    ])('then %s is opt-in: %s', (region, expected) => {
      expect(isOptInRegion(region)).toBe(expected);
    });
  });
});

describe('describeCollectError', () => {
  const base: CollectError = {
    service: 's3',
    operation: 'GetBucketPolicy',
    permission: 's3:GetBucketPolicy',
    region: 'eu-west-1',
    code: 'Error',
    kind: 'other',
    message: '',
  };

  it('when a stored error holds raw multi-line SDK text, then the description is still one bounded line', () => {
    const text = describeCollectError({
      ...base,
      code: 'SyntaxError',
      message: `Unexpected token '<'\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.\n${'x'.repeat(5000)}`,
    });

    expectOneSafeLine(text);
    expect(text).toContain('…');
  });

  it('when the message carries the caller ARN or a secret key, then neither is shown', () => {
    const text = describeCollectError({
      ...base,
      message: `User: arn:aws:sts::123456789012:assumed-role/cloudsec-read/i-0abc is not authorized; key wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY`,
    });

    expectOneSafeLine(text);
    expect(text).not.toContain('cloudsec-read/i-0abc');
    expect(text).not.toContain('wJalrXUtnFEMI');
  });

  it('when an old snapshot filed a DNS failure as region-unavailable, then it reads as a network failure', () => {
    const text = describeCollectError({
      ...base,
      kind: 'region-unavailable',
      code: 'ENOTFOUND',
      message: 'getaddrinfo ENOTFOUND s3.eu-west-1.amazonaws.com',
    });

    expect(text).toMatch(/could not reach AWS/);
    expect(text).not.toMatch(/not enabled/);
  });

  it.each([
    'access-denied',
    'region-unavailable',
    'throttled',
    'unreachable',
    'unsupported',
    'malformed',
    'other',
  ] as const)('when the kind is %s, then the text says what to do next', (kind) => {
    const text = describeCollectError({ ...base, kind, code: 'SomeCode', message: 'AWS said no.' });
    expectOneSafeLine(text);
    expect(text).toMatch(/^Could not check: .*; [A-Za-z].*\.$/);
  });
});
