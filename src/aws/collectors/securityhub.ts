import {
  paginateGetFindings,
  type AwsSecurityFinding,
  type AwsSecurityFindingFilters,
  type Severity as AsffSeverity,
  type StringFilter,
} from '@aws-sdk/client-securityhub';
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
import type { CollectContext } from './context';

export interface SecurityHubFilter {
  severities: readonly Severity[];
  /** Upper bound on findings kept for the region; paging stops once it is reached. */
  maxFindings: number;
}

const PAGE_SIZE = 100;

/**
 * Active, failed control findings of this account in this region, newest first. A region that is not
 * subscribed to Security Hub is a state (`enabled: false`), not an error.
 */
export const collectSecurityHubRegion = async (
  ctx: CollectContext,
  region: string,
  filter: SecurityHubFilter,
): Promise<SecurityHubRegion> => {
  const meta = { service: 'securityhub', operation: 'GetFindings', permission: 'securityhub:GetFindings', region };
  const fetched = await attempt(meta, () => fetchFindings(ctx, region, filter));
  if (fetched.ok) {
    const findings = fetched.value.flatMap((f) => toSecurityHubFinding(f, ctx.accountId, region) ?? []);
    return { enabled: known(true), findings: known(findings) };
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
): Promise<AwsSecurityFinding[]> => {
  // No severity selected means no findings wanted; one request still runs so `enabled` is known.
  const limit = filter.severities.length === 0 ? 0 : Math.max(0, Math.floor(filter.maxFindings));
  const pages = paginateGetFindings(
    { client: ctx.clients.securityhub(region), pageSize: Math.min(PAGE_SIZE, Math.max(1, limit)) },
    {
      Filters: findingFilters(ctx.accountId, region, filter.severities),
      SortCriteria: [{ Field: 'UpdatedAt', SortOrder: 'desc' }],
    },
  );
  const collected: AwsSecurityFinding[] = [];
  for await (const page of pages) {
    collected.push(...(page.Findings ?? []));
    // At the cap we just stop paging; the model carries no "truncated" flag. Sorting by UpdatedAt
    // desc means what is kept is the most recently updated findings.
    if (collected.length >= limit) break;
  }
  return collected.slice(0, limit);
};

const equals = (value: string): StringFilter => ({ Value: value, Comparison: 'EQUALS' });

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
});

export const toSecurityHubFinding = (
  f: AwsSecurityFinding,
  accountId: string,
  region: string,
): SecurityHubFinding | null => {
  if (!f.Id) return null;
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
    severity: severityOf(f.Severity),
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

/** Security Hub fills Label from Normalized when a provider sends only the score, so Label is always there. */
const severityOf = (s: AsffSeverity | undefined): Severity => {
  const label = s?.Label?.toLowerCase();
  return SEVERITIES.find((name) => name === label) ?? 'informational';
};

const toIso = (value: string): string => {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
};
