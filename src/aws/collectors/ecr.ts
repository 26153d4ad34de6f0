import type { ECRClient } from '@aws-sdk/client-ecr';
import { sdk } from '../sdk';
import { z } from 'zod';
import { known, type EcrRegion, type EcrRepository } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';
import { parsePolicyText, readAnswer } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/iam-policy.ts) is built from it.
 */
export const ECR_COLLECTOR_PERMISSIONS = {
  DescribeRepositories: 'ecr:DescribeRepositories',
  GetRepositoryPolicy: 'ecr:GetRepositoryPolicy',
} as const satisfies Record<string, string>;

type Operation = keyof typeof ECR_COLLECTOR_PERMISSIONS;

/** API reference: DescribeRepositories takes maxResults of 1–1000. */
const PAGE_SIZE = 1000;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'ecr',
  operation,
  permission: ECR_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * ECR answers a repository without a policy with RepositoryPolicyNotFoundException (a state: no
 * policy), and a repository deleted since the listing with RepositoryNotFoundException (left out).
 */
const NO_POLICY = 'RepositoryPolicyNotFoundException';
const NOT_FOUND = 'RepositoryNotFoundException';
const GONE = Symbol('gone');

/**
 * The SDK's JSON reader passes values through unchecked and reads an empty body as an answer without
 * fields: an answer is held to the API reference here. A policy answer always carries `policyText`
 * (no policy is an error, not an empty answer), so an empty answer is unreadable, never "no policy".
 */
const RepositoriesPage = z.object({
  repositories: z.array(
    z.object({
      repositoryName: z.string().min(1),
      repositoryArn: z.string().min(1),
      registryId: z.string().min(1),
    }),
  ),
});
const PolicyAnswer = z.object({ repositoryName: z.string().min(1), policyText: z.string() });

interface Listed {
  name: string;
  arn: string;
  registryId: string;
}

/**
 * Collects one region's repositories of the account's own registry: DescribeRepositories (a page per
 * 1,000), then per repository its policy (GetRepositoryPolicy), bounded by the account's fan-out. A
 * refused policy call leaves that repository unknown; the listing stands.
 */
export const collectEcrRegion = async (ctx: CollectContext, region: string): Promise<EcrRegion> => {
  const client = ctx.clients.ecr(region);
  const listed = await attempt(meta('DescribeRepositories', region), () => listRepositories(client));
  if (!listed.ok) return { repositories: listed };
  const repositories = await Promise.all(
    listed.value.map((r) => ctx.fanOut(() => collectRepository(client, region, r))),
  );
  return { repositories: known(repositories.filter((r): r is EcrRepository => r !== null)) };
};

const listRepositories = async (client: ECRClient): Promise<Listed[]> => {
  const all: Listed[] = [];
  for await (const page of sdk.ecr.paginateDescribeRepositories({ client, pageSize: PAGE_SIZE }, {}))
    for (const r of readAnswer(RepositoriesPage, page, 'DescribeRepositories').repositories)
      all.push({ name: r.repositoryName, arn: r.repositoryArn, registryId: r.registryId });
  return all;
};

const collectRepository = async (client: ECRClient, region: string, repo: Listed): Promise<EcrRepository | null> => {
  const policy = await attempt<unknown>(
    meta('GetRepositoryPolicy', region),
    async () => {
      const out = await client.send(
        new sdk.ecr.GetRepositoryPolicyCommand({ repositoryName: repo.name, registryId: repo.registryId }),
      );
      const answer = readAnswer(PolicyAnswer, out, 'GetRepositoryPolicy');
      if (answer.repositoryName !== repo.name)
        throw new MalformedAnswerError(`GetRepositoryPolicy answered about another repository than ${repo.name}`);
      return parsePolicyText(answer.policyText, 'GetRepositoryPolicy', `a policyText for ${repo.name}`);
    },
    { [NO_POLICY]: () => null, [NOT_FOUND]: () => GONE },
  );
  if (policy.ok && policy.value === GONE) return null;
  return { ...repo, policy };
};
