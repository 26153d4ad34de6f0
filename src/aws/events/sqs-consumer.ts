import type { SQSClient } from '@aws-sdk/client-sqs';
import { sdk } from '../sdk';
import { z } from 'zod';
import { describeIssues } from '../collectors/json-answer';
import { classifyError, errorDetail, errorName, MalformedAnswerError } from '../errors';
import { backoffDelay, type Backoff } from './backoff';
import { parseQueueMessage } from './eventbridge-envelope';
import { SQS_CONSUMER_PERMISSIONS } from './permissions';
import { parseQueueUrl } from './queue-arn';
import { checkQueueRedrive, type QueueCheck } from './queue-check';
import type { EventsLogger, HandleOutcome, RecordHandler, Sleep } from './types';

/**
 * The SQS lane: long-polls the queue an EventBridge rule fills with CloudTrail events and hands each
 * record to the ingest pipeline. A message is deleted only once its handler resolved, i.e. after
 * the alert it made is stored (or it was a duplicate, or nothing matched): a crash between the two
 * redelivers it, and the store's claim on its eventID makes the second delivery a duplicate.
 *
 * A message whose handler throws stays on the queue: it comes back after its visibility timeout,
 * which grows with each receive so a passing outage does not use up the receives at once. A message
 * that cannot be read (poison) stays too, logged with its id and receive count; once it has been
 * received `maxReceives` times the queue's RedrivePolicy moves it to the dead-letter queue. The queue
 * must have one (`cloudsec detections pattern --format cloudformation` creates it so; `checkQueue`
 * warns when it is missing), or a poison message comes back until the retention period ends.
 *
 * A failing ReceiveMessage (throttling, network, AccessDenied) never stops the loop: it waits,
 * longer after each failure in a row up to a bound, and tries again.
 */

export interface SqsConsumerDeps {
  client: SQSClient;
  queueUrl: string;
  /** ReceiveMessage WaitTimeSeconds (0–20): long polling, so an idle queue costs one call per wait. */
  waitSeconds: number;
  visibilityTimeoutSeconds: number;
  /** The queue's redrive maxReceiveCount: a message received this often goes to the dead-letter queue. */
  maxReceives: number;
  handle: RecordHandler;
  log: EventsLogger;
  sleep: Sleep;
  /** After failed receives in a row; 1 s doubling up to 60 s by default. */
  receiveBackoff?: Backoff;
  /** With short polling (waitSeconds 0), the pause after an empty receive, so the loop never spins. */
  idleDelayMs?: number;
  /** start() first checks the queue's RedrivePolicy (GetQueueAttributes); true by default. */
  checkQueueOnStart?: boolean;
}

export interface ReceiveFailure {
  code: string;
  kind: ReturnType<typeof classifyError>;
  message: string;
  /** The IAM action to grant when AWS refused the call. */
  permission: string | null;
}

export interface BatchResult {
  received: number;
  outcomes: Record<HandleOutcome, number>;
  /** Handlers that threw: left on the queue. */
  failed: number;
  /** Messages that could not be read: left on the queue for the dead-letter queue. */
  poison: number;
  deleted: number;
  /** Deletions SQS refused or that were never confirmed: those messages come back as duplicates. */
  notDeleted: number;
  receiveError?: ReceiveFailure;
  /** The receive was cut short by stop(). */
  aborted?: boolean;
}

export interface SqsConsumer {
  pollOnce(signal?: AbortSignal): Promise<BatchResult>;
  checkQueue(): Promise<QueueCheck>;
  start(): void;
  /** Ends the loop; resolves once the batch in hand is handled and deleted. */
  stop(): Promise<void>;
}

/** ReceiveMessage's most messages per call. */
const MAX_BATCH = 10;
/** SQS's longest visibility timeout (12 hours). */
const MAX_VISIBILITY_SECONDS = 43_200;

// The SDK reads answers without checking their types: held to the API reference's shape first. An
// empty receive is `{}` (SQS leaves the empty list out).
const ReceiveAnswerSchema = z
  .object({
    Messages: z
      .array(
        z
          .object({
            MessageId: z.string().optional(),
            ReceiptHandle: z.string().optional(),
            Body: z.string().optional(),
            Attributes: z.record(z.string(), z.string()).optional(),
          })
          .loose(),
      )
      .optional(),
  })
  .loose();
const DeleteAnswerSchema = z
  .object({
    Successful: z.array(z.object({ Id: z.string() }).loose()).optional(),
    Failed: z
      .array(z.object({ Id: z.string(), Code: z.string().optional(), SenderFault: z.boolean().optional() }).loose())
      .optional(),
  })
  .loose();

const receiveCountOf = (attributes: Record<string, string> | undefined): number | null => {
  const text = attributes?.ApproximateReceiveCount;
  const n = text === undefined ? NaN : Number(text);
  return Number.isInteger(n) && n > 0 ? n : null;
};

const isAbort = (err: unknown, signal: AbortSignal | undefined) =>
  signal?.aborted === true || (err as { name?: unknown } | null)?.name === 'AbortError';

export const makeSqsConsumer = (deps: SqsConsumerDeps): SqsConsumer => {
  const queueArn = parseQueueUrl(deps.queueUrl)?.arn ?? deps.queueUrl;
  const receiveBackoff = deps.receiveBackoff ?? { baseMs: 1_000, maxMs: 60_000 };
  const idleDelayMs = deps.idleDelayMs ?? 1_000;
  const where = { queue: queueArn };

  const failureOf = (err: unknown, permission: string): ReceiveFailure => {
    const code = errorName(err);
    const kind = classifyError(code);
    return { code, kind, message: errorDetail(err), permission: kind === 'access-denied' ? permission : null };
  };

  /** A queue encrypted with a customer managed key also needs kms:Decrypt on that key to receive. */
  const hintFor = (failure: ReceiveFailure): string =>
    failure.permission
      ? `: grant ${failure.permission} on ${queueArn}`
      : /^K[Mm][Ss]/.test(failure.code)
        ? ": the queue's KMS key must allow kms:Decrypt to cloudsec"
        : '';

  const deleteHandled = async (entries: Array<{ Id: string; ReceiptHandle: string; MessageId: string }>) => {
    if (entries.length === 0) return { deleted: 0, notDeleted: 0 };
    const byId = new Map(entries.map((e) => [e.Id, e.MessageId]));
    try {
      const raw = await deps.client.send(
        new sdk.sqs.DeleteMessageBatchCommand({
          QueueUrl: deps.queueUrl,
          Entries: entries.map(({ Id, ReceiptHandle }) => ({ Id, ReceiptHandle })),
        }),
      );
      const answer = DeleteAnswerSchema.safeParse(raw);
      if (!answer.success)
        throw new MalformedAnswerError(
          `DeleteMessageBatch answered without a readable ${describeIssues(answer.error)}`,
        );
      const ok = new Set((answer.data.Successful ?? []).map((s) => s.Id));
      // Not retried here: the message comes back after its visibility timeout, and its eventID is
      // already claimed, so the handler calls it a duplicate and the next deletion tries again.
      for (const f of answer.data.Failed ?? [])
        deps.log.warn(
          { ...where, messageId: byId.get(f.Id) ?? null, code: f.Code ?? null, senderFault: f.SenderFault ?? null },
          'SQS did not delete a handled message: it will come back and be recognised as a duplicate',
        );
      const unconfirmed = entries.filter(
        (e) => !ok.has(e.Id) && !(answer.data.Failed ?? []).some((f) => f.Id === e.Id),
      );
      if (unconfirmed.length > 0)
        deps.log.warn(
          { ...where, messageIds: unconfirmed.map((e) => e.MessageId) },
          'DeleteMessageBatch neither confirmed nor refused some messages: they may come back as duplicates',
        );
      return { deleted: ok.size, notDeleted: entries.length - ok.size };
    } catch (err) {
      const failure = failureOf(err, SQS_CONSUMER_PERMISSIONS.DeleteMessageBatch);
      deps.log.error(
        { ...where, code: failure.code, permission: failure.permission, messageIds: entries.map((e) => e.MessageId) },
        `DeleteMessageBatch failed${hintFor(failure)}: the handled messages will come back as duplicates`,
      );
      return { deleted: 0, notDeleted: entries.length };
    }
  };

  /**
   * Each receive of a message that failed hides it longer (the timeout doubled per receive, up to
   * SQS's 12 hours), so the receives before the dead-letter queue span minutes, not one timeout.
   */
  const delayRetries = async (
    failed: Array<{ Id: string; ReceiptHandle: string; MessageId: string; receiveCount: number | null }>,
  ) => {
    const later = failed
      .filter((f) => f.receiveCount !== null && f.receiveCount >= 2 && f.receiveCount < deps.maxReceives)
      .map((f) => ({
        Id: f.Id,
        ReceiptHandle: f.ReceiptHandle,
        VisibilityTimeout: Math.min(
          MAX_VISIBILITY_SECONDS,
          deps.visibilityTimeoutSeconds * 2 ** Math.min(f.receiveCount! - 1, 20),
        ),
      }));
    if (later.length === 0) return;
    try {
      await deps.client.send(
        new sdk.sqs.ChangeMessageVisibilityBatchCommand({ QueueUrl: deps.queueUrl, Entries: later }),
      );
    } catch (err) {
      // Not fatal: the message comes back after the timeout it was received with.
      const failure = failureOf(err, SQS_CONSUMER_PERMISSIONS.ChangeMessageVisibilityBatch);
      deps.log.warn(
        { ...where, code: failure.code, permission: failure.permission },
        `ChangeMessageVisibilityBatch failed${hintFor(failure)}`,
      );
    }
  };

  const pollOnce = async (signal?: AbortSignal): Promise<BatchResult> => {
    const result: BatchResult = {
      received: 0,
      outcomes: { stored: 0, duplicate: 0, ignored: 0 },
      failed: 0,
      poison: 0,
      deleted: 0,
      notDeleted: 0,
    };
    let messages: NonNullable<z.infer<typeof ReceiveAnswerSchema>['Messages']>;
    try {
      const raw = await deps.client.send(
        new sdk.sqs.ReceiveMessageCommand({
          QueueUrl: deps.queueUrl,
          MaxNumberOfMessages: MAX_BATCH,
          WaitTimeSeconds: deps.waitSeconds,
          VisibilityTimeout: deps.visibilityTimeoutSeconds,
          MessageSystemAttributeNames: ['ApproximateReceiveCount'],
        }),
        signal ? { abortSignal: signal } : {},
      );
      const answer = ReceiveAnswerSchema.safeParse(raw);
      if (!answer.success)
        throw new MalformedAnswerError(`ReceiveMessage answered without a readable ${describeIssues(answer.error)}`);
      messages = answer.data.Messages ?? [];
    } catch (err) {
      if (isAbort(err, signal)) return { ...result, aborted: true };
      result.receiveError = failureOf(err, SQS_CONSUMER_PERMISSIONS.ReceiveMessage);
      const { code, kind, permission } = result.receiveError;
      deps.log.error(
        { ...where, code, kind, permission },
        `ReceiveMessage failed${hintFor(result.receiveError)}: ${result.receiveError.message}`,
      );
      return result;
    }

    result.received = messages.length;
    const handled: Array<{ Id: string; ReceiptHandle: string; MessageId: string }> = [];
    const failed: Array<{ Id: string; ReceiptHandle: string; MessageId: string; receiveCount: number | null }> = [];
    // The batch's messages are handled side by side: a card post waits on Slack (tens of ms), and one
    // at a time a batch of 10 would cap a receive loop near 20 records a second. A standard queue
    // promises no order anyway; each record's claim and alert are atomic in the store.
    const handleOne = async (message: (typeof messages)[number], index: number): Promise<void> => {
      const messageId = message.MessageId ?? '(no MessageId)';
      const receiveCount = receiveCountOf(message.Attributes);
      const toDlq = receiveCount !== null && receiveCount >= deps.maxReceives;
      const context = { ...where, messageId, receiveCount, maxReceives: deps.maxReceives };
      const parsed = parseQueueMessage(message.Body);
      if (!parsed.ok) {
        result.poison += 1;
        if (toDlq)
          deps.log.error(
            context,
            `unreadable message (${parsed.reason}) received ${receiveCount} times: the queue's RedrivePolicy moves it to the dead-letter queue`,
          );
        else
          deps.log.warn(context, `unreadable message (${parsed.reason}): left on the queue for the dead-letter queue`);
        return;
      }
      try {
        const outcome = await deps.handle(parsed.record, {
          source: 'sqs',
          messageId,
          receiveCount,
          envelope: parsed.envelope,
        });
        result.outcomes[outcome] += 1;
        if (message.ReceiptHandle)
          handled.push({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle, MessageId: messageId });
        else deps.log.error(context, 'handled a message SQS sent without a ReceiptHandle: it cannot be deleted');
      } catch (err) {
        result.failed += 1;
        const code = errorName(err);
        // Called as methods: pino's need their `this`.
        const details = { ...context, eventId: parsed.record.eventID, code };
        if (toDlq)
          deps.log.error(
            details,
            "handling failed on the last receive: the queue's RedrivePolicy moves it to the dead-letter queue",
          );
        else
          deps.log.warn(
            details,
            'handling failed: the message stays on the queue and comes back after its visibility timeout',
          );
        if (message.ReceiptHandle)
          failed.push({ Id: `m${index}`, ReceiptHandle: message.ReceiptHandle, MessageId: messageId, receiveCount });
      }
    };
    await Promise.all(messages.map((message, index) => handleOne(message, index)));
    const deletion = await deleteHandled(handled);
    result.deleted = deletion.deleted;
    result.notDeleted = deletion.notDeleted;
    await delayRetries(failed);
    return result;
  };

  const checkQueue = () => checkQueueRedrive({ ...deps, queueArn });

  let loop: Promise<void> | null = null;
  let stopping = false;
  let abort = new AbortController();
  let wake: () => void = () => {};

  /** Waits `ms`, or less when stop() is called meanwhile. */
  const pause = (ms: number) => Promise.race([deps.sleep(ms), new Promise<void>((resolve) => (wake = resolve))]);

  const run = async () => {
    if (deps.checkQueueOnStart ?? true) await checkQueue();
    let failures = 0;
    while (!stopping) {
      let batch: BatchResult;
      try {
        batch = await pollOnce(abort.signal);
      } catch (err) {
        // pollOnce turns AWS failures into data; anything else is a bug, which must not end the lane.
        deps.log.error({ ...where, code: errorName(err) }, `the SQS consumer failed unexpectedly: ${errorDetail(err)}`);
        batch = {
          received: 0,
          outcomes: { stored: 0, duplicate: 0, ignored: 0 },
          failed: 0,
          poison: 0,
          deleted: 0,
          notDeleted: 0,
          receiveError: failureOf(err, SQS_CONSUMER_PERMISSIONS.ReceiveMessage),
        };
      }
      if (stopping) break;
      if (batch.receiveError) {
        failures += 1;
        await pause(backoffDelay(failures, receiveBackoff));
      } else {
        failures = 0;
        if (batch.received === 0 && deps.waitSeconds === 0) await pause(idleDelayMs);
      }
    }
  };

  return {
    pollOnce,
    checkQueue,
    start: () => {
      if (loop) return;
      stopping = false;
      abort = new AbortController();
      loop = run().finally(() => {
        loop = null;
      });
    },
    stop: async () => {
      stopping = true;
      // Cuts a long poll short; a batch already received is handled and deleted before the loop ends.
      abort.abort();
      wake();
      await loop;
    },
  };
};
