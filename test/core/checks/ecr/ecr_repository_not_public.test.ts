import check from '../../../../src/core/checks/ecr/ecr_repository_not_public';
import { known } from '../../../../src/core/model';
import {
  aRepositoryPolicy,
  anAccountWithEcr,
  anEcrRegion,
  anEcrRepository,
  publicPull,
  publicPush,
  repositoryArnOf,
  withRepositories,
} from '../../../fixtures/builders/ecr';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, anAccount, denied } from '../../../fixtures/snapshot-builders';

const withPolicy = (...statements: unknown[]) =>
  withRepositories(anEcrRepository({ name: 'public-tools', policy: known(aRepositoryPolicy(...statements)) }));

describe('ecr_repository_not_public', () => {
  it('when a repository has no policy, then it passes', () => {
    const [result] = run(check, anAccountWithEcr());
    expect(result).toMatchObject({
      status: 'pass',
      resource: { type: 'AwsEcrRepository', id: 'orders-api', arn: repositoryArnOf('orders-api') },
      region: REGION,
      message: 'ECR repository orders-api has no repository policy, so no policy lets anyone in.',
    });
  });

  it('when anyone may pull, then it fails, naming the statement and the actions', () => {
    const result = resultFor(run(check, withPolicy(publicPull)), 'public-tools');
    expect(result.status).toBe('fail');
    expect(result.message).toContain("ECR repository public-tools is public: statement 'AllowPublicPull'");
    expect(result.message).toContain('ecr:BatchGetImage');
    expect(result.evidence).toMatchObject({ includesWrite: false });
  });

  it('when anyone may push, then the failure says it includes changing what the repository holds', () => {
    const [result] = run(check, withPolicy(publicPush));
    expect(result).toMatchObject({ status: 'fail', evidence: { includesWrite: true } });
    expect(result!.message).toContain('which includes changing it or what it holds');
  });

  it('when anyone may pull but only from the organization, then it passes', () => {
    const orgOnly = { ...publicPull, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } } };
    expect(statuses(run(check, withPolicy(orgOnly)))).toEqual(['public-tools:pass']);
  });

  it('when the org condition uses a wildcard, then it does not narrow and the repository fails', () => {
    const wildcard = { ...publicPull, Condition: { StringLike: { 'aws:PrincipalOrgID': 'o-*' } } };
    expect(statuses(run(check, withPolicy(wildcard)))).toEqual(['public-tools:fail']);
  });

  it('when a Deny takes the pull away from everyone outside the organization, then it passes', () => {
    const orgFence = {
      Sid: 'DenyOutsideOrg',
      Effect: 'Deny',
      Principal: '*',
      Action: 'ecr:*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    };
    expect(statuses(run(check, withPolicy(publicPull, orgFence)))).toEqual(['public-tools:pass']);
  });

  it('when the pull is granted to another account by name, then it passes, naming it as shared', () => {
    const partner = { ...publicPull, Principal: { AWS: 'arn:aws:iam::444455556666:root' } };
    const [result] = run(check, withPolicy(partner));
    expect(result).toMatchObject({ status: 'pass', evidence: { sharedWith: ['444455556666'] } });
  });

  it('when GetRepositoryPolicy was refused, then the repository is unknown naming the permission', () => {
    const [result] = run(check, withRepositories(anEcrRepository({ policy: denied('ecr:GetRepositoryPolicy') })));
    expect(result).toMatchObject({ status: 'unknown', evidence: { missingPermission: 'ecr:GetRepositoryPolicy' } });
  });

  it('when the stored policy is not a policy, then the repository is unknown saying why', () => {
    const [result] = run(check, withRepositories(anEcrRepository({ policy: known('not a policy') })));
    expect(result!.status).toBe('unknown');
    expect(result!.message).toContain('the repository policy is not a policy document');
  });

  it('when the repositories cannot be listed, then the region is unknown, naming ecr:DescribeRepositories', () => {
    const results = run(check, anAccountWithEcr(anEcrRegion({ repositories: denied('ecr:DescribeRepositories') })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/ecr-repositories:unknown`]);
    expect(results[0]!.message).toContain('ecr:DescribeRepositories');
  });

  it('when a region has no repositories, then it yields no results', () => {
    expect(run(check, withRepositories())).toEqual([]);
  });

  it('when no ecr data was collected, then the check is unknown', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
