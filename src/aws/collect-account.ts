import pLimit from 'p-limit';
import { sdk } from './sdk';
import { known, SERVICES, type AccountSnapshot, type Service, type Fact } from '../core/model';
import { attempt } from './attempt';
import type { AccountClients, ClientName } from './clients';
import type { CollectContext } from './collectors/context';
import { collectIam } from './collectors/iam';
import { collectS3 } from './collectors/s3';
import { collectCloudTrail } from './collectors/cloudtrail';
import { collectEc2Region } from './collectors/ec2';
import { collectSecurityHubRegion, type SecurityHubFilter } from './collectors/securityhub';
import { collectRdsRegion } from './collectors/rds';
import { collectEfsRegion } from './collectors/efs';
import { collectLambdaRegion } from './collectors/lambda';
import { collectSqsRegion } from './collectors/sqs';
import { collectSnsRegion } from './collectors/sns';
import { collectKmsRegion } from './collectors/kms';
import { collectSecretsManagerRegion } from './collectors/secretsmanager';
import { collectEcrRegion } from './collectors/ecr';
import { collectOpenSearchRegion } from './collectors/opensearch';
import { collectEksRegion } from './collectors/eks';
import { collectGuardDutyRegion } from './collectors/guardduty';
import { collectConfigRegion } from './collectors/config';
import { collectAccessAnalyzerRegion } from './collectors/accessanalyzer';
import { collectCloudWatch } from './collectors/cloudwatch';
import { collectAccountSettings } from './collectors/account';

export interface AccountScanTarget {
  accountId: string;
  name: string;
  partition: string;
  /** Set when cloudsec assumes a role to get in; the caller's own account has none. */
  roleArn?: string;
  ou?: string;
}

export interface AccountScanOptions {
  services: readonly Service[];
  homeRegion: string;
  /** Regions for regional services, already resolved for this account. */
  regions: readonly string[];
  regionConcurrency: number;
  callConcurrency: number;
  securityHub: SecurityHubFilter;
  sleep: (ms: number) => Promise<void>;
  clock: () => Date;
}

const REGIONAL: readonly Service[] = [
  'ec2',
  'securityhub',
  'cloudtrail',
  'rds',
  'efs',
  'lambda',
  'sqs',
  'sns',
  'kms',
  'secretsmanager',
  'ecr',
  'opensearch',
  'eks',
  'guardduty',
  'config',
  'accessanalyzer',
  'cloudwatch',
];
export const needsRegions = (services: readonly Service[]) => services.some((s) => REGIONAL.includes(s));

const perRegion = async <T>(
  regions: readonly string[],
  limit: <R>(fn: () => Promise<R>) => Promise<R>,
  fn: (region: string) => Promise<T>,
): Promise<Record<string, T>> =>
  Object.fromEntries(await Promise.all(regions.map(async (r) => [r, await limit(() => fn(r))] as const)));

/**
 * Collects the requested services of one account. Never throws for AWS errors: a refused role makes
 * `access` unknown (every check then reports unknown for this account), a refused call makes its
 * own piece unknown, and the rest is still collected.
 */
export const collectAccount = async (
  clients: AccountClients,
  target: AccountScanTarget,
  options: AccountScanOptions,
): Promise<AccountSnapshot> => {
  const base = {
    accountId: target.accountId,
    accountName: target.name,
    ou: target.ou ?? null,
    partition: target.partition,
    regions: [...options.regions],
    collectedAt: options.clock().toISOString(),
    warnings: [] as string[],
  };
  if (target.roleArn) {
    const roleArn = target.roleArn;
    const entered: Fact<unknown> = await attempt(
      { service: 'sts', operation: 'AssumeRole', permission: `sts:AssumeRole on ${roleArn}` },
      () => clients.sts().send(new sdk.sts.GetCallerIdentityCommand({})),
    );
    if (!entered.ok) return { ...base, access: entered };
  }

  const fanOut = pLimit(options.callConcurrency);
  const regionLimit = pLimit(options.regionConcurrency);
  const ctx: CollectContext = {
    clients,
    accountId: target.accountId,
    partition: target.partition,
    homeRegion: options.homeRegion,
    regions: options.regions,
    sleep: options.sleep,
    fanOut: (fn) => fanOut(fn),
  };
  const wants = (s: Service) => options.services.includes(s);
  // A service's client for a region is dropped once that region is collected (see AccountClients.forget).
  const regional = <T>(client: ClientName, collect: (region: string) => Promise<T>) =>
    perRegion<T>(options.regions, regionLimit, (region) =>
      collect(region).finally(() => clients.forget?.(client, region)),
    );
  // One entry per service: only the services the selected checks read are collected.
  const collectors: { [S in Service]: () => Promise<NonNullable<AccountSnapshot[S]>> } = {
    iam: () => collectIam(ctx),
    s3: () => collectS3(ctx),
    cloudtrail: () => collectCloudTrail(ctx),
    ec2: () => regional('ec2', (r) => collectEc2Region(ctx, r)),
    securityhub: () => regional('securityhub', (r) => collectSecurityHubRegion(ctx, r, options.securityHub)),
    rds: () => regional('rds', (r) => collectRdsRegion(ctx, r)),
    efs: () => regional('efs', (r) => collectEfsRegion(ctx, r)),
    lambda: () => regional('lambda', (r) => collectLambdaRegion(ctx, r)),
    sqs: () => regional('sqs', (r) => collectSqsRegion(ctx, r)),
    sns: () => regional('sns', (r) => collectSnsRegion(ctx, r)),
    kms: () => regional('kms', (r) => collectKmsRegion(ctx, r)),
    secretsmanager: () => regional('secretsmanager', (r) => collectSecretsManagerRegion(ctx, r)),
    ecr: () => regional('ecr', (r) => collectEcrRegion(ctx, r)),
    opensearch: () => regional('opensearch', (r) => collectOpenSearchRegion(ctx, r)),
    eks: () => regional('eks', (r) => collectEksRegion(ctx, r)),
    guardduty: () => regional('guardduty', (r) => collectGuardDutyRegion(ctx, r)),
    config: () => regional('config', (r) => collectConfigRegion(ctx, r)),
    accessanalyzer: () => regional('accessanalyzer', (r) => collectAccessAnalyzerRegion(ctx, r)),
    cloudwatch: () => collectCloudWatch(ctx),
    account: () => collectAccountSettings(ctx),
  };
  const slices = await Promise.all(
    SERVICES.filter(wants).map(async (service) => [service, await collectors[service]()] as const),
  );
  return { ...base, access: known(true as const), ...Object.fromEntries(slices) };
};
