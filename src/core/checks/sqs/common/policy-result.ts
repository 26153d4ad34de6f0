import type { AccountSnapshot, CollectError, Fact, ResourceRef } from '../../../model';
import {
  crossAccountGrants,
  describePublicGrants,
  describeRestrictedGrant,
  unscopedServiceGrants,
  type PolicyContext,
  type PolicyService,
  type PolicySource,
  type RestrictedPolicyGrant,
  type ResourcePolicyExposure,
} from '../../../resource-policy';
import { fail, pass, unknownFrom, type CheckResult } from '../../define';

/**
 * How the public-exposure checks (SQS, SNS, Lambda, OpenSearch) word a resource policy's verdict from
 * the shared evaluator (src/core/resource-policy.ts), so "public", "shared" and "could not read"
 * read the same for every service.
 */

/**
 * The evaluator's context for a resource of `account`. Its owner is the account (a grant back to it
 * is internal); an id that is not an AWS account id (a hand-made snapshot) owns nothing, so no grant
 * can be classed by account, which only ever makes more of them "undetermined", never fewer public.
 */
export const ownerContext = (account: Pick<AccountSnapshot, 'accountId'>, service: PolicyService): PolicyContext => ({
  ownerAccountId: /^\d{12}$/.test(account.accountId) ? account.accountId : null,
  service,
});

/** A collected `Fact<{ document } | null>` as the `Fact<document | null>` the evaluator reads. */
export const documentOf = <P extends { document: unknown }>(policy: Fact<P | null>): Fact<unknown> =>
  policy.ok ? { ok: true, value: policy.value === null ? null : policy.value.document } : policy;

type Readable = { status: 'not-public'; restrictedGrants: RestrictedPolicyGrant[] };
const readable = (restrictedGrants: RestrictedPolicyGrant[]): Readable => ({ status: 'not-public', restrictedGrants });

/** Who else the policy reaches without being public: evidence, and a sentence for the message. */
const sharing = (restrictedGrants: RestrictedPolicyGrant[]) => {
  const shared = crossAccountGrants(readable(restrictedGrants));
  const deputies = unscopedServiceGrants(readable(restrictedGrants));
  const sharedWith = [...new Set(shared.flatMap((g) => g.sharedWith))];
  return {
    evidence: {
      sharedWith,
      crossAccountStatements: shared.map(describeRestrictedGrant),
      unscopedServiceStatements: deputies.map(describeRestrictedGrant),
    },
    sentence:
      (sharedWith.length > 0
        ? ` It is shared with ${sharedWith.join(', ')}, outside the estate, which is not public.`
        : '') +
      (deputies.length > 0
        ? ` ${deputies.length === 1 ? 'One statement lets' : `${deputies.length} statements let`} an AWS service in without aws:SourceArn or aws:SourceAccount (a confused deputy risk).`
        : ''),
  };
};

export interface PolicyFinding {
  resource: ResourceRef;
  region: string;
  /** "SQS queue jobs", "SNS topic alerts": how the message names the resource. */
  label: string;
  /** "queue policy", "topic policy": the policy's name. */
  noun: string;
  exposure: ResourcePolicyExposure;
}

/**
 * `unknown` for a policy that could not be fetched (naming the permission) or is not a policy (naming
 * why: a proxy is not to blame for a document the service stored), `pass` for none or a policy that
 * lets nobody in, `fail` naming each public statement and whether it lets anyone change things.
 */
export const policyResult = ({ resource, region, label, noun, exposure }: PolicyFinding): CheckResult => {
  switch (exposure.status) {
    case 'unknown':
      return unknownPolicy(resource, region, label, exposure.error);
    case 'none': {
      if (exposure.basis === 'no-policy')
        return pass(resource, region, `${label} has no ${noun}, so no policy lets anyone in.`, { basis: 'no-policy' });
      const { evidence, sentence } = sharing(exposure.restrictedGrants);
      return pass(resource, region, `The ${noun} of ${label} does not let anyone in.${sentence}`, {
        basis: 'policy-document',
        ...evidence,
      });
    }
    case 'public': {
      const { evidence } = sharing(exposure.restrictedGrants);
      return fail(
        resource,
        region,
        `${label} is public: ${describePublicGrants(exposure.publicGrants)}${exposure.includesWrite ? ', which includes changing it or what it holds' : ''}.`,
        {
          basis: 'policy-document',
          publicStatements: exposure.publicGrants.map((g) => g.statement),
          publicActions: [...new Set(exposure.publicGrants.flatMap((g) => g.actions))],
          includesWrite: exposure.includesWrite,
          ...evidence,
        },
      );
    }
  }
};

/** The fetch errors word themselves (describeCollectError); a stored document that is not a policy does not. */
export const unknownPolicy = (
  resource: ResourceRef,
  region: string,
  label: string,
  error: CollectError,
): CheckResult => {
  const result = unknownFrom(resource, region, error);
  return error.code === 'MalformedPolicy'
    ? {
        ...result,
        message: `Could not check whether ${label} is public: ${error.message} (as ${error.operation} answers it).`,
      }
    : result;
};

/** The calls that fetch each service's policy, for the evaluator to name when a document is not a policy. */
export const SQS_POLICY_SOURCE: PolicySource = {
  service: 'sqs',
  operation: 'GetQueueAttributes',
  permission: 'sqs:GetQueueAttributes',
};
export const SNS_POLICY_SOURCE: PolicySource = {
  service: 'sns',
  operation: 'GetTopicAttributes',
  permission: 'sns:GetTopicAttributes',
};
export const LAMBDA_POLICY_SOURCE: PolicySource = {
  service: 'lambda',
  operation: 'GetPolicy',
  permission: 'lambda:GetPolicy',
};
export const OPENSEARCH_POLICY_SOURCE: PolicySource = {
  service: 'opensearch',
  operation: 'DescribeDomains',
  permission: 'es:DescribeDomains',
};
