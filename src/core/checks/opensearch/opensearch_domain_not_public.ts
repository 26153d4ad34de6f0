import type { AccountSnapshotWith, OpenSearchDomain, OpenSearchDomainStatus, ResourceRef } from '../../model';
import { describePublicGrants, describeUnreadable, resourcePolicyExposure } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';
import { OPENSEARCH_POLICY_SOURCE, ownerContext } from '../sqs/common/policy-result';

export const opensearchDomainResource = (
  account: Pick<AccountSnapshotWith<'opensearch'>, 'accountId' | 'partition'>,
  region: string,
  d: OpenSearchDomain,
): ResourceRef => ({
  type: 'AwsOpenSearchServiceDomain',
  id: d.name,
  arn: d.status.ok ? d.status.value.arn : `arn:${account.partition}:es:${region}:${account.accountId}:domain/${d.name}`,
});

/**
 * With fine-grained access control on and anonymous access off, every request must still sign in
 * (internal users, SAML, IAM): an open access policy is then AWS's recommended setup, not an open door.
 */
const credentialsRequired = (s: OpenSearchDomainStatus): boolean =>
  s.fineGrainedAccessControl === true && s.anonymousAuth === false;

/**
 * Opensearch.2 fails every domain outside a VPC: its endpoint is on the internet, and only its access
 * policy (and fine-grained access control) stand between it and everyone. Critical when the policy
 * lets anyone in without credentials, or cannot be read; high when the policy narrows the callers (an
 * IP allow-list), the domain has none, or fine-grained access control demands credentials.
 */
const judgeStatus = (
  account: AccountSnapshotWith<'opensearch'>,
  resource: ResourceRef,
  region: string,
  name: string,
  s: OpenSearchDomainStatus,
): CheckResult => {
  const label = `OpenSearch domain ${name}`;
  const evidence = {
    endpoint: s.endpoint,
    vpcId: s.vpc?.vpcId ?? null,
    fineGrainedAccessControl: s.fineGrainedAccessControl,
    anonymousAuth: s.anonymousAuth,
  };
  if (s.vpc !== null)
    return pass(
      resource,
      region,
      `${label} is in VPC ${s.vpc.vpcId}: its endpoint is reachable only from inside the VPC.`,
      {
        ...evidence,
        securityGroupIds: s.vpc.securityGroupIds,
      },
    );
  const where = `${label} has a public endpoint${s.endpoint ? ` (${s.endpoint})` : ''}, outside any VPC`;
  const exposure = resourcePolicyExposure(s.accessPolicy, ownerContext(account, 'es'), OPENSEARCH_POLICY_SOURCE);
  switch (exposure.status) {
    case 'unknown':
      return fail(
        resource,
        region,
        `${where}, and its access policy could not be read (${describeUnreadable(exposure.error)}), so it may let anyone in.`,
        { ...evidence, accessPolicy: 'unknown', errorCode: exposure.error.code },
      );
    case 'public': {
      const grants = describePublicGrants(exposure.publicGrants);
      const guarded = credentialsRequired(s);
      return {
        ...fail(
          resource,
          region,
          guarded
            ? `${where}, and its access policy lets anyone send requests (${grants}); fine-grained access control still asks every caller to sign in.`
            : `${where}, and its access policy lets anyone in: ${grants}.`,
          { ...evidence, accessPolicy: 'public', publicStatements: exposure.publicGrants.map((g) => g.statement) },
        ),
        ...(guarded ? { severity: 'high' as const } : {}),
      };
    }
    case 'none':
      return {
        ...fail(
          resource,
          region,
          exposure.basis === 'no-policy'
            ? `${where}; it has no access policy, so only the account's own IAM principals may call it, but the endpoint is reachable from the internet.`
            : `${where}; its access policy does not let anyone in, but it is all that guards an endpoint reachable from the internet.`,
          { ...evidence, accessPolicy: exposure.basis === 'no-policy' ? 'none' : 'narrowed' },
        ),
        severity: 'high',
      };
  }
};

const judge =
  (account: AccountSnapshotWith<'opensearch'>, region: string) =>
  (d: OpenSearchDomain): CheckResult => {
    const resource = opensearchDomainResource(account, region, d);
    return d.status.ok
      ? judgeStatus(account, resource, region, d.name, d.status.value)
      : unknownFrom(resource, region, d.status.error);
  };

export default defineCheck({
  id: 'opensearch_domain_not_public',
  service: 'opensearch',
  severity: 'critical',
  title: 'OpenSearch domains are not publicly accessible',
  failTitle: 'OpenSearch domain is reachable from the internet',
  rationale:
    'A domain outside a VPC has an endpoint on the internet, guarded only by its access policy and fine-grained access control; with a policy that lets anyone in, anyone can read, change or delete every index (search clusters routinely hold logs, customer records and credentials).',
  remediationText:
    'Create the domain with VPC access (a domain cannot be moved into a VPC: take a snapshot, restore it into a new VPC domain, and switch clients over); until then, narrow the access policy to named IAM principals or your IP ranges (OpenSearch console → domain → Security configuration → Access policy) and turn on fine-grained access control.',
  frameworks: { cis: null, securityHub: 'Opensearch.2' },
  requires: ['opensearch'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.opensearch).flatMap(([region, opensearch]) =>
      withFact(opensearch.domains, regionSettingResource(account, region, 'opensearch-domains'), region, (domains) =>
        domains.map(judge(account, region)),
      ),
    ),
});
