import {
  known,
  missing,
  type AccountSnapshot,
  type EcrRegion,
  type KmsKey,
  type KmsRegion,
  type SecretsManagerRegion,
} from '../../src/core/model';
import { aRepositoryPolicy, anEcrRepository, publicPull, publicPush } from '../../test/fixtures/builders/ecr';
import {
  aKeyMetadata,
  aKeyPolicy,
  aKmsKey,
  aNonRotatingKey,
  anAlias,
  publicDecrypt,
  rootStatement,
} from '../../test/fixtures/builders/kms';
import { aSecret, aSecretPolicy, publicGetSecretValue } from '../../test/fixtures/builders/secretsmanager';
import { accessDenied, denied } from '../../test/fixtures/snapshot-builders';
import type { DemoExtension } from '.';

/**
 * The demo estate's keys and secrets (issue 12): KMS keys, Secrets Manager secrets, ECR repositories.
 * Every new check fails at least once and passes elsewhere:
 * - prod us-east-1: the EFS key `alias/shared-home` rotates; `alias/payments-legacy` does not (cloudsec
 *   can turn rotation on); `alias/partner-export` lets anyone decrypt; `alias/release-signing` is an
 *   asymmetric key (it cannot rotate: not judged for rotation); the AWS managed S3 key is left out.
 *   `prod/orders/db` has no resource policy, `legacy/reporting-readonly` lets anyone read it.
 *   `orders-api` lets the organization pull, `base-images` has no policy.
 * - prod eu-west-1: the key policy of `alias/eu-archive` does not delegate to IAM and refuses
 *   cloudsec DescribeKey (unknown, naming the key policy); no secrets, no repositories.
 * - staging us-west-2: `alias/staging-data` rotates; reading `staging/api-token`'s policy was refused
 *   (unknown); `debug-tools` lets anyone pull and push images.
 * - staging us-east-1: none of these resources.
 */

type Ids = Pick<AccountSnapshot, 'accountId' | 'partition'>;
const arn = (a: Ids, region: string, service: string, resource: string) =>
  `arn:${a.partition}:${service}:${region}:${a.accountId}:${resource}`;

const EMPTY_KMS: KmsRegion = { keys: known([]), aliases: known([]) };
const EMPTY_SECRETS: SecretsManagerRegion = { secrets: known([]) };
const EMPTY_ECR: EcrRegion = { repositories: known([]) };

/** The organization the demo accounts belong to. */
const ORG_ID = 'o-7k2m9x4p1q';

/** Every region of the account gets an (empty) slice, then `regional` fills some in. */
const everyRegion = <T>(account: AccountSnapshot, empty: T, regional: Record<string, T>): Record<string, T> =>
  Object.fromEntries(account.regions.map((r) => [r, regional[r] ?? empty]));

const key = (a: Ids, r: string, id: string, over: Partial<KmsKey> = {}): KmsKey =>
  aKmsKey({ id, arn: arn(a, r, 'kms', `key/${id}`), policy: known(aKeyPolicy(rootStatement(a.accountId))), ...over });

/** The key data-stores.ts encrypts the shared-home file system with. */
const EFS_KEY = '5c7e2a90-4d1b-4f3e-9a6c-2b8d0e1f7a34';
const PAYMENTS_KEY = 'b7d41c2e-8a3f-4e6b-9c05-1f2a3b4c5d6e';
const PARTNER_KEY = 'e3a9f0c4-2b7d-4c1e-8f6a-0d9b5c3e7a12';
const SIGNING_KEY = '4f1e8d2c-6b3a-4975-a0c8-e2d1f6b9a3c7';
const S3_MANAGED_KEY = '9d2c6e1a-3f7b-4a8d-b5e0-c4a1f8d2e6b3';

const prodKms = (a: Ids): KmsRegion => {
  const r = 'us-east-1';
  return {
    keys: known([
      key(a, r, EFS_KEY, { metadata: known(aKeyMetadata({ description: 'EFS shared-home' })) }),
      aNonRotatingKey({
        id: PAYMENTS_KEY,
        arn: arn(a, r, 'kms', `key/${PAYMENTS_KEY}`),
        metadata: known(aKeyMetadata({ description: 'payments (pre-2020)' })),
        policy: known(aKeyPolicy(rootStatement(a.accountId))),
      }),
      key(a, r, PARTNER_KEY, {
        metadata: known(aKeyMetadata({ description: 'exports shared with partners' })),
        policy: known(aKeyPolicy(rootStatement(a.accountId), { ...publicDecrypt, Sid: 'AllowPartnersToDecrypt' })),
      }),
      key(a, r, SIGNING_KEY, {
        metadata: known(aKeyMetadata({ spec: 'RSA_2048', usage: 'SIGN_VERIFY', description: 'release signing' })),
        rotation: null,
      }),
      // AWS managed (alias/aws/s3): not described, as the collector leaves it.
      {
        id: S3_MANAGED_KEY,
        arn: arn(a, r, 'kms', `key/${S3_MANAGED_KEY}`),
        metadata: null,
        rotation: null,
        policy: null,
      },
    ]),
    aliases: known([
      anAlias('alias/shared-home', EFS_KEY),
      anAlias('alias/payments-legacy', PAYMENTS_KEY),
      anAlias('alias/partner-export', PARTNER_KEY),
      anAlias('alias/release-signing', SIGNING_KEY),
      anAlias('alias/aws/s3', S3_MANAGED_KEY),
    ]),
  };
};

const prodEuKms = (a: Ids): KmsRegion => {
  const r = 'eu-west-1';
  const id = 'c8e4a2f6-1d3b-4e7a-9f0c-5b2d8a6e4c1f';
  return {
    keys: known([
      key(a, r, id, {
        metadata: missing({ ...accessDenied('kms:DescribeKey'), region: r, code: 'AccessDeniedException' }),
        rotation: null,
        policy: null,
      }),
    ]),
    aliases: known([anAlias('alias/eu-archive', id)]),
  };
};

const prodSecrets = (a: Ids): SecretsManagerRegion => {
  const r = 'us-east-1';
  const secret = (name: string, suffix: string) => ({
    name,
    arn: arn(a, r, 'secretsmanager', `secret:${name}-${suffix}`),
  });
  return {
    secrets: known([
      aSecret(secret('prod/orders/db', 'Xk3p9Q')),
      aSecret({
        ...secret('legacy/reporting-readonly', 'bR7t2M'),
        policy: known(aSecretPolicy(publicGetSecretValue)),
      }),
    ]),
  };
};

const prodEcr = (a: Ids): EcrRegion => {
  const r = 'us-east-1';
  const repo = (name: string) => ({ name, arn: arn(a, r, 'ecr', `repository/${name}`), registryId: a.accountId });
  return {
    repositories: known([
      anEcrRepository({
        ...repo('orders-api'),
        policy: known(
          aRepositoryPolicy({
            ...publicPull,
            Sid: 'AllowOrgPull',
            Condition: { StringEquals: { 'aws:PrincipalOrgID': ORG_ID } },
          }),
        ),
      }),
      anEcrRepository(repo('base-images')),
    ]),
  };
};

const stagingKms = (a: Ids): KmsRegion => {
  const r = 'us-west-2';
  const id = '2a6f0e8c-7d1b-4c3e-a5f9-8b4d2c6e0a1f';
  return { keys: known([key(a, r, id)]), aliases: known([anAlias('alias/staging-data', id)]) };
};

const stagingSecrets = (a: Ids): SecretsManagerRegion => {
  const r = 'us-west-2';
  const name = 'staging/api-token';
  return {
    secrets: known([
      aSecret({
        name,
        arn: arn(a, r, 'secretsmanager', `secret:${name}-Hq4w8Z`),
        policy: denied('secretsmanager:GetResourcePolicy'),
      }),
    ]),
  };
};

const stagingEcr = (a: Ids): EcrRegion => {
  const r = 'us-west-2';
  return {
    repositories: known([
      anEcrRepository({
        name: 'debug-tools',
        arn: arn(a, r, 'ecr', 'repository/debug-tools'),
        registryId: a.accountId,
        policy: known(aRepositoryPolicy(publicPull, publicPush)),
      }),
    ]),
  };
};

export const keysSecretsDemo: DemoExtension = {
  prod: (account) => ({
    ...account,
    kms: everyRegion(account, EMPTY_KMS, { 'us-east-1': prodKms(account), 'eu-west-1': prodEuKms(account) }),
    secretsmanager: everyRegion(account, EMPTY_SECRETS, { 'us-east-1': prodSecrets(account) }),
    ecr: everyRegion(account, EMPTY_ECR, { 'us-east-1': prodEcr(account) }),
  }),
  staging: (account) => ({
    ...account,
    kms: everyRegion(account, EMPTY_KMS, { 'us-west-2': stagingKms(account) }),
    secretsmanager: everyRegion(account, EMPTY_SECRETS, { 'us-west-2': stagingSecrets(account) }),
    ecr: everyRegion(account, EMPTY_ECR, { 'us-west-2': stagingEcr(account) }),
  }),
};
