import nock from 'nock';
import { makeSqsConsumer, type SqsConsumerDeps } from '../../../src/aws/events/sqs-consumer';
import type { HandleOutcome, RecordHandler } from '../../../src/aws/events/types';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import { sqsAccessDenied, sqsError, sqsOk, sqsThrottling } from '../../fixtures/aws/fake-services/sqs';
import {
  QUEUE_ARN,
  QUEUE_URL,
  REGION,
  aRecord,
  batchAnswer,
  clientsOnce,
  eventBridgeEvent,
  receiveAnswer,
  recordingLog,
  sqsCall,
  sqsMessage,
  type WireMessage,
} from './wire';

const receive = () =>
  sqsCall(
    'ReceiveMessage',
    (b) =>
      b.MaxNumberOfMessages === 10 &&
      b.WaitTimeSeconds === 20 &&
      b.VisibilityTimeout === 60 &&
      JSON.stringify(b.MessageSystemAttributeNames) === JSON.stringify(['ApproximateReceiveCount']),
  );

/** DeleteMessageBatch of exactly these messages' receipt handles; records the entries sent. */
const deletion = (messages: WireMessage[], sent: Array<{ Id: string; ReceiptHandle: string }>[] = []) =>
  sqsCall('DeleteMessageBatch', (b) => {
    const entries = b.Entries as Array<{ Id: string; ReceiptHandle: string }>;
    sent.push(entries);
    return JSON.stringify(entries.map((e) => e.ReceiptHandle)) === JSON.stringify(messages.map((m) => m.ReceiptHandle));
  });

const eventMessage = (record: CloudTrailRecord, id: string, receiveCount = 1) =>
  sqsMessage(JSON.stringify(eventBridgeEvent(record)), id, receiveCount);

const setUp = (overrides: Partial<SqsConsumerDeps> & { handle?: RecordHandler } = {}) => {
  const { lines, log } = recordingLog();
  const handled: string[] = [];
  const sleeps: number[] = [];
  const consumer = makeSqsConsumer({
    client: clientsOnce().sqs(REGION),
    queueUrl: QUEUE_URL,
    waitSeconds: 20,
    visibilityTimeoutSeconds: 60,
    maxReceives: 5,
    handle: async (record) => {
      handled.push(record.eventID);
      return 'stored';
    },
    log,
    // Yields to the event loop: a loop whose receives fail at once (no interceptor left) and whose
    // pauses resolved in the same tick could starve the test's own timers and grow without bound
    // (a Jest worker ran out of memory in this file once under CI load).
    sleep: async (ms) => {
      sleeps.push(ms);
      await new Promise((r) => setImmediate(r));
    },
    checkQueueOnStart: false,
    ...overrides,
  });
  return { consumer, lines, handled, sleeps };
};

describe('makeSqsConsumer · pollOnce', () => {
  it('when a batch of 10 CloudTrail events arrives, then each is handled and all 10 are deleted in one batch after', async () => {
    const records = Array.from({ length: 10 }, () => aRecord());
    const messages = records.map((r, i) => eventMessage(r, `msg-${i}`));
    const order: string[] = [];
    receive().reply(...receiveAnswer(messages));
    const sent: Array<{ Id: string; ReceiptHandle: string }>[] = [];
    deletion(messages, sent).reply(() => {
      order.push('delete');
      return batchAnswer(sent[0]!).slice(0, 2) as [number, string];
    });
    const { consumer } = setUp({
      handle: async (record) => {
        order.push(record.eventID);
        return 'stored';
      },
    });

    const result = await consumer.pollOnce();

    expect(result).toMatchObject({
      received: 10,
      outcomes: { stored: 10, duplicate: 0, ignored: 0 },
      deleted: 10,
      notDeleted: 0,
    });
    // Deleted only after every alert was stored.
    expect(order).toEqual([...records.map((r) => r.eventID), 'delete']);
    expect(new Set(sent[0]!.map((e) => e.Id)).size).toBe(10);
  });

  it('when a handler says duplicate or ignored, then the message is deleted all the same', async () => {
    const [dup, ignored] = [aRecord(), aRecord()];
    const messages = [eventMessage(dup, 'dup', 2), eventMessage(ignored, 'ignored')];
    receive().reply(...receiveAnswer(messages));
    const sent: Array<{ Id: string; ReceiptHandle: string }>[] = [];
    deletion(messages, sent).reply(() => batchAnswer(sent[0]!).slice(0, 2) as [number, string]);
    const outcomes: Record<string, HandleOutcome> = { [dup.eventID]: 'duplicate', [ignored.eventID]: 'ignored' };
    const { consumer } = setUp({ handle: async (r) => outcomes[r.eventID]! });

    expect(await consumer.pollOnce()).toMatchObject({ outcomes: { stored: 0, duplicate: 1, ignored: 1 }, deleted: 2 });
  });

  it('when a handler throws, then that message is not deleted and the others are', async () => {
    const [ok1, broken, ok2] = [aRecord(), aRecord(), aRecord()];
    const messages = [eventMessage(ok1, 'ok-1'), eventMessage(broken, 'broken'), eventMessage(ok2, 'ok-2')];
    receive().reply(...receiveAnswer(messages));
    const sent: Array<{ Id: string; ReceiptHandle: string }>[] = [];
    deletion([messages[0]!, messages[2]!], sent).reply(() => batchAnswer(sent[0]!).slice(0, 2) as [number, string]);
    const { consumer, lines } = setUp({
      handle: async (r) => {
        if (r.eventID === broken.eventID) throw Object.assign(new Error('database is locked'), { name: 'SqliteError' });
        return 'stored';
      },
    });

    const result = await consumer.pollOnce();

    expect(result).toMatchObject({ received: 3, failed: 1, deleted: 2, outcomes: { stored: 2 } });
    const warning = lines.find((l) => l.obj.messageId === 'broken');
    expect(warning).toMatchObject({
      level: 'warn',
      obj: { receiveCount: 1, eventId: broken.eventID, code: 'SqliteError' },
    });
    expect(warning!.msg).toMatch(/stays on the queue/);
  });

  it('when a handler throws again on a later receive, then the message is hidden longer each time (timeout doubled per receive)', async () => {
    const record = aRecord();
    const message = eventMessage(record, 'flaky', 3);
    receive().reply(...receiveAnswer([message]));
    sqsCall('ChangeMessageVisibilityBatch', (b) => {
      const entries = b.Entries as Array<Record<string, unknown>>;
      return (
        entries.length === 1 &&
        entries[0]!.ReceiptHandle === message.ReceiptHandle &&
        entries[0]!.VisibilityTimeout === 240
      );
    }).reply(...sqsOk({ Successful: [{ Id: 'm0' }] }));
    const { consumer } = setUp({
      handle: async () => {
        throw new Error('store unavailable');
      },
    });

    expect(await consumer.pollOnce()).toMatchObject({ failed: 1, deleted: 0 });
  });

  it('when a message cannot be read, then it is not deleted and is logged with its id and receive count', async () => {
    const good = aRecord();
    const poison = sqsMessage('{"this is": "not an event"}', 'poison-1', 2);
    const messages = [poison, eventMessage(good, 'good')];
    receive().reply(...receiveAnswer(messages));
    const sent: Array<{ Id: string; ReceiptHandle: string }>[] = [];
    deletion([messages[1]!], sent).reply(() => batchAnswer(sent[0]!).slice(0, 2) as [number, string]);
    const { consumer, lines, handled } = setUp();

    expect(await consumer.pollOnce()).toMatchObject({ received: 2, poison: 1, deleted: 1 });
    expect(handled).toEqual([good.eventID]);
    const line = lines.find((l) => l.obj.messageId === 'poison-1')!;
    expect(line).toMatchObject({ level: 'warn', obj: { receiveCount: 2, maxReceives: 5, queue: QUEUE_ARN } });
    expect(line.msg).toMatch(/left on the queue/);
    expect(line.msg).not.toMatch(/RedrivePolicy moves it/);
    expect(line.msg).not.toContain('this is');
  });

  it('when an unreadable message has been received maxReceives times, then its move to the dead-letter queue is logged', async () => {
    receive().reply(...receiveAnswer([sqsMessage('not json at all', 'poison-5', 5)]));
    const { consumer, lines } = setUp();

    expect(await consumer.pollOnce()).toMatchObject({ poison: 1, deleted: 0 });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        obj: expect.objectContaining({ messageId: 'poison-5', receiveCount: 5 }),
      }),
    ]);
    expect(lines[0]!.msg).toMatch(/received 5 times: the queue's RedrivePolicy moves it to the dead-letter queue/);
  });

  it('when SQS refuses part of the deletion, then the refusal is logged and not retried (the redelivery is a duplicate)', async () => {
    const messages = [eventMessage(aRecord(), 'kept'), eventMessage(aRecord(), 'gone')];
    receive().reply(...receiveAnswer(messages));
    const sent: Array<{ Id: string; ReceiptHandle: string }>[] = [];
    deletion(messages, sent).reply(() => batchAnswer(sent[0]!, [sent[0]![0]!.Id]).slice(0, 2) as [number, string]);
    const { consumer, lines } = setUp();

    expect(await consumer.pollOnce()).toMatchObject({ deleted: 1, notDeleted: 1 });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'warn',
        obj: expect.objectContaining({ messageId: 'kept', code: 'ReceiptHandleIsInvalid' }),
      }),
    ]);
  });

  it('when the queue is empty, then nothing is handled and nothing deleted', async () => {
    receive().reply(...receiveAnswer([]));
    const { consumer, handled } = setUp();
    expect(await consumer.pollOnce()).toMatchObject({ received: 0, deleted: 0 });
    expect(handled).toEqual([]);
  });

  it('when ReceiveMessage is refused, then the failure names the permission and the queue, and nothing throws', async () => {
    receive().reply(...sqsAccessDenied('ReceiveMessage', '111111111111'));
    const { consumer, lines } = setUp();

    const result = await consumer.pollOnce();

    expect(result.receiveError).toMatchObject({ kind: 'access-denied', permission: 'sqs:ReceiveMessage' });
    expect(lines[0]!.msg).toContain(`grant sqs:ReceiveMessage on ${QUEUE_ARN}`);
  });
});

describe('makeSqsConsumer · start/stop', () => {
  it('when ReceiveMessage keeps failing, then the loop backs off with growing, bounded delays and never crashes', async () => {
    receive()
      .times(6)
      .reply(...sqsThrottling());
    receive().reply(...sqsAccessDenied('ReceiveMessage', '111111111111'));
    const delays: number[] = [];
    let stopped: Promise<void> | undefined;
    const { consumer, lines } = setUp({
      receiveBackoff: { baseMs: 1_000, maxMs: 20_000 },
      sleep: async (ms) => {
        delays.push(ms);
        if (delays.length === 7) stopped = consumer.stop();
        await new Promise((r) => setImmediate(r));
      },
    });

    consumer.start();
    await until(() => stopped !== undefined);
    await stopped;

    expect(delays).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 20_000, 20_000]);
    expect(lines.filter((l) => l.obj.code === 'RequestThrottled')).toHaveLength(6);
    expect(lines.at(-1)!.obj).toMatchObject({ kind: 'access-denied', permission: 'sqs:ReceiveMessage' });
  });

  it('when short polling finds the queue empty, then the loop pauses between receives instead of spinning', async () => {
    sqsCall('ReceiveMessage', (b) => b.WaitTimeSeconds === 0)
      .times(2)
      .reply(...receiveAnswer([]));
    const delays: number[] = [];
    let stopped: Promise<void> | undefined;
    const { consumer } = setUp({
      waitSeconds: 0,
      idleDelayMs: 1_500,
      sleep: async (ms) => {
        delays.push(ms);
        if (delays.length === 2) stopped = consumer.stop();
      },
    });

    consumer.start();
    await until(() => stopped !== undefined);
    await stopped;
    expect(delays).toEqual([1_500, 1_500]);
  });

  it('when stop() is called while a batch is being handled, then it resolves only after that batch is handled and deleted', async () => {
    const messages = [eventMessage(aRecord(), 'first'), eventMessage(aRecord(), 'second')];
    receive().reply(...receiveAnswer(messages));
    const sent: Array<{ Id: string; ReceiptHandle: string }>[] = [];
    let deleted = false;
    deletion(messages, sent).reply(() => {
      deleted = true;
      return batchAnswer(sent[0]!).slice(0, 2) as [number, string];
    });
    let release!: () => void;
    const blocked = new Promise<void>((r) => (release = r));
    let inHandler = false;
    const { consumer, lines } = setUp({
      handle: async () => {
        inHandler = true;
        await blocked;
        return 'stored';
      },
    });

    consumer.start();
    await until(() => inHandler);
    let stopResolved = false;
    const stopping = consumer.stop().then(() => (stopResolved = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(stopResolved).toBe(false);

    release();
    await stopping;
    expect(deleted).toBe(true);
    // No receive after stop(): a second one would have found no interceptor and been logged.
    expect(lines.filter((l) => l.level === 'error')).toEqual([]);
  });

  it('when stop() is called during a long poll, then the poll is cut short and stop() resolves', async () => {
    receive()
      .delay(5_000)
      .reply(...receiveAnswer([]));
    const { consumer, lines } = setUp();

    consumer.start();
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await consumer.stop();

    expect(Date.now() - started).toBeLessThan(2_000);
    expect(lines).toEqual([]);
  });
});

describe('makeSqsConsumer · checkQueue', () => {
  const attributes = (attrs: Record<string, string>) =>
    sqsCall('GetQueueAttributes', (b) => JSON.stringify(b.AttributeNames) === '["RedrivePolicy"]').reply(
      ...sqsOk({ Attributes: attrs }),
    );
  const DLQ = `arn:aws:sqs:${REGION}:111111111111:cloudsec-events-dlq`;

  it('when the queue has a RedrivePolicy with the configured maxReceiveCount, then nothing is logged', async () => {
    attributes({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ, maxReceiveCount: 5 }) });
    const { consumer, lines } = setUp();
    expect(await consumer.checkQueue()).toEqual({
      ok: true,
      redrive: { deadLetterTargetArn: DLQ, maxReceiveCount: 5 },
    });
    expect(lines).toEqual([]);
  });

  it('when the queue has no RedrivePolicy, then a warning says poison messages would never leave', async () => {
    attributes({});
    const { consumer, lines } = setUp();
    expect(await consumer.checkQueue()).toEqual({ ok: true, redrive: null });
    expect(lines[0]!.msg).toMatch(/no RedrivePolicy.*cloudsec detections pattern --format cloudformation/);
  });

  it("when the queue's maxReceiveCount (sent as text) differs from maxReceives, then a warning names both", async () => {
    attributes({ RedrivePolicy: JSON.stringify({ deadLetterTargetArn: DLQ, maxReceiveCount: '3' }) });
    const { consumer, lines } = setUp();
    expect(await consumer.checkQueue()).toMatchObject({ ok: true, redrive: { maxReceiveCount: 3 } });
    expect(lines[0]!.obj).toMatchObject({ maxReceiveCount: 3, maxReceives: 5 });
  });

  it('when GetQueueAttributes is refused, then the warning names the permission and start() goes on receiving', async () => {
    sqsCall('GetQueueAttributes').reply(...sqsAccessDenied('GetQueueAttributes', '111111111111'));
    let stopped: Promise<void> | undefined;
    // Stopped by the receive itself: a long poll that finds nothing is followed by the next at once,
    // which (with no interceptor left) would fail and go on failing until the test got round to stop().
    receive().reply(() => {
      stopped = consumer.stop();
      return receiveAnswer([]);
    });
    const { consumer, lines } = setUp({ checkQueueOnStart: true });
    consumer.start();
    await until(() => stopped !== undefined);
    await stopped;
    expect(nock.pendingMocks()).toEqual([]);
    expect(lines[0]).toMatchObject({ level: 'warn', obj: { permission: 'sqs:GetQueueAttributes' } });
    // Only that warning: no receive failed after the one answered.
    expect(lines).toHaveLength(1);
  });

  it('when SQS answers an unexpected error, then it is reported by its code', async () => {
    sqsCall('GetQueueAttributes').reply(
      ...sqsError(
        400,
        'com.amazonaws.sqs#QueueDoesNotExist',
        'AWS.SimpleQueueService.NonExistentQueue',
        'The specified queue does not exist.',
      ),
    );
    const { consumer } = setUp();
    expect(await consumer.checkQueue()).toMatchObject({ ok: false, permission: null });
  });
});

/** Waits (in real time, briefly) until `condition` holds. */
const until = async (condition: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
};
