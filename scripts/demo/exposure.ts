import {
  known,
  missing,
  type AccountSnapshot,
  type LambdaFunction,
  type LambdaRegion,
  type OpenSearchRegion,
  type SnsRegion,
  type SqsRegion,
} from '../../src/core/model';
import {
  aFunction,
  aFunctionPolicy,
  aFunctionUrl,
  publicUrlInvokeStatement,
  publicUrlStatement,
} from '../../test/fixtures/builders/lambda';
import { aDomain, aDomainStatus } from '../../test/fixtures/builders/opensearch';
import { accessDenied, denied } from '../../test/fixtures/snapshot-builders';
import type { DemoExtension } from '.';

/**
 * The demo estate's public exposure (issue 12): Lambda function policies and URLs, SQS queues, SNS
 * topics, OpenSearch domains. Every new check fails at least once and passes elsewhere:
 * - prod us-east-1: `orders-api` is invoked by API Gateway only; `stripe-webhook` has an
 *   unauthenticated URL that its policy opens to anyone (both Lambda checks fail; cloudsec can remove
 *   the two statements); `order-events` takes messages from one topic, `partner-intake` from anyone;
 *   `security-alerts` keeps the default topic policy, `order-notifications` lets anyone publish and
 *   subscribe; `app-search` is in a VPC, `legacy-logs` has a public endpoint and an open policy.
 * - prod eu-west-1: `reports-export` has an unauthenticated URL that no statement opens (refused by
 *   Lambda: passes); reading `invoice-render`'s policy was refused (unknown). No queues, topics or domains.
 * - staging us-west-2: the `preview` alias of `staging-preview` has an unauthenticated URL opened to
 *   `AWS "*"`, a form AddPermission does not write, so no fix is offered; listing queues was refused
 *   (unknown); `staging-events` lets one partner account publish (shared, not public);
 *   `staging-search` has a public endpoint behind an IP allow-list (high).
 * - staging us-east-1: none of these resources.
 */

type Ids = Pick<AccountSnapshot, 'accountId' | 'partition'>;
const arn = (a: Ids, region: string, service: string, resource: string) =>
  `arn:${a.partition}:${service}:${region}:${a.accountId}:${resource}`;

const EMPTY_LAMBDA: LambdaRegion = { functions: known([]) };
const EMPTY_SQS: SqsRegion = { queues: known([]) };
const EMPTY_SNS: SnsRegion = { topics: known([]) };
const EMPTY_OPENSEARCH: OpenSearchRegion = { domains: known([]) };

/** Every region of the account gets an (empty) slice, then `regional` fills some in. */
const everyRegion = <T>(account: AccountSnapshot, empty: T, regional: Record<string, T>): Record<string, T> =>
  Object.fromEntries(account.regions.map((r) => [r, regional[r] ?? empty]));

const fn = (a: Ids, region: string, name: string, over: Partial<LambdaFunction> = {}): LambdaFunction =>
  aFunction({ name, arn: arn(a, region, 'lambda', `function:${name}`), policy: known(null), ...over });

const lambdaUrl = (name: string, region: string) => `https://${name}-k3x9q2.lambda-url.${region}.on.aws/`;

const prodLambda = (a: Ids, r: string): LambdaRegion => {
  const ordersApi = arn(a, r, 'lambda', 'function:orders-api');
  const webhook = arn(a, r, 'lambda', 'function:stripe-webhook');
  return {
    functions: known([
      fn(a, r, 'orders-api', {
        policy: known(
          aFunctionPolicy([
            {
              Sid: 'apigateway-invoke',
              Effect: 'Allow',
              Principal: { Service: 'apigateway.amazonaws.com' },
              Action: 'lambda:InvokeFunction',
              Resource: ordersApi,
              Condition: { ArnLike: { 'AWS:SourceArn': arn(a, r, 'execute-api', 'k7w2p9x4a1/prod/POST/orders') } },
            },
          ]),
        ),
      }),
      fn(a, r, 'stripe-webhook', {
        runtime: 'python3.12',
        policy: known(aFunctionPolicy([publicUrlStatement(webhook), publicUrlInvokeStatement(webhook)], 'b41c7e2a')),
        urls: known([aFunctionUrl({ url: lambdaUrl('stripe-webhook', r), authType: 'NONE' })]),
      }),
    ]),
  };
};

const prodEuLambda = (a: Ids, r: string): LambdaRegion => ({
  functions: known([
    fn(a, r, 'reports-export', {
      urls: known([aFunctionUrl({ url: lambdaUrl('reports-export', r), authType: 'NONE' })]),
    }),
    fn(a, r, 'invoice-render', { policy: denied('lambda:GetPolicy') }),
  ]),
});

const stagingLambda = (a: Ids, r: string): LambdaRegion => {
  const alias = arn(a, r, 'lambda', 'function:staging-preview:preview');
  return {
    functions: known([
      fn(a, r, 'staging-preview', {
        urls: known([
          aFunctionUrl({
            url: lambdaUrl('staging-preview', r),
            qualifier: 'preview',
            authType: 'NONE',
            aliasPolicy: known(
              aFunctionPolicy([{ ...publicUrlStatement(alias), Principal: { AWS: '*' } }], '9e0d1f6b'),
            ),
          }),
        ]),
      }),
    ]),
  };
};

const queue = (a: Ids, r: string, name: string, statements: Record<string, unknown>[]) => {
  const queueArn = arn(a, r, 'sqs', name);
  return {
    url: `https://sqs.${r}.amazonaws.com/${a.accountId}/${name}`,
    name,
    accountId: a.accountId,
    attributes: known({
      arn: queueArn,
      policy: {
        Version: '2012-10-17',
        Id: `${queueArn}/SQSDefaultPolicy`,
        Statement: statements.map((s) => ({ Resource: queueArn, ...s })),
      },
    }),
  };
};

const prodSqs = (a: Ids, r: string): SqsRegion => ({
  queues: known([
    queue(a, r, 'order-events', [
      {
        Sid: 'OrderNotifications',
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: 'sqs:SendMessage',
        Condition: { ArnEquals: { 'aws:SourceArn': arn(a, r, 'sns', 'order-notifications') } },
      },
    ]),
    queue(a, r, 'partner-intake', [
      { Sid: 'PartnersSend', Effect: 'Allow', Principal: '*', Action: 'sqs:SendMessage' },
    ]),
  ]),
});

const topic = (a: Ids, r: string, name: string, statements: Record<string, unknown>[]) => {
  const topicArn = arn(a, r, 'sns', name);
  return {
    arn: topicArn,
    name,
    policy: known({ Version: '2008-10-17', Statement: statements.map((s) => ({ Resource: topicArn, ...s })) }),
  };
};

const ownerOnly = (a: Ids) => ({
  Sid: '__default_statement_ID',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:Subscribe', 'SNS:Publish', 'SNS:DeleteTopic'],
  Condition: { StringEquals: { 'AWS:SourceOwner': a.accountId } },
});

const prodSns = (a: Ids, r: string): SnsRegion => ({
  topics: known([
    topic(a, r, 'security-alerts', [ownerOnly(a)]),
    topic(a, r, 'order-notifications', [
      ownerOnly(a),
      { Sid: 'AnyoneMayFollow', Effect: 'Allow', Principal: { AWS: '*' }, Action: ['SNS:Subscribe', 'SNS:Publish'] },
    ]),
  ]),
});

const stagingSns = (a: Ids, r: string): SnsRegion => ({
  topics: known([
    topic(a, r, 'staging-events', [
      ownerOnly(a),
      {
        Sid: 'PartnerPublish',
        Effect: 'Allow',
        Principal: { AWS: 'arn:aws:iam::444455556666:root' },
        Action: 'SNS:Publish',
      },
    ]),
  ]),
});

const domainPolicy = (domainArn: string, principal: unknown, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: principal, Action: 'es:ESHttp*', Resource: `${domainArn}/*`, ...extra }],
});

const prodOpenSearch = (a: Ids, r: string): OpenSearchRegion => {
  const appSearch = arn(a, r, 'es', 'domain/app-search');
  const legacyLogs = arn(a, r, 'es', 'domain/legacy-logs');
  return {
    domains: known([
      aDomain({
        name: 'app-search',
        status: known(
          aDomainStatus('app-search', {
            arn: appSearch,
            vpc: {
              vpcId: 'vpc-0c1d2e3f4a5b6c7d8',
              subnetIds: ['subnet-0a11', 'subnet-0b22'],
              securityGroupIds: ['sg-0search'],
            },
            accessPolicy: known(domainPolicy(appSearch, { AWS: `arn:${a.partition}:iam::${a.accountId}:role/app` })),
          }),
        ),
      }),
      aDomain({
        name: 'legacy-logs',
        engineType: 'Elasticsearch',
        status: known(
          aDomainStatus('legacy-logs', {
            arn: legacyLogs,
            engineVersion: 'Elasticsearch_7.10',
            vpc: null,
            endpoint: `search-legacy-logs-q4k2m8d1x7.${r}.es.amazonaws.com`,
            accessPolicy: known(domainPolicy(legacyLogs, { AWS: '*' })),
          }),
        ),
      }),
    ]),
  };
};

const stagingOpenSearch = (a: Ids, r: string): OpenSearchRegion => {
  const domainArn = arn(a, r, 'es', 'domain/staging-search');
  return {
    domains: known([
      aDomain({
        name: 'staging-search',
        status: known(
          aDomainStatus('staging-search', {
            arn: domainArn,
            vpc: null,
            endpoint: `search-staging-search-h2n5v8c3z6.${r}.es.amazonaws.com`,
            accessPolicy: known(
              domainPolicy(
                domainArn,
                { AWS: '*' },
                { Condition: { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24'] } } },
              ),
            ),
          }),
        ),
      }),
    ]),
  };
};

export const exposureDemo: DemoExtension = {
  prod: (account) => ({
    ...account,
    lambda: everyRegion(account, EMPTY_LAMBDA, {
      'us-east-1': prodLambda(account, 'us-east-1'),
      'eu-west-1': prodEuLambda(account, 'eu-west-1'),
    }),
    sqs: everyRegion(account, EMPTY_SQS, { 'us-east-1': prodSqs(account, 'us-east-1') }),
    sns: everyRegion(account, EMPTY_SNS, { 'us-east-1': prodSns(account, 'us-east-1') }),
    opensearch: everyRegion(account, EMPTY_OPENSEARCH, { 'us-east-1': prodOpenSearch(account, 'us-east-1') }),
  }),
  staging: (account) => ({
    ...account,
    lambda: everyRegion(account, EMPTY_LAMBDA, { 'us-west-2': stagingLambda(account, 'us-west-2') }),
    sqs: everyRegion(account, EMPTY_SQS, { 'us-west-2': { queues: missing(accessDenied('sqs:ListQueues')) } }),
    sns: everyRegion(account, EMPTY_SNS, { 'us-west-2': stagingSns(account, 'us-west-2') }),
    opensearch: everyRegion(account, EMPTY_OPENSEARCH, { 'us-west-2': stagingOpenSearch(account, 'us-west-2') }),
  }),
};
