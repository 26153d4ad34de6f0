import { defineCheck } from '../define';
import { evaluateS3DataEvents } from './cloudtrail_s3_write_data_events_logged';

export default defineCheck({
  id: 'cloudtrail_s3_read_data_events_logged',
  service: 'cloudtrail',
  severity: 'medium',
  title: 'S3 object-level read events are recorded by a multi-region trail',
  failTitle: 'S3 object reads are not recorded by CloudTrail',
  rationale:
    'Management events do not include GetObject: without object-level read events, nobody can tell whose credentials read (or exfiltrated) data from a bucket.',
  remediationText:
    'Add a data event selector for S3 objects of all current and future buckets, read events (or all), to a multi-region trail (CloudTrail console → trail → Data events → Edit; or `aws cloudtrail put-event-selectors` with an advanced selector `eventCategory = Data`, `resources.type = AWS::S3::Object`). Data events are billed per event.',
  frameworks: { cis: '3.9', securityHub: 'S3.23' },
  requires: ['cloudtrail'],
  remediation: null,
  evaluate: evaluateS3DataEvents('read'),
});
