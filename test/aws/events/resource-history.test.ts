import { makeLookupEventsLimiter } from '../../../src/aws/events/rate-limit';
import { lookupResourceHistory, type ResourceHistoryRead } from '../../../src/aws/events/resource-history';
import type { ResourceHistoryAnswer } from '../../../src/app/detections/ports';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import { isCloudsecError } from '../../../src/errors';
import {
  ACCOUNT,
  REGION,
  aRecord,
  clientsOnce,
  ctAccessDenied,
  epochSeconds,
  lookupAnswer,
  lookupEvent,
  lookupEventsCall,
} from './wire';

const NOW = '2026-03-31T12:00:00.000Z';
const BUCKET = 'prod-data';

const history = (options: { days?: number; maxPages?: number } = {}) => {
  const clock = () => new Date(NOW);
  return lookupResourceHistory({
    client: clientsOnce().cloudtrail(REGION),
    accountId: ACCOUNT,
    region: REGION,
    resourceName: BUCKET,
    days: options.days ?? 30,
    clock,
    limiter: makeLookupEventsLimiter({ clock, sleep: async () => {} }),
    ...(options.maxPages === undefined ? {} : { maxPages: options.maxPages }),
  });
};

/** LookupEvents for the bucket over the last `days`, optionally at a page token. */
const forBucket = (days: number, nextToken?: string) =>
  lookupEventsCall(
    (b) =>
      JSON.stringify(b.LookupAttributes) ===
        JSON.stringify([{ AttributeKey: 'ResourceName', AttributeValue: BUCKET }]) &&
      b.StartTime === epochSeconds(NOW) - days * 86_400 &&
      b.EndTime === epochSeconds(NOW) &&
      b.NextToken === nextToken,
  );

const s3Call = (eventName: string, eventTime: string, user: string, overrides: Partial<CloudTrailRecord> = {}) =>
  aRecord({
    eventSource: 's3.amazonaws.com',
    eventName,
    eventTime,
    readOnly: /^(Get|List|Head)/.test(eventName),
    sourceIPAddress: user === 'alice' ? '198.51.100.1' : '203.0.113.9',
    userIdentity: { type: 'IAMUser', arn: `arn:aws:iam::${ACCOUNT}:user/${user}`, accountId: ACCOUNT, userName: user },
    requestParameters: { bucketName: BUCKET },
    ...overrides,
  });

const asEvent = (r: CloudTrailRecord) => lookupEvent(r, [{ ResourceType: 'AWS::S3::Bucket', ResourceName: BUCKET }]);

describe('lookupResourceHistory', () => {
  it('when the history is read whole, then the writes come newest first with who and from where, and the creating call is marked', async () => {
    const created = s3Call('CreateBucket', '2026-03-10T09:00:00Z', 'alice');
    const read = s3Call('GetBucketPolicy', '2026-03-20T09:00:00Z', 'bob');
    const refused = s3Call('DeleteBucketPolicy', '2026-03-21T09:00:00Z', 'bob', { errorCode: 'AccessDenied' });
    const policy = s3Call('PutBucketPolicy', '2026-03-25T09:00:00Z', 'bob');
    forBucket(30).reply(...lookupAnswer([policy, refused, read, created].map(asEvent)));

    const answer = await history();

    expect(answer.complete).toBe(true);
    expect(answer.changes.map((c) => [c.eventName, c.actor.label, c.sourceIp, c.errorCode, c.created])).toEqual([
      ['PutBucketPolicy', 'bob', '203.0.113.9', null, false],
      ['DeleteBucketPolicy', 'bob', '203.0.113.9', 'AccessDenied', false],
      ['CreateBucket', 'alice', '198.51.100.1', null, true],
    ]);
    expect(answer.changes[2]).toMatchObject({
      eventId: created.eventID,
      eventTime: created.eventTime,
      eventSource: 's3.amazonaws.com',
    });
  });

  it('when a record does not say whether it was read-only, then its name decides, and an unlabelled write is kept', async () => {
    const unlabelled = (name: string) => ({
      ...asEvent(s3Call(name, '2026-03-22T09:00:00Z', 'bob', { readOnly: undefined })),
      ReadOnly: undefined,
    });
    forBucket(30).reply(
      ...lookupAnswer([unlabelled('HeadBucket'), unlabelled('PutBucketTagging'), unlabelled('ListObjects')]),
    );
    expect((await history()).changes.map((c) => c.eventName)).toEqual(['PutBucketTagging']);
  });

  it('when a resource was deleted and made again, then the later creation is the one marked', async () => {
    const first = s3Call('CreateBucket', '2026-03-02T09:00:00Z', 'alice');
    const deleted = s3Call('DeleteBucket', '2026-03-05T09:00:00Z', 'alice');
    const again = s3Call('CreateBucket', '2026-03-06T09:00:00Z', 'bob');
    forBucket(30).reply(...lookupAnswer([again, deleted, first].map(asEvent)));
    const answer = await history();
    expect(answer.changes.filter((c) => c.created).map((c) => c.eventId)).toEqual([again.eventID]);
  });

  it('when a later page fails, then the answer says it is incomplete and why, and keeps what was read', async () => {
    const policy = s3Call('PutBucketPolicy', '2026-03-25T09:00:00Z', 'bob');
    forBucket(30).reply(...lookupAnswer([asEvent(policy)], 'page-2'));
    forBucket(30, 'page-2').reply(...ctAccessDenied());

    const answer = await history();

    expect(answer).toMatchObject({ complete: false, pages: 1 });
    expect(answer.reason).toMatch(
      /page 2 \(AccessDeniedException: grant cloudtrail:LookupEvents\).*older changes were not read/,
    );
    expect(answer.changes.map((c) => c.eventId)).toEqual([policy.eventID]);
  });

  it('when the page limit is reached, then the answer is incomplete, and a Put call is not taken for the creation', async () => {
    const policy = s3Call('PutBucketPolicy', '2026-03-25T09:00:00Z', 'bob');
    forBucket(30).reply(...lookupAnswer([asEvent(policy)], 'page-2'));

    const answer = await history({ maxPages: 1 });

    expect(answer).toMatchObject({ complete: false });
    expect(answer.reason).toMatch(/stopped after 1 page \(50 events at most\); older changes were not read/);
    expect(answer.changes.map((c) => c.created)).toEqual([false]);
  });

  it('when the whole history has only Put calls, then the oldest is marked as the creation', async () => {
    const [put1, put2] = [
      s3Call('PutBucketPolicy', '2026-03-02T09:00:00Z', 'alice'),
      s3Call('PutBucketPolicy', '2026-03-04T09:00:00Z', 'bob'),
    ];
    forBucket(30).reply(...lookupAnswer([put2, put1].map(asEvent)));
    expect((await history()).changes.map((c) => c.created)).toEqual([false, true]);
  });

  it('when an event cannot be read, then the answer is incomplete and says how many', async () => {
    const broken = { ...asEvent(s3Call('PutBucketAcl', '2026-03-25T09:00:00Z', 'bob')), CloudTrailEvent: 'not json' };
    forBucket(30).reply(...lookupAnswer([broken]));
    expect(await history()).toMatchObject({ complete: false, reason: '1 event could not be read', changes: [] });
  });

  it.each([0, 91, 1.5])('when %p days are asked, then it refuses: event history keeps 90 days', async (days) => {
    const failure = await history({ days }).catch((err: unknown) => err);
    expect(isCloudsecError(failure) && failure.code).toBe('usage');
  });

  it('when the use case reads the answer, then it fits the ResourceHistory port', async () => {
    forBucket(90).reply(...lookupAnswer([]));
    const answer: ResourceHistoryRead = await history({ days: 90 });
    const port: ResourceHistoryAnswer = answer;
    expect(port).toEqual({ changes: [], complete: true, pages: 1 });
  });
});
