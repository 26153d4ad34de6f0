import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectS3 } from '../../../src/aws/collectors/s3';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import {
  bucketEndpoint,
  interceptAccountPublicAccessBlock,
  interceptListBuckets,
  listBucketsXml,
  s3ControlError,
  unconfiguredBucket,
  xmlReply,
  type BucketReplies,
} from '../../fixtures/aws/s3';

/**
 * A bucket's seven settings calls go to the bucket's own host (virtual-hosted S3): in flight
 * together, each would need a TLS connection of its own, used once. They are sent one after
 * another, on one connection; different buckets are still read side by side. Each answer is held
 * 30 ms, so calls sent together overlap however fast the machine is.
 */

const ACCOUNT_ID = '111111111111';
const HOME = 'us-east-1';
const CREATED = '2024-03-05T10:20:30.000Z';
const SUBRESOURCES = ['policyStatus', 'policy', 'publicAccessBlock', 'acl', 'encryption', 'versioning', 'logging'];

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: HOME, maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT_ID,
  }),
  accountId: ACCOUNT_ID,
  partition: 'aws',
  homeRegion: HOME,
  regions: [HOME],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** The bucket's seven reads, each answer held 30 ms; counts how many are in flight at once. */
const slowBucket = (bucket: string, inFlight: { now: number; most: number; all: { now: number; most: number } }) => {
  const replies: BucketReplies = unconfiguredBucket();
  const scope = nock(bucketEndpoint(bucket, HOME));
  for (const sub of SUBRESOURCES) {
    const r = replies[sub as keyof BucketReplies] as { status: number; body: string; contentType: string };
    scope
      .get('/')
      .query({ [sub]: '' })
      .delay(30)
      .reply(r.status, r.body, { 'Content-Type': r.contentType });
  }
  scope.on('request', () => {
    inFlight.now += 1;
    inFlight.all.now += 1;
    inFlight.most = Math.max(inFlight.most, inFlight.now);
    inFlight.all.most = Math.max(inFlight.all.most, inFlight.all.now);
  });
  scope.on('replied', () => {
    inFlight.now -= 1;
    inFlight.all.now -= 1;
  });
  return scope;
};

it("when two buckets are read, then each bucket's calls are sent one at a time while the two buckets are read side by side", async () => {
  const all = { now: 0, most: 0 };
  const first = { now: 0, most: 0, all };
  const second = { now: 0, most: 0, all };
  const scopes = [
    interceptAccountPublicAccessBlock(
      ACCOUNT_ID,
      HOME,
      s3ControlError(
        404,
        'NoSuchPublicAccessBlockConfiguration',
        'The public access block configuration was not found',
        ACCOUNT_ID,
      ),
    ),
    interceptListBuckets(
      HOME,
      xmlReply(
        listBucketsXml([
          { name: 'first-bucket', creationDate: CREATED, region: HOME },
          { name: 'second-bucket', creationDate: CREATED, region: HOME },
        ]),
      ),
    ),
    slowBucket('first-bucket', first),
    slowBucket('second-bucket', second),
  ];

  const slice = await collectS3(context());

  expect(slice.buckets.ok && slice.buckets.value.map((b) => [b.name, b.policy.ok, b.logging.ok])).toEqual([
    ['first-bucket', true, true],
    ['second-bucket', true, true],
  ]);
  expect(first.most).toBe(1);
  expect(second.most).toBe(1);
  expect(all.most).toBe(2);
  for (const scope of scopes) scope.done();
});
