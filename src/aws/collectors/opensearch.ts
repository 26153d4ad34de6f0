import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import { sdk } from '../sdk';
import { z } from 'zod';
import {
  known,
  missing,
  type CollectError,
  type Fact,
  type OpenSearchDomain,
  type OpenSearchDomainStatus,
  type OpenSearchRegion,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, toCollectError, type CallMeta } from '../errors';
import type { CollectContext } from './context';
import { describeIssues, parsePolicyText, readAnswer } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 * OpenSearch Service's IAM prefix is `es`, not the SDK's `opensearch`.
 */
export const OPENSEARCH_COLLECTOR_PERMISSIONS = {
  ListDomainNames: 'es:ListDomainNames',
  DescribeDomains: 'es:DescribeDomains',
} as const satisfies Record<string, string>;

type Operation = keyof typeof OPENSEARCH_COLLECTOR_PERMISSIONS;

/** DescribeDomains takes at most five names per call. */
export const DESCRIBE_BATCH = 5;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'opensearch',
  operation,
  permission: OPENSEARCH_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * The answers as the API reference documents them, for the fields cloudsec reads. The SDK's
 * rest-json reader passes JSON values through unchecked and reads an empty body as an answer without
 * fields, so both are checked here. A domain that cannot be named could only be dropped, which could
 * hide a public one: the whole answer is then unreadable.
 */
const NamesAnswer = z.object({
  DomainNames: z.array(z.object({ DomainName: z.string().min(1), EngineType: z.string().optional() })),
});
const StatusListAnswer = z.object({
  DomainStatusList: z.array(z.object({ DomainName: z.string().min(1) }).loose()),
});
const DomainStatusWire = z.object({
  DomainName: z.string(),
  ARN: z.string().min(1),
  EngineVersion: z.string().optional(),
  Endpoint: z.string().optional(),
  VPCOptions: z
    .object({
      VPCId: z.string().min(1),
      SubnetIds: z.array(z.string()).optional(),
      SecurityGroupIds: z.array(z.string()).optional(),
    })
    .optional(),
  AccessPolicies: z.string().optional(),
  AdvancedSecurityOptions: z
    .object({ Enabled: z.boolean().optional(), AnonymousAuthEnabled: z.boolean().optional() })
    .optional(),
});
type DomainStatusWire = z.infer<typeof DomainStatusWire>;

/**
 * Collects one region's domains: ListDomainNames (one call, no pages), then DescribeDomains five
 * names at a time. A refused or unreadable DescribeDomains leaves the domains of that call unknown.
 */
export const collectOpenSearchRegion = async (ctx: CollectContext, region: string): Promise<OpenSearchRegion> => {
  const client = ctx.clients.opensearch(region);
  const names = await attempt(meta('ListDomainNames', region), async () =>
    readAnswer(
      NamesAnswer,
      await client.send(new sdk.opensearch.ListDomainNamesCommand({})),
      'ListDomainNames',
    ).DomainNames.map((d) => ({
      name: d.DomainName,
      engineType: d.EngineType ?? null,
    })),
  );
  if (!names.ok) return { domains: names };
  const batches: { name: string; engineType: string | null }[][] = [];
  for (let i = 0; i < names.value.length; i += DESCRIBE_BATCH) batches.push(names.value.slice(i, i + DESCRIBE_BATCH));
  const described = await Promise.all(batches.map((batch) => ctx.fanOut(() => describeBatch(client, region, batch))));
  return { domains: known(described.flat()) };
};

const describeBatch = async (
  client: OpenSearchClient,
  region: string,
  batch: { name: string; engineType: string | null }[],
): Promise<OpenSearchDomain[]> => {
  const answer = await attempt(meta('DescribeDomains', region), async () => {
    const out = await client.send(new sdk.opensearch.DescribeDomainsCommand({ DomainNames: batch.map((d) => d.name) }));
    return readAnswer(StatusListAnswer, out, 'DescribeDomains').DomainStatusList;
  });
  if (!answer.ok) return batch.map((d) => ({ ...d, status: answer }));
  const malformedFor = (message: string): Fact<never> =>
    missing(toCollectError(meta('DescribeDomains', region), new MalformedAnswerError(message)));
  return batch.map((d) => {
    const wire = answer.value.find((s) => s.DomainName === d.name);
    if (wire === undefined) return { ...d, status: malformedFor(`DescribeDomains did not describe domain ${d.name}`) };
    const parsed = DomainStatusWire.safeParse(wire);
    if (!parsed.success)
      return {
        ...d,
        status: malformedFor(
          `DescribeDomains answered without a readable ${describeIssues(parsed.error)} for ${d.name}`,
        ),
      };
    const error = (message: string) =>
      toCollectError(meta('DescribeDomains', region), new MalformedAnswerError(message));
    return { ...d, status: known(toStatus(parsed.data, error)) };
  });
};

/**
 * No VPCOptions is how AWS describes a domain with a public endpoint. AccessPolicies is an empty
 * string when the domain has no access policy; a missing one is not "no policy" but missing evidence,
 * which matters only for a domain outside a VPC.
 */
const toStatus = (s: DomainStatusWire, error: (message: string) => CollectError): OpenSearchDomainStatus => {
  const vpc = s.VPCOptions;
  return {
    arn: s.ARN,
    engineVersion: s.EngineVersion ?? null,
    endpoint: s.Endpoint ?? null,
    vpc: vpc
      ? { vpcId: vpc.VPCId, subnetIds: vpc.SubnetIds ?? [], securityGroupIds: vpc.SecurityGroupIds ?? [] }
      : null,
    accessPolicy: accessPolicyOf(s, error),
    fineGrainedAccessControl: s.AdvancedSecurityOptions?.Enabled ?? null,
    anonymousAuth: s.AdvancedSecurityOptions?.AnonymousAuthEnabled ?? null,
  };
};

const accessPolicyOf = (s: DomainStatusWire, error: (message: string) => CollectError): Fact<unknown> => {
  if (s.AccessPolicies === undefined)
    return missing(error(`DescribeDomains answered without AccessPolicies for ${s.DomainName}`));
  if (s.AccessPolicies.trim() === '') return known(null);
  try {
    return known(parsePolicyText(s.AccessPolicies, 'DescribeDomains', `AccessPolicies for ${s.DomainName}`));
  } catch (err) {
    return missing(error((err as Error).message));
  }
};
