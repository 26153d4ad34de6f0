import { z } from 'zod';
import { fact } from './fact';

/**
 * What cloudsec reads of EKS clusters, per scanned region: how their Kubernetes API endpoint can be
 * reached (ListClusters, then DescribeCluster per cluster).
 */

/** DescribeCluster's `cluster.resourcesVpcConfig` endpoint settings, and what names the cluster. */
export const EksClusterEndpointSchema = z.object({
  arn: z.string().nullable(),
  /** `ACTIVE`, `CREATING`, … ; evidence only. */
  status: z.string().nullable(),
  /** null: DescribeCluster did not say, so whether the endpoint is public is unknown. */
  endpointPublicAccess: z.boolean().nullable(),
  endpointPrivateAccess: z.boolean().nullable(),
  /**
   * Addresses allowed to reach the public endpoint. null: not in the answer; AWS's default is
   * 0.0.0.0/0, so a public endpoint without this list may be open to everyone.
   */
  publicAccessCidrs: z.array(z.string()).nullable(),
});
export type EksClusterEndpoint = z.infer<typeof EksClusterEndpointSchema>;

export const EksClusterSchema = z.object({
  name: z.string(),
  /** Per cluster: one refused or unreadable DescribeCluster leaves only that cluster unknown. */
  endpoint: fact(EksClusterEndpointSchema),
});
export type EksCluster = z.infer<typeof EksClusterSchema>;

export const EksRegionSchema = z.object({
  clusters: fact(z.array(EksClusterSchema)),
});
export type EksRegion = z.infer<typeof EksRegionSchema>;
