import {
  GetBucketAclCommand,
  GetBucketEncryptionCommand,
  GetBucketLocationCommand,
  GetBucketLoggingCommand,
  GetBucketPolicyCommand,
  GetBucketPolicyStatusCommand,
  GetBucketVersioningCommand,
  GetPublicAccessBlockCommand,
  paginateListBuckets,
  type GetBucketAclCommandOutput,
  type GetBucketEncryptionCommandOutput,
  type GetBucketLoggingCommandOutput,
  type GetBucketVersioningCommandOutput,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { GetPublicAccessBlockCommand as GetAccountPublicAccessBlockCommand } from '@aws-sdk/client-s3-control';
import { known, missing, type Fact, type PublicAccessBlock, type S3Bucket, type S3Slice } from '../../core/model';
import { attempt } from '../attempt';
import type { CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * S3 answers ListBuckets with each bucket's `BucketRegion` only when the request carries a
 * parameter, so asking for pages (max-buckets) both lifts the 10,000-bucket unpaginated limit and
 * saves a GetBucketLocation per bucket.
 */
const LIST_BUCKETS_PAGE_SIZE = 1000;

const noConfiguration = () => null;

interface ListedBucket {
  name: string;
  region: string | null;
  creationDate: string | null;
}

type Call = Omit<CallMeta, 'service'>;

const s3Call = <T>(
  ctx: CollectContext,
  meta: Call,
  fn: () => Promise<T>,
  states?: Record<string, () => T>,
): Promise<Fact<T>> => ctx.fanOut(() => attempt({ service: 's3', ...meta }, fn, states));

/** S3 collector: the account-wide Block Public Access settings and every bucket's access-related settings. */
export const collectS3 = async (ctx: CollectContext): Promise<S3Slice> => {
  const [accountPublicAccessBlock, buckets] = await Promise.all([
    collectAccountPublicAccessBlock(ctx),
    collectBuckets(ctx),
  ]);
  return { accountPublicAccessBlock, buckets };
};

const collectAccountPublicAccessBlock = (ctx: CollectContext): Promise<Fact<PublicAccessBlock | null>> =>
  attempt(
    {
      service: 's3',
      operation: 'GetPublicAccessBlock',
      permission: 's3:GetAccountPublicAccessBlock',
      region: ctx.homeRegion,
    },
    async () => {
      const out = await ctx.clients
        .s3control(ctx.homeRegion)
        .send(new GetAccountPublicAccessBlockCommand({ AccountId: ctx.accountId }));
      return toPublicAccessBlock(out.PublicAccessBlockConfiguration);
    },
    { NoSuchPublicAccessBlockConfiguration: noConfiguration },
  );

const collectBuckets = async (ctx: CollectContext): Promise<Fact<S3Bucket[]>> => {
  const listed = await attempt(
    { service: 's3', operation: 'ListBuckets', permission: 's3:ListAllMyBuckets', region: ctx.homeRegion },
    () => listBuckets(ctx),
  );
  if (!listed.ok) return listed;
  return known(await Promise.all(listed.value.map((b) => collectBucket(ctx, b))));
};

const listBuckets = async (ctx: CollectContext): Promise<ListedBucket[]> => {
  const buckets: ListedBucket[] = [];
  const pages = paginateListBuckets({ client: ctx.clients.s3(ctx.homeRegion), pageSize: LIST_BUCKETS_PAGE_SIZE }, {});
  for await (const page of pages) {
    for (const b of page.Buckets ?? []) {
      if (!b.Name) continue;
      buckets.push({
        name: b.Name,
        region: b.BucketRegion || null,
        creationDate: b.CreationDate ? b.CreationDate.toISOString() : null,
      });
    }
  }
  return buckets;
};

/** GetBucketLocation's legacy answers: no constraint means us-east-1, and `EU` is the old name of eu-west-1. */
const regionFromLocationConstraint = (constraint: string | undefined): string =>
  !constraint ? 'us-east-1' : constraint === 'EU' ? 'eu-west-1' : constraint;

const resolveRegion = (ctx: CollectContext, bucket: ListedBucket): Promise<Fact<string>> => {
  if (bucket.region) return Promise.resolve(known(bucket.region));
  return s3Call(
    ctx,
    { operation: 'GetBucketLocation', permission: 's3:GetBucketLocation', region: ctx.homeRegion },
    async () => {
      const out = await ctx.clients.s3(ctx.homeRegion).send(new GetBucketLocationCommand({ Bucket: bucket.name }));
      return regionFromLocationConstraint(out.LocationConstraint);
    },
  );
};

const collectBucket = async (ctx: CollectContext, bucket: ListedBucket): Promise<S3Bucket> => {
  const region = await resolveRegion(ctx, bucket);
  const identity = {
    name: bucket.name,
    arn: `arn:${ctx.partition}:s3:::${bucket.name}`,
    creationDate: bucket.creationDate,
  };
  if (!region.ok) {
    // Without its region the bucket cannot be addressed (other regions answer 301), so every
    // setting is unknown for the same reason. The home region stands in for the unknown one.
    const unknown = missing(region.error);
    return {
      ...identity,
      region: ctx.homeRegion,
      policyStatus: unknown,
      policy: unknown,
      publicAccessBlock: unknown,
      acl: unknown,
      encryption: unknown,
      versioning: unknown,
      logging: unknown,
    };
  }
  return { ...identity, region: region.value, ...(await collectBucketSettings(ctx, bucket.name, region.value)) };
};

type BucketSettings = Omit<S3Bucket, 'name' | 'arn' | 'region' | 'creationDate'>;

const collectBucketSettings = async (ctx: CollectContext, name: string, region: string): Promise<BucketSettings> => {
  // The bucket's own regional endpoint: a client for another region would be answered with a redirect.
  const s3 = ctx.clients.s3(region);
  const Bucket = name;
  const [policyStatus, policy, publicAccessBlock, acl, encryption, versioning, logging] = await Promise.all([
    s3Call(
      ctx,
      { operation: 'GetBucketPolicyStatus', permission: 's3:GetBucketPolicyStatus', region },
      async () => {
        const out = await s3.send(new GetBucketPolicyStatusCommand({ Bucket }));
        return { isPublic: out.PolicyStatus?.IsPublic ?? false };
      },
      { NoSuchBucketPolicy: noConfiguration },
    ),
    s3Call(
      ctx,
      { operation: 'GetBucketPolicy', permission: 's3:GetBucketPolicy', region },
      async (): Promise<unknown> => {
        const out = await s3.send(new GetBucketPolicyCommand({ Bucket }));
        return out.Policy ? (JSON.parse(out.Policy) as unknown) : null;
      },
      { NoSuchBucketPolicy: noConfiguration },
    ),
    s3Call(
      ctx,
      { operation: 'GetPublicAccessBlock', permission: 's3:GetBucketPublicAccessBlock', region },
      async () => {
        const out = await s3.send(new GetPublicAccessBlockCommand({ Bucket }));
        return toPublicAccessBlock(out.PublicAccessBlockConfiguration);
      },
      { NoSuchPublicAccessBlockConfiguration: noConfiguration },
    ),
    s3Call(ctx, { operation: 'GetBucketAcl', permission: 's3:GetBucketAcl', region }, async () =>
      toAcl(await s3.send(new GetBucketAclCommand({ Bucket }))),
    ),
    s3Call(
      ctx,
      { operation: 'GetBucketEncryption', permission: 's3:GetEncryptionConfiguration', region },
      async () => toEncryption(await s3.send(new GetBucketEncryptionCommand({ Bucket }))),
      { ServerSideEncryptionConfigurationNotFoundError: noConfiguration },
    ),
    s3Call(ctx, { operation: 'GetBucketVersioning', permission: 's3:GetBucketVersioning', region }, async () =>
      toVersioning(await s3.send(new GetBucketVersioningCommand({ Bucket }))),
    ),
    s3Call(ctx, { operation: 'GetBucketLogging', permission: 's3:GetBucketLogging', region }, async () =>
      toLogging(await s3.send(new GetBucketLoggingCommand({ Bucket }))),
    ),
  ]);
  return { policyStatus, policy, publicAccessBlock, acl, encryption, versioning, logging };
};

// ---------------------------------------------------------------- SDK output → model

/** A setting S3 leaves out of the configuration is off. */
const toPublicAccessBlock = (c: PublicAccessBlockConfiguration | undefined): PublicAccessBlock => ({
  blockPublicAcls: c?.BlockPublicAcls ?? false,
  ignorePublicAcls: c?.IgnorePublicAcls ?? false,
  blockPublicPolicy: c?.BlockPublicPolicy ?? false,
  restrictPublicBuckets: c?.RestrictPublicBuckets ?? false,
});

type Value<K extends keyof S3Bucket> = Extract<S3Bucket[K], { ok: true }>['value'];

const toAcl = (out: GetBucketAclCommandOutput): Value<'acl'> => ({
  ownerId: out.Owner?.ID ?? null,
  grants: (out.Grants ?? []).map((g) => ({
    // A grant is kept even when malformed: dropping it could hide a public grant.
    granteeType: g.Grantee?.Type ?? 'Unknown',
    ...(g.Grantee?.ID ? { granteeId: g.Grantee.ID } : {}),
    ...(g.Grantee?.URI ? { granteeUri: g.Grantee.URI } : {}),
    permission: g.Permission ?? 'Unknown',
  })),
});

const toEncryption = (out: GetBucketEncryptionCommandOutput): Value<'encryption'> => ({
  rules: (out.ServerSideEncryptionConfiguration?.Rules ?? []).flatMap((r) => {
    const byDefault = r.ApplyServerSideEncryptionByDefault;
    return byDefault?.SSEAlgorithm
      ? [{ algorithm: byDefault.SSEAlgorithm, kmsKeyId: byDefault.KMSMasterKeyID || null }]
      : [];
  }),
});

/** A bucket that was never versioned has no Status element at all. */
const toVersioning = (out: GetBucketVersioningCommandOutput): Value<'versioning'> => ({
  status: out.Status === 'Enabled' || out.Status === 'Suspended' ? out.Status : 'Disabled',
  mfaDelete: out.MFADelete === 'Enabled',
});

const toLogging = (out: GetBucketLoggingCommandOutput): Value<'logging'> =>
  out.LoggingEnabled?.TargetBucket
    ? { targetBucket: out.LoggingEnabled.TargetBucket, targetPrefix: out.LoggingEnabled.TargetPrefix ?? '' }
    : null;
