import { makeClientFactory } from '../../../src/aws/clients';
import { collectCloudTrail } from '../../../src/aws/collectors/cloudtrail';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { CloudTrailSliceSchema, type Trail } from '../../../src/core/model';
import {
  CT_ACCOUNT_ID,
  advancedSelector,
  basicSelector,
  cloudTrailCall,
  cloudTrailEndpoint,
  cloudWatchLogGroupArn,
  ctOk,
  eventSelectorsJson,
  trailArn,
  trailJson,
  trailStatusJson,
  trailWithLogGroupJson,
  type FieldSelector,
  type TrailFixture,
} from '../../fixtures/aws/cloudtrail';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';

/** What the CloudTrail collector adds for CIS 3.8/3.9 and section 4, from the calls it already makes. */

const HOME = 'us-east-1';
const MAIN: TrailFixture = { name: 'main', homeRegion: HOME, isMultiRegion: true };

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: HOME, maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: CT_ACCOUNT_ID,
  }),
  accountId: CT_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: HOME,
  regions: [HOME],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** One trail listed as `listed`, logging, with these selectors; returns the collected trail. */
const collectTrail = async (listed: object, selectors: object): Promise<Trail> => {
  const api = cloudTrailEndpoint(HOME);
  cloudTrailCall(api, 'DescribeTrails').reply(...ctOk({ trailList: [listed] }));
  cloudTrailCall(api, 'GetTrailStatus').reply(...ctOk(trailStatusJson(true)));
  cloudTrailCall(api, 'GetEventSelectors').reply(...ctOk(selectors));
  const slice = CloudTrailSliceSchema.parse(await collectCloudTrail(makeContext()));
  if (!slice.trails.ok || !slice.trails.value[0]) throw new Error(`no trail: ${JSON.stringify(slice.trails)}`);
  return slice.trails.value[0];
};

const ALL_MANAGEMENT = eventSelectorsJson(trailArn(MAIN), { basic: [basicSelector('All')] });
const s3DataEventsOf = async (selectors: Parameters<typeof eventSelectorsJson>[1]) => {
  const trail = await collectTrail(trailJson(MAIN), eventSelectorsJson(trailArn(MAIN), selectors));
  if (!trail.eventSelectors.ok) throw new Error(`selectors unknown: ${JSON.stringify(trail.eventSelectors)}`);
  return trail.eventSelectors.value.s3DataEvents;
};

const dataSelector = (readWriteType: 'All' | 'ReadOnly' | 'WriteOnly', type: string, values: string[]) => ({
  ...basicSelector(readWriteType, false),
  DataResources: [{ Type: type, Values: values }],
});
const S3_DATA: FieldSelector[] = [
  { Field: 'eventCategory', Equals: ['Data'] },
  { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
];

describe('collectCloudTrail: the CloudWatch Logs log group', () => {
  it('when DescribeTrails names a log group, then the trail carries its ARN', async () => {
    const arn = cloudWatchLogGroupArn('aws-cloudtrail-logs-main');
    const trail = await collectTrail(trailWithLogGroupJson(MAIN, arn), ALL_MANAGEMENT);
    expect(trail.cloudWatchLogsLogGroupArn).toBe(arn);
  });

  it('when DescribeTrails names none (the member is absent), then the trail reads null: it delivers to none', async () => {
    const trail = await collectTrail(trailJson(MAIN), ALL_MANAGEMENT);
    expect(trail.cloudWatchLogsLogGroupArn).toBeNull();
  });
});

describe('collectCloudTrail: S3 object-level (data) events of every bucket', () => {
  it.each<[string, Parameters<typeof eventSelectorsJson>[1], { read: boolean; write: boolean }]>([
    ['management events only', { basic: [basicSelector('All')] }, { read: false, write: false }],
    [
      'a basic selector on arn:aws:s3, all events',
      { basic: [basicSelector('All'), dataSelector('All', 'AWS::S3::Object', ['arn:aws:s3'])] },
      { read: true, write: true },
    ],
    [
      'a basic selector on arn:aws:s3::: (older console), write only',
      { basic: [dataSelector('WriteOnly', 'AWS::S3::Object', ['arn:aws:s3:::'])] },
      { read: false, write: true },
    ],
    [
      'a basic selector on one bucket',
      { basic: [dataSelector('All', 'AWS::S3::Object', ['arn:aws:s3:::payroll/'])] },
      { read: false, write: false },
    ],
    [
      'a basic selector on every Lambda function',
      { basic: [dataSelector('All', 'AWS::Lambda::Function', ['arn:aws:lambda'])] },
      { read: false, write: false },
    ],
    [
      'an advanced selector for S3 objects',
      { advanced: [advancedSelector('S3', S3_DATA)] },
      { read: true, write: true },
    ],
    [
      'advanced S3 selectors, one for reads and one for writes',
      {
        advanced: [
          advancedSelector('reads', [...S3_DATA, { Field: 'readOnly', Equals: ['true'] }]),
          advancedSelector('writes', [...S3_DATA, { Field: 'readOnly', Equals: ['false'] }]),
        ],
      },
      { read: true, write: true },
    ],
    [
      'an advanced S3 selector for writes only',
      { advanced: [advancedSelector('writes', [...S3_DATA, { Field: 'readOnly', Equals: ['false'] }])] },
      { read: false, write: true },
    ],
    [
      'an advanced S3 selector whose ARN prefix is every bucket',
      { advanced: [advancedSelector('S3', [...S3_DATA, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::'] }])] },
      { read: true, write: true },
    ],
    [
      'an advanced S3 selector limited to one bucket',
      {
        advanced: [
          advancedSelector('S3', [...S3_DATA, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::payroll/'] }]),
        ],
      },
      { read: false, write: false },
    ],
    [
      'an advanced S3 selector limited to some operations',
      { advanced: [advancedSelector('S3', [...S3_DATA, { Field: 'eventName', Equals: ['PutObject'] }])] },
      { read: false, write: false },
    ],
    [
      'an advanced selector for S3 access points',
      {
        advanced: [
          advancedSelector('AP', [
            { Field: 'eventCategory', Equals: ['Data'] },
            { Field: 'resources.type', Equals: ['AWS::S3::AccessPoint'] },
          ]),
        ],
      },
      { read: false, write: false },
    ],
  ])('when the trail has %s, then it is summarized', async (_, selectors, expected) => {
    expect(await s3DataEventsOf(selectors)).toEqual(expected);
  });

  it('when a data selector on every bucket lacks ReadWriteType, then the selectors are unknown, never guessed', async () => {
    const { ReadWriteType: _omitted, ...noType } = dataSelector('All', 'AWS::S3::Object', ['arn:aws:s3']);
    const trail = await collectTrail(trailJson(MAIN), { TrailARN: trailArn(MAIN), EventSelectors: [noType] });
    expect(trail.eventSelectors).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
  });
});
