import type { AccountSnapshotWith, EcrRepository, ResourceRef } from '../../model';
import { SERVICE_PROFILES, resourcePolicyExposure, type PolicySource } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import { defineCheck, withFact, type CheckResult } from '../define';
import { ownerContext, policyResult } from '../sqs/common/policy-result';

const ECR_POLICY_SOURCE: PolicySource = {
  service: 'ecr',
  operation: 'GetRepositoryPolicy',
  permission: 'ecr:GetRepositoryPolicy',
};

export const repositoryResource = (r: Pick<EcrRepository, 'name' | 'arn'>): ResourceRef => ({
  type: 'AwsEcrRepository',
  id: r.name,
  arn: r.arn,
});

const judge =
  (account: AccountSnapshotWith<'ecr'>, region: string) =>
  (r: EcrRepository): CheckResult =>
    policyResult({
      resource: repositoryResource(r),
      region,
      label: `ECR repository ${r.name}`,
      noun: SERVICE_PROFILES.ecr.noun,
      exposure: resourcePolicyExposure(r.policy, ownerContext(account, 'ecr'), ECR_POLICY_SOURCE),
    });

export default defineCheck({
  id: 'ecr_repository_not_public',
  service: 'ecr',
  severity: 'high',
  title: 'ECR repository policies do not allow public access',
  failTitle: 'ECR repository is public through its repository policy',
  rationale:
    'A repository policy that lets anyone (Principal "*") call ECR without a condition pinning the caller lets any AWS account pull your images — and the code, configuration and credentials baked into them — or, with push actions, replace them with images of its own that your services then run.',
  remediationText:
    'Remove or narrow the public statements (ECR console → repository → Permissions → Edit policy JSON), for example to named accounts or with a condition on aws:PrincipalOrgID; or delete the policy with `aws ecr delete-repository-policy --repository-name <name>`. To publish images on purpose, use an ECR Public repository instead.',
  // Security Hub has no control for public ECR repositories.
  frameworks: { cis: null, securityHub: null },
  requires: ['ecr'],
  // A policy rewrite is a merge, not one safe call.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.ecr).flatMap(([region, ecr]) =>
      withFact(ecr.repositories, regionSettingResource(account, region, 'ecr-repositories'), region, (repos) =>
        repos.map(judge(account, region)),
      ),
    ),
});
