import type { Cluster, EKSClient } from '@aws-sdk/client-eks';
import { sdk } from '../sdk';
import type { EksCluster, EksClusterEndpoint, EksRegion, Fact } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const EKS_COLLECTOR_PERMISSIONS = {
  ListClusters: 'eks:ListClusters',
  DescribeCluster: 'eks:DescribeCluster',
} as const satisfies Record<string, string>;

/** ListClusters accepts 1–100 per page. */
const PAGE_SIZE = 100;

const meta = (operation: keyof typeof EKS_COLLECTOR_PERMISSIONS, region: string): CallMeta => ({
  service: 'eks',
  operation,
  permission: EKS_COLLECTOR_PERMISSIONS[operation],
  region,
});

/** A cluster that ListClusters named but DescribeCluster no longer finds: deleted in between. */
const GONE = 'ResourceNotFoundException';

/**
 * The region's clusters (ListClusters) and each one's endpoint access (DescribeCluster, one call per
 * cluster, bounded by the account's fan-out). A refused or unreadable DescribeCluster leaves that
 * cluster unknown; a cluster deleted between the two calls is left out.
 */
export const collectEksRegion = async (ctx: CollectContext, region: string): Promise<EksRegion> => {
  const client = ctx.clients.eks(region);
  const names = await attempt(meta('ListClusters', region), () => listClusterNames(client));
  if (!names.ok) return { clusters: names };
  const described = await Promise.all(
    names.value.map((name) => ctx.fanOut(() => describeCluster(client, region, name))),
  );
  return { clusters: { ok: true, value: described.filter((c): c is EksCluster => c !== null) } };
};

/** A page without its `clusters` list is not EKS's answer: it must not read as "no clusters". */
const listClusterNames = async (client: EKSClient): Promise<string[]> => {
  const names: string[] = [];
  for await (const page of sdk.eks.paginateListClusters({ client, pageSize: PAGE_SIZE }, {})) {
    if (!Array.isArray(page.clusters) || page.clusters.some((n) => typeof n !== 'string' || n === ''))
      throw new MalformedAnswerError('ListClusters answered a page without its clusters list');
    names.push(...page.clusters);
  }
  return names;
};

const describeCluster = async (client: EKSClient, region: string, name: string): Promise<EksCluster | null> => {
  const endpoint: Fact<EksClusterEndpoint | null> = await attempt(
    meta('DescribeCluster', region),
    async () => {
      const out = await client.send(new sdk.eks.DescribeClusterCommand({ name }));
      if (!out.cluster) throw new MalformedAnswerError(`DescribeCluster answered without the cluster ${name}`);
      return toEndpoint(out.cluster);
    },
    { [GONE]: () => null },
  );
  if (!endpoint.ok) return { name, endpoint };
  return endpoint.value === null ? null : { name, endpoint: { ok: true, value: endpoint.value } };
};

/**
 * Fields AWS left out stay null: the check reads a missing `endpointPublicAccess` as unknown, and a
 * public endpoint without `publicAccessCidrs` as possibly open to everyone (the API's default).
 */
const toEndpoint = (c: Cluster): EksClusterEndpoint => {
  const vpc = c.resourcesVpcConfig;
  const cidrs = vpc?.publicAccessCidrs;
  return {
    arn: c.arn ?? null,
    status: c.status ?? null,
    endpointPublicAccess: typeof vpc?.endpointPublicAccess === 'boolean' ? vpc.endpointPublicAccess : null,
    endpointPrivateAccess: typeof vpc?.endpointPrivateAccess === 'boolean' ? vpc.endpointPrivateAccess : null,
    publicAccessCidrs: Array.isArray(cidrs) && cidrs.every((x) => typeof x === 'string') ? cidrs : null,
  };
};
