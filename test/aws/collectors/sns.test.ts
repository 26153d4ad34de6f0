import { ListSubscriptionsByTopicCommand, ListTopicsCommand, SNSClient } from '@aws-sdk/client-sns';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSnsRegion } from '../../../src/aws/collectors/sns';
import { SnsRegionSchema, known, type SnsRegion } from '../../../src/core/model';
import { snsCall, snsEndpoint, snsOk } from '../../fixtures/aws/cloudwatch';
import {
  SNS_ACCOUNT_ID,
  defaultTopicPolicy,
  listTopicsXml,
  publicTopicPolicy,
  snsAccessDenied,
  snsThrottling,
  snsTopicNotFound,
  topicArn,
  topicAttributesXml,
} from '../../fixtures/aws/fake-services/sns';
import { installFakeAws, type FakeAws } from '../../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import check from '../../../src/core/checks/sns/sns_topic_not_public';
import { HTML_PAGE, mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { run } from '../../fixtures/check-harness';
import { anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const ARN = (name: string) => topicArn(name, REGION);

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: SNS_ACCOUNT_ID,
  }),
  accountId: SNS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<SnsRegion> => SnsRegionSchema.parse(await collectSnsRegion(context(), REGION));

const listing = (params: Record<string, string> = {}) =>
  snsCall(snsEndpoint(REGION), 'ListTopics', { Version: '2010-03-31', ...params });
const attributesOf = (name: string) => snsCall(snsEndpoint(REGION), 'GetTopicAttributes', { TopicArn: ARN(name) });

const topicsOf = (region: SnsRegion) => {
  if (!region.topics.ok) throw new Error(`expected the topics to be known: ${region.topics.error.message}`);
  return region.topics.value;
};

describe('collectSnsRegion', () => {
  it('when topics span two pages, then each is read with its policy, following NextToken', async () => {
    listing().reply(...snsOk(listTopicsXml([ARN('security-alerts')], 'token-2')));
    listing({ NextToken: 'token-2' }).reply(...snsOk(listTopicsXml([ARN('public-notifications')])));
    attributesOf('security-alerts').reply(
      ...snsOk(topicAttributesXml(ARN('security-alerts'), defaultTopicPolicy(ARN('security-alerts')))),
    );
    attributesOf('public-notifications').reply(
      ...snsOk(topicAttributesXml(ARN('public-notifications'), publicTopicPolicy(ARN('public-notifications')))),
    );

    expect(topicsOf(await collect())).toEqual([
      {
        arn: ARN('security-alerts'),
        name: 'security-alerts',
        policy: known(defaultTopicPolicy(ARN('security-alerts'))),
      },
      {
        arn: ARN('public-notifications'),
        name: 'public-notifications',
        policy: known(publicTopicPolicy(ARN('public-notifications'))),
      },
    ]);
  });

  it('when the region has no topics (an empty <Topics/>), then the list is known and empty', async () => {
    listing().reply(...snsOk(listTopicsXml([])));
    expect((await collect()).topics).toEqual(known([]));
  });

  it('when a topic was deleted after the listing, then it is left out', async () => {
    listing().reply(...snsOk(listTopicsXml([ARN('gone')])));
    attributesOf('gone').reply(...snsTopicNotFound());
    expect((await collect()).topics).toEqual(known([]));
  });

  it('when ListTopics is refused, then the topics are unknown, naming sns:ListTopics', async () => {
    listing().reply(...snsAccessDenied('ListTopics'));
    expect((await collect()).topics).toMatchObject({
      ok: false,
      error: {
        kind: 'access-denied',
        code: 'AuthorizationErrorException',
        permission: 'sns:ListTopics',
        region: REGION,
      },
    });
  });

  it('when GetTopicAttributes is refused, then only that topic is unknown, naming sns:GetTopicAttributes', async () => {
    listing().reply(...snsOk(listTopicsXml([ARN('jobs')])));
    attributesOf('jobs').reply(...snsAccessDenied('GetTopicAttributes', ARN('jobs')));
    expect(topicsOf(await collect())).toMatchObject([
      { name: 'jobs', policy: { ok: false, error: { kind: 'access-denied', permission: 'sns:GetTopicAttributes' } } },
    ]);
  });

  it('when SNS throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...snsThrottling());
    listing().reply(...snsOk(listTopicsXml([])));
    expect((await collect()).topics).toEqual(known([]));
  });

  it('when SNS keeps throttling, then the topics are unknown as throttled, not empty', async () => {
    listing()
      .times(3)
      .reply(...snsThrottling());
    expect((await collect()).topics).toMatchObject({ ok: false, error: { kind: 'throttled', code: 'Throttling' } });
  });

  it.each<[string, string, string]>([
    ['a page without Topics', listTopicsXml([]).replace(/<Topics>\s*<\/Topics>/, ''), 'text/xml'],
    [
      'a member without its TopicArn',
      listTopicsXml([ARN('jobs')]).replace(/<TopicArn>[^<]*<\/TopicArn>/, ''),
      'text/xml',
    ],
    ['a TopicArn that is not a topic ARN', listTopicsXml(['not-an-arn']), 'text/xml'],
    ['another XML document', '<GetTopicAttributesResponse/>', 'text/xml'],
    ['an empty body', '', 'text/xml'],
    ['an HTML page', HTML_PAGE, 'text/html'],
  ])('when ListTopics answers %s, then the topics are unknown as malformed, not empty', async (_, body, type) => {
    listing().reply(200, body, { 'content-type': type });
    expect((await collect()).topics).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it.each<[string, string]>([
    ['no Policy entry', topicAttributesXml(ARN('jobs'), undefined)],
    ['a Policy that is not JSON', topicAttributesXml(ARN('jobs'), '{"Statement": [')],
    ['no Attributes', topicAttributesXml(ARN('jobs'), undefined).replace(/<Attributes>[\s\S]*<\/Attributes>/, '')],
    ['an empty body', ''],
  ])(
    'when GetTopicAttributes answers %s, then the topic is unknown as malformed, never "no policy"',
    async (_, body) => {
      listing().reply(...snsOk(listTopicsXml([ARN('jobs')])));
      attributesOf('jobs').reply(200, body, { 'content-type': 'text/xml' });
      expect(topicsOf(await collect())).toMatchObject([
        { name: 'jobs', policy: { ok: false, error: { kind: 'malformed', operation: 'GetTopicAttributes' } } },
      ]);
    },
  );
});

// ---------------------------------------------------------------- fail closed on every corruption

const asAnswer = ([status, body, headers]: readonly [number, string, Record<string, string>]): WireAnswer => ({
  status,
  body,
  headers,
});
const TRUTH = {
  ListTopics: asAnswer(snsOk(listTopicsXml([ARN('public-notifications')]))),
  GetTopicAttributes: asAnswer(
    snsOk(topicAttributesXml(ARN('public-notifications'), publicTopicPolicy(ARN('public-notifications')))),
  ),
};

const verdictOn = async (operation: keyof typeof TRUTH, answer: WireAnswer) => {
  const reply = (op: keyof typeof TRUTH) => {
    const a = op === operation ? answer : TRUTH[op];
    return [a.status, a.body, a.headers] as const;
  };
  listing().reply(...reply('ListTopics'));
  // Asked only when the listing named the topic.
  attributesOf('public-notifications')
    .optionally()
    .reply(...reply('GetTopicAttributes'));
  const results = run(
    check,
    anAccount({ accountId: SNS_ACCOUNT_ID, regions: [REGION], sns: { [REGION]: await collect() } }),
  );
  const own = results.find((r) => r.resource.id === 'public-notifications');
  return own?.status ?? (results.some((r) => r.status === 'unknown') ? 'unknown' : 'vanished');
};

describe('collectSnsRegion on corrupted answers', () => {
  it('when nothing is corrupted, then the public topic fails', async () => {
    expect(await verdictOn('ListTopics', TRUTH.ListTopics)).toBe('fail');
  });

  it.each(
    (Object.keys(TRUTH) as (keyof typeof TRUTH)[]).flatMap((operation) =>
      mutationsOf(TRUTH[operation])
        .filter((m) => m.class === 'corruption')
        .map((m) => [`${operation}: ${m.label}`, operation, m] as const),
    ),
  )('%s: the public topic does not pass or vanish', async (_, operation, mutation) => {
    expect(await verdictOn(operation, mutation.apply(TRUTH[operation]))).toMatch(/^(fail|unknown)$/);
  });
});

// ---------------------------------------------------------------- the simulated estate

describe('the simulated estate (fake-aws) answering SNS', () => {
  let fake: FakeAws;
  afterEach(() => fake.restore());

  const sns = () =>
    new SNSClient({
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'secret' },
    });
  const estate = (misconfigured: boolean) =>
    installFakeAws({
      callerAccountId: '111111111111',
      organization: false,
      latencyMs: 0,
      accounts: [{ id: '111111111111', name: 'solo', users: 1, buckets: 1, regions: ['us-east-1'], misconfigured }],
    });
  const subscriptionArns = async (topic: string) =>
    ((await sns().send(new ListSubscriptionsByTopicCommand({ TopicArn: topic }))).Subscriptions ?? []).map(
      (s) => s.SubscriptionArn,
    );

  it('when the alarm topic security-alerts is asked for its subscriptions, then it has one confirmed subscriber', async () => {
    fake = estate(false);
    const topic = 'arn:aws:sns:us-east-1:111111111111:security-alerts';
    expect(await subscriptionArns(topic)).toEqual([
      expect.stringMatching(/^arn:aws:sns:us-east-1:111111111111:security-alerts:/),
    ]);
    expect((await sns().send(new ListTopicsCommand({}))).Topics?.map((t) => t.TopicArn)).toContain(topic);
    expect(fake.unhandled).toEqual([]);
  });

  it('when any other topic is asked for its subscriptions, then it has none', async () => {
    fake = estate(false);
    expect(await subscriptionArns('arn:aws:sns:us-east-1:111111111111:order-notifications')).toEqual([]);
  });

  it("when the account is misconfigured, then security-alerts' only subscription is pending confirmation (the monitoring estate's story)", async () => {
    fake = estate(true);
    expect(await subscriptionArns('arn:aws:sns:us-east-1:111111111111:security-alerts')).toEqual([
      'PendingConfirmation',
    ]);
  });
});
