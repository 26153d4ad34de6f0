import type {
  AwsSecurityFinding,
  AwsSecurityFindingFilters,
  Severity as AsffSeverity,
  StringFilter,
} from '@aws-sdk/client-securityhub';
import { sdk } from '../sdk';
import {
  known,
  missing,
  SEVERITIES,
  type CollectError,
  type SecurityHubFinding,
  type SecurityHubRegion,
  type Severity,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError } from '../errors';
import type { CollectContext } from './context';
import {
  allowedProductArns,
  isCloudsecImport,
  NOT_CLOUDSEC_GENERATOR,
  productFilter,
  requireAllowedProducts,
} from './securityhub-products';

export interface SecurityHubFilter {
  severities: readonly Severity[];
  /** Upper bound on findings kept for the region; paging stops once it is reached. */
  maxFindings: number;
  /** cloudsec.yml `securityhub.productArns`: products trusted besides Security Hub itself (securityhub-products.ts). */
  productArns?: readonly string[];
}

const PAGE_SIZE = 100;

/**
 * The IAM action each Security Hub read needs (here and in securityhub-changes.ts): named when AWS
 * refuses the call, and granted by the read-only policy (src/aws/permissions.ts).
 */
export const SECURITYHUB_COLLECTOR_PERMISSIONS = {
  GetFindings: 'securityhub:GetFindings',
} as const;

/**
 * Active, failed control findings of this account in this region, newest first. A region that is not
 * subscribed to Security Hub is a state (`enabled: false`), not an error.
 */
export const collectSecurityHubRegion = async (
  ctx: CollectContext,
  region: string,
  filter: SecurityHubFilter,
): Promise<SecurityHubRegion> => {
  const meta = {
    service: 'securityhub',
    operation: 'GetFindings',
    permission: SECURITYHUB_COLLECTOR_PERMISSIONS.GetFindings,
    region,
  };
  const fetched = await attempt(meta, () => fetchFindings(ctx, region, filter));
  if (fetched.ok) {
    return { enabled: known(true), findings: known(fetched.value) };
  }
  if (isNotSubscribed(fetched.error)) return { enabled: known(false), findings: known([]) };
  return { enabled: missing(fetched.error), findings: missing(fetched.error) };
};

/**
 * Security Hub answers InvalidAccessException for other refusals too (e.g. "is not an administrator"),
 * so only the "not subscribed" message means the region is off.
 */
export const isNotSubscribed = (error: CollectError): boolean =>
  error.code === 'InvalidAccessException' && /not subscribed to AWS Security Hub/i.test(error.message);

const fetchFindings = async (
  ctx: CollectContext,
  region: string,
  filter: SecurityHubFilter,
): Promise<SecurityHubFinding[]> => {
  // No severity selected means no findings wanted; one request still runs so `enabled` is known.
  const limit = filter.severities.length === 0 ? 0 : Math.max(0, Math.floor(filter.maxFindings));
  const products = allowedProductArns(ctx.partition, region, filter.productArns);
  const pages = sdk.securityhub.paginateGetFindings(
    { client: ctx.clients.securityhub(region), pageSize: Math.min(PAGE_SIZE, Math.max(1, limit)) },
    {
      Filters: { ...findingFilters(ctx.accountId, region, filter.severities), ProductArn: productFilter(products) },
      SortCriteria: [{ Field: 'UpdatedAt', SortOrder: 'desc' }],
    },
  );
  const collected: SecurityHubFinding[] = [];
  for await (const page of pages) {
    // Mapped here, inside `attempt`, so that a finding AWS sent without what identifies it makes the
    // region unknown instead of silently dropping a failure.
    const findings = findingsOf(page);
    requireAllowedProducts(findings, products);
    for (const f of findings) collected.push(toSecurityHubFinding(f, ctx.accountId, region));
    // At the cap we just stop paging; the model carries no "truncated" flag. Sorting by UpdatedAt
    // desc means what is kept is the most recently updated findings.
    if (collected.length >= limit) break;
  }
  return collected.slice(0, limit);
};

const equals = (value: string): StringFilter => ({ Value: value, Comparison: 'EQUALS' });

/**
 * A GetFindings page's list, without the findings cloudsec itself imported (`cloudsec publish`):
 * those are cloudsec's own checks, already reported as such, and read back they would count twice
 * as if Security Hub had found them. They can only come back when an operator allows their own
 * account's default product in `securityhub.productArns` (securityhub-products.ts). A page without
 * its list is not "no findings" (it would read as all fixed).
 */
export const findingsOf = (page: { Findings?: AwsSecurityFinding[] }): AwsSecurityFinding[] => {
  if (!Array.isArray(page.Findings))
    throw new MalformedAnswerError('securityhub:GetFindings answered a page without its Findings list');
  return page.Findings.filter((f) => !isCloudsecImport(f));
};

/**
 * An administrator account also sees its members' findings, and an aggregation region sees its
 * linked regions' findings: the account and region filters keep each finding in exactly one slice.
 */
export const findingFilters = (
  accountId: string,
  region: string,
  severities: readonly Severity[],
): AwsSecurityFindingFilters => ({
  RecordState: [equals('ACTIVE')],
  WorkflowStatus: [equals('NEW'), equals('NOTIFIED')],
  ComplianceStatus: [equals('FAILED')],
  AwsAccountId: [equals(accountId)],
  Region: [equals(region)],
  ...(severities.length > 0 ? { SeverityLabel: severities.map((s) => equals(s.toUpperCase())) } : {}),
  // Not cloudsec's own imported findings: left out by Security Hub too, so they cannot take the
  // places of real findings under the cap (findingsOf drops any that still come).
  GeneratorId: [NOT_CLOUDSEC_GENERATOR],
});

/**
 * One ASFF finding in cloudsec's shape. `Id` and a severity are what a finding cannot do without (the
 * digest diffs on the id, scopes filter on the severity): without them the answer is malformed. The
 * fallbacks below are not "safe" defaults but what the request already fixed, or labels only:
 * - account and region: the request filtered on both (`findingFilters`), so a finding lacking them
 *   is of this account and region;
 * - resource: ASFF requires one; a finding without is still a failure, shown on the account;
 * - product, generator, title, description: text shown to people (an empty title shows the check id);
 * - compliance and workflow status: null reads as open in the digest mapping, never as resolved.
 */
export const toSecurityHubFinding = (f: AwsSecurityFinding, accountId: string, region: string): SecurityHubFinding => {
  if (!f.Id) throw new MalformedAnswerError('securityhub:GetFindings listed a finding without its Id');
  const resource = f.Resources?.[0];
  const findingAccount = f.AwsAccountId ?? accountId;
  const updatedAt = f.UpdatedAt ?? f.CreatedAt;
  return {
    id: f.Id,
    productArn: f.ProductArn ?? '',
    generatorId: f.GeneratorId ?? '',
    controlId: controlIdOf(f),
    title: f.Title ?? '',
    description: f.Description ?? '',
    severity: severityOf(f.Severity, f.Id),
    accountId: findingAccount,
    region: f.Region ?? region,
    resourceType: resource?.Type ?? 'AwsAccount',
    resourceId: resource?.Id ?? findingAccount,
    complianceStatus: f.Compliance?.Status ?? null,
    workflowStatus: f.Workflow?.Status ?? null,
    updatedAt: updatedAt ? toIso(updatedAt) : '',
    createdAt: f.CreatedAt ? toIso(f.CreatedAt) : null,
  };
};

/** `S3.8`, `EC2.19`, `CloudTrail.1`; CIS rule numbers such as `1.4` are not control ids. */
const CONTROL_ID = /^[A-Za-z][A-Za-z0-9]*\.\d+$/;
/** Generator ids that end in a control id: consolidated findings and the FSBP standard. */
const CONTROL_GENERATOR = /^(?:security-control|aws-foundational-security-best-practices\/v\/[^/]+)\/([^/]+)$/;

const controlIdOf = (f: AwsSecurityFinding): string | null => {
  const candidates = [
    f.Compliance?.SecurityControlId,
    f.ProductFields?.['ControlId'],
    CONTROL_GENERATOR.exec(f.GeneratorId ?? '')?.[1],
  ];
  return candidates.find((c): c is string => typeof c === 'string' && CONTROL_ID.test(c)) ?? null;
};

/** Security Hub's documented mapping of the 0-100 score to labels, for providers that send only the score. */
const labelOfScore = (score: number): Severity =>
  score >= 90 ? 'critical' : score >= 70 ? 'high' : score >= 40 ? 'medium' : score >= 1 ? 'low' : 'informational';

/**
 * Security Hub fills Label from Normalized when a provider sends only the score, so Label is there in
 * practice; a finding with neither has no severity, which must not silently become the lowest one
 * (a high finding would drop out of every "high and above" view).
 */
const severityOf = (s: AsffSeverity | undefined, id: string): Severity => {
  const label = s?.Label?.toLowerCase();
  const named = SEVERITIES.find((name) => name === label);
  if (named) return named;
  if (typeof s?.Normalized === 'number' && s.Normalized >= 0 && s.Normalized <= 100) return labelOfScore(s.Normalized);
  throw new MalformedAnswerError(`securityhub:GetFindings sent finding ${id.slice(0, 200)} without a severity`);
};

const toIso = (value: string): string => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
};
