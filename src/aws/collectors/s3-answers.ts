import type {
  GetBucketAclCommandOutput,
  GetBucketEncryptionCommandOutput,
  GetBucketLoggingCommandOutput,
  GetBucketPolicyStatusCommandOutput,
  GetBucketVersioningCommandOutput,
  PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import type { PublicAccessBlock, S3Bucket } from '../../core/model';
import { MalformedAnswerError as MalformedAnswer } from '../errors';

/**
 * Turns S3's answers about one bucket into the snapshot's values (src/aws/collectors/s3.ts makes the
 * calls). An answer that is not the documented one throws MalformedAnswer: missing evidence, never a
 * default that reads as safe.
 */

/** The four Block Public Access settings, as S3 and S3 Control name them. */
export const PUBLIC_ACCESS_BLOCK_BOOLEANS = [
  'BlockPublicAcls',
  'IgnorePublicAcls',
  'BlockPublicPolicy',
  'RestrictPublicBuckets',
] as const satisfies readonly (keyof PublicAccessBlockConfiguration)[];

/** Every successful GetBucketPolicyStatus carries IsPublic; "no policy" is the NoSuchBucketPolicy error. */
export const toPolicyStatus = (out: GetBucketPolicyStatusCommandOutput): { isPublic: boolean } => {
  const isPublic = out.PolicyStatus?.IsPublic;
  if (isPublic === undefined) throw new MalformedAnswer('GetBucketPolicyStatus answered without <IsPublic>');
  return { isPublic };
};

/**
 * GetBucketPolicy answers the policy JSON itself; a bucket without a policy is the NoSuchBucketPolicy
 * error, so an empty answer, text that is not JSON or JSON without a Statement is not a policy.
 */
export const toPolicyDocument = (text: string | undefined): unknown => {
  if (!text) throw new MalformedAnswer('GetBucketPolicy answered an empty policy');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new MalformedAnswer('GetBucketPolicy answered text that is not JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document) || !('Statement' in document)) {
    throw new MalformedAnswer('GetBucketPolicy answered JSON that is not a policy (no Statement)');
  }
  return document;
};

/**
 * S3 and S3 Control answer all four settings in every PublicAccessBlockConfiguration they return
 * (an absent configuration is the NoSuchPublicAccessBlockConfiguration error), so a missing one is
 * an answer cloudsec cannot read, not a setting that is off.
 */
export const toPublicAccessBlock = (
  c: PublicAccessBlockConfiguration | undefined,
  operation: string,
): PublicAccessBlock => {
  const absent = PUBLIC_ACCESS_BLOCK_BOOLEANS.filter((k) => c?.[k] === undefined);
  if (!c || absent.length > 0) throw new MalformedAnswer(`${operation} answered without ${absent.join(', ')}`);
  return {
    blockPublicAcls: c.BlockPublicAcls!,
    ignorePublicAcls: c.IgnorePublicAcls!,
    blockPublicPolicy: c.BlockPublicPolicy!,
    restrictPublicBuckets: c.RestrictPublicBuckets!,
  };
};

type Value<K extends keyof S3Bucket> = Extract<S3Bucket[K], { ok: true }>['value'];

/**
 * What names the grantee of each grantee type (S3 API reference, Grantee): a group by its URI, which is
 * how AllUsers and AuthenticatedUsers are recognised, an account by its canonical ID, a customer by e-mail.
 */
const GRANTEE_IDENTITY = { Group: 'URI', CanonicalUser: 'ID', AmazonCustomerByEmail: 'EmailAddress' } as const;

/**
 * Every AccessControlPolicy carries an AccessControlList (empty when no one holds a grant, which the
 * SDK reads as []). A grant without its grantee type or permission cannot be judged, nor can one whose
 * grantee lacks what names it (a Group without its URI could be AllUsers); dropping it or reading it as
 * a grant to nobody could hide a public grant, so it makes the whole ACL unreadable.
 */
export const toAcl = (out: GetBucketAclCommandOutput): Value<'acl'> => {
  if (!out.Grants) throw new MalformedAnswer('GetBucketAcl answered without <AccessControlList>');
  return {
    // Informational only (no check reads it).
    ownerId: out.Owner?.ID ?? null,
    grants: out.Grants.map((g) => {
      if (!g.Grantee?.Type || !g.Permission) {
        throw new MalformedAnswer('GetBucketAcl answered a grant without its grantee type or permission');
      }
      const identity = GRANTEE_IDENTITY[g.Grantee.Type as keyof typeof GRANTEE_IDENTITY] as
        (typeof GRANTEE_IDENTITY)[keyof typeof GRANTEE_IDENTITY] | undefined;
      if (!identity || !g.Grantee[identity]) {
        throw new MalformedAnswer(
          `GetBucketAcl answered a ${g.Grantee.Type.slice(0, 40)} grantee without what names it`,
        );
      }
      return {
        granteeType: g.Grantee.Type,
        ...(g.Grantee.ID ? { granteeId: g.Grantee.ID } : {}),
        ...(g.Grantee.URI ? { granteeUri: g.Grantee.URI } : {}),
        permission: g.Permission,
      };
    }),
  };
};

/**
 * Rules are required in a ServerSideEncryptionConfiguration, and SSEAlgorithm in a rule's
 * ApplyServerSideEncryptionByDefault. A rule may leave ApplyServerSideEncryptionByDefault out (it is
 * optional: such a rule only sets BucketKeyEnabled), and then it sets no default algorithm.
 */
export const toEncryption = (out: GetBucketEncryptionCommandOutput): Value<'encryption'> => {
  const rules = out.ServerSideEncryptionConfiguration?.Rules;
  if (!rules || rules.length === 0) throw new MalformedAnswer('GetBucketEncryption answered without a <Rule>');
  return {
    rules: rules.flatMap((r) => {
      const byDefault = r.ApplyServerSideEncryptionByDefault;
      if (!byDefault) return [];
      if (!byDefault.SSEAlgorithm) {
        throw new MalformedAnswer('GetBucketEncryption answered a default encryption without <SSEAlgorithm>');
      }
      return [{ algorithm: byDefault.SSEAlgorithm, kmsKeyId: byDefault.KMSMasterKeyID || null }];
    }),
  };
};

/**
 * The API reference: a bucket whose versioning was never set has no Status in the answer, and
 * MfaDelete "is only returned if the bucket has been configured with MFA delete".
 */
export const toVersioning = (out: GetBucketVersioningCommandOutput): Value<'versioning'> => {
  const status = out.Status ?? 'Disabled';
  if (status !== 'Enabled' && status !== 'Suspended' && status !== 'Disabled') {
    throw new MalformedAnswer('GetBucketVersioning answered a Status the API does not document');
  }
  const mfaDelete = out.MFADelete ?? 'Disabled';
  if (mfaDelete !== 'Enabled' && mfaDelete !== 'Disabled') {
    throw new MalformedAnswer('GetBucketVersioning answered an MfaDelete the API does not document');
  }
  return { status, mfaDelete: mfaDelete === 'Enabled' };
};

/**
 * Logging off is an empty BucketLoggingStatus (API reference, PutBucketLogging). When LoggingEnabled
 * is there, TargetBucket and TargetPrefix are required (an empty prefix reads as '').
 */
export const toLogging = (out: GetBucketLoggingCommandOutput): Value<'logging'> => {
  const enabled = out.LoggingEnabled;
  if (!enabled) return null;
  if (!enabled.TargetBucket || enabled.TargetPrefix === undefined) {
    throw new MalformedAnswer('GetBucketLogging answered <LoggingEnabled> without its target bucket or prefix');
  }
  return { targetBucket: enabled.TargetBucket, targetPrefix: enabled.TargetPrefix };
};
