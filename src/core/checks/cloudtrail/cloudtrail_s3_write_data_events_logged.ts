import { GLOBAL_REGION, type AccountSnapshotWith, type Trail } from '../../model';
import { accountResource } from '../../resources';
import { defineCheck, fail, pass, unknownFrom, withFactOne, type CheckResult } from '../define';

type Kind = 'read' | 'write';
type Standing = { ok: true } | { ok: false; problems: string[] } | { ok: null; result: CheckResult };

/**
 * Whether one multi-region trail records S3 object-level events of `kind` for every bucket while it
 * is logging. Definite problems decide; a missing fact leaves the trail undecided.
 */
const standing = (account: AccountSnapshotWith<'cloudtrail'>, t: Trail, kind: Kind): Standing => {
  const problems: string[] = [];
  if (t.status.ok && !t.status.value.isLogging) problems.push('has stopped logging');
  const s3 = t.eventSelectors.ok ? t.eventSelectors.value.s3DataEvents : undefined;
  if (s3 && !s3[kind]) problems.push(`records no S3 object-level ${kind} events for all buckets`);
  if (problems.length > 0) return { ok: false, problems };
  const resource = accountResource(account);
  if (!t.status.ok) return { ok: null, result: unknownFrom(resource, GLOBAL_REGION, t.status.error) };
  if (!t.eventSelectors.ok) return { ok: null, result: unknownFrom(resource, GLOBAL_REGION, t.eventSelectors.error) };
  if (!s3) {
    return {
      ok: null,
      result: {
        status: 'unknown',
        resource,
        region: GLOBAL_REGION,
        message: `Could not check: this snapshot does not hold the S3 data events trail ${t.name} records (it was recorded before cloudsec read them); collect again.`,
        evidence: { trail: t.name, notCollected: ['s3DataEvents'] },
      },
    };
  }
  return { ok: true };
};

/**
 * CIS 3.8 (write) and 3.9 (read), as Security Hub's S3.22/S3.23 judge them: the account has a
 * multi-region trail that records the S3 object-level events of that kind for all buckets. One
 * verdict per account. A stopped trail records nothing, so it does not count either; a selector
 * limited to some buckets, operations or callers does not count (see the collector's summary).
 */
export const evaluateS3DataEvents =
  (kind: Kind) =>
  ({ account }: { account: AccountSnapshotWith<'cloudtrail'> }): CheckResult[] => {
    const resource = accountResource(account);
    const events = `S3 object-level ${kind} events`;
    return withFactOne(account.cloudtrail.trails, resource, GLOBAL_REGION, (trails) => {
      const judged = trails
        .filter((t) => t.isMultiRegion)
        .map((t) => ({ trail: t, standing: standing(account, t, kind) }));
      const evidence = {
        multiRegionTrails: judged.map((j) => ({
          trail: j.trail.name,
          ...(j.standing.ok === false ? { problems: j.standing.problems } : {}),
        })),
      };
      const good = judged.find((j) => j.standing.ok === true);
      if (good) {
        return pass(
          resource,
          GLOBAL_REGION,
          `Account ${account.accountId} records ${events} of every bucket through multi-region trail ${good.trail.name}.`,
          { ...evidence, trail: good.trail.name },
        );
      }
      const undecided = judged.flatMap((j) => (j.standing.ok === null ? [j.standing.result] : []))[0];
      if (undecided) return undecided;
      if (judged.length === 0) {
        return fail(
          resource,
          GLOBAL_REGION,
          `Account ${account.accountId} does not record ${events}: it has no multi-region CloudTrail trail${trails.length > 0 ? ` (only ${trails.map((t) => t.name).join(', ')})` : ''}.`,
          evidence,
        );
      }
      const reasons = judged.map(
        (j) => `trail ${j.trail.name} ${j.standing.ok === false ? j.standing.problems.join(' and ') : ''}`,
      );
      return fail(
        resource,
        GLOBAL_REGION,
        `Account ${account.accountId} does not record ${events} of every bucket: ${reasons.join('; ')}.`,
        evidence,
      );
    });
  };

export default defineCheck({
  id: 'cloudtrail_s3_write_data_events_logged',
  service: 'cloudtrail',
  severity: 'medium',
  title: 'S3 object-level write events are recorded by a multi-region trail',
  failTitle: 'S3 object writes and deletions are not recorded by CloudTrail',
  rationale:
    'Management events do not include PutObject or DeleteObject: without object-level write events, nobody can tell who changed or deleted data in a bucket.',
  remediationText:
    'Add a data event selector for S3 objects of all current and future buckets, write events (or all), to a multi-region trail (CloudTrail console → trail → Data events → Edit; or `aws cloudtrail put-event-selectors` with an advanced selector `eventCategory = Data`, `resources.type = AWS::S3::Object`). Data events are billed per event.',
  frameworks: { cis: '3.8', securityHub: 'S3.22' },
  requires: ['cloudtrail'],
  remediation: null,
  evaluate: evaluateS3DataEvents('write'),
});
