import type { SQSClient } from '@aws-sdk/client-sqs';
import { sdk } from '../sdk';
import type {
  DeserializeHandler,
  DeserializeHandlerArguments,
  DeserializeHandlerOutput,
  MiddlewareStack,
} from '@aws-sdk/types';
import { z } from 'zod';
import { known, type SqsQueue, type SqsQueueAttributes, type SqsRegion } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';
import { parsePolicyText, readAnswer } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const SQS_COLLECTOR_PERMISSIONS = {
  ListQueues: 'sqs:ListQueues',
  GetQueueAttributes: 'sqs:GetQueueAttributes',
} as const satisfies Record<string, string>;

type Operation = keyof typeof SQS_COLLECTOR_PERMISSIONS;

/** ListQueues' MaxResults is 1–1000; with it set, SQS pages with NextToken instead of stopping at 1000. */
const PAGE_SIZE = 1000;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'sqs',
  operation,
  permission: SQS_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * SQS speaks JSON 1.0 (query-compatible). A queue deleted between the listing and its attribute call
 * answers QueueDoesNotExist (`x-amzn-query-error: AWS.SimpleQueueService.NonExistentQueue`): it no
 * longer exists to judge, so it is left out.
 */
const GONE_ERROR = 'QueueDoesNotExist';
const GONE = Symbol('gone');

// ---------------------------------------------------------------- answers that are not SQS's

/**
 * SQS leaves `QueueUrls` out of a ListQueues answer when there are no queues, so an answer without
 * the list is "no queues" — but only when it is a JSON object: the SDK reads an empty body as `{}`,
 * which would turn a proxy's empty 200 into "no queues". The raw body is checked before the SDK
 * reads it. Messages describe the answer, never quote it.
 */
const bytesOf = async (body: unknown): Promise<Uint8Array> => {
  if (body === undefined || body === null) return new Uint8Array();
  if (body instanceof Uint8Array) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (typeof body === 'object' && Symbol.asyncIterator in body) {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  throw new MalformedAnswerError('the answer body could not be read');
};

const isJsonObject = (text: string): boolean => {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value);
  } catch {
    return false;
  }
};

const expectJsonObject = <I extends object, O extends object, C extends { middlewareStack: MiddlewareStack<I, O> }>(
  command: C & { middlewareStack: MiddlewareStack<I, O> },
  operation: Operation,
): C => {
  command.middlewareStack.addRelativeTo(
    (next: DeserializeHandler<I, O>) =>
      async (args: DeserializeHandlerArguments<I>): Promise<DeserializeHandlerOutput<O>> => {
        const result = await next(args);
        const response = result.response as { statusCode?: unknown; body?: unknown };
        if (typeof response.statusCode !== 'number' || response.statusCode < 200 || response.statusCode >= 300)
          return result;
        const bytes = await bytesOf(response.body);
        // The SDK reads the body after this middleware: hand it the bytes that were consumed here.
        response.body = bytes;
        const text = Buffer.from(bytes).toString('utf8');
        if (!isJsonObject(text))
          throw new MalformedAnswerError(
            `${operation} answered ${text.trim() === '' ? 'an empty body' : 'a body that is not a JSON object'}`,
          );
        return result;
      },
    { relation: 'after', toMiddleware: 'deserializerMiddleware', name: 'cloudsecExpectJsonObject', override: true },
  );
  return command;
};

/** The SDK passes JSON values through unchecked: each answer is held to the API reference here. */
const ListQueuesPage = z.object({ QueueUrls: z.array(z.string().min(1)).optional() });
const AttributesAnswer = z.object({
  Attributes: z.object({ QueueArn: z.string().min(1), Policy: z.string().optional() }),
});

/** `https://sqs.<region>.amazonaws.com/<account>/<name>` (legacy hosts too): the account and the name. */
const QUEUE_PATH = /^\/(\d{12})\/([A-Za-z0-9_-]{1,80}(?:\.fifo)?)$/;
const parseQueueUrl = (url: string): { accountId: string; name: string } => {
  const match = URL.canParse(url) ? QUEUE_PATH.exec(new URL(url).pathname) : null;
  if (!match) throw new MalformedAnswerError('ListQueues answered a queue URL that is not an SQS queue URL');
  return { accountId: match[1]!, name: match[2]! };
};

// ---------------------------------------------------------------- collection

/**
 * Collects one region's queues: ListQueues (a page per 1,000 queues), then per queue its ARN and
 * access policy (GetQueueAttributes), bounded by the account's fan-out. A refused attribute call
 * leaves that queue unknown; the listing stands.
 */
export const collectSqsRegion = async (ctx: CollectContext, region: string): Promise<SqsRegion> => {
  const client = ctx.clients.sqs(region);
  const urls = await attempt(meta('ListQueues', region), () => listQueueUrls(client));
  if (!urls.ok) return { queues: urls };
  const queues = await Promise.all(urls.value.map((q) => ctx.fanOut(() => collectQueue(client, region, q))));
  return { queues: known(queues.filter((q): q is SqsQueue => q !== null)) };
};

interface Listed {
  url: string;
  accountId: string;
  name: string;
}

/** A URL that is not a queue URL cannot be named in a finding: the listing as a whole is unreadable. */
const listQueueUrls = async (client: SQSClient): Promise<Listed[]> => {
  const urls: Listed[] = [];
  const pages = sdk.sqs.paginateListQueues(
    {
      client,
      pageSize: PAGE_SIZE,
      // The paginators type the command they hand over loosely (smithy's PaginationConfiguration).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      withCommand: (command: any) => expectJsonObject(command, 'ListQueues'),
    },
    {},
  );
  for await (const page of pages)
    for (const url of readAnswer(ListQueuesPage, page, 'ListQueues').QueueUrls ?? [])
      urls.push({ url, ...parseQueueUrl(url) });
  return urls;
};

const collectQueue = async (client: SQSClient, region: string, listed: Listed): Promise<SqsQueue | null> => {
  const { url, name } = listed;
  const attributes = await attempt<SqsQueueAttributes | typeof GONE>(
    meta('GetQueueAttributes', region),
    async () => {
      const out = await client.send(
        expectJsonObject(
          new sdk.sqs.GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['Policy', 'QueueArn'] }),
          'GetQueueAttributes',
        ),
      );
      const { QueueArn, Policy } = readAnswer(AttributesAnswer, out, 'GetQueueAttributes').Attributes;
      // SQS leaves Policy out when the queue has none.
      return {
        arn: QueueArn,
        policy: Policy === undefined ? null : parsePolicyText(Policy, 'GetQueueAttributes', `a Policy for ${name}`),
      };
    },
    { [GONE_ERROR]: () => GONE },
  );
  if (attributes.ok && attributes.value === GONE) return null;
  return { ...listed, attributes: attributes as SqsQueue['attributes'] };
};
