import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';
import type { AccountSnapshot, EksCluster, EksClusterEndpoint, ResourceRef } from '../../model';
import { regionSettingResource } from '../../resources';
import { isWorldCidr } from '../../security-groups';

const clusterResource = (
  account: Pick<AccountSnapshot, 'accountId' | 'partition'>,
  region: string,
  name: string,
  arn: string | null,
): ResourceRef => ({
  type: 'AwsEksCluster',
  id: name,
  arn: arn ?? `arn:${account.partition}:eks:${region}:${account.accountId}:cluster/${name}`,
});

const evidenceOf = (e: EksClusterEndpoint) => ({
  status: e.status,
  endpointPublicAccess: e.endpointPublicAccess,
  endpointPrivateAccess: e.endpointPrivateAccess,
  publicAccessCidrs: e.publicAccessCidrs,
});

/**
 * Security Hub EKS.1 fails every cluster whose endpoint is public. The severity says how public:
 * high when 0.0.0.0/0 (or ::/0) may reach it, low when only listed address ranges may. A public
 * endpoint whose allowed ranges AWS did not list is judged open (the API's default is 0.0.0.0/0).
 */
const judge = (name: string, e: EksClusterEndpoint, resource: ResourceRef, region: string): CheckResult => {
  const evidence = evidenceOf(e);
  if (e.endpointPublicAccess === null) {
    const message = `Could not check: DescribeCluster did not say whether the API endpoint of EKS cluster ${name} is public; collect again.`;
    return { status: 'unknown', resource, region, message, evidence };
  }
  if (!e.endpointPublicAccess)
    return pass(resource, region, `EKS cluster ${name} has no public API endpoint (private access only).`, evidence);
  // An empty list names no range at all: read like a missing one (the API's default is 0.0.0.0/0).
  const cidrs = e.publicAccessCidrs !== null && e.publicAccessCidrs.length > 0 ? e.publicAccessCidrs : null;
  const world = cidrs === null ? [] : cidrs.filter(isWorldCidr);
  if (cidrs !== null && world.length === 0) {
    return {
      ...fail(
        resource,
        region,
        `EKS cluster ${name} has a public API endpoint, limited to ${cidrs.join(', ')}.`,
        evidence,
      ),
      severity: 'low',
    };
  }
  const who =
    cidrs === null
      ? 'and DescribeCluster did not list which addresses may reach it (the default is 0.0.0.0/0)'
      : `open to ${world.join(' and ')}`;
  return fail(
    resource,
    region,
    `EKS cluster ${name} has a public API endpoint ${who}: the whole internet can try to log in to Kubernetes.`,
    evidence,
  );
};

const judgeCluster = (
  account: Pick<AccountSnapshot, 'accountId' | 'partition'>,
  region: string,
  cluster: EksCluster,
): CheckResult => {
  if (!cluster.endpoint.ok)
    return unknownFrom(clusterResource(account, region, cluster.name, null), region, cluster.endpoint.error);
  const resource = clusterResource(account, region, cluster.name, cluster.endpoint.value.arn);
  return judge(cluster.name, cluster.endpoint.value, resource, region);
};

export default defineCheck({
  id: 'eks_cluster_endpoint_not_public',
  service: 'eks',
  severity: 'high',
  title: 'EKS cluster API endpoints are not public',
  failTitle: 'EKS cluster API endpoint is public',
  rationale:
    'A public Kubernetes API endpoint can be reached from anywhere its allowed ranges permit: anyone there can probe the API server, try stolen or leaked credentials, and exploit API server vulnerabilities. With 0.0.0.0/0 that is the whole internet.',
  remediationText:
    'Turn on private endpoint access and turn off public access (EKS console → cluster → Networking → Manage endpoint access), or at least limit public access to known ranges: `aws eks update-cluster-config --name <cluster> --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs=<cidr>,endpointPrivateAccess=true`. Check first that kubectl users, CI and nodes can still reach the API.',
  frameworks: { cis: null, securityHub: 'EKS.1' },
  requires: ['eks'],
  // Changing endpoint access can lock operators and nodes out of the cluster: left to a person.
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.eks).flatMap(([region, eks]) =>
      withFact(eks.clusters, regionSettingResource(account, region, 'eks-clusters'), region, (clusters) =>
        clusters.map((c) => judgeCluster(account, region, c)),
      ),
    ),
});
