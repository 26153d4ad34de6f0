import { GLOBAL_REGION } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, withFact } from '../define';

export default defineCheck({
  id: 'cloudtrail_log_file_validation',
  service: 'cloudtrail',
  severity: 'medium',
  title: 'CloudTrail trail has log file validation enabled',
  failTitle: 'CloudTrail trail has log file validation off',
  rationale:
    'Signed digest files let you prove that delivered logs were not altered or deleted, which an intruder covering their tracks would try.',
  remediationText:
    'Enable log file validation on the trail (CloudTrail console → trail → General details → Edit), or run `aws cloudtrail update-trail --name <trail> --enable-log-file-validation`.',
  frameworks: { cis: '3.2', securityHub: 'CloudTrail.4' },
  requires: ['cloudtrail'],
  remediation: 'cloudtrail_enable_log_validation',
  evaluate: ({ account }) =>
    withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) =>
      trails.map((t) =>
        t.logFileValidationEnabled
          ? pass(trailResource(t), t.homeRegion, `Trail ${t.name} validates its log files.`)
          : fail(trailResource(t), t.homeRegion, `Trail ${t.name} does not have log file validation enabled.`, {
              logFileValidationEnabled: false,
            }),
      ),
    ),
});
