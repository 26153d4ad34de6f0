import type { CollectError, Trail } from '../../../model';

/**
 * Which trails feed CIS section 4's metric filters. The benchmark's audit (4.1–4.15, step 1) takes the
 * log group of an "active multi-region CloudTrail": IsMultiRegionTrail true, IsLogging true, and an
 * event selector with IncludeManagementEvents true and ReadWriteType All. A single-region trail misses
 * the other regions' events and a stopped one sends nothing, so a filter on their log group watches
 * only part of the account; neither counts. A trail of another account (an organization trail seen
 * from a member account) counts like any other here: its log group then belongs to that account, and
 * the checks say they cannot read it (unknown) rather than fail.
 */
export type TrailStanding =
  | { counts: true; trail: Trail; logGroupArn: string }
  | { counts: false; trail: Trail; problems: string[] }
  | { counts: null; trail: Trail; error: CollectError | null; why: string };

const managementProblem = (t: Trail): string | null | undefined => {
  if (!t.eventSelectors.ok) return undefined;
  const { managementEvents, readWriteType } = t.eventSelectors.value;
  if (!managementEvents) return 'records no management events';
  if (readWriteType !== 'All')
    return `records only ${readWriteType === 'ReadOnly' ? 'read' : 'write'} management events`;
  return null;
};

/**
 * Every definite problem disqualifies the trail, whatever else could not be read; only when none is
 * known and a fact is missing is the trail's standing unknown (it might be the one that counts).
 */
export const trailStanding = (t: Trail): TrailStanding => {
  const problems: string[] = [];
  const arn = t.cloudWatchLogsLogGroupArn;
  if (!t.isMultiRegion) problems.push(`is single-region (${t.homeRegion})`);
  if (t.status.ok && !t.status.value.isLogging) problems.push('has stopped logging');
  const management = managementProblem(t);
  if (management) problems.push(management);
  if (arn === null) problems.push('sends no logs to CloudWatch Logs');
  if (problems.length > 0 || arn === null) return { counts: false, trail: t, problems };

  if (!t.status.ok) return { counts: null, trail: t, error: t.status.error, why: 'its logging status' };
  if (!t.eventSelectors.ok)
    return { counts: null, trail: t, error: t.eventSelectors.error, why: 'its event selectors' };
  if (arn === undefined)
    return { counts: null, trail: t, error: null, why: 'the CloudWatch Logs log group it sends to' };
  return { counts: true, trail: t, logGroupArn: arn };
};

/** "trail a is single-region (eu-west-1); trail b has stopped logging and sends no logs to CloudWatch Logs" */
export const describeProblems = (standings: Extract<TrailStanding, { counts: false }>[]): string =>
  standings.map((s) => `trail ${s.trail.name} ${s.problems.join(' and ')}`).join('; ');
