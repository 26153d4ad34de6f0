import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of OpenSearch Service domains (OpenSearch and Elasticsearch engines): where
 * they are reachable from and their access policies, per scanned region. Every value an AWS answer
 * provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is carried as missing
 * evidence rather than as an empty list.
 */

/** VPCOptions of a domain placed in a VPC: its endpoint is reachable only from inside. */
export const OpenSearchVpcSchema = z.object({
  vpcId: z.string(),
  subnetIds: z.array(z.string()),
  securityGroupIds: z.array(z.string()),
});

/** One DomainStatus of DescribeDomains, for the fields cloudsec reads. */
export const OpenSearchDomainStatusSchema = z.object({
  arn: z.string(),
  engineVersion: z.string().nullable(),
  /** The public endpoint (`search-…`); null while a new domain has none yet, and for a VPC domain. */
  endpoint: z.string().nullable(),
  /** Null: no VPCOptions, the domain has a public endpoint (AWS's "public access" network type). */
  vpc: OpenSearchVpcSchema.nullable(),
  /** AccessPolicies parsed; value `null`: the domain has none (AWS answers an empty string). */
  accessPolicy: fact(PolicyDocumentSchema.nullable()),
  /** AdvancedSecurityOptions.Enabled (fine-grained access control); null when AWS did not say. */
  fineGrainedAccessControl: z.boolean().nullable(),
  /** AdvancedSecurityOptions.AnonymousAuthEnabled; null when AWS did not say. */
  anonymousAuth: z.boolean().nullable(),
});
export type OpenSearchDomainStatus = z.infer<typeof OpenSearchDomainStatusSchema>;

export const OpenSearchDomainSchema = z.object({
  /** From ListDomainNames. */
  name: z.string(),
  /** `OpenSearch` or `Elasticsearch`; null when AWS did not say. */
  engineType: z.string().nullable(),
  /** DescribeDomains' answer for the domain (asked five names at a time). */
  status: fact(OpenSearchDomainStatusSchema),
});
export type OpenSearchDomain = z.infer<typeof OpenSearchDomainSchema>;

export const OpenSearchRegionSchema = z.object({
  domains: fact(z.array(OpenSearchDomainSchema)),
});
export type OpenSearchRegion = z.infer<typeof OpenSearchRegionSchema>;
