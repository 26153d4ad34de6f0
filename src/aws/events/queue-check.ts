import type { SQSClient } from '@aws-sdk/client-sqs';
import { sdk } from '../sdk';
import { z } from 'zod';
import { classifyError, errorDetail, errorName, MalformedAnswerError } from '../errors';
import { SQS_CONSUMER_PERMISSIONS } from './permissions';
import type { EventsLogger } from './types';

/**
 * Whether the live lane's queue sends poison messages somewhere: its RedrivePolicy attribute,
 * `{"deadLetterTargetArn":"arn:aws:sqs:…","maxReceiveCount":5}` (SQS API reference,
 * GetQueueAttributes; maxReceiveCount may come as a number or as text). Without one, a message that
 * can never be handled comes back until the queue's retention period ends.
 */

export type QueueCheck =
  | { ok: true; redrive: { deadLetterTargetArn: string; maxReceiveCount: number } | null }
  | { ok: false; code: string; permission: string | null; message: string };

const AnswerSchema = z.object({ Attributes: z.record(z.string(), z.string()).optional() }).loose();
const RedriveSchema = z
  .object({ deadLetterTargetArn: z.string().min(1), maxReceiveCount: z.coerce.number().int().positive() })
  .loose();

const readRedrive = (text: string | undefined) => {
  if (text === undefined || text === '') return null;
  try {
    const parsed = RedriveSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
};

export const checkQueueRedrive = async (deps: {
  client: SQSClient;
  queueUrl: string;
  queueArn: string;
  maxReceives: number;
  log: EventsLogger;
}): Promise<QueueCheck> => {
  const where = { queue: deps.queueArn };
  let attributes: Record<string, string>;
  try {
    const answer = AnswerSchema.safeParse(
      await deps.client.send(
        new sdk.sqs.GetQueueAttributesCommand({ QueueUrl: deps.queueUrl, AttributeNames: ['RedrivePolicy'] }),
      ),
    );
    if (!answer.success) throw new MalformedAnswerError('GetQueueAttributes answered without a readable Attributes');
    attributes = answer.data.Attributes ?? {};
  } catch (err) {
    const code = errorName(err);
    const permission = classifyError(code) === 'access-denied' ? SQS_CONSUMER_PERMISSIONS.GetQueueAttributes : null;
    const message = errorDetail(err);
    deps.log.warn(
      { ...where, code, permission },
      `could not read the queue's RedrivePolicy${permission ? ` (grant ${permission} on ${deps.queueArn})` : ''}: ${message}`,
    );
    return { ok: false, code, permission, message };
  }
  const redrive = readRedrive(attributes.RedrivePolicy);
  if (redrive === undefined) {
    deps.log.warn(
      where,
      "the queue's RedrivePolicy could not be read: poison messages may never reach a dead-letter queue",
    );
    return { ok: true, redrive: null };
  }
  if (redrive === null) {
    deps.log.warn(
      where,
      'the queue has no RedrivePolicy: a message that cannot be handled comes back until its retention period ends. ' +
        'Give it a dead-letter queue (`cloudsec detections pattern --format cloudformation` creates the queue with one)',
    );
    return { ok: true, redrive: null };
  }
  if (redrive.maxReceiveCount !== deps.maxReceives)
    deps.log.warn(
      { ...where, maxReceiveCount: redrive.maxReceiveCount, maxReceives: deps.maxReceives },
      "the queue's maxReceiveCount differs from detections.sources.sqs.maxReceives: the dead-letter warnings will come at the wrong receive",
    );
  return {
    ok: true,
    redrive: { deadLetterTargetArn: redrive.deadLetterTargetArn, maxReceiveCount: redrive.maxReceiveCount },
  };
};
