import { GLOBAL_REGION, type Trail } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';

type Verdict = { ok: true } | { ok: false; problems: string[] } | { ok: null; result: CheckResult };

/** Whether one multi-region trail satisfies CIS 3.1 on its own. */
const judgeTrail = (t: Trail): Verdict => {
  const resource = trailResource(t);
  if (!t.status.ok) return { ok: null, result: unknownFrom(resource, t.homeRegion, t.status.error) };
  if (!t.eventSelectors.ok) return { ok: null, result: unknownFrom(resource, t.homeRegion, t.eventSelectors.error) };
  const problems: string[] = [];
  if (!t.status.value.isLogging) problems.push('logging is stopped');
  if (!t.eventSelectors.value.managementEvents) problems.push('management events are not recorded');
  else if (t.eventSelectors.value.readWriteType !== 'All') {
    problems.push(`only ${t.eventSelectors.value.readWriteType ?? 'no'} management events are recorded`);
  }
  return problems.length === 0 ? { ok: true } : { ok: false, problems };
};

/**
 * An account-level verdict: one good multi-region trail is enough. Failures land on the trail that
 * falls short and on the account only when no multi-region trail exists. It names no remediation:
 * the fix is often to create a trail or change its selectors, which cloudsec does not do; a stopped
 * trail is its own finding (cloudtrail_trail_logging), which offers StartLogging.
 */
export default defineCheck({
  id: 'cloudtrail_multi_region_logging',
  service: 'cloudtrail',
  severity: 'high',
  title: 'A multi-region CloudTrail trail is logging read and write management events',
  failTitle: 'No multi-region CloudTrail trail is logging all management events',
  rationale:
    'Without a logging multi-region trail, API activity in some regions (including unused ones an attacker may pick) leaves no audit record.',
  remediationText:
    'Create a multi-region trail recording read and write management events (CloudTrail console → Trails → Create trail), or start logging on the existing one (`aws cloudtrail start-logging --name <trail>`).',
  frameworks: { cis: '3.1', securityHub: 'CloudTrail.1' },
  requires: ['cloudtrail'],
  remediation: null,
  evaluate: ({ account }) => {
    const accountRef = accountResource(account);
    return withFact(account.cloudtrail.trails, accountRef, GLOBAL_REGION, (trails) => {
      const multiRegion = trails.filter((t) => t.isMultiRegion);
      if (multiRegion.length === 0) {
        return [
          fail(
            accountRef,
            GLOBAL_REGION,
            trails.length === 0
              ? `Account ${account.accountId} has no CloudTrail trail at all.`
              : `Account ${account.accountId} has no multi-region CloudTrail trail (only single-region trails: ${trails.map((t) => t.name).join(', ')}).`,
            { trails: trails.map((t) => t.name), multiRegionTrails: [] },
          ),
        ];
      }
      const judged = multiRegion.map((t) => ({ trail: t, verdict: judgeTrail(t) }));
      const good = judged.filter((j) => j.verdict.ok === true).map((j) => j.trail.name);
      if (good.length > 0) {
        return [
          pass(
            accountRef,
            GLOBAL_REGION,
            `Account ${account.accountId} logs all regions through trail ${good.join(', ')}.`,
            {
              loggingTrails: good,
            },
          ),
        ];
      }
      // An unreadable trail might be the good one: say unknown rather than blame the others.
      const undecided = judged.flatMap((j) => (j.verdict.ok === null ? [j.verdict.result] : []));
      if (undecided.length > 0) return undecided;
      return judged.flatMap(({ trail, verdict }) =>
        verdict.ok === false
          ? [
              fail(
                trailResource(trail),
                trail.homeRegion,
                `Trail ${trail.name} is multi-region but ${verdict.problems.join(' and ')}, so account ${account.accountId} has no complete multi-region logging.`,
                {
                  isLogging: trail.status.ok ? trail.status.value.isLogging : null,
                  managementEvents: trail.eventSelectors.ok ? trail.eventSelectors.value.managementEvents : null,
                  readWriteType: trail.eventSelectors.ok ? trail.eventSelectors.value.readWriteType : null,
                  problems: verdict.problems,
                },
              ),
            ]
          : [],
      );
    });
  },
});
