import { sdk } from './sdk';

import type { Fact } from '../core/model';
import { known } from '../core/model';
import { attempt } from './attempt';
import { MalformedAnswerError } from './errors';
import type { AccountClients } from './clients';

/** What region discovery calls, named once for the call and for the generated policy (src/aws/permissions.ts). */
export const REGION_DISCOVERY_PERMISSIONS = { DescribeRegions: 'ec2:DescribeRegions' } as const;

/**
 * Regions to scan for regional services: the configured list when there is one, otherwise the
 * regions enabled for the account (opt-in regions the account has not opted into are left out, since
 * its credentials do not work there). On failure the caller falls back to `homeRegion` and reports
 * the missing permission from the fact.
 */
export const resolveRegions = async (
  clients: AccountClients,
  configured: readonly string[] | undefined,
  homeRegion: string,
): Promise<Fact<string[]>> => {
  if (configured && configured.length > 0) return known([...configured]);
  const meta = {
    service: 'ec2',
    operation: 'DescribeRegions',
    permission: REGION_DISCOVERY_PERMISSIONS.DescribeRegions,
    region: homeRegion,
  };
  return attempt(meta, async () => {
    const out = await clients.ec2(homeRegion).send(new sdk.ec2.DescribeRegionsCommand({ AllRegions: false }));
    // Every account has regions enabled: an answer without any (or a region without its name) is
    // unreadable, and reading it as "no region" or a shorter list would scan less and say nothing.
    const regions = (Array.isArray(out.Regions) ? out.Regions : []).map((r) => r.RegionName);
    if (regions.length === 0 || regions.some((name) => !name))
      throw new MalformedAnswerError('DescribeRegions answered without the enabled regions and their names');
    return (regions as string[]).sort();
  });
};
