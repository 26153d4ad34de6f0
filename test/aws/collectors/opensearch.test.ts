import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectOpenSearchRegion } from '../../../src/aws/collectors/opensearch';
import { OpenSearchRegionSchema, known, type OpenSearchRegion } from '../../../src/core/model';
import {
  DESCRIBE_PATH,
  LIST_PATH,
  OS_ACCOUNT_ID,
  describeDomainsJson,
  domainArn,
  domainStatusJson,
  ipAllowListPolicy,
  listDomainNamesJson,
  openAccessPolicy,
  opensearchHost,
  osAccessDenied,
  osOk,
  osThrottling,
} from '../../fixtures/aws/fake-services/opensearch';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import check from '../../../src/core/checks/opensearch/opensearch_domain_not_public';
import { HTML_PAGE, mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { run } from '../../fixtures/check-harness';
import { anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const ARN = (name: string) => domainArn(name, REGION);

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: OS_ACCOUNT_ID,
  }),
  accountId: OS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<OpenSearchRegion> =>
  OpenSearchRegionSchema.parse(await collectOpenSearchRegion(context(), REGION));

const listing = () => nock(opensearchHost(REGION)).get(LIST_PATH);
const describing = (names: string[]) =>
  nock(opensearchHost(REGION)).post(DESCRIBE_PATH, (b: { DomainNames?: unknown }) => {
    return JSON.stringify(b.DomainNames) === JSON.stringify(names);
  });

const domainsOf = (region: OpenSearchRegion) => {
  if (!region.domains.ok) throw new Error(`expected the domains to be known: ${region.domains.error.message}`);
  return region.domains.value;
};

describe('collectOpenSearchRegion', () => {
  it('when domains are listed, then each is described: VPC placement, endpoint, policy and fine-grained access control', async () => {
    listing().reply(...osOk(listDomainNamesJson(['app-search', 'public-logs'])));
    describing(['app-search', 'public-logs']).reply(
      ...osOk(
        describeDomainsJson([
          { name: 'app-search', region: REGION, vpc: true },
          {
            name: 'public-logs',
            region: REGION,
            accessPolicy: openAccessPolicy(ARN('public-logs')),
            fineGrainedAccessControl: true,
          },
        ]),
      ),
    );

    expect(domainsOf(await collect())).toEqual([
      {
        name: 'app-search',
        engineType: 'OpenSearch',
        status: known({
          arn: ARN('app-search'),
          engineVersion: 'OpenSearch_2.13',
          endpoint: null,
          vpc: {
            vpcId: 'vpc-0a1b2c3d4e5f60718',
            subnetIds: ['subnet-0a1b2c3d', 'subnet-1b2c3d4e'],
            securityGroupIds: ['sg-0search'],
          },
          accessPolicy: known(null),
          fineGrainedAccessControl: false,
          anonymousAuth: false,
        }),
      },
      {
        name: 'public-logs',
        engineType: 'OpenSearch',
        status: known({
          arn: ARN('public-logs'),
          engineVersion: 'OpenSearch_2.13',
          endpoint: `search-public-logs-abcdefghijklmnopqrstuvwxyz.${REGION}.es.amazonaws.com`,
          vpc: null,
          accessPolicy: known(openAccessPolicy(ARN('public-logs'))),
          fineGrainedAccessControl: true,
          anonymousAuth: false,
        }),
      },
    ]);
  });

  it('when there are more than five domains, then DescribeDomains is asked five at a time', async () => {
    const names = ['d-1', 'd-2', 'd-3', 'd-4', 'd-5', 'd-6', 'd-7'];
    listing().reply(...osOk(listDomainNamesJson(names)));
    describing(names.slice(0, 5)).reply(...osOk(describeDomainsJson(names.slice(0, 5).map((name) => ({ name })))));
    describing(names.slice(5)).reply(...osOk(describeDomainsJson(names.slice(5).map((name) => ({ name })))));
    const domains = domainsOf(await collect());
    expect(domains.map((d) => [d.name, d.status.ok])).toEqual(names.map((n) => [n, true]));
  });

  it('when the region has no domains, then the list is known and empty, and DescribeDomains is not asked', async () => {
    listing().reply(...osOk(listDomainNamesJson([])));
    expect((await collect()).domains).toEqual(known([]));
  });

  it('when ListDomainNames is refused, then the domains are unknown, naming es:ListDomainNames', async () => {
    listing().reply(...osAccessDenied('ListDomainNames'));
    expect((await collect()).domains).toMatchObject({
      ok: false,
      error: { kind: 'access-denied', code: 'AccessDeniedException', permission: 'es:ListDomainNames', region: REGION },
    });
  });

  it('when DescribeDomains is refused, then each domain of that call is unknown, naming es:DescribeDomains', async () => {
    listing().reply(...osOk(listDomainNamesJson(['app-search'])));
    describing(['app-search']).reply(...osAccessDenied('DescribeDomains'));
    expect(domainsOf(await collect())).toMatchObject([
      { name: 'app-search', status: { ok: false, error: { kind: 'access-denied', permission: 'es:DescribeDomains' } } },
    ]);
  });

  it('when OpenSearch throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...osThrottling());
    listing().reply(...osOk(listDomainNamesJson([])));
    expect((await collect()).domains).toEqual(known([]));
  });

  it('when OpenSearch keeps throttling, then the domains are unknown as throttled, not empty', async () => {
    listing()
      .times(3)
      .reply(...osThrottling());
    expect((await collect()).domains).toMatchObject({ ok: false, error: { kind: 'throttled' } });
  });

  it('when a domain restricts callers by IP, then its policy is read as written', async () => {
    listing().reply(...osOk(listDomainNamesJson(['office'])));
    describing(['office']).reply(
      ...osOk(
        describeDomainsJson([{ name: 'office', region: REGION, accessPolicy: ipAllowListPolicy(ARN('office')) }]),
      ),
    );
    expect(domainsOf(await collect())[0]!.status).toMatchObject(
      known({ vpc: null, accessPolicy: known(ipAllowListPolicy(ARN('office'))) }),
    );
  });

  it.each<[string, string, string]>([
    ['no DomainNames', '{}', 'application/json'],
    ['a domain without its name', '{"DomainNames":[{"EngineType":"OpenSearch"}]}', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['an HTML page', HTML_PAGE, 'text/html'],
  ])('when ListDomainNames answers %s, then the domains are unknown as malformed', async (_, body, type) => {
    listing().reply(200, body, { 'content-type': type });
    expect((await collect()).domains).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });

  it.each<[string, unknown]>([
    ['no DomainStatusList', {}],
    [
      'a status without DomainName',
      { DomainStatusList: [domainStatusJson({ name: 'app-search', omit: ['DomainName'] })] },
    ],
    ['nothing about the domain', { DomainStatusList: [] }],
    ['a status without ARN', { DomainStatusList: [domainStatusJson({ name: 'app-search', omit: ['ARN'] })] }],
    [
      'VPCOptions without a VPCId',
      { DomainStatusList: [{ ...domainStatusJson({ name: 'app-search' }), VPCOptions: { SubnetIds: [] } }] },
    ],
    [
      'AdvancedSecurityOptions.Enabled as "yes"',
      {
        DomainStatusList: [
          { ...domainStatusJson({ name: 'app-search' }), AdvancedSecurityOptions: { Enabled: 'yes' } },
        ],
      },
    ],
  ])('when DescribeDomains answers %s, then the domain is unknown as malformed', async (_, body) => {
    listing().reply(...osOk(listDomainNamesJson(['app-search'])));
    describing(['app-search']).reply(...osOk(body));
    expect(domainsOf(await collect())).toMatchObject([
      { name: 'app-search', status: { ok: false, error: { kind: 'malformed', operation: 'DescribeDomains' } } },
    ]);
  });

  it.each<[string, Record<string, unknown>]>([
    ['without AccessPolicies', { AccessPolicies: undefined }],
    ['with AccessPolicies that are not JSON', { AccessPolicies: '{"Statement":' }],
  ])('when a domain is described %s, then only its access policy is unknown, never "no policy"', async (_, change) => {
    listing().reply(...osOk(listDomainNamesJson(['public-logs'])));
    describing(['public-logs']).reply(
      ...osOk({ DomainStatusList: [{ ...domainStatusJson({ name: 'public-logs', region: REGION }), ...change }] }),
    );
    expect(domainsOf(await collect())[0]!.status).toMatchObject(
      known({ vpc: null, accessPolicy: { ok: false, error: { kind: 'malformed', operation: 'DescribeDomains' } } }),
    );
  });
});

// ---------------------------------------------------------------- fail closed on every corruption

const asAnswer = ([status, body, headers]: [number, unknown, Record<string, string>]): WireAnswer => ({
  status,
  body: String(body),
  headers,
});
const TRUTH = {
  ListDomainNames: asAnswer(osOk(listDomainNamesJson(['public-logs']))),
  DescribeDomains: asAnswer(
    osOk(
      describeDomainsJson([
        { name: 'public-logs', region: REGION, accessPolicy: openAccessPolicy(ARN('public-logs')) },
      ]),
    ),
  ),
};

const verdictOn = async (operation: keyof typeof TRUTH, answer: WireAnswer) => {
  const reply = (op: keyof typeof TRUTH) => {
    const a = op === operation ? answer : TRUTH[op];
    return [a.status, a.body, a.headers] as const;
  };
  listing().reply(...reply('ListDomainNames'));
  // Asked only when the listing named the domain.
  describing(['public-logs'])
    .optionally()
    .reply(...reply('DescribeDomains'));
  const region = await collect();
  const results = run(
    check,
    anAccount({ accountId: OS_ACCOUNT_ID, regions: [REGION], opensearch: { [REGION]: region } }),
  );
  const own = results.find((r) => r.resource.id === 'public-logs');
  return own?.status ?? (results.some((r) => r.status === 'unknown') ? 'unknown' : 'vanished');
};

describe('collectOpenSearchRegion on corrupted answers', () => {
  it('when nothing is corrupted, then the public domain fails', async () => {
    expect(await verdictOn('ListDomainNames', TRUTH.ListDomainNames)).toBe('fail');
  });

  it.each(
    (Object.keys(TRUTH) as (keyof typeof TRUTH)[]).flatMap((operation) =>
      mutationsOf(TRUTH[operation])
        .filter((m) => m.class === 'corruption')
        .map((m) => [`${operation}: ${m.label}`, operation, m] as const),
    ),
  )('%s: the public domain does not pass or vanish', async (_, operation, mutation) => {
    expect(await verdictOn(operation, mutation.apply(TRUTH[operation]))).toMatch(/^(fail|unknown)$/);
  });
});
