import type * as cloudtrail from '@aws-sdk/client-cloudtrail';
import type * as ec2 from '@aws-sdk/client-ec2';
import type * as iam from '@aws-sdk/client-iam';
import type * as s3 from '@aws-sdk/client-s3';
import type * as s3control from '@aws-sdk/client-s3-control';
import type * as securityhub from '@aws-sdk/client-securityhub';
import type * as rds from '@aws-sdk/client-rds';
import type * as lambda from '@aws-sdk/client-lambda';
import type * as kms from '@aws-sdk/client-kms';
import type * as guardduty from '@aws-sdk/client-guardduty';
import type * as accessanalyzer from '@aws-sdk/client-accessanalyzer';
import type { ApiCall, ApiService, LookupSelector } from './define';

/**
 * Plan calls typed against the AWS SDK. An `ApiCall` is data (it is stored, and approvers read it),
 * so its `input` is a plain record; written by hand, a misspelt field (`BlockPublicPolcy`) would be
 * stored, approved and only then refused by AWS, or worse, silently ignored. Remediations build
 * their calls with the helpers below instead, whose `input` is the SDK's own input type for the
 * command (`PutPublicAccessBlockCommandInput`), so such a plan does not compile.
 *
 * Types only: the SDK packages are imported with `import type`, and nothing here runs SDK code.
 */

/** Each service's SDK package, where the executor (src/aws/executor-commands.ts) finds its commands. */
interface PackageOf {
  iam: typeof iam;
  s3: typeof s3;
  s3control: typeof s3control;
  ec2: typeof ec2;
  cloudtrail: typeof cloudtrail;
  securityhub: typeof securityhub;
  rds: typeof rds;
  lambda: typeof lambda;
  kms: typeof kms;
  guardduty: typeof guardduty;
  accessanalyzer: typeof accessanalyzer;
}
/** Keyed by ApiService, so a service added there does not compile until its package is named here. */
type SdkPackages = { [S in ApiService]: PackageOf[S] };

/** The operations of a service's SDK client: `PutPublicAccessBlock` for `PutPublicAccessBlockCommand`. */
type SdkOperation<S extends ApiService> = {
  [K in keyof SdkPackages[S]]: K extends `${infer C}Command` ? C : never;
}[keyof SdkPackages[S]];

/** Holds the list below to real operations: a misspelt one does not compile. */
type Operations<T extends { [S in ApiService]: SdkOperation<S> }> = T;

/**
 * The operations plans send, by service: what cloudsec may ask AWS to change, reviewable in one
 * place. (At run time the executor further holds each plan to its remediation's declared
 * permissions.) A new remediation's operations are added here.
 */
type PlanOperations = Operations<{
  iam: 'ListAccessKeys' | 'UpdateAccessKey' | 'UpdateAccountPasswordPolicy' | 'DeleteAccountPasswordPolicy';
  s3: 'PutPublicAccessBlock' | 'DeletePublicAccessBlock' | 'PutBucketEncryption' | 'DeleteBucketEncryption';
  s3control: 'PutPublicAccessBlock' | 'DeletePublicAccessBlock';
  ec2:
    | 'EnableEbsEncryptionByDefault'
    | 'DisableEbsEncryptionByDefault'
    | 'ModifyInstanceMetadataOptions'
    | 'RevokeSecurityGroupIngress'
    | 'AuthorizeSecurityGroupIngress'
    | 'ModifySnapshotAttribute'
    | 'ModifyImageAttribute';
  cloudtrail: 'UpdateTrail' | 'StartLogging' | 'StopLogging';
  securityhub: 'BatchUpdateFindings';
  rds: 'ModifyDBInstance' | 'ModifyDBSnapshotAttribute' | 'ModifyDBClusterSnapshotAttribute' | 'DescribeDBInstances';
  lambda: 'RemovePermission' | 'AddPermission' | 'GetPolicy';
  kms: 'EnableKeyRotation' | 'DisableKeyRotation';
  guardduty: 'CreateDetector' | 'UpdateDetector' | 'DeleteDetector' | 'ListDetectors';
  accessanalyzer: 'CreateAnalyzer' | 'DeleteAnalyzer';
}>;

type PlanOperation<S extends ApiService> = PlanOperations[S];

/**
 * Operations a lookup may use: reads only, as the executor requires (it sends lookups even in
 * dry-run mode).
 */
type ReadOperation<S extends ApiService> = Extract<PlanOperation<S>, `${'Get' | 'List' | 'Describe'}${string}`>;

/**
 * The SDK's input type for an operation (`UpdateAccessKeyCommandInput`), read off its command class
 * rather than paired by hand, so an operation cannot be given another's input type.
 */
type SdkInput<S extends ApiService, C extends PlanOperation<S>> = SdkPackages[S][`${C}Command` &
  keyof SdkPackages[S]] extends abstract new (...args: infer A) => unknown
  ? NonNullable<A[0]>
  : never;

/** Input fields that take a string, the only kind of value a lookup yields (see `bindLookups`). */
type BindableField<I> = { [K in keyof I]-?: string extends I[K] ? K : never }[keyof I] & string;

declare const typed: unique symbol;

/**
 * An ApiCall whose input was checked against the SDK's type by one of the helpers below. Remediation
 * specs must return these (see RemediationSpec), so a call cannot skip the check. The brand exists
 * only in types: at run time it is a plain ApiCall, stored and validated by ApiCallSchema as before.
 */
export type SdkCall = ApiCall & { readonly [typed]: true };

/**
 * The one place a typed input becomes a stored record. Every SDK input is an object of its fields;
 * TypeScript only declines to treat an interface as a `Record` by itself.
 */
const asRecord = (input: object): Record<string, unknown> => input as Record<string, unknown>;

/** Brands a call the helpers below built (see SdkCall). */
const typedCall = (call: ApiCall): SdkCall => call as SdkCall;

/** `new <Service>Client({ region }).send(new <command>Command(input))`, with `input` typed as the SDK types it. */
export const sdkCall = <S extends ApiService, C extends PlanOperation<S>>(
  service: S,
  command: C,
  region: string,
  input: SdkInput<S, C>,
): SdkCall => typedCall({ service, region, command, input: asRecord(input) });

/** A read whose answer `lookup.select` picks a value from, kept under `lookup.as` for later calls. */
export const sdkLookup = <S extends ApiService, C extends ReadOperation<S>>(
  service: S,
  command: C,
  region: string,
  input: SdkInput<S, C>,
  lookup: { as: string; select: LookupSelector },
): SdkCall => typedCall({ service, region, command, input: asRecord(input), lookup });

/**
 * A call some of whose fields only an earlier lookup can fill. The typed escape is narrow: exactly
 * the fields named in `bind` may be left out of `input`, and only fields that take a string.
 */
export const sdkCallWithLookups = <
  S extends ApiService,
  C extends PlanOperation<S>,
  F extends BindableField<SdkInput<S, C>>,
>(
  service: S,
  command: C,
  region: string,
  input: Omit<SdkInput<S, C>, NoInfer<F>>,
  bind: Record<F, string>,
): SdkCall => typedCall({ service, region, command, input: asRecord(input), bind });
