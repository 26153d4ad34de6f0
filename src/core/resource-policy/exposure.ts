import type { CollectError, Fact } from '../snapshot/fact';
import {
  evaluateResourcePolicy,
  type PolicyContext,
  type PublicPolicyGrant,
  type RestrictedPolicyGrant,
} from './evaluate';
import { SERVICE_PROFILES } from './services';

/**
 * From a collected policy (`Fact<document | null>`, `null` = the resource has no policy) to what a
 * `*_not_public` check needs: public, not public, or unknown with the collect error to name — a policy
 * that could not be fetched and one that is not a policy both end as `unknown`, never as a pass.
 */

/** The call that fetched the policy, so an unreadable document is reported against it. */
export interface PolicySource {
  service: string;
  /** e.g. `GetQueueAttributes`, `GetKeyPolicy`. */
  operation: string;
  /** e.g. `sqs:GetQueueAttributes`. */
  permission: string;
}

export type ResourcePolicyExposure =
  | { status: 'none'; basis: 'no-policy' }
  | { status: 'none'; basis: 'policy-document'; restrictedGrants: RestrictedPolicyGrant[] }
  | {
      status: 'public';
      basis: 'policy-document';
      publicGrants: PublicPolicyGrant[];
      includesWrite: boolean;
      restrictedGrants: RestrictedPolicyGrant[];
    }
  | { status: 'unknown'; error: CollectError };

/** A document that is not a policy, as the collect error of the call that returned it. */
export const unreadablePolicyError = (source: PolicySource, noun: string, reason: string): CollectError => ({
  ...source,
  code: 'MalformedPolicy',
  kind: 'malformed',
  message: `the ${noun} is not a policy document: ${reason}`,
});

export const resourcePolicyExposure = (
  policy: Fact<unknown>,
  context: PolicyContext,
  source: PolicySource,
): ResourcePolicyExposure => {
  if (!policy.ok) return { status: 'unknown', error: policy.error };
  if (policy.value === null) return { status: 'none', basis: 'no-policy' };
  const verdict = evaluateResourcePolicy(policy.value, context);
  switch (verdict.status) {
    case 'unreadable':
      return {
        status: 'unknown',
        error: unreadablePolicyError(source, SERVICE_PROFILES[context.service].noun, verdict.reason),
      };
    case 'public':
      return {
        status: 'public',
        basis: 'policy-document',
        publicGrants: verdict.publicGrants,
        includesWrite: verdict.includesWrite,
        restrictedGrants: verdict.restrictedGrants,
      };
    case 'not-public':
      return { status: 'none', basis: 'policy-document', restrictedGrants: verdict.restrictedGrants };
  }
};
