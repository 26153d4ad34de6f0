import { known, missing, type AccountSnapshot, type EfsRegion, type RdsRegion } from '../../src/core/model';
import { anEfsFileSystem } from '../../test/fixtures/builders/efs';
import {
  aRestoreAttribute,
  anEncryptedRdsSnapshot,
  anRdsInstance,
  anRdsSnapshot,
} from '../../test/fixtures/builders/rds';
import { accessDenied, daysAgo } from '../../test/fixtures/snapshot-builders';
import type { DemoExtension } from '.';

/**
 * The demo estate's data stores (issue 12): RDS instances and manual snapshots, EFS file systems.
 * Every rds and efs check fails at least once and passes elsewhere:
 * - prod us-east-1: `orders-db` is private, encrypted and patched; `legacy-reporting` (MySQL) is
 *   publicly accessible (its group `web` opens 443 only: high), unencrypted and never upgraded; a
 *   pre-migration DB snapshot is public; the build-cache file system is unencrypted.
 * - staging us-west-2: `staging-api-db` is publicly accessible in `debug-wide-open`, which admits the
 *   world on every port (critical); its cluster snapshot is shared with one account by id only; the
 *   EFS listing was refused (unknown).
 */

const EMPTY_RDS: RdsRegion = { instances: known([]), snapshots: known([]), clusterSnapshots: known([]) };
const EMPTY_EFS: EfsRegion = { fileSystems: known([]) };

type Ids = Pick<AccountSnapshot, 'accountId' | 'partition'>;
const rdsArn = (a: Ids, region: string, type: string, id: string) =>
  `arn:${a.partition}:rds:${region}:${a.accountId}:${type}:${id}`;
const efsArn = (a: Ids, region: string, id: string) =>
  `arn:${a.partition}:elasticfilesystem:${region}:${a.accountId}:file-system/${id}`;
const kmsKey = (a: Ids, region: string) =>
  `arn:${a.partition}:kms:${region}:${a.accountId}:key/5c7e2a90-4d1b-4f3e-9a6c-2b8d0e1f7a34`;

/** Every region of the account gets an (empty) slice, then `regional` fills some in. */
const everyRegion = <T>(account: AccountSnapshot, empty: T, regional: Record<string, T>): Record<string, T> =>
  Object.fromEntries(account.regions.map((r) => [r, regional[r] ?? empty]));

const prodRds = (a: AccountSnapshot): RdsRegion => {
  const r = 'us-east-1';
  return {
    instances: known([
      anRdsInstance({ id: 'orders-db', arn: rdsArn(a, r, 'db', 'orders-db'), securityGroupIds: ['sg-0default'] }),
      anRdsInstance({
        id: 'legacy-reporting',
        arn: rdsArn(a, r, 'db', 'legacy-reporting'),
        engine: 'mysql',
        port: 3306,
        publiclyAccessible: true,
        storageEncrypted: false,
        autoMinorVersionUpgrade: false,
        securityGroupIds: ['sg-0web'],
      }),
    ]),
    snapshots: known([
      anRdsSnapshot({
        id: 'orders-db-pre-migration',
        arn: rdsArn(a, r, 'snapshot', 'orders-db-pre-migration'),
        sourceId: 'orders-db',
        createdAt: daysAgo(45),
        restore: known(aRestoreAttribute({ public: true })),
      }),
      anEncryptedRdsSnapshot({
        id: 'orders-db-weekly',
        arn: rdsArn(a, r, 'snapshot', 'orders-db-weekly'),
        sourceId: 'orders-db',
        createdAt: daysAgo(3),
      }),
    ]),
    clusterSnapshots: known([]),
  };
};

const prodEfs = (a: AccountSnapshot): EfsRegion => {
  const r = 'us-east-1';
  return {
    fileSystems: known([
      anEfsFileSystem({
        id: 'fs-0c4e1a7b93d2f6058',
        arn: efsArn(a, r, 'fs-0c4e1a7b93d2f6058'),
        name: 'shared-home',
        kmsKeyId: kmsKey(a, r),
      }),
      anEfsFileSystem({
        id: 'fs-0f9b3d2c1e0a48765',
        arn: efsArn(a, r, 'fs-0f9b3d2c1e0a48765'),
        name: 'build-cache',
        encrypted: false,
        kmsKeyId: null,
      }),
    ]),
  };
};

const stagingRds = (a: AccountSnapshot): RdsRegion => {
  const r = 'us-west-2';
  return {
    instances: known([
      anRdsInstance({
        id: 'staging-api-db',
        arn: rdsArn(a, r, 'db', 'staging-api-db'),
        publiclyAccessible: true,
        securityGroupIds: ['sg-0debug'],
      }),
    ]),
    snapshots: known([]),
    clusterSnapshots: known([
      anRdsSnapshot({
        id: 'staging-aurora-export',
        arn: rdsArn(a, r, 'cluster-snapshot', 'staging-aurora-export'),
        kind: 'cluster',
        sourceId: 'staging-aurora',
        engine: 'aurora-postgresql',
        createdAt: daysAgo(9),
        restore: known(aRestoreAttribute({ accounts: ['333333333333'] })),
      }),
    ]),
  };
};

export const dataStoresDemo: DemoExtension = {
  prod: (account) => ({
    ...account,
    rds: everyRegion(account, EMPTY_RDS, { 'us-east-1': prodRds(account) }),
    efs: everyRegion(account, EMPTY_EFS, { 'us-east-1': prodEfs(account) }),
  }),
  staging: (account) => ({
    ...account,
    rds: everyRegion(account, EMPTY_RDS, { 'us-west-2': stagingRds(account) }),
    efs: everyRegion(account, EMPTY_EFS, {
      'us-west-2': { fileSystems: missing(accessDenied('elasticfilesystem:DescribeFileSystems')) },
    }),
  }),
};
