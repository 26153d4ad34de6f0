import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import { resolveRegions } from '../../src/aws/regions';
import { ec2Action, ec2Endpoint, requestLimitExceeded, unauthorized } from '../fixtures/aws/ec2';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { answerIfAsked } from '../fixtures/answer-if-asked';

const HOME = 'us-east-1';

const clients = () =>
  makeClientFactory({ homeRegion: HOME, maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: '123456789012',
  });

/** DescribeRegions as EC2 sends it: `regionInfo` items, in no particular order. */
const describeRegionsXml = (regions: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
  `<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><regionInfo>` +
  regions
    .map(
      (r) =>
        `<item><regionName>${r}</regionName><regionEndpoint>ec2.${r}.amazonaws.com</regionEndpoint>` +
        `<optInStatus>opt-in-not-required</optInStatus></item>`,
    )
    .join('') +
  `</regionInfo></DescribeRegionsResponse>`;

const onDescribeRegions = () => ec2Endpoint(HOME).post('/', ec2Action('DescribeRegions', { AllRegions: 'false' }));

describe('resolveRegions', () => {
  it('when regions are configured, then they are used as given without asking AWS', async () => {
    const ec2 = answerIfAsked(onDescribeRegions(), 200, describeRegionsXml(['us-east-1']));

    const result = await resolveRegions(clients(), ['eu-west-1', 'us-east-1'], HOME);

    expect(result).toEqual({ ok: true, value: ['eu-west-1', 'us-east-1'] });
    expect(ec2.asked).toBe(0);
  });

  it.each([
    ['nothing is configured', undefined],
    ['the configured list is empty', []],
  ])('when %s, then the regions enabled for the account are used, sorted', async (_case, configured) => {
    onDescribeRegions().reply(200, describeRegionsXml(['us-west-2', 'eu-west-1', 'ap-southeast-2', 'us-east-1']));

    const result = await resolveRegions(clients(), configured, HOME);

    expect(result).toEqual({ ok: true, value: ['ap-southeast-2', 'eu-west-1', 'us-east-1', 'us-west-2'] });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when DescribeRegions is denied, then the result is unknown and names ec2:DescribeRegions so the caller can fall back', async () => {
    onDescribeRegions().reply(...unauthorized('DescribeRegions'));

    const result = await resolveRegions(clients(), undefined, HOME);

    expect(result).toMatchObject({
      ok: false,
      error: { permission: 'ec2:DescribeRegions', kind: 'access-denied', code: 'UnauthorizedOperation', region: HOME },
    });
  });

  it('when DescribeRegions is throttled once, then the retry still finds the regions', async () => {
    onDescribeRegions().reply(...requestLimitExceeded());
    onDescribeRegions().reply(200, describeRegionsXml(['eu-west-1', 'us-east-1']));

    const result = await resolveRegions(clients(), undefined, HOME);

    expect(result).toEqual({ ok: true, value: ['eu-west-1', 'us-east-1'] });
  });

  it.each([
    [
      'without its regionInfo list',
      '<DescribeRegionsResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId></DescribeRegionsResponse>',
    ],
    ['with an empty regionInfo list', describeRegionsXml([])],
  ])(
    'when DescribeRegions answers %s, then the result is unknown (malformed), never "scan no region"',
    async (_case, body) => {
      onDescribeRegions().reply(200, `<?xml version="1.0" encoding="UTF-8"?>\n${body.replace(/^<\?xml[^>]*>\n?/, '')}`);

      const result = await resolveRegions(clients(), undefined, HOME);

      expect(result).toMatchObject({ ok: false, error: { kind: 'malformed', permission: 'ec2:DescribeRegions' } });
    },
  );

  it('when DescribeRegions lists a region without its name, then the result is unknown rather than a shorter list', async () => {
    const body = describeRegionsXml(['eu-west-1', 'us-east-1']).replace('<regionName>eu-west-1</regionName>', '');
    onDescribeRegions().reply(200, body);

    const result = await resolveRegions(clients(), undefined, HOME);

    expect(result).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});
