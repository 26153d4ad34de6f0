import type { ListBucketsCommandOutput } from '@aws-sdk/client-s3';
import { sdk } from '../sdk';
import type { MiddlewareStack } from '@aws-sdk/types';
import { known, missing, type Fact, type PublicAccessBlock, type S3Bucket, type S3Slice } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError as MalformedAnswer, type CallMeta } from '../errors';
import { expectXml, type ExpectedXml } from '../expect-xml';
import type { CollectContext } from './context';
import {
  PUBLIC_ACCESS_BLOCK_BOOLEANS,
  toAcl,
  toEncryption,
  toLogging,
  toPolicyDocument,
  toPolicyStatus,
  toPublicAccessBlock,
  toVersioning,
} from './s3-answers';

/**
 * S3 answers ListBuckets with each bucket's `BucketRegion` only when the request carries a
 * parameter, so asking for pages (max-buckets) both lifts the 10,000-bucket unpaginated limit and
 * saves a GetBucketLocation per bucket.
 */
const LIST_BUCKETS_PAGE_SIZE = 1000;

/**
 * The document element of each successful answer (S3 API reference, "Response Syntax"), and the
 * booleans in it. S3 Control wraps nothing: its GetPublicAccessBlock answers the configuration itself.
 */
const ANSWERS = {
  ListBuckets: { root: 'ListAllMyBucketsResult' },
  GetBucketLocation: { root: 'LocationConstraint' },
  GetBucketPolicyStatus: { root: 'PolicyStatus', booleans: ['IsPublic'] },
  GetPublicAccessBlock: { root: 'PublicAccessBlockConfiguration', booleans: PUBLIC_ACCESS_BLOCK_BOOLEANS },
  GetBucketAcl: { root: 'AccessControlPolicy' },
  GetBucketEncryption: { root: 'ServerSideEncryptionConfiguration' },
  GetBucketVersioning: { root: 'VersioningConfiguration' },
  GetBucketLogging: { root: 'BucketLoggingStatus' },
} satisfies Record<string, ExpectedXml>;

/**
 * The IAM action each call of this collector needs, by the S3 client's operation name (the IAM
 * action is sometimes named otherwise: ListBuckets is s3:ListAllMyBuckets). The calls name it when
 * AWS refuses them, and the read-only policy (src/aws/permissions.ts) is built from it, so the two
 * cannot differ.
 */
export const S3_COLLECTOR_PERMISSIONS = {
  ListBuckets: 's3:ListAllMyBuckets',
  GetBucketLocation: 's3:GetBucketLocation',
  GetBucketPolicyStatus: 's3:GetBucketPolicyStatus',
  GetBucketPolicy: 's3:GetBucketPolicy',
  GetPublicAccessBlock: 's3:GetBucketPublicAccessBlock',
  GetBucketAcl: 's3:GetBucketAcl',
  GetBucketEncryption: 's3:GetEncryptionConfiguration',
  GetBucketVersioning: 's3:GetBucketVersioning',
  GetBucketLogging: 's3:GetBucketLogging',
  /** S3 Control's GetPublicAccessBlock, keyed by its action: its operation name is the bucket call's. */
  GetAccountPublicAccessBlock: 's3:GetAccountPublicAccessBlock',
} as const;

/** Named so an unknown finding cannot be read as the bucket-level call of the same name. */
const ACCOUNT_BLOCK_OPERATION = 'S3 Control GetPublicAccessBlock (account-level)';

const checked = <I extends object, O extends object, C extends { middlewareStack: MiddlewareStack<I, O> }>(
  command: C & { middlewareStack: MiddlewareStack<I, O> },
  operation: keyof typeof ANSWERS,
): C => expectXml(command, ANSWERS[operation], operation);

const noConfiguration = () => null;

interface ListedBucket {
  name: string;
  region: string | null;
  creationDate: string | null;
}

/** A per-bucket call: its permission comes from S3_COLLECTOR_PERMISSIONS. */
type Call = Omit<CallMeta, 'service' | 'operation' | 'permission'> & {
  operation: Exclude<keyof typeof S3_COLLECTOR_PERMISSIONS, 'ListBuckets' | 'GetAccountPublicAccessBlock'>;
};

const s3Call = <T>(
  ctx: CollectContext,
  meta: Call,
  fn: () => Promise<T>,
  states?: Record<string, () => T>,
): Promise<Fact<T>> =>
  ctx.fanOut(() =>
    attempt({ service: 's3', ...meta, permission: S3_COLLECTOR_PERMISSIONS[meta.operation] }, fn, states),
  );

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
      service: 's3control',
      operation: ACCOUNT_BLOCK_OPERATION,
      permission: S3_COLLECTOR_PERMISSIONS.GetAccountPublicAccessBlock,
      region: ctx.homeRegion,
    },
    async () => {
      const out = await ctx.clients
        .s3control(ctx.homeRegion)
        .send(
          expectXml(
            new sdk.s3control.GetPublicAccessBlockCommand({ AccountId: ctx.accountId }),
            ANSWERS.GetPublicAccessBlock,
            ACCOUNT_BLOCK_OPERATION,
          ),
        );
      return toPublicAccessBlock(out.PublicAccessBlockConfiguration, ACCOUNT_BLOCK_OPERATION);
    },
    { NoSuchPublicAccessBlockConfiguration: noConfiguration },
  );

/**
 * Every bucket of the account, whatever `regions` says: S3 lists them all with one call, and a
 * public bucket is a risk in any region (the configured regions scope the regional services).
 */
const collectBuckets = async (ctx: CollectContext): Promise<Fact<S3Bucket[]>> => {
  const listed = await attempt(
    {
      service: 's3',
      operation: 'ListBuckets',
      permission: S3_COLLECTOR_PERMISSIONS.ListBuckets,
      region: ctx.homeRegion,
    },
    () => listBuckets(ctx),
  );
  if (!listed.ok) return listed;
  return known(await Promise.all(listed.value.map((b) => collectBucket(ctx, b))));
};

/**
 * Pages through ListBuckets. A page without its Buckets element, a bucket without a name or a
 * continuation token seen before fails the whole listing: a bucket left out would be a bucket no
 * check ever looks at.
 */
const listBuckets = async (ctx: CollectContext): Promise<ListedBucket[]> => {
  const s3 = ctx.clients.s3(ctx.homeRegion);
  const buckets: ListedBucket[] = [];
  const tokens = new Set<string>();
  let token: string | undefined;
  do {
    const page: ListBucketsCommandOutput = await s3.send(
      checked(
        new sdk.s3.ListBucketsCommand({
          MaxBuckets: LIST_BUCKETS_PAGE_SIZE,
          ...(token ? { ContinuationToken: token } : {}),
        }),
        'ListBuckets',
      ),
    );
    // An account without buckets is answered with an empty <Buckets/>, which the SDK reads as [].
    if (!page.Buckets) throw new MalformedAnswer('ListBuckets answered a page without its <Buckets> element');
    for (const b of page.Buckets) {
      if (!b.Name) throw new MalformedAnswer('ListBuckets answered a bucket without a <Name>');
      buckets.push({
        name: b.Name,
        // Absent unless asked for in pages (see LIST_BUCKETS_PAGE_SIZE); then GetBucketLocation decides.
        region: b.BucketRegion || null,
        // Informational only (no check reads it), so an absent date is recorded as unknown, not guessed.
        creationDate: b.CreationDate ? b.CreationDate.toISOString() : null,
      });
    }
    token = page.ContinuationToken || undefined;
    if (token !== undefined) {
      if (tokens.has(token)) throw new MalformedAnswer('ListBuckets answered the same continuation token twice');
      tokens.add(token);
    }
  } while (token !== undefined);
  return buckets;
};

/**
 * GetBucketLocation's legacy answers: the API reference documents an empty LocationConstraint for
 * us-east-1, and `EU` is the old name of eu-west-1. (The <LocationConstraint> document element itself
 * is checked, so an empty or foreign body does not read as us-east-1.)
 */
const regionFromLocationConstraint = (constraint: string | undefined): string =>
  !constraint ? 'us-east-1' : constraint === 'EU' ? 'eu-west-1' : constraint;

const resolveRegion = (ctx: CollectContext, bucket: ListedBucket): Promise<Fact<string>> => {
  if (bucket.region) return Promise.resolve(known(bucket.region));
  return s3Call(ctx, { operation: 'GetBucketLocation', region: ctx.homeRegion }, async () => {
    const out = await ctx.clients
      .s3(ctx.homeRegion)
      .send(checked(new sdk.s3.GetBucketLocationCommand({ Bucket: bucket.name }), 'GetBucketLocation'));
    return regionFromLocationConstraint(out.LocationConstraint);
  });
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
  // One call at a time: a bucket has a host of its own (virtual-hosted style), so its seven calls
  // in parallel would each open a TLS connection used once (~7 per bucket, the most of a scan's
  // connections); in turn they share one. Buckets are still collected side by side.
  const policyStatus = await s3Call(
    ctx,
    { operation: 'GetBucketPolicyStatus', region },
    async () =>
      toPolicyStatus(
        await s3.send(checked(new sdk.s3.GetBucketPolicyStatusCommand({ Bucket }), 'GetBucketPolicyStatus')),
      ),
    { NoSuchBucketPolicy: noConfiguration },
  );
  const policy = await s3Call(
    ctx,
    { operation: 'GetBucketPolicy', region },
    async (): Promise<unknown> =>
      toPolicyDocument((await s3.send(new sdk.s3.GetBucketPolicyCommand({ Bucket }))).Policy),
    { NoSuchBucketPolicy: noConfiguration },
  );
  const publicAccessBlock = await s3Call(
    ctx,
    { operation: 'GetPublicAccessBlock', region },
    async () => {
      const out = await s3.send(checked(new sdk.s3.GetPublicAccessBlockCommand({ Bucket }), 'GetPublicAccessBlock'));
      return toPublicAccessBlock(out.PublicAccessBlockConfiguration, 'GetPublicAccessBlock');
    },
    { NoSuchPublicAccessBlockConfiguration: noConfiguration },
  );
  const acl = await s3Call(ctx, { operation: 'GetBucketAcl', region }, async () =>
    toAcl(await s3.send(checked(new sdk.s3.GetBucketAclCommand({ Bucket }), 'GetBucketAcl'))),
  );
  const encryption = await s3Call(
    ctx,
    { operation: 'GetBucketEncryption', region },
    async () =>
      toEncryption(await s3.send(checked(new sdk.s3.GetBucketEncryptionCommand({ Bucket }), 'GetBucketEncryption'))),
    { ServerSideEncryptionConfigurationNotFoundError: noConfiguration },
  );
  const versioning = await s3Call(ctx, { operation: 'GetBucketVersioning', region }, async () =>
    toVersioning(await s3.send(checked(new sdk.s3.GetBucketVersioningCommand({ Bucket }), 'GetBucketVersioning'))),
  );
  const logging = await s3Call(ctx, { operation: 'GetBucketLogging', region }, async () =>
    toLogging(await s3.send(checked(new sdk.s3.GetBucketLoggingCommand({ Bucket }), 'GetBucketLogging'))),
  );
  return { policyStatus, policy, publicAccessBlock, acl, encryption, versioning, logging };
};

// ---------------------------------------------------------------- SDK output → model
//
// Each reader takes an answer whose document element was already checked (see ANSWERS) and refuses
// one that lacks what the API reference says a successful answer always carries. A default is used
// only where the reference documents that S3 leaves the element out, and says so.
