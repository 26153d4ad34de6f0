import type { LambdaClient } from '@aws-sdk/client-lambda';
import { sdk } from '../sdk';
import { z } from 'zod';
import {
  FunctionUrlAuthTypeSchema,
  known,
  type Fact,
  type FunctionUrl,
  type LambdaFunction,
  type LambdaPolicy,
  type LambdaRegion,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';
import { parsePolicyText, readAnswer } from './json-answer';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const LAMBDA_COLLECTOR_PERMISSIONS = {
  ListFunctions: 'lambda:ListFunctions',
  GetPolicy: 'lambda:GetPolicy',
  ListFunctionUrlConfigs: 'lambda:ListFunctionUrlConfigs',
} as const satisfies Record<string, string>;

type Operation = keyof typeof LAMBDA_COLLECTOR_PERMISSIONS;

/** ListFunctions and ListFunctionUrlConfigs both take MaxItems up to 50 (API reference). */
const PAGE_SIZE = 50;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'lambda',
  operation,
  permission: LAMBDA_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * Lambda answers "this function has no policy" and "this function does not exist" with the same
 * error, ResourceNotFoundException (HTTP 404). GetPolicy reads it as no policy; ListFunctionUrlConfigs,
 * which every existing function answers (with an empty list when it has no URL), as the function
 * having been deleted since the listing, so a deleted function is left out rather than reported.
 */
const NOT_FOUND = 'ResourceNotFoundException';
const GONE = Symbol('gone');

/**
 * The SDK's rest-json reader passes JSON values through without checking their types and reads an
 * empty body as an answer without fields, so each page is checked against the API reference here.
 * A function or URL that cannot be named could only be dropped, which could hide a public one: the
 * whole answer is then unreadable.
 */
const FunctionsPage = z.object({
  Functions: z.array(
    z.object({ FunctionName: z.string().min(1), FunctionArn: z.string().min(1), Runtime: z.string().optional() }),
  ),
});
const UrlsPage = z.object({
  FunctionUrlConfigs: z.array(
    z.object({ FunctionUrl: z.string().min(1), FunctionArn: z.string().min(1), AuthType: FunctionUrlAuthTypeSchema }),
  ),
});
const PolicyAnswer = z.object({ Policy: z.string(), RevisionId: z.string().optional() });

interface Listed {
  name: string;
  arn: string;
  runtime: string | null;
}

/**
 * Collects one region's functions: ListFunctions (a page per 50 functions), then per function its
 * policy (GetPolicy) and URLs (ListFunctionUrlConfigs), bounded by the account's fan-out, and for an
 * alias URL that takes unauthenticated requests the alias's own policy (GetPolicy with Qualifier).
 */
export const collectLambdaRegion = async (ctx: CollectContext, region: string): Promise<LambdaRegion> => {
  const client = ctx.clients.lambda(region);
  const listed = await attempt(meta('ListFunctions', region), () => listFunctions(client));
  if (!listed.ok) return { functions: listed };
  const collected = await Promise.all(listed.value.map((f) => ctx.fanOut(() => collectFunction(client, region, f))));
  return { functions: known(collected.filter((f): f is LambdaFunction => f !== null)) };
};

const listFunctions = async (client: LambdaClient): Promise<Listed[]> => {
  const all: Listed[] = [];
  for await (const page of sdk.lambda.paginateListFunctions({ client, pageSize: PAGE_SIZE }, {})) {
    for (const f of readAnswer(FunctionsPage, page, 'ListFunctions').Functions)
      all.push({ name: f.FunctionName, arn: f.FunctionArn, runtime: f.Runtime ?? null });
  }
  return all;
};

const collectFunction = async (client: LambdaClient, region: string, f: Listed): Promise<LambdaFunction | null> => {
  const [policy, listedUrls] = await Promise.all([
    readPolicy(client, region, f.name, null),
    attempt<WireUrl[] | typeof GONE>(meta('ListFunctionUrlConfigs', region), () => listUrls(client, f), {
      [NOT_FOUND]: () => GONE,
    }),
  ]);
  if (listedUrls.ok && listedUrls.value === GONE) return null;
  const urls: Fact<FunctionUrl[]> = listedUrls.ok
    ? known(await Promise.all((listedUrls.value as WireUrl[]).map((u) => withAliasPolicy(client, region, f, u))))
    : listedUrls;
  return { name: f.name, arn: f.arn, runtime: f.runtime, policy, urls };
};

/** GetPolicy of the function (`qualifier` null) or of one alias; `null` when it has none. */
const readPolicy = (
  client: LambdaClient,
  region: string,
  name: string,
  qualifier: string | null,
): Promise<Fact<LambdaPolicy | null>> =>
  attempt<LambdaPolicy | null>(
    meta('GetPolicy', region),
    async () => {
      const out = await client.send(
        new sdk.lambda.GetPolicyCommand({
          FunctionName: name,
          ...(qualifier === null ? {} : { Qualifier: qualifier }),
        }),
      );
      const answer = readAnswer(PolicyAnswer, out, 'GetPolicy');
      const of = qualifier === null ? name : `${name}:${qualifier}`;
      return {
        document: parsePolicyText(answer.Policy, 'GetPolicy', `a Policy for ${of}`),
        revisionId: answer.RevisionId ?? null,
      };
    },
    { [NOT_FOUND]: () => null },
  );

interface WireUrl {
  url: string;
  qualifier: string | null;
  authType: FunctionUrl['authType'];
}

/**
 * The function's URLs. A URL's FunctionArn is the function's ARN, followed by `:<alias>` for an
 * alias's URL; an ARN of another function is not an answer about this one.
 */
const listUrls = async (client: LambdaClient, f: Listed): Promise<WireUrl[]> => {
  const all: WireUrl[] = [];
  const pages = sdk.lambda.paginateListFunctionUrlConfigs({ client, pageSize: PAGE_SIZE }, { FunctionName: f.name });
  for await (const page of pages) {
    for (const u of readAnswer(UrlsPage, page, 'ListFunctionUrlConfigs').FunctionUrlConfigs) {
      const qualifier =
        u.FunctionArn === f.arn
          ? null
          : u.FunctionArn.startsWith(`${f.arn}:`)
            ? u.FunctionArn.slice(f.arn.length + 1)
            : '';
      if (qualifier === '')
        throw new MalformedAnswerError(`ListFunctionUrlConfigs answered a URL of another function than ${f.name}`);
      all.push({ url: u.FunctionUrl, qualifier, authType: u.AuthType });
    }
  }
  return all;
};

/** Only an unauthenticated alias URL needs its alias's policy read (see FunctionUrlSchema). */
const withAliasPolicy = async (client: LambdaClient, region: string, f: Listed, u: WireUrl): Promise<FunctionUrl> => ({
  ...u,
  aliasPolicy:
    u.qualifier !== null && u.authType === 'NONE' ? await readPolicy(client, region, f.name, u.qualifier) : null,
});
