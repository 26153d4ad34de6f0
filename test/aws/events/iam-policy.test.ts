import { makeLookupEventsPoller } from '../../../src/aws/events/lookup-events-poller';
import { LOOKUP_EVENTS_PERMISSIONS, SQS_CONSUMER_PERMISSIONS } from '../../../src/aws/events/permissions';
import { parseQueueUrl } from '../../../src/aws/events/queue-arn';
import { makeSqsConsumer } from '../../../src/aws/events/sqs-consumer';
import { readPolicyDocument } from '../../../src/aws/iam-policy';
import { isCloudsecError } from '../../../src/errors';
import { sqsOk } from '../../fixtures/aws/fake-services/sqs';
import {
  ACCOUNT,
  QUEUE_ARN,
  QUEUE_URL,
  REGION,
  aRecord,
  batchAnswer,
  clientsOnce,
  eventBridgeEvent,
  lookupAnswer,
  lookupEventsCall,
  receiveAnswer,
  recordingLog,
  sqsCall,
  sqsMessage,
} from './wire';

type Statement = ReturnType<typeof readPolicyDocument>['Statement'][number];

/** Whether the policy allows `action` on `resource` (exact ARNs or `*`, as these statements use). */
const allows = (statements: Statement[], action: string, resource: string) =>
  statements.some(
    (s) => s.Effect === 'Allow' && s.Action.includes(action) && (s.Resource === '*' || s.Resource === resource),
  );

describe('the read policy and the live lane', () => {
  it('when printed without a queue, then LookupEvents is granted (the poller and `who`) and no queue action is', () => {
    const policy = readPolicyDocument();
    expect(policy.Statement.find((s) => s.Sid === 'CloudsecChangeHistory')).toEqual({
      Sid: 'CloudsecChangeHistory',
      Effect: 'Allow',
      Action: ['cloudtrail:LookupEvents'],
      Resource: '*',
    });
    const actions = policy.Statement.flatMap((s) => s.Action);
    for (const action of ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'])
      expect(actions).not.toContain(action);
  });

  it('when a queue is configured, then the queue actions are granted on that queue only', () => {
    const policy = readPolicyDocument({ sqsQueueUrl: QUEUE_URL });
    const queue = policy.Statement.find((s) => s.Sid === 'CloudsecDetectionsQueue');
    expect(queue).toEqual({
      Sid: 'CloudsecDetectionsQueue',
      Effect: 'Allow',
      Action: ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage'],
      Resource: QUEUE_ARN,
    });
    // Receiving and deleting are never granted on every queue.
    const everywhere = policy.Statement.filter((s) => s.Resource === '*').flatMap((s) => s.Action);
    expect(
      everywhere.filter((a) => ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:ChangeMessageVisibility'].includes(a)),
    ).toEqual([]);
  });

  it('when the queue URL is not one, then the policy is refused with the setting named', () => {
    let failure: unknown;
    try {
      readPolicyDocument({ sqsQueueUrl: 'https://example.com/not-a-queue' });
    } catch (err) {
      failure = err;
    }
    expect(isCloudsecError(failure) && failure.code).toBe('config');
    expect((failure as Error).message).toMatch(/detections\.sources\.sqs\.queueUrl/);
  });

  it('when the consumer and the poller run, then every call they make is allowed by the policy on the queue they use', async () => {
    const targets: string[] = [];
    const record = (operation: string) => (body: Record<string, unknown>) => (targets.push(operation), body !== null);
    const [handled, failing] = [aRecord(), aRecord()];
    sqsCall('GetQueueAttributes', record('GetQueueAttributes')).reply(...sqsOk({ Attributes: {} }));
    sqsCall('ReceiveMessage', record('ReceiveMessage')).reply(
      ...receiveAnswer([
        sqsMessage(JSON.stringify(eventBridgeEvent(handled)), 'handled'),
        sqsMessage(JSON.stringify(eventBridgeEvent(failing)), 'failing', 2),
      ]),
    );
    sqsCall('DeleteMessageBatch', record('DeleteMessageBatch')).reply(...batchAnswer([{ Id: 'm0' }]));
    sqsCall('ChangeMessageVisibilityBatch', record('ChangeMessageVisibilityBatch')).reply(
      ...batchAnswer([{ Id: 'm1' }]),
    );
    lookupEventsCall(() => (targets.push('LookupEvents'), true)).reply(...lookupAnswer([]));

    const { log } = recordingLog();
    const consumer = makeSqsConsumer({
      client: clientsOnce().sqs(REGION),
      queueUrl: QUEUE_URL,
      waitSeconds: 20,
      visibilityTimeoutSeconds: 60,
      maxReceives: 5,
      handle: async (r) => {
        if (r.eventID === failing.eventID) throw new Error('store unavailable');
        return 'stored';
      },
      log,
      sleep: async () => {},
    });
    await consumer.checkQueue();
    await consumer.pollOnce();
    const poller = makeLookupEventsPoller({
      clientFor: () => clientsOnce().cloudtrail(REGION),
      store: {
        getLookupCheckpoint: async () => null,
        saveLookupCheckpoint: async (c) => ({ ...c, updatedAt: '2026-03-01T00:00:00.000Z' }),
      },
      handle: async () => 'stored',
      clock: () => new Date('2026-03-01T10:00:00Z'),
      sleep: async () => {},
      initialLookbackMinutes: 15,
      settleMinutes: 15,
      log,
    });
    await poller.pollAccountRegion(ACCOUNT, REGION);

    const declared: Record<string, string> = { ...SQS_CONSUMER_PERMISSIONS, ...LOOKUP_EVENTS_PERMISSIONS };
    expect([...new Set(targets)].sort()).toEqual(Object.keys(declared).sort());
    const policy = readPolicyDocument({ sqsQueueUrl: QUEUE_URL }).Statement;
    for (const operation of targets)
      expect([operation, allows(policy, declared[operation]!, QUEUE_ARN)]).toEqual([operation, true]);
  });
});

describe('parseQueueUrl', () => {
  it.each([
    [
      'https://sqs.eu-west-1.amazonaws.com/111111111111/cloudsec-events',
      'arn:aws:sqs:eu-west-1:111111111111:cloudsec-events',
    ],
    [
      'https://eu-west-1.queue.amazonaws.com/111111111111/cloudsec-events',
      'arn:aws:sqs:eu-west-1:111111111111:cloudsec-events',
    ],
    ['https://queue.amazonaws.com/111111111111/legacy', 'arn:aws:sqs:us-east-1:111111111111:legacy'],
    [
      'https://sqs.cn-north-1.amazonaws.com.cn/111111111111/events.fifo',
      'arn:aws-cn:sqs:cn-north-1:111111111111:events.fifo',
    ],
    [
      'https://sqs.us-gov-west-1.amazonaws.com/111111111111/events',
      'arn:aws-us-gov:sqs:us-gov-west-1:111111111111:events',
    ],
    ['http://localhost:4566/000000000000/cloudsec-events', 'arn:aws:sqs:*:000000000000:cloudsec-events'],
  ])('when the URL is %s, then the ARN is %s', (url, arn) => {
    expect(parseQueueUrl(url)?.arn).toBe(arn);
  });

  it.each([
    'not a url',
    'https://sqs.eu-west-1.amazonaws.com/cloudsec-events',
    'ftp://sqs.eu-west-1.amazonaws.com/111111111111/q',
    'https://sqs.eu-west-1.amazonaws.com/111111111111/bad name',
  ])('when the URL is %j, then it is not a queue URL', (url) => {
    expect(parseQueueUrl(url)).toBeNull();
  });
});
