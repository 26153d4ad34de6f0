import type { AdvancedEventSelector, EventSelector, Trail as SdkTrail } from '@aws-sdk/client-cloudtrail';
import { sdk } from '../sdk';
import { known, missing, type CloudTrailSlice, type CollectError, type Fact, type Trail } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError } from '../errors';
import type { CollectContext } from './context';

type ReadWriteType = 'All' | 'ReadOnly' | 'WriteOnly';
type EventSelectorSummary = Extract<Trail['eventSelectors'], { ok: true }>['value'];

const SERVICE = 'cloudtrail';

/**
 * The IAM action each call of this collector needs, by operation: named when AWS refuses the call,
 * and granted by the read-only policy (src/aws/permissions.ts), from this one declaration.
 */
export const CLOUDTRAIL_COLLECTOR_PERMISSIONS = {
  DescribeTrails: 'cloudtrail:DescribeTrails',
  GetTrailStatus: 'cloudtrail:GetTrailStatus',
  GetEventSelectors: 'cloudtrail:GetEventSelectors',
} as const;

/** Collects every trail visible from the scanned regions, with its logging status and event selectors. */
export const collectCloudTrail = async (ctx: CollectContext): Promise<CloudTrailSlice> => {
  const found = await describeTrailsEverywhere(ctx);
  if (!found.ok) return { trails: found };
  const trails = await Promise.all(found.value.map((t) => describeTrail(ctx, t)));
  return { trails: known(trails) };
};

/** A trail as DescribeTrails lists it, with the fields every check reads checked present. */
export interface FoundTrail {
  trail: SdkTrail;
  arn: string;
  homeRegion: string;
  isMultiRegion: boolean;
  isOrganizationTrail: boolean;
  logFileValidationEnabled: boolean;
  /** Absent from DescribeTrails when the trail delivers to no log group: a state, read as null. */
  cloudWatchLogsLogGroupArn: string | null;
}

const flag = (trail: SdkTrail, field: 'IsMultiRegionTrail' | 'IsOrganizationTrail' | 'LogFileValidationEnabled') => {
  const value = trail[field];
  // The API reference documents these on every trail: without one, "false" would be a guess.
  if (typeof value !== 'boolean')
    throw new MalformedAnswerError(`DescribeTrails listed trail ${trail.Name ?? '?'} without ${field}`);
  return value;
};

/**
 * A trail's home region is its HomeRegion, or else the region in its ARN
 * (`arn:aws:cloudtrail:<home region>:…`); never the region that listed a shadow copy, where status
 * and selectors would be asked of the wrong region.
 */
const readTrail = (trail: SdkTrail): FoundTrail => {
  const arn = trail.TrailARN;
  if (!arn) throw new MalformedAnswerError(`DescribeTrails listed trail ${trail.Name ?? '?'} without TrailARN`);
  const homeRegion = trail.HomeRegion || arn.split(':')[3];
  if (!homeRegion) throw new MalformedAnswerError(`DescribeTrails listed trail ${arn} without its home region`);
  return {
    trail,
    arn,
    homeRegion,
    isMultiRegion: flag(trail, 'IsMultiRegionTrail'),
    isOrganizationTrail: flag(trail, 'IsOrganizationTrail'),
    logFileValidationEnabled: flag(trail, 'LogFileValidationEnabled'),
    cloudWatchLogsLogGroupArn: trail.CloudWatchLogsLogGroupArn || null,
  };
};

/**
 * Failures of one region that leave the trail list usable: a region that is not enabled (or where
 * CloudTrail is not offered) holds no trail. A regional deny (an SCP keeping unused regions off
 * limits) is tolerated too, as before: it is how many organizations keep those regions empty, and
 * reading it as "trails unknown" would make every CloudTrail check unknown in such estates; the
 * cost is that a single-region trail homed in a denied region goes unseen (a multi-region trail is
 * listed by every other region as a shadow). Anything else (an unreadable answer, a timeout,
 * throttling that outlasted the retries) may be hiding any trail, so the trail list is unknown.
 */
const HARMLESS_IN_ONE_REGION: ReadonlySet<CollectError['kind']> = new Set([
  'region-unavailable',
  'unsupported',
  'access-denied',
]);

/**
 * A multi-region trail shows up (as a shadow trail) in every region, so the same ARN is seen many
 * times. The slice is unknown when no region could answer, or when one failed in a way that may
 * hide a trail (see HARMLESS_IN_ONE_REGION).
 */
const describeTrailsEverywhere = async (ctx: CollectContext): Promise<Fact<FoundTrail[]>> => {
  const regions = ctx.regions.length > 0 ? ctx.regions : [ctx.homeRegion];
  const perRegion = await Promise.all(regions.map((region) => describeTrailsIn(ctx, region)));

  const failures = perRegion.flatMap((f) => (f.ok ? [] : [f.error]));
  const hiding = failures.find((e) => !HARMLESS_IN_ONE_REGION.has(e.kind));
  if (hiding) return missing(hiding);
  const answered = perRegion.flatMap((f) => (f.ok ? [f.value] : []));
  if (answered.length === 0) return missing(mostTellingError(failures));

  const byArn = new Map<string, FoundTrail>();
  for (const found of answered.flat()) if (!byArn.has(found.arn)) byArn.set(found.arn, found);
  return known([...byArn.values()]);
};

/**
 * The trails one region lists, shadow copies of multi-region and organization trails included (one
 * DescribeTrails call). Also what the cloudwatch collector reads the trails' log groups from: every
 * multi-region trail is listed in every region, so the home region alone lists them all.
 */
export const describeTrailsIn = (ctx: CollectContext, region: string): Promise<Fact<FoundTrail[]>> =>
  attempt(
    {
      service: SERVICE,
      operation: 'DescribeTrails',
      permission: CLOUDTRAIL_COLLECTOR_PERMISSIONS.DescribeTrails,
      region,
    },
    async () => {
      const out = await ctx.clients
        .cloudtrail(region)
        .send(new sdk.cloudtrail.DescribeTrailsCommand({ includeShadowTrails: true }));
      // An account without trails answers `"trailList": []`; no list at all is not an answer.
      if (!Array.isArray(out.trailList))
        throw new MalformedAnswerError('DescribeTrails answered without its trailList');
      return out.trailList.map(readTrail);
    },
  );

/** A refused permission says more than an opt-in region that is simply not enabled. */
const mostTellingError = (errors: CollectError[]): CollectError => {
  const chosen = errors.find((e) => e.kind !== 'region-unavailable') ?? errors[0];
  if (!chosen) throw new Error('mostTellingError needs at least one failure');
  return chosen;
};

/** Status and selectors are asked of the trail's home region: other regions only hold a shadow copy. */
const describeTrail = async (ctx: CollectContext, found: FoundTrail): Promise<Trail> => {
  const { trail, arn, homeRegion } = found;
  const client = ctx.clients.cloudtrail(homeRegion);
  const meta = (operation: 'GetTrailStatus' | 'GetEventSelectors') => ({
    service: SERVICE,
    operation,
    permission: CLOUDTRAIL_COLLECTOR_PERMISSIONS[operation],
    region: homeRegion,
  });
  const [status, eventSelectors] = await Promise.all([
    ctx.fanOut(() =>
      attempt(meta('GetTrailStatus'), async () => {
        const out = await client.send(new sdk.cloudtrail.GetTrailStatusCommand({ Name: arn }));
        // Without IsLogging the trail is neither "stopped" nor "logging": unknown.
        if (typeof out.IsLogging !== 'boolean')
          throw new MalformedAnswerError(`GetTrailStatus answered for ${arn} without IsLogging`);
        // An empty LatestDeliveryError means the last delivery worked: no error to report.
        return { isLogging: out.IsLogging, latestDeliveryError: out.LatestDeliveryError || null };
      }),
    ),
    ctx.fanOut(() =>
      attempt(meta('GetEventSelectors'), async () => {
        const out = await client.send(new sdk.cloudtrail.GetEventSelectorsCommand({ TrailName: arn }));
        // A trail uses basic or advanced selectors, so the answer carries one list and not the
        // other; the absent one is empty. With neither, nothing says what the trail records.
        if (!Array.isArray(out.EventSelectors) && !Array.isArray(out.AdvancedEventSelectors))
          throw new MalformedAnswerError(`GetEventSelectors answered for ${arn} without any selector list`);
        return summarizeSelectors(out.EventSelectors ?? [], out.AdvancedEventSelectors ?? []);
      }),
    ),
  ]);
  return {
    // The name identifies the trail's findings, and the ARN ends with it (`…:trail/<name>`): a trail
    // listed without its Name keeps the same name, hence the same findings, rather than the whole ARN.
    name: trail.Name || /:trail\/(.+)$/.exec(arn)?.[1] || arn,
    arn,
    homeRegion,
    isMultiRegion: found.isMultiRegion,
    isOrganizationTrail: found.isOrganizationTrail,
    logFileValidationEnabled: found.logFileValidationEnabled,
    // Absent by design when the trail uses S3's own encryption (a state: the KMS check fails it).
    kmsKeyId: trail.KmsKeyId || null,
    // null is read as "not told" by the checks that need the bucket (they report unknown).
    s3BucketName: trail.S3BucketName || null,
    cloudWatchLogsLogGroupArn: found.cloudWatchLogsLogGroupArn,
    status,
    eventSelectors,
  };
};

// ---------------------------------------------------------------- event selectors

/** Whether a basic selector records management events; the API reference has it on every selector. */
const includesManagementEvents = (selector: EventSelector): boolean => {
  if (typeof selector.IncludeManagementEvents !== 'boolean')
    throw new MalformedAnswerError('GetEventSelectors listed a selector without IncludeManagementEvents');
  return selector.IncludeManagementEvents;
};

/**
 * Several selectors can each record part of the management events; together they may cover all.
 * The same holds for S3 object-level events (CIS 3.8/3.9): reads and writes may come from different
 * selectors.
 */
export const summarizeSelectors = (basic: EventSelector[], advanced: AdvancedEventSelector[]): EventSelectorSummary => {
  const recorded = [
    ...basic.filter(includesManagementEvents).map((s) => asReadWriteType(s.ReadWriteType)),
    ...advanced.flatMap(advancedManagementReadWrite),
  ];
  const s3 = [...basic.flatMap(basicS3ObjectReadWrite), ...advanced.flatMap(advancedS3ObjectReadWrite)];
  const s3DataEvents = {
    read: s3.some((t) => t === 'All' || t === 'ReadOnly'),
    write: s3.some((t) => t === 'All' || t === 'WriteOnly'),
  };
  if (recorded.length === 0) return { managementEvents: false, readWriteType: null, s3DataEvents };
  const covers = (t: ReadWriteType) => recorded.includes(t) || recorded.includes('All');
  const readWriteType: ReadWriteType =
    covers('ReadOnly') && covers('WriteOnly') ? 'All' : recorded.includes('ReadOnly') ? 'ReadOnly' : 'WriteOnly';
  return { managementEvents: true, readWriteType, s3DataEvents };
};

/**
 * The API defaults ReadWriteType to `All` when a selector is written without it, and answers with
 * the value it applied; an answer without it (or with another value) is not read as "all".
 */
const asReadWriteType = (value: string | undefined): ReadWriteType => {
  if (value === 'All' || value === 'ReadOnly' || value === 'WriteOnly') return value;
  throw new MalformedAnswerError(`GetEventSelectors listed a selector with ReadWriteType ${value ?? '(none)'}`);
};

/**
 * A data resource value that selects every S3 object of the account: `arn:<partition>:s3` (what the
 * API reference documents for "all objects in all S3 buckets") or a longer prefix of every object ARN
 * (`arn:aws:s3:::`, which older consoles wrote). A bucket or object prefix selects only part.
 */
const ALL_S3_OBJECTS = /^arn:aws(?:-[a-z]+)*:s3:{0,3}$/;

/**
 * What a basic selector records of S3 object-level events for every bucket. DataResources is
 * optional in the API reference: a selector without one names no data resource, so records none.
 */
const basicS3ObjectReadWrite = (selector: EventSelector): ReadWriteType[] => {
  const allObjects = (selector.DataResources ?? []).some(
    (r) => r.Type === 'AWS::S3::Object' && (r.Values ?? []).some((v) => ALL_S3_OBJECTS.test(v)),
  );
  return allObjects ? [asReadWriteType(selector.ReadWriteType)] : [];
};

/** The field selectors of an advanced selector, checked present (the API requires them). */
const fieldsOf = (selector: AdvancedEventSelector) => {
  const fields = selector.FieldSelectors;
  // Required by the API: a selector without field selectors says nothing about what it records.
  if (!Array.isArray(fields) || fields.length === 0)
    throw new MalformedAnswerError(
      `GetEventSelectors listed advanced selector ${selector.Name ?? '?'} without FieldSelectors`,
    );
  // Field is required in every field selector (API reference, AdvancedFieldSelector): one without it
  // could be the readOnly field that limits what is recorded, and leaving it out would read as "all".
  if (fields.some((f) => !f.Field))
    throw new MalformedAnswerError(
      `GetEventSelectors listed advanced selector ${selector.Name ?? '?'} with a field selector without its Field`,
    );
  return fields;
};

type FieldSelector = NonNullable<AdvancedEventSelector['FieldSelectors']>[number];

/** Which of read-only and write events an advanced selector's `readOnly` field lets through. */
const readOnlySelection = (selector: AdvancedEventSelector, fields: FieldSelector[]): ReadWriteType[] => {
  const readOnly = fields.find((f) => f.Field === 'readOnly');
  if (!readOnly) return ['All'];
  // A field selector needs an operator to select anything; a readOnly one with none is not an answer
  // the API gives, and reading it as "both values" would report every event as recorded.
  if (readOnly.Equals === undefined && readOnly.NotEquals === undefined)
    throw new MalformedAnswerError(
      `GetEventSelectors listed advanced selector ${selector.Name ?? '?'} with a readOnly field that selects nothing`,
    );
  // A readOnly field with only NotEquals starts from both values and removes what it excludes.
  const selected = new Set<string>(readOnly.Equals ?? ['true', 'false']);
  for (const excluded of readOnly.NotEquals ?? []) selected.delete(excluded);
  if (selected.has('true') && selected.has('false')) return ['All'];
  if (selected.has('true')) return ['ReadOnly'];
  if (selected.has('false')) return ['WriteOnly'];
  return [];
};

const advancedManagementReadWrite = (selector: AdvancedEventSelector): ReadWriteType[] => {
  const fields = fieldsOf(selector);
  // eventCategory only takes Equals (API reference); a field without it selects no category.
  const isManagement = fields.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management'));
  return isManagement ? readOnlySelection(selector, fields) : [];
};

/** A `resources.ARN` field that only requires the ARN to start with a prefix of every S3 object ARN. */
const selectsAllObjectArns = (f: FieldSelector): boolean =>
  (f.StartsWith ?? []).some((v) => ALL_S3_OBJECTS.test(v)) &&
  [f.Equals, f.NotEquals, f.NotStartsWith, f.EndsWith, f.NotEndsWith].every((values) => (values ?? []).length === 0);

/**
 * What an advanced selector records of S3 object-level events for every bucket: `eventCategory` Data,
 * `resources.type` AWS::S3::Object, and nothing that narrows it but `readOnly`. Any other field
 * (`eventName`, `resources.ARN` naming buckets, `userIdentity.arn`, …) leaves some objects' events
 * unrecorded, so such a selector does not count, whatever it records.
 */
const advancedS3ObjectReadWrite = (selector: AdvancedEventSelector): ReadWriteType[] => {
  const fields = fieldsOf(selector);
  const isData = fields.some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Data'));
  const isS3Object = fields.some(
    (f) => f.Field === 'resources.type' && (f.Equals ?? []).length === 1 && f.Equals?.[0] === 'AWS::S3::Object',
  );
  if (!isData || !isS3Object) return [];
  const narrows = fields.some((f) => {
    switch (f.Field) {
      case 'eventCategory':
      case 'resources.type':
      case 'readOnly':
        return false;
      case 'resources.ARN':
        return !selectsAllObjectArns(f);
      default:
        return true;
    }
  });
  return narrows ? [] : readOnlySelection(selector, fields);
};
