import type { AwsSecurityFinding, AwsSecurityFindingFilters, StringFilter } from '@aws-sdk/client-securityhub';
import { sdk } from '../sdk';
import { checkCatalog } from '../../core/checks/catalog';
import type { ObservedItem, ObservedState } from '../../core/digest/model';
import { normalizeSecurityHubFinding } from '../../core/findings';
import type { CollectError, Severity } from '../../core/model';
import { attempt } from '../attempt';
import type { CollectContext } from './context';
import { findingsOf, isNotSubscribed, SECURITYHUB_COLLECTOR_PERMISSIONS, toSecurityHubFinding } from './securityhub';
import { allowedProductArns, productFilter, requireAllowedProducts } from './securityhub-products';

/**
 * Security Hub as digests read it: what changed since the last run, not every finding every day.
 * With 100,000 open findings and 500 changes, a run reads 5 pages instead of 1,000.
 */

export type SecurityHubObservation =
  | {
      ok: true;
      items: ObservedItem[];
      /** GetFindings requests answered (SDK retries of one request count once). */
      calls: number;
    }
  | { ok: false; error: CollectError };

interface MappingOptions {
  severities: readonly Severity[];
  /**
   * The cloudsec remediation for a Security Hub control id (`S3.8`), for the Remediate button.
   * Defaults to the check catalog, the same mapping `/cloudsec check` uses.
   */
  remediationFor?: (controlId: string) => string | null;
  /** cloudsec.yml `securityhub.productArns`: products trusted besides Security Hub itself (securityhub-products.ts). */
  productArns?: readonly string[];
}

export interface SecurityHubChangesWindow extends MappingOptions {
  /** The previous run's `until`. */
  since: Date;
  /**
   * An upper bound fixed before paging: a finding updated while the pages are read falls into the
   * next run's window instead of moving between pages of this one.
   */
  until: Date;
}

export type SecurityHubBaselineFilter = MappingOptions;

const PAGE_SIZE = 100;

const meta = (region: string) => ({
  service: 'securityhub',
  operation: 'GetFindings',
  permission: SECURITYHUB_COLLECTOR_PERMISSIONS.GetFindings,
  region,
});

/**
 * Findings of this account and region updated in [since, until], whatever their state: an archived,
 * resolved or passed finding is how a fix shows up, so neither RecordState nor WorkflowStatus nor
 * ComplianceStatus narrows the query.
 *
 * Workflow changes made with BatchUpdateFindings (a person suppressing or resolving in the console)
 * do not move UpdatedAt, so they show up only when the provider next updates the finding or at the
 * next baseline resync.
 */
export const collectSecurityHubChanges = (
  ctx: CollectContext,
  region: string,
  window: SecurityHubChangesWindow,
): Promise<SecurityHubObservation> =>
  readFindings(ctx, region, window, {
    UpdatedAt: [{ Start: window.since.toISOString(), End: window.until.toISOString() }],
    RecordState: [equals('ACTIVE'), equals('ARCHIVED')],
    ...scopeFilters(ctx.accountId, region, window.severities),
  });

/**
 * Every finding of this account and region that is open or suppressed now: the first run of a digest
 * and the periodic resync. Unlike `/cloudsec check` there is no cap, since a missing finding would
 * read as resolved; each page is reduced to small items before the next is fetched.
 */
export const collectSecurityHubBaseline = (
  ctx: CollectContext,
  region: string,
  filter: SecurityHubBaselineFilter,
): Promise<SecurityHubObservation> =>
  readFindings(ctx, region, filter, {
    RecordState: [equals('ACTIVE')],
    WorkflowStatus: [equals('NEW'), equals('NOTIFIED'), equals('SUPPRESSED')],
    // Not `FAILED` alone: WARNING and NOT_AVAILABLE (and findings without a compliance status) are
    // open in the change mapping too, and baseline and changes must agree on what is open.
    ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' }],
    ...scopeFilters(ctx.accountId, region, filter.severities),
  });

const equals = (value: string): StringFilter => ({ Value: value, Comparison: 'EQUALS' });

/**
 * An administrator account also sees its members' findings, and an aggregation region its linked
 * regions': like the full collector, each finding is read in exactly one (account, region).
 */
const scopeFilters = (
  accountId: string,
  region: string,
  severities: readonly Severity[],
): AwsSecurityFindingFilters => ({
  AwsAccountId: [equals(accountId)],
  Region: [equals(region)],
  SeverityLabel: severities.map((s) => equals(s.toUpperCase())),
});

const readFindings = async (
  ctx: CollectContext,
  region: string,
  options: MappingOptions,
  filters: AwsSecurityFindingFilters,
): Promise<SecurityHubObservation> => {
  // An empty SeverityLabel list would not filter at all: no severity wanted means nothing to ask.
  if (options.severities.length === 0) return { ok: true, items: [], calls: 0 };

  const client = ctx.clients.securityhub(region);
  const products = allowedProductArns(ctx.partition, region, options.productArns);
  const query: AwsSecurityFindingFilters = { ...filters, ProductArn: productFilter(products) };
  const toItem = makeItemMapper(ctx.accountId, region, options.remediationFor ?? catalogRemediation);
  const items: ObservedItem[] = [];
  let calls = 0;
  const read = await attempt(meta(region), async () => {
    let token: string | undefined;
    do {
      calls += 1;
      const page = await client.send(
        new sdk.securityhub.GetFindingsCommand({
          Filters: query,
          MaxResults: PAGE_SIZE,
          ...(token ? { NextToken: token } : {}),
        }),
      );
      // A page without its list, a finding without its id, or one of a product not asked for fails
      // the whole read (see findingsOf and requireAllowedProducts).
      const findings = findingsOf(page);
      requireAllowedProducts(findings, products);
      for (const raw of findings) items.push(toItem(raw));
      token = page.NextToken || undefined;
    } while (token);
  });
  if (read.ok) return { ok: true, items, calls };
  if (isNotSubscribed(read.error)) return { ok: true, items: [], calls };
  // A partial list is never returned: for a baseline, a finding on an unread page would read as fixed.
  return { ok: false, error: read.error };
};

let catalogRemediations: Map<string, string> | undefined;
const catalogRemediation = (controlId: string): string | null =>
  (catalogRemediations ??= new Map(
    checkCatalog().flatMap((c) =>
      c.frameworks.securityHub && c.remediation ? [[c.frameworks.securityHub, c.remediation] as const] : [],
    ),
  )).get(controlId) ?? null;

/** A finding Security Hub or a person closed is resolved before anything else is considered. */
const observedStateOf = (f: AwsSecurityFinding): ObservedState => {
  if (f.RecordState === 'ARCHIVED' || f.Workflow?.Status === 'RESOLVED' || f.Compliance?.Status === 'PASSED')
    return 'resolved';
  if (f.Workflow?.Status === 'SUPPRESSED') return 'suppressed';
  return 'open';
};

/**
 * Thousands of findings share a handful of controls, so titles, messages and check ids repeat; one
 * copy each keeps a 100,000-finding baseline small. Bounded so unique strings (e.g. GuardDuty
 * descriptions) cannot grow the table with the estate.
 */
const INTERN_LIMIT = 10_000;

const makeItemMapper = (accountId: string, region: string, remediationFor: (controlId: string) => string | null) => {
  const interned = new Map<string, string>();
  const intern = (s: string): string => {
    const known = interned.get(s);
    if (known !== undefined) return known;
    if (interned.size < INTERN_LIMIT) interned.set(s, s);
    return s;
  };
  return (raw: AwsSecurityFinding): ObservedItem => {
    const hub = toSecurityHubFinding(raw, accountId, region);
    // The core normalizer gives the id and fields `/cloudsec check` shows, so a digest and a check
    // name the same finding alike.
    const f = normalizeSecurityHubFinding(hub, remediationFor);
    return {
      findingId: f.id,
      source: 'securityhub',
      checkId: intern(f.checkId),
      service: f.service,
      severity: f.severity,
      accountId: intern(f.accountId),
      region: intern(f.region),
      resourceType: intern(f.resource.type),
      resourceId: f.resource.id,
      resourceArn: f.resource.arn,
      title: intern(f.title),
      message: intern(f.message),
      remediationId: f.remediationId,
      state: observedStateOf(raw),
    };
  };
};
