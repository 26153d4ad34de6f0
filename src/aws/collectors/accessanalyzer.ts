import type {
  AccessAnalyzerClient,
  AnalyzerSummary as WireAnalyzer,
  FindingSummary,
} from '@aws-sdk/client-accessanalyzer';
import { sdk } from '../sdk';
import {
  EXTERNAL_ACCESS_ANALYZER_TYPES,
  known,
  type AccessAnalyzerFinding,
  type AccessAnalyzerFindings,
  type AccessAnalyzerRegion,
  type AnalyzerSummary,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const ACCESSANALYZER_COLLECTOR_PERMISSIONS = {
  ListAnalyzers: 'access-analyzer:ListAnalyzers',
  ListFindings: 'access-analyzer:ListFindings',
} as const satisfies Record<string, string>;

type Operation = keyof typeof ACCESSANALYZER_COLLECTOR_PERMISSIONS;

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'accessanalyzer',
  operation,
  permission: ACCESSANALYZER_COLLECTOR_PERMISSIONS[operation],
  region,
});

const malformed = (operation: Operation, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered without ${what}`);
};

/** The largest page ListFindings and ListAnalyzers accept here. */
const PAGE_SIZE = 100;
/**
 * Findings kept per region, like Security Hub's `maxFindings`: an account sharing thousands of
 * resources is told that it does (and that more exist), without thousands of findings in every digest.
 */
export const MAX_ACCESS_ANALYZER_FINDINGS = 500;

/**
 * The region's analyzers, then the active findings of each active external-access analyzer: one
 * call, plus finding pages. No analyzer is a state (an empty list), never an error.
 */
export const collectAccessAnalyzerRegion = async (
  ctx: CollectContext,
  region: string,
): Promise<AccessAnalyzerRegion> => {
  const client = ctx.clients.accessanalyzer(region);
  const analyzers = await attempt(meta('ListAnalyzers', region), () => listAnalyzers(client));
  if (!analyzers.ok) return { analyzers, findings: analyzers };
  const external = analyzers.value.filter(
    (a) => a.status === 'ACTIVE' && (EXTERNAL_ACCESS_ANALYZER_TYPES as readonly string[]).includes(a.type),
  );
  if (external.length === 0) return { analyzers, findings: known(null) };
  const findings = await attempt(meta('ListFindings', region), () => listFindings(client, external, ctx.accountId));
  return { analyzers, findings };
};

const listAnalyzers = async (client: AccessAnalyzerClient): Promise<AnalyzerSummary[]> => {
  const all: AnalyzerSummary[] = [];
  for await (const page of sdk.accessanalyzer.paginateListAnalyzers({ client, pageSize: PAGE_SIZE }, {})) {
    for (const a of page.analyzers ?? malformed('ListAnalyzers', 'analyzers')) all.push(toAnalyzer(a));
  }
  return all;
};

/** Name, type and status decide whether the region is covered: without them the answer is unreadable. */
const toAnalyzer = (a: WireAnalyzer): AnalyzerSummary => {
  const name = a.name ?? malformed('ListAnalyzers', 'the name of an analyzer');
  return {
    arn: a.arn ?? malformed('ListAnalyzers', `the arn of analyzer ${name}`),
    name,
    type: a.type ?? malformed('ListAnalyzers', `the type of analyzer ${name}`),
    status: a.status ?? malformed('ListAnalyzers', `the status of analyzer ${name}`),
    statusReason: a.statusReason?.code ?? null,
  };
};

/**
 * Only active findings are asked for. Findings about another account's resources (an organization
 * analyzer run from a delegated administrator sees the whole organization) are left out: they belong
 * to that account's scan, and a person scoped to this account must not see them.
 */
const listFindings = async (
  client: AccessAnalyzerClient,
  analyzers: AnalyzerSummary[],
  accountId: string,
): Promise<AccessAnalyzerFindings> => {
  const active: AccessAnalyzerFinding[] = [];
  for (const analyzer of analyzers) {
    const pages = sdk.accessanalyzer.paginateListFindings(
      { client, pageSize: PAGE_SIZE },
      { analyzerArn: analyzer.arn, filter: { status: { eq: ['ACTIVE'] } } },
    );
    for await (const page of pages) {
      for (const f of page.findings ?? malformed('ListFindings', 'findings')) {
        const finding = toFinding(f, analyzer.arn);
        if (finding.resourceOwnerAccount !== accountId) continue;
        // Stopping here is what the cap is for; `truncated` tells the check that more exist.
        if (active.length === MAX_ACCESS_ANALYZER_FINDINGS) return { active, truncated: true };
        active.push(finding);
      }
    }
  }
  return { active, truncated: false };
};

/**
 * The id, resource type, owner, condition and update time are required in every FindingSummary (API
 * reference); without them a finding cannot be reported or told apart. What is optional there stays
 * null or empty: the check then says what it does not know (a finding without `isPublic` is reported
 * as possibly public).
 */
const toFinding = (f: FindingSummary, analyzerArn: string): AccessAnalyzerFinding => {
  const id = f.id ?? malformed('ListFindings', 'the id of a finding');
  return {
    analyzerArn,
    id,
    resource: f.resource ?? null,
    resourceType: f.resourceType ?? malformed('ListFindings', `the resourceType of finding ${id}`),
    resourceOwnerAccount: f.resourceOwnerAccount ?? malformed('ListFindings', `the resourceOwnerAccount of ${id}`),
    isPublic: f.isPublic ?? null,
    principal: f.principal ?? {},
    actions: f.action ?? [],
    condition: f.condition ?? malformed('ListFindings', `the condition of finding ${id}`),
    error: f.error ?? null,
    updatedAt: (f.updatedAt ?? malformed('ListFindings', `the updatedAt of finding ${id}`)).toISOString(),
  };
};
