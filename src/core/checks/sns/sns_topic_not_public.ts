import { resourcePolicyExposure } from '../../resource-policy';
import { regionSettingResource } from '../../resources';
import type { AccountSnapshotWith, ResourceRef, SnsTopic } from '../../model';
import { defineCheck, withFact, type CheckResult } from '../define';
import { SNS_POLICY_SOURCE, ownerContext, policyResult } from '../sqs/common/policy-result';

export const snsTopicResource = (t: Pick<SnsTopic, 'arn' | 'name'>): ResourceRef => ({
  type: 'AwsSnsTopic',
  id: t.name,
  arn: t.arn,
});

const judge =
  (account: AccountSnapshotWith<'sns'>, region: string) =>
  (t: SnsTopic): CheckResult =>
    policyResult({
      resource: snsTopicResource(t),
      region,
      label: `SNS topic ${t.name}`,
      noun: 'topic policy',
      exposure: resourcePolicyExposure(t.policy, ownerContext(account, 'sns'), SNS_POLICY_SOURCE),
    });

export default defineCheck({
  id: 'sns_topic_not_public',
  service: 'sns',
  severity: 'high',
  title: 'SNS topic policies do not allow public access',
  failTitle: 'SNS topic is public through its topic policy',
  rationale:
    'A topic policy that lets anyone call SNS without a condition pinning the caller lets any AWS account publish messages your subscribers trust (phishing emails, forged alerts, fake events into queues and functions), subscribe an endpoint of theirs to read every notification, or change and delete the topic.',
  remediationText:
    "Remove or narrow the public statements of the topic policy (SNS console → topic → Edit → Access policy), for example back to the default that CreateTopic writes (a condition on AWS:SourceOwner, the topic owner's account) or with aws:SourceArn / aws:PrincipalOrgID; or run `aws sns set-topic-attributes --topic-arn <arn> --attribute-name Policy --attribute-value <narrowed policy>`.",
  frameworks: { cis: null, securityHub: 'SNS.4' },
  requires: ['sns'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.sns).flatMap(([region, sns]) =>
      withFact(sns.topics, regionSettingResource(account, region, 'sns-topics'), region, (topics) =>
        topics.map(judge(account, region)),
      ),
    ),
});
