import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import { makeLiveSnapshotSource } from '../../../src/aws/live-source';
import { parseConfig } from '../../../src/config';
import { SECRETSMANAGER_CHECKS } from '../../../src/core/checks/secretsmanager';
import { evaluateAccount } from '../../../src/core/findings';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSecretsManagerRegion } from '../../../src/aws/collectors/secretsmanager';
import {
  SecretsManagerRegionSchema,
  known,
  type SecretsManagerRegion,
  type SecretsManagerSecret,
} from '../../../src/core/model';
import {
  SECRETS_ACCOUNT_ID,
  listSecretsJson,
  publicGetSecretStatement,
  resourcePolicyJson,
  secretArn,
  secretPolicy,
  secretsAccessDenied,
  secretsHost,
  secretsNotFound,
  secretsOk,
  secretsThrottling,
  type SecretWire,
} from '../../fixtures/aws/fake-services/secretsmanager';
import { installFakeAws } from '../../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { NOW } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: SECRETS_ACCOUNT_ID,
  }),
  accountId: SECRETS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<SecretsManagerRegion> =>
  SecretsManagerRegionSchema.parse(await collectSecretsManagerRegion(context(), REGION));

/** A JSON 1.1 call to `operation`, as the SDK sends it. */
const call = (operation: string, body: (b: Record<string, unknown>) => boolean = () => true) =>
  nock(secretsHost(REGION), {
    reqheaders: { 'x-amz-target': `secretsmanager.${operation}`, 'content-type': 'application/x-amz-json-1.1' },
  }).post('/', (b: Record<string, unknown>) => body(b));

const listing = (nextToken?: string) => call('ListSecrets', (b) => b.MaxResults === 100 && b.NextToken === nextToken);
const policyOf = (s: SecretWire) => call('GetResourcePolicy', (b) => b.SecretId === s.arn);

const secret = (name: string, owningService?: string): SecretWire => ({
  arn: secretArn(name, REGION),
  name,
  ...(owningService === undefined ? {} : { owningService }),
});
const DB = secret('prod/orders/db');
const TOKEN = secret('legacy/api-token');
const RDS_MANAGED = secret('rds!db-5f2a7c1e-0b4d-4e8a-9c3f-1d2e3f4a5b6c', 'rds');
const PUBLIC = secretPolicy([publicGetSecretStatement]);

const secretsOf = (region: SecretsManagerRegion): SecretsManagerSecret[] => {
  if (!region.secrets.ok) throw new Error(`expected the secrets to be known: ${region.secrets.error.message}`);
  return region.secrets.value;
};

describe('collectSecretsManagerRegion', () => {
  it('when secrets span two pages, then each is read with its resource policy, following NextToken', async () => {
    listing().reply(...secretsOk(listSecretsJson([DB, RDS_MANAGED], 'token-2')));
    listing('token-2').reply(...secretsOk(listSecretsJson([TOKEN])));
    policyOf(DB).reply(...secretsOk(resourcePolicyJson(DB)));
    policyOf(RDS_MANAGED).reply(...secretsOk(resourcePolicyJson(RDS_MANAGED)));
    policyOf(TOKEN).reply(...secretsOk(resourcePolicyJson(TOKEN, PUBLIC)));

    expect(secretsOf(await collect())).toEqual([
      { arn: DB.arn, name: DB.name, owningService: null, policy: known(null) },
      { arn: RDS_MANAGED.arn, name: RDS_MANAGED.name, owningService: 'rds', policy: known(null) },
      { arn: TOKEN.arn, name: TOKEN.name, owningService: null, policy: known(PUBLIC) },
    ]);
  });

  it('when a region has no secrets, then the list is known and empty', async () => {
    listing().reply(...secretsOk(listSecretsJson([])));
    expect((await collect()).secrets).toEqual(known([]));
  });

  it('when a secret was deleted after the listing, then it is left out', async () => {
    listing().reply(...secretsOk(listSecretsJson([DB])));
    policyOf(DB).reply(...secretsNotFound());
    expect((await collect()).secrets).toEqual(known([]));
  });

  it('when ListSecrets is refused, then the secrets are unknown, naming secretsmanager:ListSecrets', async () => {
    listing().reply(...secretsAccessDenied('ListSecrets'));
    expect((await collect()).secrets).toMatchObject({
      ok: false,
      error: {
        kind: 'access-denied',
        code: 'AccessDeniedException',
        permission: 'secretsmanager:ListSecrets',
        region: REGION,
      },
    });
  });

  it('when GetResourcePolicy is refused, then only that secret is unknown, naming secretsmanager:GetResourcePolicy', async () => {
    listing().reply(...secretsOk(listSecretsJson([DB, TOKEN])));
    policyOf(DB).reply(...secretsAccessDenied('GetResourcePolicy'));
    policyOf(TOKEN).reply(...secretsOk(resourcePolicyJson(TOKEN, PUBLIC)));
    expect(secretsOf(await collect())).toMatchObject([
      {
        name: DB.name,
        policy: { ok: false, error: { kind: 'access-denied', permission: 'secretsmanager:GetResourcePolicy' } },
      },
      { name: TOKEN.name, policy: { ok: true } },
    ]);
  });

  it('when Secrets Manager throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...secretsThrottling());
    listing().reply(...secretsOk(listSecretsJson([])));
    expect((await collect()).secrets).toEqual(known([]));
  });

  it('when Secrets Manager keeps throttling, then the secrets are unknown as throttled, not empty', async () => {
    listing()
      .times(3)
      .reply(...secretsThrottling());
    expect((await collect()).secrets).toMatchObject({
      ok: false,
      error: { kind: 'throttled', code: 'ThrottlingException' },
    });
  });

  it.each<[string, unknown]>([
    ['no SecretList (an empty answer)', {}],
    ['SecretList that is not a list', { SecretList: {} }],
    ['a secret without an ARN', { SecretList: [{ Name: 'prod/orders/db' }] }],
  ])('when ListSecrets answers %s, then the secrets are unknown as malformed, not empty', async (_, body) => {
    listing().reply(...secretsOk(body));
    expect((await collect()).secrets).toMatchObject({
      ok: false,
      error: { kind: 'malformed', operation: 'ListSecrets' },
    });
  });

  it.each<[string, unknown]>([
    ['an empty answer (no ARN, no Name)', {}],
    ['the policy of another secret', resourcePolicyJson(TOKEN, PUBLIC)],
    ['a ResourcePolicy that is not JSON', { ...resourcePolicyJson(DB), ResourcePolicy: '{"Statement":' }],
    ['a ResourcePolicy that is not a string', { ...resourcePolicyJson(DB), ResourcePolicy: { Statement: [] } }],
  ])(
    'when GetResourcePolicy answers %s, then the secret is unknown as malformed, never "no policy"',
    async (_, body) => {
      listing().reply(...secretsOk(listSecretsJson([DB])));
      policyOf(DB).reply(...secretsOk(body));
      expect(secretsOf(await collect())).toMatchObject([
        { name: DB.name, policy: { ok: false, error: { kind: 'malformed', operation: 'GetResourcePolicy' } } },
      ]);
    },
  );

  it('when GetResourcePolicy answers an empty body, then the secret is unknown, not without a policy', async () => {
    listing().reply(...secretsOk(listSecretsJson([DB])));
    policyOf(DB).reply(200, '', { 'content-type': 'application/x-amz-json-1.1' });
    expect(secretsOf(await collect())[0]!.policy).toMatchObject({ ok: false, error: { kind: 'malformed' } });
  });
});

describe('the simulated estate (fake-services/secretsmanager.ts) through the collector and the check', () => {
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
      }).load({ services: ['secretsmanager'] });
      const findings = evaluateAccount(SECRETSMANAGER_CHECKS, snapshot.accounts[0]!, NOW);
      expect(
        findings.filter((f) => f.status !== 'pass').map((f) => `${f.checkId} ${f.resource.id} ${f.status}`),
      ).toEqual(['secretsmanager_secret_not_public legacy/api-token fail']);
      expect(findings.filter((f) => f.status === 'pass').map((f) => f.resource.id)).toEqual([
        'prod/orders/db',
        'rds!db-5f2a7c1e-0b4d-4e8a-9c3f-1d2e3f4a5b6c',
      ]);
      expect(aws.unhandled).toEqual([]);
    } finally {
      aws.restore();
    }
  });
});
