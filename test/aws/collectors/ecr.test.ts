import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import { makeLiveSnapshotSource } from '../../../src/aws/live-source';
import { parseConfig } from '../../../src/config';
import { ECR_CHECKS } from '../../../src/core/checks/ecr';
import { evaluateAccount } from '../../../src/core/findings';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectEcrRegion } from '../../../src/aws/collectors/ecr';
import { EcrRegionSchema, known, type EcrRegion, type EcrRepository } from '../../../src/core/model';
import {
  ECR_ACCOUNT_ID,
  describeRepositoriesJson,
  ecrAccessDenied,
  ecrHost,
  ecrNoPolicy,
  ecrOk,
  ecrRepositoryNotFound,
  ecrThrottling,
  orgPullStatement,
  publicPullStatement,
  repositoryPolicy,
  repositoryPolicyJson,
  repositoryWire,
  type RepositoryWire,
} from '../../fixtures/aws/fake-services/ecr';
import { installFakeAws } from '../../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { NOW } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ECR_ACCOUNT_ID,
  }),
  accountId: ECR_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<EcrRegion> => EcrRegionSchema.parse(await collectEcrRegion(context(), REGION));

/** A JSON 1.1 call to `operation` on api.ecr.<region>, as the SDK sends it. */
const call = (operation: string, body: (b: Record<string, unknown>) => boolean = () => true) =>
  nock(ecrHost(REGION), {
    reqheaders: {
      'x-amz-target': `AmazonEC2ContainerRegistry_V20150921.${operation}`,
      'content-type': 'application/x-amz-json-1.1',
    },
  }).post('/', (b: Record<string, unknown>) => body(b));

const listing = (nextToken?: string) =>
  call('DescribeRepositories', (b) => b.maxResults === 1000 && b.nextToken === nextToken);
const policyOf = (r: RepositoryWire) =>
  call('GetRepositoryPolicy', (b) => b.repositoryName === r.name && b.registryId === r.registryId);

const ORDERS = repositoryWire('orders-api', REGION);
const BASE = repositoryWire('base-images', REGION);
const TOOLS = repositoryWire('team/public-tools', REGION);
const PUBLIC = repositoryPolicy([publicPullStatement]);
const ORG_ONLY = repositoryPolicy([orgPullStatement('o-a1b2c3d4e5')]);

const reposOf = (region: EcrRegion): EcrRepository[] => {
  if (!region.repositories.ok)
    throw new Error(`expected the repositories to be known: ${region.repositories.error.message}`);
  return region.repositories.value;
};

describe('collectEcrRegion', () => {
  it('when repositories span two pages, then each is read with its policy, following nextToken', async () => {
    listing().reply(...ecrOk(describeRepositoriesJson([ORDERS, BASE], REGION, 'token-2')));
    listing('token-2').reply(...ecrOk(describeRepositoriesJson([TOOLS], REGION)));
    policyOf(ORDERS).reply(...ecrOk(repositoryPolicyJson(ORDERS, ORG_ONLY)));
    policyOf(BASE).reply(...ecrNoPolicy(BASE));
    policyOf(TOOLS).reply(...ecrOk(repositoryPolicyJson(TOOLS, PUBLIC)));

    expect(reposOf(await collect())).toEqual([
      { name: ORDERS.name, arn: ORDERS.arn, registryId: ECR_ACCOUNT_ID, policy: known(ORG_ONLY) },
      { name: BASE.name, arn: BASE.arn, registryId: ECR_ACCOUNT_ID, policy: known(null) },
      { name: TOOLS.name, arn: TOOLS.arn, registryId: ECR_ACCOUNT_ID, policy: known(PUBLIC) },
    ]);
  });

  it('when a region has no repositories, then the list is known and empty', async () => {
    listing().reply(...ecrOk(describeRepositoriesJson([])));
    expect((await collect()).repositories).toEqual(known([]));
  });

  it('when a repository was deleted after the listing, then it is left out', async () => {
    listing().reply(...ecrOk(describeRepositoriesJson([ORDERS], REGION)));
    policyOf(ORDERS).reply(...ecrRepositoryNotFound(ORDERS));
    expect((await collect()).repositories).toEqual(known([]));
  });

  it('when DescribeRepositories is refused, then the repositories are unknown, naming ecr:DescribeRepositories', async () => {
    listing().reply(...ecrAccessDenied('DescribeRepositories'));
    expect((await collect()).repositories).toMatchObject({
      ok: false,
      error: {
        kind: 'access-denied',
        code: 'AccessDeniedException',
        permission: 'ecr:DescribeRepositories',
        region: REGION,
      },
    });
  });

  it('when GetRepositoryPolicy is refused, then only that repository is unknown, naming ecr:GetRepositoryPolicy', async () => {
    listing().reply(...ecrOk(describeRepositoriesJson([ORDERS, BASE], REGION)));
    policyOf(ORDERS).reply(...ecrAccessDenied('GetRepositoryPolicy'));
    policyOf(BASE).reply(...ecrNoPolicy(BASE));
    expect(reposOf(await collect())).toMatchObject([
      {
        name: ORDERS.name,
        policy: { ok: false, error: { kind: 'access-denied', permission: 'ecr:GetRepositoryPolicy' } },
      },
      { name: BASE.name, policy: { ok: true, value: null } },
    ]);
  });

  it('when ECR throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...ecrThrottling());
    listing().reply(...ecrOk(describeRepositoriesJson([])));
    expect((await collect()).repositories).toEqual(known([]));
  });

  it('when ECR keeps throttling, then the repositories are unknown as throttled, not empty', async () => {
    listing()
      .times(3)
      .reply(...ecrThrottling());
    expect((await collect()).repositories).toMatchObject({
      ok: false,
      error: { kind: 'throttled', code: 'ThrottlingException' },
    });
  });

  it.each<[string, unknown]>([
    ['no repositories (an empty answer)', {}],
    ['repositories that is not a list', { repositories: 'orders-api' }],
    ['a repository without a registryId', { repositories: [{ repositoryName: 'x', repositoryArn: ORDERS.arn }] }],
  ])(
    'when DescribeRepositories answers %s, then the repositories are unknown as malformed, not empty',
    async (_, body) => {
      listing().reply(...ecrOk(body));
      expect((await collect()).repositories).toMatchObject({
        ok: false,
        error: { kind: 'malformed', operation: 'DescribeRepositories' },
      });
    },
  );

  it.each<[string, unknown]>([
    ['an empty answer (no policyText)', {}],
    ['the policy of another repository', repositoryPolicyJson(BASE, PUBLIC)],
    ['a policyText that is not JSON', { ...repositoryPolicyJson(ORDERS, PUBLIC), policyText: '{"Statement":' }],
  ])(
    'when GetRepositoryPolicy answers %s, then the repository is unknown as malformed, never "no policy"',
    async (_, body) => {
      listing().reply(...ecrOk(describeRepositoriesJson([ORDERS], REGION)));
      policyOf(ORDERS).reply(...ecrOk(body));
      expect(reposOf(await collect())).toMatchObject([
        { name: ORDERS.name, policy: { ok: false, error: { kind: 'malformed', operation: 'GetRepositoryPolicy' } } },
      ]);
    },
  );
});

describe('the simulated estate (fake-services/ecr.ts) through the collector and the check', () => {
  it('when a misconfigured account is scanned, then only its public resource fails', async () => {
    const id = '210987654321';
    const aws = installFakeAws({
      callerAccountId: id,
      organization: false,
      latencyMs: 0,
      accounts: [{ id, name: 'prod', users: 1, buckets: 0, regions: ['us-east-1', 'eu-west-1'], misconfigured: true }],
    });
    try {
      const snapshot = await makeLiveSnapshotSource({
        config: parseConfig('regions: [us-east-1, eu-west-1]\n', 'cloudsec.yml'),
        homeRegion: 'us-east-1',
        sleep: async () => {},
        clock: () => NOW,
      }).load({ services: ['ecr'] });
      const findings = evaluateAccount(ECR_CHECKS, snapshot.accounts[0]!, NOW);
      expect(
        findings.filter((f) => f.status !== 'pass').map((f) => `${f.checkId} ${f.resource.id} ${f.status}`),
      ).toEqual(['ecr_repository_not_public public-tools fail']);
      // orders-api lets the organization pull: not public.
      expect(findings.filter((f) => f.status === 'pass').map((f) => f.resource.id)).toEqual([
        'orders-api',
        'base-images',
      ]);
      expect(aws.unhandled).toEqual([]);
    } finally {
      aws.restore();
    }
  });
});
