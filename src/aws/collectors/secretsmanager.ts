import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sdk } from '../sdk';
import { z } from 'zod';
import { known, type SecretsManagerRegion, type SecretsManagerSecret } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';
import { parsePolicyText, readAnswer } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/iam-policy.ts) is built from it. Neither
 * call reads a secret's value.
 */
export const SECRETSMANAGER_COLLECTOR_PERMISSIONS = {
  ListSecrets: 'secretsmanager:ListSecrets',
  GetResourcePolicy: 'secretsmanager:GetResourcePolicy',
} as const satisfies Record<string, string>;

type Operation = keyof typeof SECRETSMANAGER_COLLECTOR_PERMISSIONS;

/** API reference: ListSecrets takes MaxResults up to 100. */
const PAGE_SIZE = 100;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'secretsmanager',
  operation,
  permission: SECRETSMANAGER_COLLECTOR_PERMISSIONS[operation],
  region,
});

/** A secret deleted between the listing and its policy call: it no longer exists to judge, so it is left out. */
const NOT_FOUND = 'ResourceNotFoundException';
const GONE = Symbol('gone');

/**
 * The SDK's JSON reader passes values through unchecked and reads an empty body as an answer without
 * fields. GetResourcePolicy leaves `ResourcePolicy` out for a secret without a policy but always
 * names the secret (`ARN`, `Name`), so requiring those keeps an empty answer from reading as "no
 * policy". A secret that cannot be named could only be dropped: the page is then unreadable.
 */
const ListSecretsPage = z.object({
  SecretList: z.array(
    z.object({ ARN: z.string().min(1), Name: z.string().min(1), OwningService: z.string().min(1).optional() }),
  ),
});
const ResourcePolicyAnswer = z.object({
  ARN: z.string().min(1),
  Name: z.string().min(1),
  ResourcePolicy: z.string().optional(),
});

interface Listed {
  arn: string;
  name: string;
  owningService: string | null;
}

/**
 * Collects one region's secrets: ListSecrets (a page per 100; secrets scheduled for deletion are not
 * listed), then per secret its resource policy (GetResourcePolicy), bounded by the account's fan-out.
 * A refused policy call leaves that secret unknown; the listing stands.
 */
export const collectSecretsManagerRegion = async (
  ctx: CollectContext,
  region: string,
): Promise<SecretsManagerRegion> => {
  const client = ctx.clients.secretsmanager(region);
  const listed = await attempt(meta('ListSecrets', region), () => listSecrets(client));
  if (!listed.ok) return { secrets: listed };
  const secrets = await Promise.all(listed.value.map((s) => ctx.fanOut(() => collectSecret(client, region, s))));
  return { secrets: known(secrets.filter((s): s is SecretsManagerSecret => s !== null)) };
};

const listSecrets = async (client: SecretsManagerClient): Promise<Listed[]> => {
  const all: Listed[] = [];
  for await (const page of sdk.secretsmanager.paginateListSecrets({ client, pageSize: PAGE_SIZE }, {}))
    for (const s of readAnswer(ListSecretsPage, page, 'ListSecrets').SecretList)
      all.push({ arn: s.ARN, name: s.Name, owningService: s.OwningService ?? null });
  return all;
};

const collectSecret = async (
  client: SecretsManagerClient,
  region: string,
  secret: Listed,
): Promise<SecretsManagerSecret | null> => {
  const policy = await attempt<unknown>(
    meta('GetResourcePolicy', region),
    async () => {
      // By ARN: a name can be ambiguous with another secret's partial ARN.
      const out = await client.send(new sdk.secretsmanager.GetResourcePolicyCommand({ SecretId: secret.arn }));
      const answer = readAnswer(ResourcePolicyAnswer, out, 'GetResourcePolicy');
      if (answer.ARN !== secret.arn)
        throw new MalformedAnswerError(`GetResourcePolicy answered about another secret than ${secret.name}`);
      return answer.ResourcePolicy === undefined
        ? null
        : parsePolicyText(answer.ResourcePolicy, 'GetResourcePolicy', `a ResourcePolicy for ${secret.name}`);
    },
    { [NOT_FOUND]: () => GONE },
  );
  if (policy.ok && policy.value === GONE) return null;
  return { ...secret, policy };
};
