import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectGuardDutyRegion, guardDutySeverityBand } from '../../../src/aws/collectors/guardduty';
import { GuardDutyRegionSchema, type GuardDutyRegion } from '../../../src/core/model';
import {
  findingsStatisticsJson,
  gdAccessDenied,
  gdError,
  gdOk,
  gdThrottled,
  getDetectorJson,
  listDetectorsJson,
} from '../../fixtures/aws/fake-services/guardduty';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import type { Reply } from '../../fixtures/aws/fake-aws-core';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ID = '12abc34d567e8fa901bc2d34e56789f0';
const ENDPOINT = `https://guardduty.${REGION}.amazonaws.com`;

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  }),
  accountId: ACCOUNT,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (region = REGION): Promise<GuardDutyRegion> =>
  GuardDutyRegionSchema.parse(await collectGuardDutyRegion(makeContext(), region));

const listDetectors = (reply: Reply) =>
  nock(ENDPOINT)
    .get('/detector')
    .query(true)
    .reply(...reply);
const getDetector = (reply: Reply) =>
  nock(ENDPOINT)
    .get(`/detector/${ID}`)
    .reply(...reply);
const statistics = (reply: Reply, bodies: unknown[] = []) =>
  nock(ENDPOINT)
    .post(`/detector/${ID}/findings/statistics`, (body: unknown) => {
      bodies.push(body);
      return true;
    })
    .reply(...reply);

const detectorOf = (slice: GuardDutyRegion) => {
  if (!slice.detector.ok || slice.detector.value === null)
    throw new Error(`expected a detector, got ${JSON.stringify(slice.detector)}`);
  return slice.detector.value;
};

describe('collectGuardDutyRegion', () => {
  it('when the region has an enabled detector, then it reads its status, features and open findings by severity band', async () => {
    listDetectors(gdOk(listDetectorsJson([ID])));
    getDetector(gdOk(getDetectorJson()));
    const bodies: unknown[] = [];
    statistics(
      gdOk(
        findingsStatisticsJson([
          [9.5, 1],
          [8, 2],
          [7.2, 1],
          [5, 3],
          [2, 4],
          [1, 1],
        ]),
      ),
      bodies,
    );

    const detector = detectorOf(await collect());

    expect(detector).toEqual({
      id: ID,
      status: 'ENABLED',
      features: [
        { name: 'CLOUD_TRAIL', status: 'ENABLED' },
        { name: 'DNS_LOGS', status: 'ENABLED' },
        { name: 'FLOW_LOGS', status: 'ENABLED' },
        { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
      ],
      findingsBySeverity: { ok: true, value: { critical: 1, high: 3, medium: 3, low: 5 } },
    });
    // Open findings only, grouped by severity (the deprecated COUNT_BY_SEVERITY is not used).
    expect(bodies).toEqual([
      {
        findingCriteria: { criterion: { 'service.archived': { equals: ['false'] } } },
        groupBy: 'SEVERITY',
        maxResults: 50,
      },
    ]);
  });

  it('when the region has no detector, then GuardDuty is off (a known null) and nothing else is asked', async () => {
    listDetectors(gdOk(listDetectorsJson([])));

    expect((await collect()).detector).toEqual({ ok: true, value: null });
  });

  it('when the detector list spans pages, then the detector on the second page is found', async () => {
    nock(ENDPOINT)
      .get('/detector')
      .query({ maxResults: '50' })
      .reply(...gdOk(listDetectorsJson([], 'page-2')));
    nock(ENDPOINT)
      .get('/detector')
      .query({ maxResults: '50', nextToken: 'page-2' })
      .reply(...gdOk(listDetectorsJson([ID])));
    getDetector(gdOk(getDetectorJson({ status: 'DISABLED' })));
    statistics(gdOk(findingsStatisticsJson([])));

    expect(detectorOf(await collect())).toMatchObject({ id: ID, status: 'DISABLED' });
  });

  it('when ListDetectors is refused, then the detector is unknown naming the permission, never off', async () => {
    listDetectors(gdAccessDenied('ListDetectors'));

    expect((await collect()).detector).toEqual({
      ok: false,
      error: expect.objectContaining({
        operation: 'ListDetectors',
        permission: 'guardduty:ListDetectors',
        code: 'AccessDeniedException',
        kind: 'access-denied',
        region: REGION,
      }),
    });
  });

  it('when GuardDuty answers BadRequestException, then the detector is unknown, not off', async () => {
    listDetectors(gdError(400, 'BadRequestException', 'The request is rejected.'));

    const slice = await collect();

    expect(slice.detector).toMatchObject({ ok: false, error: { code: 'BadRequestException', kind: 'other' } });
  });

  it('when only the statistics are refused, then the detector is known and only its counts are unknown', async () => {
    listDetectors(gdOk(listDetectorsJson([ID])));
    getDetector(gdOk(getDetectorJson()));
    statistics(gdAccessDenied('GetFindingsStatistics'));

    const detector = detectorOf(await collect());

    expect(detector.status).toBe('ENABLED');
    expect(detector.findingsBySeverity).toMatchObject({
      ok: false,
      error: { permission: 'guardduty:GetFindingsStatistics', kind: 'access-denied' },
    });
  });

  it('when GetDetector is refused, then the detector is unknown naming that permission', async () => {
    listDetectors(gdOk(listDetectorsJson([ID])));
    getDetector(gdAccessDenied('GetDetector'));

    expect((await collect()).detector).toMatchObject({ ok: false, error: { permission: 'guardduty:GetDetector' } });
  });

  it('when ListDetectors is throttled once, then the SDK retries and the detector is still read', async () => {
    listDetectors(gdThrottled());
    listDetectors(gdOk(listDetectorsJson([])));

    expect((await collect()).detector).toEqual({ ok: true, value: null });
  });

  it('when the opt-in region is not enabled, then the detector is unknown as region-unavailable', async () => {
    nock('https://guardduty.ap-east-1.amazonaws.com')
      .get('/detector')
      .query(true)
      .reply(...gdError(403, 'UnrecognizedClientException', 'The security token included in the request is invalid.'));

    expect((await collect('ap-east-1')).detector).toMatchObject({ ok: false, error: { kind: 'region-unavailable' } });
  });

  describe('answers AWS does not document make the detector unknown, never off or clean', () => {
    it.each<[string, () => void]>([
      ['ListDetectors without detectorIds', () => listDetectors(gdOk({}))],
      ['two detectors in one region', () => listDetectors(gdOk(listDetectorsJson([ID, 'other'])))],
      [
        'GetDetector without a status',
        () => {
          listDetectors(gdOk(listDetectorsJson([ID])));
          const { status: _status, ...rest } = getDetectorJson();
          getDetector(gdOk(rest));
        },
      ],
      [
        'GetDetector with a status it does not document',
        () => {
          listDetectors(gdOk(listDetectorsJson([ID])));
          getDetector(gdOk({ ...getDetectorJson(), status: 'PAUSED' }));
        },
      ],
      ['an HTML page', () => listDetectors([200, '<html>portal</html>', { 'content-type': 'text/html' }])],
    ])('%s', async (_label, stub) => {
      stub();

      expect((await collect()).detector).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    });

    it.each<[string, unknown]>([
      ['statistics without groupedBySeverity', { findingStatistics: {} }],
      ['a severity outside 0–10', findingsStatisticsJson([[42, 1]])],
      ['a count that is not a whole number', findingsStatisticsJson([[5, -1]])],
      ['a partial count (nextToken)', { ...findingsStatisticsJson([[5, 1]]), nextToken: 'more' }],
    ])('when the statistics hold %s, then only the counts are unknown', async (_label, body) => {
      listDetectors(gdOk(listDetectorsJson([ID])));
      getDetector(gdOk(getDetectorJson()));
      statistics(gdOk(body));

      const detector = detectorOf(await collect());

      expect(detector.findingsBySeverity).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    });
  });
});

describe('guardDutySeverityBand', () => {
  it.each<[number, string]>([
    [10, 'critical'],
    [9, 'critical'],
    [8.9, 'high'],
    [7, 'high'],
    [6.9, 'medium'],
    [4, 'medium'],
    [3.9, 'low'],
    [1, 'low'],
  ])('when the severity is %s, then the band is %s', (severity, band) => {
    expect(guardDutySeverityBand(severity)).toBe(band);
  });
});
