import { makeClientFactory } from '../../../src/aws/clients';
import { collectCloudTrail } from '../../../src/aws/collectors/cloudtrail';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { CloudTrailSliceSchema, type CloudTrailSlice, type Trail } from '../../../src/core/model';
import {
  CT_ACCOUNT_ID,
  advancedSelector,
  basicSelector,
  cloudTrailCall,
  cloudTrailEndpoint,
  ctAccessDenied,
  ctOk,
  ctRegionDisabled,
  ctThrottled,
  describeTrailsJson,
  eventSelectorsJson,
  trailArn,
  trailJson,
  trailStatusJson,
  type TrailFixture,
} from '../../fixtures/aws/cloudtrail';
import { answerIfAsked } from '../../fixtures/answer-if-asked';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';

const REGIONS = ['us-east-1', 'eu-west-1'];
/** An opt-in region: an account that has not enabled it gets UnrecognizedClientException there. */
const OPT_IN = 'ap-east-1';

const makeContext = (regions: string[] = REGIONS): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: CT_ACCOUNT_ID,
  }),
  accountId: CT_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions,
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (regions?: string[]): Promise<CloudTrailSlice> =>
  CloudTrailSliceSchema.parse(await collectCloudTrail(makeContext(regions)));

const trailsOf = (slice: CloudTrailSlice): Trail[] => {
  if (!slice.trails.ok) throw new Error(`expected trails, got ${JSON.stringify(slice.trails)}`);
  return slice.trails.value;
};

const MAIN: TrailFixture = {
  name: 'management-events',
  homeRegion: 'us-east-1',
  isMultiRegion: true,
  logFileValidationEnabled: true,
  kmsKeyId: `arn:aws:kms:us-east-1:${CT_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
  s3BucketName: 'aws-cloudtrail-logs-main',
};
const LOCAL: TrailFixture = { name: 'eu-audit', homeRegion: 'eu-west-1', s3BucketName: 'eu-audit-logs' };

const ALL_MANAGEMENT = { basic: [basicSelector('All')] };

const stubDescribeTrails = (region: string, trails: TrailFixture[]) =>
  cloudTrailCall(cloudTrailEndpoint(region), 'DescribeTrails', { includeShadowTrails: true }).reply(
    ...ctOk(describeTrailsJson(trails)),
  );

const stubStatus = (trail: TrailFixture, answer = ctOk(trailStatusJson(true))) =>
  cloudTrailCall(cloudTrailEndpoint(trail.homeRegion), 'GetTrailStatus', { Name: trailArn(trail) }).reply(...answer);

const stubSelectors = (trail: TrailFixture, answer = ctOk(eventSelectorsJson(trailArn(trail), ALL_MANAGEMENT))) =>
  cloudTrailCall(cloudTrailEndpoint(trail.homeRegion), 'GetEventSelectors', { TrailName: trailArn(trail) }).reply(
    ...answer,
  );

/** One multi-region trail and one regional trail, each healthy, both regions answering. */
const stubHealthyAccount = () => {
  stubDescribeTrails('us-east-1', [MAIN]);
  stubDescribeTrails('eu-west-1', [MAIN, LOCAL]);
  for (const t of [MAIN, LOCAL]) {
    stubStatus(t);
    stubSelectors(t);
  }
};

describe('collectCloudTrail', () => {
  describe('when a multi-region trail is seen from two regions next to a regional trail', () => {
    it('then each trail is listed once with every field, status and selectors asked of its home region', async () => {
      stubHealthyAccount();
      const trails = trailsOf(await collect());

      expect(trails).toEqual([
        {
          name: 'management-events',
          arn: `arn:aws:cloudtrail:us-east-1:${CT_ACCOUNT_ID}:trail/management-events`,
          homeRegion: 'us-east-1',
          isMultiRegion: true,
          isOrganizationTrail: false,
          logFileValidationEnabled: true,
          kmsKeyId: MAIN.kmsKeyId,
          s3BucketName: 'aws-cloudtrail-logs-main',
          cloudWatchLogsLogGroupArn: null,
          status: { ok: true, value: { isLogging: true, latestDeliveryError: null } },
          eventSelectors: {
            ok: true,
            value: { managementEvents: true, readWriteType: 'All', s3DataEvents: { read: false, write: false } },
          },
        },
        {
          name: 'eu-audit',
          arn: `arn:aws:cloudtrail:eu-west-1:${CT_ACCOUNT_ID}:trail/eu-audit`,
          homeRegion: 'eu-west-1',
          isMultiRegion: false,
          isOrganizationTrail: false,
          logFileValidationEnabled: false,
          kmsKeyId: null,
          s3BucketName: 'eu-audit-logs',
          cloudWatchLogsLogGroupArn: null,
          status: { ok: true, value: { isLogging: true, latestDeliveryError: null } },
          eventSelectors: {
            ok: true,
            value: { managementEvents: true, readWriteType: 'All', s3DataEvents: { read: false, write: false } },
          },
        },
      ]);
    });

    it('then status and selectors are asked once per trail, never from a region holding only its shadow', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubDescribeTrails('eu-west-1', [MAIN]);
      const home = cloudTrailEndpoint('us-east-1');
      cloudTrailCall(home, 'GetTrailStatus', { Name: trailArn(MAIN) }).reply(...ctOk(trailStatusJson(true)));
      cloudTrailCall(home, 'GetEventSelectors', { TrailName: trailArn(MAIN) }).reply(
        ...ctOk(eventSelectorsJson(trailArn(MAIN), ALL_MANAGEMENT)),
      );
      // Answering from the shadow region would make the trail look different: the test fails if it is asked.
      const shadow = cloudTrailEndpoint('eu-west-1');
      const shadowStatus = answerIfAsked(cloudTrailCall(shadow, 'GetTrailStatus'), ...ctOk(trailStatusJson(false)));
      const shadowSelectors = answerIfAsked(
        cloudTrailCall(shadow, 'GetEventSelectors'),
        ...ctOk(eventSelectorsJson(trailArn(MAIN), { basic: [] })),
      );

      // The shadow region is scanned first, so its copy of the trail is the one seen first.
      const [trail] = trailsOf(await collect(['eu-west-1', 'us-east-1']));

      expect(trail?.homeRegion).toBe('us-east-1');
      expect(trail?.status).toEqual({ ok: true, value: { isLogging: true, latestDeliveryError: null } });
      expect(trail?.eventSelectors).toEqual({
        ok: true,
        value: { managementEvents: true, readWriteType: 'All', s3DataEvents: { read: false, write: false } },
      });
      expect(home.isDone()).toBe(true);
      expect(shadowStatus.asked).toBe(0);
      expect(shadowSelectors.asked).toBe(0);
    });
  });

  describe('when the trail belongs to the organization', () => {
    it('then it is marked as an organization trail', async () => {
      const org: TrailFixture = {
        name: 'org-trail',
        homeRegion: 'us-east-1',
        isMultiRegion: true,
        isOrganizationTrail: true,
      };
      stubDescribeTrails('us-east-1', [org]);
      stubStatus(org);
      stubSelectors(org);

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail).toMatchObject({ isOrganizationTrail: true, isMultiRegion: true });
    });
  });

  describe('when the trail is stopped and its last delivery failed', () => {
    it('then its status says it is not logging and gives the delivery error', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN, ctOk(trailStatusJson(false, 'AccessDenied')));
      stubSelectors(MAIN);

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.status).toEqual({ ok: true, value: { isLogging: false, latestDeliveryError: 'AccessDenied' } });
    });
  });

  describe('when the trail has event selectors', () => {
    const mgmt = { Field: 'eventCategory', Equals: ['Management'] };
    const s3Data = [
      { Field: 'eventCategory', Equals: ['Data'] },
      { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
    ];
    it.each<[string, Parameters<typeof eventSelectorsJson>[1], boolean, string | null]>([
      ['a basic selector for all management events', { basic: [basicSelector('All')] }, true, 'All'],
      ['a basic write-only selector', { basic: [basicSelector('WriteOnly')] }, true, 'WriteOnly'],
      [
        'basic read-only and write-only selectors together',
        { basic: [basicSelector('ReadOnly'), basicSelector('WriteOnly')] },
        true,
        'All',
      ],
      ['a basic selector for data events only', { basic: [basicSelector('All', false)] }, false, null],
      [
        'an advanced management selector without readOnly',
        { advanced: [advancedSelector('Management events', [mgmt])] },
        true,
        'All',
      ],
      [
        'an advanced management selector with readOnly true',
        { advanced: [advancedSelector('Reads', [mgmt, { Field: 'readOnly', Equals: ['true'] }])] },
        true,
        'ReadOnly',
      ],
      [
        'an advanced management selector with readOnly false',
        { advanced: [advancedSelector('Writes', [mgmt, { Field: 'readOnly', Equals: ['false'] }])] },
        true,
        'WriteOnly',
      ],
      [
        'an advanced selector for S3 data events only',
        { advanced: [advancedSelector('S3 objects', s3Data)] },
        false,
        null,
      ],
      ['an empty list of basic selectors', { basic: [] }, false, null],
    ])('then %s is summarized', async (_, selectors, managementEvents, readWriteType) => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN);
      stubSelectors(MAIN, ctOk(eventSelectorsJson(trailArn(MAIN), selectors)));

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.eventSelectors).toMatchObject({ ok: true, value: { managementEvents, readWriteType } });
    });
  });

  describe('when GetEventSelectors is refused', () => {
    it('then only the selectors are unknown, naming cloudtrail:GetEventSelectors', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN);
      stubSelectors(MAIN, ctAccessDenied('GetEventSelectors'));

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.eventSelectors).toEqual({
        ok: false,
        error: expect.objectContaining({
          permission: 'cloudtrail:GetEventSelectors',
          kind: 'access-denied',
          region: 'us-east-1',
        }),
      });
      expect(trail?.status.ok).toBe(true);
    });
  });

  describe('when DescribeTrails fails in one region only', () => {
    it('then, when that region is an opt-in region not enabled, the trails seen from the other regions are kept', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      cloudTrailCall(cloudTrailEndpoint(OPT_IN), 'DescribeTrails').reply(...ctRegionDisabled());
      stubStatus(MAIN);
      stubSelectors(MAIN);

      const trails = trailsOf(await collect(['us-east-1', OPT_IN]));

      expect(trails.map((t) => t.arn)).toEqual([trailArn(MAIN)]);
    });

    it('then, when a region kept throttling, the trails are unknown: that region may hold a trail nobody else lists', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails')
        .times(3)
        .reply(...ctThrottled());
      // No status or selectors are stubbed: with the list of trails unknown, nothing is asked of a trail.

      const { trails } = await collect();

      expect(trails).toEqual({ ok: false, error: expect.objectContaining({ kind: 'throttled', region: 'eu-west-1' }) });
    });
  });

  describe('when DescribeTrails fails in every region', () => {
    it('then the trails are unknown, naming the refused permission rather than the disabled region', async () => {
      cloudTrailCall(cloudTrailEndpoint(OPT_IN), 'DescribeTrails').reply(...ctRegionDisabled());
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails').reply(...ctAccessDenied('DescribeTrails'));

      const { trails } = await collect([OPT_IN, 'eu-west-1']);

      expect(trails).toEqual({
        ok: false,
        error: expect.objectContaining({
          permission: 'cloudtrail:DescribeTrails',
          kind: 'access-denied',
          code: 'AccessDeniedException',
          region: 'eu-west-1',
        }),
      });
    });

    it('then, when no region is enabled for the credentials, the trails are unknown as region-unavailable', async () => {
      for (const region of [OPT_IN, 'me-south-1'])
        cloudTrailCall(cloudTrailEndpoint(region), 'DescribeTrails').reply(...ctRegionDisabled());

      const { trails } = await collect([OPT_IN, 'me-south-1']);

      expect(trails).toEqual({
        ok: false,
        error: expect.objectContaining({
          permission: 'cloudtrail:DescribeTrails',
          code: 'UnrecognizedClientException',
          kind: 'region-unavailable',
        }),
      });
    });
  });

  describe('when CloudTrail throttles a call once', () => {
    it('then the call is retried and the trail collected', async () => {
      const api = cloudTrailEndpoint('us-east-1');
      cloudTrailCall(api, 'DescribeTrails').reply(...ctThrottled());
      stubDescribeTrails('us-east-1', [MAIN]);
      cloudTrailCall(api, 'GetTrailStatus').reply(...ctThrottled());
      stubStatus(MAIN);
      stubSelectors(MAIN);

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.status).toEqual({ ok: true, value: { isLogging: true, latestDeliveryError: null } });
      expect(api.isDone()).toBe(true);
    });
  });

  describe('when an answer lacks what the API reference says it carries (fail closed)', () => {
    const malformed = expect.objectContaining({ kind: 'malformed', code: 'MalformedAnswer' });

    it('then a status without IsLogging is unknown, not "stopped" and not "logging"', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      const { IsLogging: _dropped, ...withoutIsLogging } = trailStatusJson(true);
      stubStatus(MAIN, ctOk(withoutIsLogging));
      stubSelectors(MAIN);

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.status).toEqual({ ok: false, error: malformed });
      expect(trail?.eventSelectors.ok).toBe(true);
    });

    it('then selectors without either list are unknown, not "records nothing"', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN);
      stubSelectors(MAIN, ctOk({ TrailARN: trailArn(MAIN) }));

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.eventSelectors).toEqual({ ok: false, error: malformed });
    });

    it('then a basic selector without IncludeManagementEvents is unknown', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN);
      const { IncludeManagementEvents: _dropped, ...selector } = basicSelector('All');
      stubSelectors(MAIN, ctOk({ TrailARN: trailArn(MAIN), EventSelectors: [selector] }));

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.eventSelectors).toEqual({ ok: false, error: malformed });
    });

    it('then an advanced selector without field selectors is unknown', async () => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN);
      stubSelectors(MAIN, ctOk({ TrailARN: trailArn(MAIN), AdvancedEventSelectors: [{ Name: 'broken' }] }));

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.eventSelectors).toEqual({ ok: false, error: malformed });
    });

    it('then a DescribeTrails answer without trailList makes the trails unknown, not "no trail"', async () => {
      cloudTrailCall(cloudTrailEndpoint('us-east-1'), 'DescribeTrails').reply(...ctOk({}));

      const { trails } = await collect(['us-east-1']);

      expect(trails).toEqual({ ok: false, error: malformed });
    });

    it.each(['TrailARN', 'IsMultiRegionTrail', 'IsOrganizationTrail', 'LogFileValidationEnabled'])(
      'then a trail listed without %s makes the trails unknown, even when another region answered well',
      async (field) => {
        const broken: Record<string, unknown> = trailJson(LOCAL);
        delete broken[field];
        stubDescribeTrails('us-east-1', [MAIN]);
        cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails').reply(
          ...ctOk({ trailList: [trailJson(MAIN), broken] }),
        );
        // No status or selectors are stubbed: with the list of trails unknown, nothing is asked of a trail.

        const { trails } = await collect();

        expect(trails).toEqual({ ok: false, error: malformed });
      },
    );

    it('then a trail listed without HomeRegion takes it from its ARN, not from the region that listed its shadow', async () => {
      const { HomeRegion: _dropped, ...shadow } = trailJson(MAIN);
      cloudTrailCall(cloudTrailEndpoint('eu-west-1'), 'DescribeTrails').reply(...ctOk({ trailList: [shadow] }));
      stubStatus(MAIN);
      stubSelectors(MAIN);

      const [trail] = trailsOf(await collect(['eu-west-1']));

      expect(trail?.homeRegion).toBe('us-east-1');
      expect(trail?.status.ok).toBe(true);
    });

    it('then a trail listed without its Name keeps the name its ARN ends with, so its findings keep their identity', async () => {
      const { Name: _dropped, ...nameless } = trailJson(MAIN);
      cloudTrailCall(cloudTrailEndpoint('us-east-1'), 'DescribeTrails').reply(...ctOk({ trailList: [nameless] }));
      stubStatus(MAIN);
      stubSelectors(MAIN);

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.name).toBe(MAIN.name);
    });

    it.each<[string, Record<string, unknown>]>([
      ['a field selector without its Field', { Equals: ['false'] }],
      ['a readOnly field selector without Equals or NotEquals', { Field: 'readOnly' }],
    ])('then an advanced selector with %s is unknown, not "records everything"', async (_label, broken) => {
      stubDescribeTrails('us-east-1', [MAIN]);
      stubStatus(MAIN);
      stubSelectors(
        MAIN,
        ctOk({
          TrailARN: trailArn(MAIN),
          AdvancedEventSelectors: [
            advancedSelector('writes', [{ Field: 'eventCategory', Equals: ['Management'] }, broken as never]),
          ],
        }),
      );

      const [trail] = trailsOf(await collect(['us-east-1']));

      expect(trail?.eventSelectors).toEqual({ ok: false, error: malformed });
    });
  });
});
