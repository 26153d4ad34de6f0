import type { SNSClient } from '@aws-sdk/client-sns';
import { sdk } from '../sdk';
import type { Command } from '@aws-sdk/types';
import { known, type Fact, type SnsRegion, type SnsTopic } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import { expectXml, type ExpectedXml } from '../expect-xml';
import type { CollectContext } from './context';
import { parsePolicyText } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 * (ListSubscriptionsByTopic, for the alarm topics of the CIS monitoring checks, is the cloudwatch
 * collector's.)
 */
export const SNS_COLLECTOR_PERMISSIONS = {
  ListTopics: 'sns:ListTopics',
  GetTopicAttributes: 'sns:GetTopicAttributes',
} as const satisfies Record<string, string>;

type Operation = keyof typeof SNS_COLLECTOR_PERMISSIONS;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'sns',
  operation,
  permission: SNS_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * SNS speaks query/XML, whose SDK reader takes an HTML page or another document for an answer with no
 * fields ("no topics", "no policy"); each answer's document element is checked on the raw body first.
 */
const EXPECTED: Record<Operation, ExpectedXml> = {
  ListTopics: { root: 'ListTopicsResponse' },
  GetTopicAttributes: { root: 'GetTopicAttributesResponse' },
};

/** A topic deleted between the listing and its attribute call answers NotFound: it is left out. */
const GONE_ERROR = 'NotFoundException';
const GONE = Symbol('gone');

const malformed = (operation: Operation, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered without ${what}`);
};

/** `arn:<partition>:sns:<region>:<account>:<name>`: the name, or null for anything else. */
const topicName = (arn: string): string | null => {
  const parts = arn.split(':');
  return parts.length === 6 && parts[0] === 'arn' && parts[2] === 'sns' && parts[5] !== '' ? parts[5]! : null;
};

/**
 * Collects one region's topics: ListTopics (100 per page, SNS's fixed size), then per topic its
 * access policy (GetTopicAttributes), bounded by the account's fan-out. A refused attribute call
 * leaves that topic unknown; the listing stands.
 */
export const collectSnsRegion = async (ctx: CollectContext, region: string): Promise<SnsRegion> => {
  const client = ctx.clients.sns(region);
  const arns = await attempt(meta('ListTopics', region), () => listTopics(client));
  if (!arns.ok) return { topics: arns };
  const topics = await Promise.all(arns.value.map((t) => ctx.fanOut(() => collectTopic(client, region, t))));
  return { topics: known(topics.filter((t): t is SnsTopic => t !== null)) };
};

/**
 * SNS writes an empty list as an empty `<Topics/>`, which the SDK reads as `[]`; a page without the
 * element, or a member without a topic ARN (which could hide a public topic), is not SNS's answer.
 */
const listTopics = async (client: SNSClient): Promise<{ arn: string; name: string }[]> => {
  const topics: { arn: string; name: string }[] = [];
  const pages = sdk.sns.paginateListTopics(
    {
      client,
      // The paginators type the command they hand over loosely (smithy's PaginationConfiguration).
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      withCommand: (command: Command<any, any, any, any, any>) => expectXml(command, EXPECTED.ListTopics, 'ListTopics'),
    },
    {},
  );
  for await (const page of pages) {
    for (const t of page.Topics ?? malformed('ListTopics', 'its Topics list')) {
      const arn = t.TopicArn ?? malformed('ListTopics', 'the TopicArn of a topic');
      topics.push({ arn, name: topicName(arn) ?? malformed('ListTopics', 'a readable topic ARN') });
    }
  }
  return topics;
};

const collectTopic = async (
  client: SNSClient,
  region: string,
  topic: { arn: string; name: string },
): Promise<SnsTopic | null> => {
  const policy: Fact<unknown> = await attempt<unknown>(
    meta('GetTopicAttributes', region),
    async () => {
      const out = await client.send(
        expectXml(
          new sdk.sns.GetTopicAttributesCommand({ TopicArn: topic.arn }),
          EXPECTED.GetTopicAttributes,
          'GetTopicAttributes',
        ),
      );
      const attributes = out.Attributes ?? malformed('GetTopicAttributes', `the attributes of ${topic.name}`);
      // Every topic has a policy (CreateTopic writes a default one): its absence is not "no policy".
      const text = attributes.Policy ?? malformed('GetTopicAttributes', `the Policy of ${topic.name}`);
      return parsePolicyText(text, 'GetTopicAttributes', `a Policy for ${topic.name}`);
    },
    { [GONE_ERROR]: () => GONE },
  );
  if (policy.ok && policy.value === GONE) return null;
  return { ...topic, policy };
};
