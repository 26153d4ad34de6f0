/**
 * One reader of resource policies for every service that has them (S3 buckets, SQS queues, SNS topics,
 * KMS keys, Lambda functions, ECR repositories, Secrets Manager secrets, OpenSearch domains, EFS file
 * systems): is the resource public, which statements make it so, and which grants reach other accounts
 * or AWS services. The pieces live in ./resource-policy/; this module is what checks import.
 *
 *   evaluateResourcePolicy(document, { ownerAccountId, service, knownAccountIds?, orgIds? })
 *     → { status: 'public', publicGrants, restrictedGrants, includesWrite }
 *     | { status: 'not-public', restrictedGrants }
 *     | { status: 'unreadable', reason }
 *
 *   resourcePolicyExposure(policyFact, context, source) — the same from a collected Fact, with fetch
 *   errors and unreadable documents both as `unknown` naming the call.
 */
export {
  actionIncludesWrite,
  crossAccountGrants,
  evaluateResourcePolicy,
  unscopedServiceGrants,
  PolicyContextSchema,
  type GrantReach,
  type PolicyContext,
  type PublicPolicyGrant,
  type ResourcePolicyVerdict,
  type RestrictedPolicyGrant,
} from './resource-policy/evaluate';
export {
  resourcePolicyExposure,
  unreadablePolicyError,
  type PolicySource,
  type ResourcePolicyExposure,
} from './resource-policy/exposure';
export {
  describeActions,
  describeClause,
  describePublicGrant,
  describePublicGrants,
  describeRestrictedGrant,
  describeUnreadable,
} from './resource-policy/wording';
export { POLICY_SERVICES, PolicyServiceSchema, SERVICE_PROFILES, type PolicyService } from './resource-policy/services';
export { readPolicy, type ConditionClause, type PolicyStatement, type ReadPolicy } from './resource-policy/document';
export { isStarPrincipal } from './resource-policy/principals';
