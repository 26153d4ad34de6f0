import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { AccountAccess, ClientFactory } from '../clients';
import { parseQueueUrl } from './queue-arn';

/**
 * The live lane's SDK clients, from the same factory as every other call (src/aws/clients.ts): the
 * SDK's own resolution of AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL(_SQS / _CLOUDTRAIL) and the
 * default credential chain, adaptive retries, connection and request timeouts, and the answer guard.
 */

/**
 * The client for the bot's own queue, in the queue's region (from its URL; the home region for an
 * emulator's URL). The queue is read with the bot's own credentials (`home`, no role). Without an
 * AWS_ENDPOINT_URL the SDK sends each call to the queue URL's host.
 *
 * The factory's request timeout (30 s by default) must stay above the long poll's wait (20 s at most).
 */
export const sqsClientForQueue = (
  clients: ClientFactory,
  home: AccountAccess,
  queueUrl: string,
  homeRegion: string,
): SQSClient => clients(home).sqs(parseQueueUrl(queueUrl)?.region ?? homeRegion);

/** LookupEvents clients per account and region, through each account's access (its role, if any). */
export const cloudTrailClientsFor =
  (clients: ClientFactory, accessFor: (accountId: string) => AccountAccess) =>
  (accountId: string, region: string): CloudTrailClient =>
    clients(accessFor(accountId)).cloudtrail(region);
