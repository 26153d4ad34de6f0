import { GLOBAL_REGION } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, withFact, type CheckResult } from '../define';

/**
 * Every trail on its own, as Security Hub's CloudTrail.5 judges it: does it deliver to a CloudWatch
 * Logs log group? The CIS 4.x monitoring checks need exactly that of a multi-region trail, so this is
 * the one finding that explains why all fifteen of them fail when nothing reaches CloudWatch Logs.
 */
export default defineCheck({
  id: 'cloudtrail_cloudwatch_logs_integrated',
  service: 'cloudtrail',
  // Security Hub rates CloudTrail.5 low: the events are still recorded in S3, only nobody is alerted.
  severity: 'low',
  title: 'CloudTrail trail delivers its events to CloudWatch Logs',
  failTitle: 'CloudTrail trail sends nothing to CloudWatch Logs',
  rationale:
    "A trail's S3 files are for later investigation; only the events it delivers to a CloudWatch Logs log group can feed the metric filters and alarms (CIS 4.1–4.15) that tell someone while something happens.",
  remediationText:
    'Edit the trail and turn on CloudWatch Logs delivery with a log group and a role CloudTrail can assume (CloudTrail console → trail → CloudWatch Logs → Edit), or run `aws cloudtrail update-trail --name <trail> --cloud-watch-logs-log-group-arn <log group ARN> --cloud-watch-logs-role-arn <role ARN>`.',
  // CIS v3.0.0 removed its own recommendation for this (v1.x 3.4); Security Hub keeps it in FSBP.
  frameworks: { cis: null, securityHub: 'CloudTrail.5' },
  requires: ['cloudtrail'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) =>
      trails.map((t): CheckResult => {
        const logGroup = t.cloudWatchLogsLogGroupArn;
        if (logGroup === undefined) {
          return {
            status: 'unknown',
            resource: trailResource(t),
            region: t.homeRegion,
            message: `Could not check: this snapshot does not hold the CloudWatch Logs log group of trail ${t.name} (it was recorded before cloudsec read it); collect again.`,
            evidence: { notCollected: ['cloudWatchLogsLogGroupArn'] },
          };
        }
        return logGroup === null
          ? fail(
              trailResource(t),
              t.homeRegion,
              `Trail ${t.name} delivers no events to CloudWatch Logs, so no metric filter or alarm can watch what it records.`,
              { cloudWatchLogsLogGroupArn: null, isMultiRegion: t.isMultiRegion },
            )
          : pass(trailResource(t), t.homeRegion, `Trail ${t.name} delivers its events to log group ${logGroup}.`, {
              cloudWatchLogsLogGroupArn: logGroup,
            });
      }),
    ),
});
