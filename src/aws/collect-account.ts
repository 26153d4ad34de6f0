import pLimit from 'p-limit';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import {
  known,
  type AccountSnapshot,
  type Ec2Region,
  type SecurityHubRegion,
  type Service,
  type Fact,
} from '../core/model';
import { attempt } from './attempt';
import type { AccountClients } from './clients';
import type { CollectContext } from './collectors/context';
import { collectIam } from './collectors/iam';
import { collectS3 } from './collectors/s3';
import { collectCloudTrail } from './collectors/cloudtrail';
import { collectEc2Region } from './collectors/ec2';
import { collectSecurityHubRegion, type SecurityHubFilter } from './collectors/securityhub';

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

const REGIONAL: readonly Service[] = ['ec2', 'securityhub', 'cloudtrail'];
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
      () => clients.sts().send(new GetCallerIdentityCommand({})),
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
  const [iam, s3, cloudtrail, ec2, securityhub] = await Promise.all([
    wants('iam') ? collectIam(ctx) : undefined,
    wants('s3') ? collectS3(ctx) : undefined,
    wants('cloudtrail') ? collectCloudTrail(ctx) : undefined,
    wants('ec2') ? perRegion<Ec2Region>(options.regions, regionLimit, (r) => collectEc2Region(ctx, r)) : undefined,
    wants('securityhub')
      ? perRegion<SecurityHubRegion>(options.regions, regionLimit, (r) =>
          collectSecurityHubRegion(ctx, r, options.securityHub),
        )
      : undefined,
  ]);
  return {
    ...base,
    access: known(true as const),
    ...(iam ? { iam } : {}),
    ...(s3 ? { s3 } : {}),
    ...(cloudtrail ? { cloudtrail } : {}),
    ...(ec2 ? { ec2 } : {}),
    ...(securityhub ? { securityhub } : {}),
  };
};
