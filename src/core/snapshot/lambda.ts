import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of Lambda functions, their resource-based policies and function URLs, per
 * scanned region. Every value an AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a
 * refused or odd answer is carried as missing evidence rather than as an empty list.
 */

/**
 * A function's (or an alias's) resource-based policy, as GetPolicy answers it. Lambda keeps only the
 * statements AddPermission wrote there (it has no "put policy" call), which is why a public statement
 * can be removed, and added back, one Sid at a time.
 */
export const LambdaPolicySchema = z.object({
  /** The policy document, parsed from the JSON text GetPolicy answers. */
  document: PolicyDocumentSchema,
  /**
   * GetPolicy's RevisionId. RemovePermission given it refuses to change a policy that changed since,
   * so a fix planned from the scan never removes a statement someone rewrote in between. Null when
   * AWS did not send one.
   */
  revisionId: z.string().nullable(),
});
export type LambdaPolicy = z.infer<typeof LambdaPolicySchema>;

/** AuthType of a function URL: `NONE` skips authentication, leaving only the policy in the way. */
export const FunctionUrlAuthTypeSchema = z.enum(['AWS_IAM', 'NONE']);

/** One function URL (ListFunctionUrlConfigs). */
export const FunctionUrlSchema = z.object({
  url: z.string(),
  /** The alias the URL belongs to (its FunctionArn ends in `:<alias>`); null for the function's own URL. */
  qualifier: z.string().nullable(),
  authType: FunctionUrlAuthTypeSchema,
  /**
   * An alias URL is governed by the alias's own policy, not the function's: for an alias URL with
   * AuthType NONE that policy (GetPolicy with Qualifier; value `null`: the alias has none). Null when
   * it is not needed: the function's own URL, or an alias URL that requires IAM authentication.
   */
  aliasPolicy: fact(LambdaPolicySchema.nullable()).nullable(),
});
export type FunctionUrl = z.infer<typeof FunctionUrlSchema>;

export const LambdaFunctionSchema = z.object({
  name: z.string(),
  /** The unqualified function ARN (ListFunctions lists $LATEST). */
  arn: z.string(),
  runtime: z.string().nullable(),
  /** GetPolicy of the function; value `null`: the function has no resource-based policy. */
  policy: fact(LambdaPolicySchema.nullable()),
  /** ListFunctionUrlConfigs: the URLs of the function and of its aliases (empty: none). */
  urls: fact(z.array(FunctionUrlSchema)),
});
export type LambdaFunction = z.infer<typeof LambdaFunctionSchema>;

export const LambdaRegionSchema = z.object({
  functions: fact(z.array(LambdaFunctionSchema)),
});
export type LambdaRegion = z.infer<typeof LambdaRegionSchema>;
