import { resourcePolicyExposure } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import type { AccountSnapshotWith, ResourceRef, SqsQueue } from '../../model';
import { defineCheck, withFact, type CheckResult } from '../define';
import { SQS_POLICY_SOURCE, ownerContext, policyResult, unknownPolicy } from './common/policy-result';

/** The queue's ARN as GetQueueAttributes answered it, or as its URL implies when that call failed. */
export const sqsQueueResource = (
  account: Pick<AccountSnapshotWith<'sqs'>, 'partition'>,
  region: string,
  q: SqsQueue,
): ResourceRef => ({
  type: 'AwsSqsQueue',
  id: q.name,
  arn: q.attributes.ok ? q.attributes.value.arn : `arn:${account.partition}:sqs:${region}:${q.accountId}:${q.name}`,
});

const judge =
  (account: AccountSnapshotWith<'sqs'>, region: string) =>
  (q: SqsQueue): CheckResult => {
    const resource = sqsQueueResource(account, region, q);
    const label = `SQS queue ${q.name}`;
    if (!q.attributes.ok) return unknownPolicy(resource, region, label, q.attributes.error);
    const exposure = resourcePolicyExposure(
      { ok: true, value: q.attributes.value.policy },
      ownerContext(account, 'sqs'),
      SQS_POLICY_SOURCE,
    );
    return policyResult({ resource, region, label, noun: 'queue policy', exposure });
  };

export default defineCheck({
  id: 'sqs_queue_not_public',
  service: 'sqs',
  severity: 'high',
  title: 'SQS queue policies do not allow public access',
  failTitle: 'SQS queue is public through its queue policy',
  rationale:
    'A queue policy that lets anyone (Principal "*") call SQS without a condition pinning the caller lets any AWS account send forged messages into your pipeline, read and delete the messages meant for your consumers, or purge the queue.',
  remediationText:
    'Remove or narrow the public statements of the queue policy (SQS console → queue → Access policy), for example with a condition on aws:SourceArn (the one SNS topic or S3 bucket that sends), aws:SourceAccount or aws:PrincipalOrgID; or run `aws sqs set-queue-attributes --queue-url <url> --attributes Policy=<narrowed policy>`.',
  frameworks: { cis: null, securityHub: 'SQS.3' },
  requires: ['sqs'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.sqs).flatMap(([region, sqs]) =>
      withFact(sqs.queues, regionSettingResource(account, region, 'sqs-queues'), region, (queues) =>
        queues.map(judge(account, region)),
      ),
    ),
});
