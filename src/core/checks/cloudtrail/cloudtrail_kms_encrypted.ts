import { GLOBAL_REGION } from '../../model';
import { accountResource, trailResource } from '../../resources';
import { defineCheck, fail, pass, withFact } from '../define';

export default defineCheck({
  id: 'cloudtrail_kms_encrypted',
  service: 'cloudtrail',
  severity: 'medium',
  title: 'CloudTrail trail encrypts logs with a KMS key',
  failTitle: 'CloudTrail trail is not encrypted with a KMS key',
  rationale:
    'SSE-KMS adds a key policy between the logs and anyone who can read the bucket, and records every decryption in CloudTrail itself.',
  remediationText:
    'Set a KMS key on the trail (CloudTrail console → trail → General details → Log file SSE-KMS encryption); the key policy must allow CloudTrail to use it.',
  frameworks: { cis: '3.5', securityHub: 'CloudTrail.2' },
  requires: ['cloudtrail'],
  remediation: null,
  evaluate: ({ account }) =>
    withFact(account.cloudtrail.trails, accountResource(account), GLOBAL_REGION, (trails) =>
      trails.map((t) =>
        t.kmsKeyId
          ? pass(trailResource(t), t.homeRegion, `Trail ${t.name} encrypts its logs with KMS.`, {
              kmsKeyId: t.kmsKeyId,
            })
          : fail(trailResource(t), t.homeRegion, `Trail ${t.name} does not encrypt its logs with a KMS key.`, {
              kmsKeyId: null,
            }),
      ),
    ),
});
