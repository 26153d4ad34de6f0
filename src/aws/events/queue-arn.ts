/**
 * The queue an SQS queue URL names: its account, region and name, and so its ARN, which the bot's
 * IAM policy scopes the queue actions to and the consumer names when AWS refuses a call.
 *
 *   https://sqs.eu-west-1.amazonaws.com/111111111111/cloudsec-events    (current form)
 *   https://eu-west-1.queue.amazonaws.com/111111111111/cloudsec-events  (legacy form)
 *   https://queue.amazonaws.com/111111111111/cloudsec-events            (legacy us-east-1)
 *   http://localhost:4566/000000000000/cloudsec-events                  (an emulator: region unknown)
 */

export interface QueueRef {
  accountId: string;
  /** Null when the host does not say (an emulator or a custom endpoint). */
  region: string | null;
  name: string;
  /** `arn:<partition>:sqs:<region>:<account>:<name>`, with `*` for an unknown region. */
  arn: string;
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

const regionOfHost = (host: string): string | null => {
  if (host === 'queue.amazonaws.com') return 'us-east-1';
  const current = /^sqs\.([a-z0-9-]+)\.(amazonaws\.com(\.cn)?|api\.aws)$/.exec(host);
  const legacy = /^([a-z0-9-]+)\.queue\.amazonaws\.com(\.cn)?$/.exec(host);
  const region = current?.[1] ?? legacy?.[1] ?? null;
  return region !== null && REGION.test(region) ? region : null;
};

const partitionOf = (region: string | null): string => {
  if (region?.startsWith('cn-')) return 'aws-cn';
  if (region?.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
};

/** Null when the URL is not `<scheme>://<host>/<12-digit account>/<queue name>`. */
export const parseQueueUrl = (queueUrl: string): QueueRef | null => {
  let url: URL;
  try {
    url = new URL(queueUrl);
  } catch {
    return null;
  }
  const path = /^\/(\d{12})\/([\w-]{1,80}(\.fifo)?)\/?$/.exec(url.pathname);
  if (!path || (url.protocol !== 'https:' && url.protocol !== 'http:')) return null;
  const [, accountId, name] = path as unknown as [string, string, string];
  const region = regionOfHost(url.hostname);
  return { accountId, region, name, arn: `arn:${partitionOf(region)}:sqs:${region ?? '*'}:${accountId}:${name}` };
};
