import {
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type AdvancedEventSelector,
  type EventSelector,
  type Trail as SdkTrail,
} from '@aws-sdk/client-cloudtrail';
import { known, missing, type CloudTrailSlice, type Fact, type Trail } from '../../core/model';
import { attempt } from '../attempt';
import type { CollectContext } from './context';

type ReadWriteType = 'All' | 'ReadOnly' | 'WriteOnly';
type EventSelectorSummary = Extract<Trail['eventSelectors'], { ok: true }>['value'];

const SERVICE = 'cloudtrail';

/** Collects every trail visible from the scanned regions, with its logging status and event selectors. */
export const collectCloudTrail = async (ctx: CollectContext): Promise<CloudTrailSlice> => {
  const found = await describeTrailsEverywhere(ctx);
  if (!found.ok) return { trails: found };
  const trails = await Promise.all(
    found.value.map(({ trail, arn, homeRegion }) => describeTrail(ctx, trail, arn, homeRegion)),
  );
  return { trails: known(trails) };
};

interface FoundTrail {
  trail: SdkTrail;
  arn: string;
  homeRegion: string;
}

/**
 * A multi-region trail shows up (as a shadow trail) in every region, so the same ARN is seen many
 * times. A region that fails (opt-in region not enabled, a regional deny) only hides the trails
 * that exist nowhere else; the slice is unknown only when no region could answer.
 */
const describeTrailsEverywhere = async (ctx: CollectContext): Promise<Fact<FoundTrail[]>> => {
  const regions = ctx.regions.length > 0 ? ctx.regions : [ctx.homeRegion];
  const perRegion = await Promise.all(
    regions.map((region) =>
      attempt(
        { service: SERVICE, operation: 'DescribeTrails', permission: 'cloudtrail:DescribeTrails', region },
        async () => {
          const out = await ctx.clients
            .cloudtrail(region)
            .send(new DescribeTrailsCommand({ includeShadowTrails: true }));
          return (out.trailList ?? []).map((trail) => ({ trail, seenIn: region }));
        },
      ),
    ),
  );

  const answered = perRegion.flatMap((f) => (f.ok ? [f.value] : []));
  if (answered.length === 0) return missing(mostTellingError(perRegion));

  const byArn = new Map<string, FoundTrail>();
  for (const { trail, seenIn } of answered.flat()) {
    if (!trail.TrailARN || byArn.has(trail.TrailARN)) continue;
    byArn.set(trail.TrailARN, { trail, arn: trail.TrailARN, homeRegion: trail.HomeRegion ?? seenIn });
  }
  return known([...byArn.values()]);
};

/** A refused permission says more than an opt-in region that is simply not enabled. */
const mostTellingError = (failures: Fact<unknown>[]) => {
  const errors = failures.flatMap((f) => (f.ok ? [] : [f.error]));
  const chosen = errors.find((e) => e.kind !== 'region-unavailable') ?? errors[0];
  if (!chosen) throw new Error('mostTellingError needs at least one failure');
  return chosen;
};

/** Status and selectors are asked of the trail's home region: other regions only hold a shadow copy. */
const describeTrail = async (ctx: CollectContext, trail: SdkTrail, arn: string, homeRegion: string): Promise<Trail> => {
  const client = ctx.clients.cloudtrail(homeRegion);
  const meta = (operation: string) => ({
    service: SERVICE,
    operation,
    permission: `cloudtrail:${operation}`,
    region: homeRegion,
  });
  const [status, eventSelectors] = await Promise.all([
    ctx.fanOut(() =>
      attempt(meta('GetTrailStatus'), async () => {
        const out = await client.send(new GetTrailStatusCommand({ Name: arn }));
        return { isLogging: out.IsLogging ?? false, latestDeliveryError: out.LatestDeliveryError || null };
      }),
    ),
    ctx.fanOut(() =>
      attempt(meta('GetEventSelectors'), async () => {
        const out = await client.send(new GetEventSelectorsCommand({ TrailName: arn }));
        return summarizeSelectors(out.EventSelectors ?? [], out.AdvancedEventSelectors ?? []);
      }),
    ),
  ]);
  return {
    name: trail.Name ?? arn,
    arn,
    homeRegion,
    isMultiRegion: trail.IsMultiRegionTrail ?? false,
    isOrganizationTrail: trail.IsOrganizationTrail ?? false,
    logFileValidationEnabled: trail.LogFileValidationEnabled ?? false,
    kmsKeyId: trail.KmsKeyId ?? null,
    s3BucketName: trail.S3BucketName ?? null,
    status,
    eventSelectors,
  };
};

// ---------------------------------------------------------------- event selectors

/** Several selectors can each record part of the management events; together they may cover all. */
export const summarizeSelectors = (basic: EventSelector[], advanced: AdvancedEventSelector[]): EventSelectorSummary => {
  const recorded = [
    ...basic.filter((s) => s.IncludeManagementEvents === true).map((s) => asReadWriteType(s.ReadWriteType)),
    ...advanced.flatMap(advancedManagementReadWrite),
  ];
  if (recorded.length === 0) return { managementEvents: false, readWriteType: null };
  const covers = (t: ReadWriteType) => recorded.includes(t) || recorded.includes('All');
  const readWriteType: ReadWriteType =
    covers('ReadOnly') && covers('WriteOnly') ? 'All' : recorded.includes('ReadOnly') ? 'ReadOnly' : 'WriteOnly';
  return { managementEvents: true, readWriteType };
};

/** The API's default when a basic selector leaves ReadWriteType out is `All`. */
const asReadWriteType = (value: string | undefined): ReadWriteType =>
  value === 'ReadOnly' || value === 'WriteOnly' ? value : 'All';

const advancedManagementReadWrite = (selector: AdvancedEventSelector): ReadWriteType[] => {
  const fields = selector.FieldSelectors ?? [];
  const isManagement = fields.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'));
  if (!isManagement) return [];
  const readOnly = fields.find((f) => f.Field === 'readOnly');
  if (!readOnly) return ['All'];
  const selected = new Set<string>(readOnly.Equals ?? ['true', 'false']);
  for (const excluded of readOnly.NotEquals ?? []) selected.delete(excluded);
  if (selected.has('true') && selected.has('false')) return ['All'];
  if (selected.has('true')) return ['ReadOnly'];
  if (selected.has('false')) return ['WriteOnly'];
  return [];
};
