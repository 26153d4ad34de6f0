import type {
  GetDetectorCommandOutput,
  GetFindingsStatisticsCommandOutput,
  GuardDutyClient,
} from '@aws-sdk/client-guardduty';
import { sdk } from '../sdk';
import {
  known,
  type GuardDutyDetector,
  type GuardDutyFindingCounts,
  type GuardDutyRegion,
  type GuardDutySeverity,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const GUARDDUTY_COLLECTOR_PERMISSIONS = {
  ListDetectors: 'guardduty:ListDetectors',
  GetDetector: 'guardduty:GetDetector',
  GetFindingsStatistics: 'guardduty:GetFindingsStatistics',
} as const satisfies Record<string, string>;

const meta = (operation: keyof typeof GUARDDUTY_COLLECTOR_PERMISSIONS, region: string): CallMeta => ({
  service: 'guardduty',
  operation,
  permission: GUARDDUTY_COLLECTOR_PERMISSIONS[operation],
  region,
});

const malformed = (operation: string, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered without ${what}`);
};

/**
 * The region's detector and its open findings by severity: three calls, whatever the account holds.
 * No detector is a state ("GuardDuty is off"), told by an empty `detectorIds` list, never by an
 * error: every error (AccessDeniedException, BadRequestException, throttling, an opt-in region's
 * UnrecognizedClientException) leaves the detector unknown.
 */
export const collectGuardDutyRegion = async (ctx: CollectContext, region: string): Promise<GuardDutyRegion> => {
  const client = ctx.clients.guardduty(region);
  const listed = await attempt(meta('ListDetectors', region), () => listDetectorIds(client));
  if (!listed.ok) return { detector: listed };
  const detectorId = listed.value[0];
  if (detectorId === undefined) return { detector: known(null) };

  const detector = await attempt(meta('GetDetector', region), async () =>
    toDetector(detectorId, await client.send(new sdk.guardduty.GetDetectorCommand({ DetectorId: detectorId }))),
  );
  if (!detector.ok) return { detector };
  const findingsBySeverity = await attempt(meta('GetFindingsStatistics', region), () =>
    countFindings(client, detectorId),
  );
  return { detector: known({ ...detector.value, findingsBySeverity }) };
};

/**
 * GuardDuty allows one detector per account and region. A page without `detectorIds` (the list is
 * required in the answer) or more than one detector is not an answer its API reference describes.
 */
const listDetectorIds = async (client: GuardDutyClient): Promise<string[]> => {
  const ids: string[] = [];
  for await (const page of sdk.guardduty.paginateListDetectors({ client, pageSize: 50 }, {})) {
    ids.push(...(page.DetectorIds ?? malformed('ListDetectors', 'detectorIds')));
  }
  if (ids.length > 1) throw new MalformedAnswerError(`ListDetectors listed ${ids.length} detectors in one region`);
  return ids;
};

const toDetector = (id: string, out: GetDetectorCommandOutput): Omit<GuardDutyDetector, 'findingsBySeverity'> => {
  const status = out.Status ?? malformed('GetDetector', 'a status');
  if (status !== 'ENABLED' && status !== 'DISABLED') {
    throw new MalformedAnswerError(`GetDetector answered an unknown status ${String(status).slice(0, 40)}`);
  }
  return {
    id,
    status,
    // Evidence only: a detector without the list (older detectors describe `dataSources` instead) keeps null.
    features: out.Features
      ? out.Features.map((f) => ({
          name: f.Name ?? malformed('GetDetector', 'the name of a feature'),
          status: f.Status ?? malformed('GetDetector', `the status of feature ${f.Name}`),
        }))
      : null,
  };
};

/** Open findings only: archived ones were dismissed by someone (GuardDuty's own console filter). */
const OPEN_FINDINGS = { Criterion: { 'service.archived': { Equals: ['false'] } } };
/**
 * Distinct severity values per answer. GuardDuty documents no way to page statistics (NextToken "is
 * currently not supported"), and the bands hold a handful of values each, so one answer holds them all.
 */
const MAX_SEVERITY_GROUPS = 50;

/** GuardDuty's bands: Low 1.0–3.9, Medium 4.0–6.9, High 7.0–8.9, Critical 9.0–10.0. */
export const guardDutySeverityBand = (severity: number): GuardDutySeverity =>
  severity >= 9 ? 'critical' : severity >= 7 ? 'high' : severity >= 4 ? 'medium' : 'low';

const countFindings = async (client: GuardDutyClient, detectorId: string): Promise<GuardDutyFindingCounts> => {
  const out: GetFindingsStatisticsCommandOutput = await client.send(
    new sdk.guardduty.GetFindingsStatisticsCommand({
      DetectorId: detectorId,
      FindingCriteria: OPEN_FINDINGS,
      GroupBy: 'SEVERITY',
      MaxResults: MAX_SEVERITY_GROUPS,
    }),
  );
  const groups = out.FindingStatistics?.GroupedBySeverity ?? malformed('GetFindingsStatistics', 'groupedBySeverity');
  // Counts that stop part-way would read as fewer findings than there are.
  if (out.NextToken) throw new MalformedAnswerError('GetFindingsStatistics answered a partial count (nextToken)');
  const counts: GuardDutyFindingCounts = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const g of groups) {
    const severity = g.Severity;
    const total = g.TotalFindings;
    if (typeof severity !== 'number' || !Number.isFinite(severity) || severity < 0 || severity > 10)
      malformed('GetFindingsStatistics', 'a severity between 0 and 10');
    if (typeof total !== 'number' || !Number.isInteger(total) || total < 0)
      malformed('GetFindingsStatistics', 'a count of findings');
    counts[guardDutySeverityBand(severity as number)] += total as number;
  }
  return counts;
};
