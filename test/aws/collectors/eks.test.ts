import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectEksRegion } from '../../../src/aws/collectors/eks';
import check from '../../../src/core/checks/eks/eks_cluster_endpoint_not_public';
import { evaluateAccount } from '../../../src/core/findings';
import { EksRegionSchema, type EksRegion, type Fact } from '../../../src/core/model';
import {
  EKS_ACCOUNT_ID,
  describeClusterJson,
  eksAccessDenied,
  eksClusterNotFound,
  eksHost,
  eksThrottled,
  listClustersJson,
  type EksClusterWire,
} from '../../fixtures/aws/fake-services/eks';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { NOW, anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const PAGE_TOKEN = 'eyJuZXh0IjoicGFnZTIifQ';
const JSON_HEADERS = { 'content-type': 'application/json' };

const makeContext = (fanOut: CollectContext['fanOut'] = (fn) => fn()): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: EKS_ACCOUNT_ID,
  }),
  accountId: EKS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut,
});

const collect = async (ctx = makeContext()): Promise<EksRegion> =>
  EksRegionSchema.parse(await collectEksRegion(ctx, REGION));

const api = () => nock(eksHost(REGION));

const valueOf = <T>(fact: Fact<T>): T => {
  if (!fact.ok) throw new Error(`expected a known fact, got ${JSON.stringify(fact)}`);
  return fact.value;
};
const errorOf = <T>(fact: Fact<T>) => {
  if (fact.ok) throw new Error(`expected an unknown fact, got ${JSON.stringify(fact)}`);
  return fact.error;
};

const describes = (...clusters: EksClusterWire[]) => {
  for (const c of clusters) api().get(`/clusters/${c.name}`).reply(200, describeClusterJson(c), JSON_HEADERS);
};

const verdicts = (region: EksRegion) =>
  evaluateAccount(
    [check],
    anAccount({ accountId: EKS_ACCOUNT_ID, regions: [REGION], eks: { [REGION]: region } }),
    NOW,
  ).map((f) => `${f.resource.id}:${f.status}:${f.severity}`);

describe('collectEksRegion', () => {
  it('when the clusters come over two pages, then every cluster is described with its endpoint access, in list order', async () => {
    api()
      .get('/clusters')
      .query({ maxResults: '100' })
      .reply(200, listClustersJson(['platform', 'ops'], PAGE_TOKEN), JSON_HEADERS);
    api()
      .get('/clusters')
      .query({ maxResults: '100', nextToken: PAGE_TOKEN })
      .reply(200, listClustersJson(['legacy']), JSON_HEADERS);
    describes(
      { name: 'platform', endpointPublicAccess: false, endpointPrivateAccess: true },
      { name: 'ops', endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] },
      {
        name: 'legacy',
        endpointPublicAccess: true,
        endpointPrivateAccess: false,
        publicAccessCidrs: ['0.0.0.0/0'],
        status: 'UPDATING',
      },
    );

    const region = await collect();

    expect(valueOf(region.clusters)).toEqual([
      {
        name: 'platform',
        endpoint: {
          ok: true,
          value: {
            arn: `arn:aws:eks:${REGION}:${EKS_ACCOUNT_ID}:cluster/platform`,
            status: 'ACTIVE',
            endpointPublicAccess: false,
            endpointPrivateAccess: true,
            publicAccessCidrs: ['0.0.0.0/0'],
          },
        },
      },
      {
        name: 'ops',
        endpoint: {
          ok: true,
          value: expect.objectContaining({ endpointPublicAccess: true, publicAccessCidrs: ['203.0.113.0/24'] }),
        },
      },
      {
        name: 'legacy',
        endpoint: { ok: true, value: expect.objectContaining({ status: 'UPDATING', endpointPrivateAccess: false }) },
      },
    ]);
    expect(verdicts(region)).toEqual(['platform:pass:high', 'ops:fail:low', 'legacy:fail:high']);
  });

  it('when the region has no cluster, then the list is known to be empty and nothing is described', async () => {
    api().get('/clusters').query(true).reply(200, listClustersJson([]), JSON_HEADERS);

    expect((await collect()).clusters).toEqual({ ok: true, value: [] });
  });

  it('when the describe calls run, then they go through the account’s bounded fan-out', async () => {
    api()
      .get('/clusters')
      .query(true)
      .reply(200, listClustersJson(['a', 'b']), JSON_HEADERS);
    describes({ name: 'a' }, { name: 'b' });
    let fannedOut = 0;

    await collect(makeContext((fn) => ((fannedOut += 1), fn())));

    expect(fannedOut).toBe(2);
  });

  it('when ListClusters is refused, then the region’s clusters are unknown naming eks:ListClusters', async () => {
    api()
      .get('/clusters')
      .query(true)
      .reply(...eksAccessDenied('ListClusters'));

    expect(errorOf((await collect()).clusters)).toMatchObject({
      kind: 'access-denied',
      code: 'AccessDeniedException',
      permission: 'eks:ListClusters',
      region: REGION,
    });
  });

  it('when DescribeCluster is refused for one cluster, then only that cluster is unknown naming eks:DescribeCluster', async () => {
    api()
      .get('/clusters')
      .query(true)
      .reply(200, listClustersJson(['open', 'locked']), JSON_HEADERS);
    describes({ name: 'open' });
    api()
      .get('/clusters/locked')
      .reply(...eksAccessDenied('DescribeCluster'));

    const [open, locked] = valueOf((await collect()).clusters);

    expect(open!.endpoint.ok).toBe(true);
    expect(locked).toEqual({
      name: 'locked',
      endpoint: {
        ok: false,
        error: expect.objectContaining({ kind: 'access-denied', permission: 'eks:DescribeCluster' }),
      },
    });
  });

  it('when a listed cluster is deleted before it is described (ResourceNotFoundException), then it is left out', async () => {
    api()
      .get('/clusters')
      .query(true)
      .reply(200, listClustersJson(['kept', 'deleted']), JSON_HEADERS);
    describes({ name: 'kept' });
    api()
      .get('/clusters/deleted')
      .reply(...eksClusterNotFound('deleted'));

    expect(valueOf((await collect()).clusters).map((c) => c.name)).toEqual(['kept']);
  });

  it('when EKS throttles once, then the call is retried; when it keeps throttling, then the list is unknown as throttled', async () => {
    api()
      .get('/clusters')
      .query(true)
      .reply(...eksThrottled());
    api().get('/clusters').query(true).reply(200, listClustersJson([]), JSON_HEADERS);
    expect((await collect()).clusters).toEqual({ ok: true, value: [] });

    api()
      .get('/clusters')
      .query(true)
      .times(3)
      .reply(...eksThrottled());
    expect(errorOf((await collect()).clusters)).toMatchObject({ kind: 'throttled', code: 'ThrottlingException' });
  });

  describe('when an answer is not what EKS documents', () => {
    it('when ListClusters answers without its clusters list, then the clusters are unknown as malformed, not none', async () => {
      api().get('/clusters').query(true).reply(200, {}, JSON_HEADERS);

      expect(errorOf((await collect()).clusters)).toMatchObject({ kind: 'malformed', operation: 'ListClusters' });
    });

    it('when ListClusters answers 200 with an HTML page, then the clusters are unknown as malformed', async () => {
      api()
        .get('/clusters')
        .query(true)
        .reply(200, '<!DOCTYPE html><html><body>Sign in</body></html>', { 'content-type': 'text/html' });

      expect(errorOf((await collect()).clusters)).toMatchObject({ kind: 'malformed' });
    });

    it('when DescribeCluster answers without the cluster, then that cluster is unknown as malformed', async () => {
      api()
        .get('/clusters')
        .query(true)
        .reply(200, listClustersJson(['x']), JSON_HEADERS);
      api().get('/clusters/x').reply(200, {}, JSON_HEADERS);

      const [x] = valueOf((await collect()).clusters);

      expect(errorOf(x!.endpoint)).toMatchObject({ kind: 'malformed', operation: 'DescribeCluster' });
    });

    it('when the cluster comes without endpointPublicAccess, then the check says unknown; without publicAccessCidrs on a public endpoint, it fails high', async () => {
      api()
        .get('/clusters')
        .query(true)
        .reply(200, listClustersJson(['nopublic', 'nocidrs']), JSON_HEADERS);
      describes(
        { name: 'nopublic', omit: ['endpointPublicAccess'] },
        { name: 'nocidrs', endpointPublicAccess: true, omit: ['publicAccessCidrs'] },
      );

      const region = await collect();

      expect(valueOf(region.clusters).map((c) => valueOf(c.endpoint))).toEqual([
        expect.objectContaining({ endpointPublicAccess: null }),
        expect.objectContaining({ endpointPublicAccess: true, publicAccessCidrs: null }),
      ]);
      expect(verdicts(region)).toEqual(['nopublic:unknown:high', 'nocidrs:fail:high']);
    });

    it('when the cluster comes without resourcesVpcConfig or arn, then it is unknown, named by a built ARN', async () => {
      api()
        .get('/clusters')
        .query(true)
        .reply(200, listClustersJson(['bare']), JSON_HEADERS);
      describes({ name: 'bare', omit: ['resourcesVpcConfig', 'arn'] });

      const region = await collect();
      const [finding] = evaluateAccount(
        [check],
        anAccount({ accountId: EKS_ACCOUNT_ID, regions: [REGION], eks: { [REGION]: region } }),
        NOW,
      );

      expect(finding).toMatchObject({
        status: 'unknown',
        resource: { id: 'bare', arn: `arn:aws:eks:${REGION}:${EKS_ACCOUNT_ID}:cluster/bare` },
      });
    });
  });
});
