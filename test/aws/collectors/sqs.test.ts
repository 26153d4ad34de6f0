import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSqsRegion } from '../../../src/aws/collectors/sqs';
import { SqsRegionSchema, known, type SqsRegion } from '../../../src/core/model';
import {
  SQS_ACCOUNT_ID,
  listQueuesJson,
  publicSendStatement,
  queueArn,
  queueAttributesJson,
  queuePolicy,
  queueUrl,
  sqsAccessDenied,
  sqsHost,
  sqsNoSuchQueue,
  sqsOk,
  sqsThrottling,
} from '../../fixtures/aws/fake-services/sqs';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import check from '../../../src/core/checks/sqs/sqs_queue_not_public';
import { HTML_PAGE, mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { run } from '../../fixtures/check-harness';
import { anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const URL_OF = (name: string) => queueUrl(name, REGION);
const ARN_OF = (name: string) => queueArn(name, REGION);

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: SQS_ACCOUNT_ID,
  }),
  accountId: SQS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<SqsRegion> => SqsRegionSchema.parse(await collectSqsRegion(context(), REGION));

/** A JSON 1.0 call to `operation`, with the headers the SDK sends for a query-compatible service. */
const call = (operation: string, body: (b: Record<string, unknown>) => boolean = () => true) =>
  nock(sqsHost(REGION), {
    reqheaders: {
      'x-amz-target': `AmazonSQS.${operation}`,
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-mode': 'true',
    },
  }).post('/', (b: Record<string, unknown>) => body(b));

const listing = (nextToken?: string) => call('ListQueues', (b) => b.MaxResults === 1000 && b.NextToken === nextToken);
const attributesOf = (name: string) =>
  call(
    'GetQueueAttributes',
    (b) => b.QueueUrl === URL_OF(name) && JSON.stringify(b.AttributeNames) === JSON.stringify(['Policy', 'QueueArn']),
  );

const queuesOf = (region: SqsRegion) => {
  if (!region.queues.ok) throw new Error(`expected the queues to be known: ${region.queues.error.message}`);
  return region.queues.value;
};

const PUBLIC = queuePolicy(ARN_OF('public-intake'), [publicSendStatement]);

describe('collectSqsRegion', () => {
  it('when queues span two pages, then each is read with its ARN and policy, following NextToken', async () => {
    listing().reply(...sqsOk(listQueuesJson([URL_OF('public-intake')], 'token-2')));
    listing('token-2').reply(...sqsOk(listQueuesJson([URL_OF('scratch.fifo')])));
    attributesOf('public-intake').reply(...sqsOk(queueAttributesJson(ARN_OF('public-intake'), PUBLIC)));
    attributesOf('scratch.fifo').reply(...sqsOk(queueAttributesJson(ARN_OF('scratch.fifo'))));

    expect(queuesOf(await collect())).toEqual([
      {
        url: URL_OF('public-intake'),
        name: 'public-intake',
        accountId: SQS_ACCOUNT_ID,
        attributes: known({ arn: ARN_OF('public-intake'), policy: PUBLIC }),
      },
      {
        url: URL_OF('scratch.fifo'),
        name: 'scratch.fifo',
        accountId: SQS_ACCOUNT_ID,
        attributes: known({ arn: ARN_OF('scratch.fifo'), policy: null }),
      },
    ]);
  });

  it('when SQS answers `{}` (no queues: it leaves the empty list out), then the list is known and empty', async () => {
    listing().reply(...sqsOk({}));
    expect((await collect()).queues).toEqual(known([]));
  });

  it('when a queue was deleted after the listing, then it is left out', async () => {
    listing().reply(...sqsOk(listQueuesJson([URL_OF('gone')])));
    attributesOf('gone').reply(...sqsNoSuchQueue());
    expect((await collect()).queues).toEqual(known([]));
  });

  it('when ListQueues is refused, then the queues are unknown, naming sqs:ListQueues', async () => {
    listing().reply(...sqsAccessDenied('ListQueues'));
    expect((await collect()).queues).toMatchObject({
      ok: false,
      error: { kind: 'access-denied', code: 'AccessDenied', permission: 'sqs:ListQueues', region: REGION },
    });
  });

  it('when GetQueueAttributes is refused, then only that queue is unknown, naming sqs:GetQueueAttributes', async () => {
    listing().reply(...sqsOk(listQueuesJson([URL_OF('jobs')])));
    attributesOf('jobs').reply(...sqsAccessDenied('GetQueueAttributes'));
    expect(queuesOf(await collect())).toMatchObject([
      {
        name: 'jobs',
        attributes: { ok: false, error: { kind: 'access-denied', permission: 'sqs:GetQueueAttributes' } },
      },
    ]);
  });

  it('when SQS throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...sqsThrottling());
    listing().reply(...sqsOk(listQueuesJson([])));
    expect((await collect()).queues).toEqual(known([]));
  });

  it('when SQS keeps throttling, then the queues are unknown as throttled, not empty', async () => {
    listing()
      .times(3)
      .reply(...sqsThrottling());
    expect((await collect()).queues).toMatchObject({
      ok: false,
      error: { kind: 'throttled', code: 'RequestThrottled' },
    });
  });

  it.each<[string, string, string]>([
    ['an empty body', '', 'application/x-amz-json-1.0'],
    ['an HTML page', HTML_PAGE, 'text/html'],
    ['a JSON list', '[]', 'application/x-amz-json-1.0'],
    [
      'QueueUrls that is not a list',
      '{"QueueUrls":"https://sqs.eu-west-1.amazonaws.com/123456789012/q"}',
      'application/x-amz-json-1.0',
    ],
    ['a URL that is not a queue URL', '{"QueueUrls":["https://example.com/"]}', 'application/x-amz-json-1.0'],
  ])('when ListQueues answers %s, then the queues are unknown as malformed, not empty', async (_, body, type) => {
    listing().reply(200, body, { 'content-type': type });
    expect((await collect()).queues).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it.each<[string, unknown]>([
    ['no Attributes', {}],
    ['no QueueArn', { Attributes: { Policy: JSON.stringify(PUBLIC) } }],
    ['a Policy that is not JSON', { Attributes: { QueueArn: ARN_OF('jobs'), Policy: '{"Statement":' } }],
  ])(
    'when GetQueueAttributes answers %s, then the queue is unknown as malformed, never "no policy"',
    async (_, body) => {
      listing().reply(...sqsOk(listQueuesJson([URL_OF('jobs')])));
      attributesOf('jobs').reply(...sqsOk(body));
      expect(queuesOf(await collect())).toMatchObject([
        { name: 'jobs', attributes: { ok: false, error: { kind: 'malformed', operation: 'GetQueueAttributes' } } },
      ]);
    },
  );

  it('when GetQueueAttributes answers an empty body, then the queue is unknown, not without a policy', async () => {
    listing().reply(...sqsOk(listQueuesJson([URL_OF('jobs')])));
    attributesOf('jobs').reply(200, '', { 'content-type': 'application/x-amz-json-1.0' });
    expect(queuesOf(await collect())[0]!.attributes).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});

// ---------------------------------------------------------------- fail closed on every corruption

const asAnswer = ([status, body, headers]: [number, unknown, Record<string, string>]): WireAnswer => ({
  status,
  body: String(body),
  headers,
});
const TRUTH = {
  ListQueues: asAnswer(sqsOk(listQueuesJson([URL_OF('public-intake')]))),
  GetQueueAttributes: asAnswer(sqsOk(queueAttributesJson(ARN_OF('public-intake'), PUBLIC))),
};

const verdictOn = async (operation: keyof typeof TRUTH, answer: WireAnswer) => {
  const reply = (op: keyof typeof TRUTH) => {
    const a = op === operation ? answer : TRUTH[op];
    return [a.status, a.body, a.headers] as const;
  };
  listing().reply(...reply('ListQueues'));
  // Asked only when the listing named the queue.
  attributesOf('public-intake')
    .optionally()
    .reply(...reply('GetQueueAttributes'));
  const results = run(
    check,
    anAccount({ accountId: SQS_ACCOUNT_ID, regions: [REGION], sqs: { [REGION]: await collect() } }),
  );
  const own = results.find((r) => r.resource.id === 'public-intake');
  return own?.status ?? (results.some((r) => r.status === 'unknown') ? 'unknown' : 'vanished');
};

/**
 * SQS leaves QueueUrls out of a ListQueues answer when there are no queues, and Policy out of the
 * attributes of a queue without a policy: an answer without either is a real answer (an empty
 * region, a queue nobody else may use), not a corruption any collector could notice.
 */
const LEFT_OUT_WHEN_EMPTY: Record<string, string> = {
  ListQueues: 'drop .QueueUrls',
  GetQueueAttributes: 'drop .Attributes.Policy',
};

describe('collectSqsRegion on corrupted answers', () => {
  it('when nothing is corrupted, then the public queue fails', async () => {
    expect(await verdictOn('ListQueues', TRUTH.ListQueues)).toBe('fail');
  });

  it.each(
    (Object.keys(TRUTH) as (keyof typeof TRUTH)[]).flatMap((operation) =>
      mutationsOf(TRUTH[operation])
        .filter((m) => m.class === 'corruption' && m.label !== LEFT_OUT_WHEN_EMPTY[operation])
        .map((m) => [`${operation}: ${m.label}`, operation, m] as const),
    ),
  )('%s: the public queue does not pass or vanish', async (_, operation, mutation) => {
    expect(await verdictOn(operation, mutation.apply(TRUTH[operation]))).toMatch(/^(fail|unknown)$/);
  });
});
