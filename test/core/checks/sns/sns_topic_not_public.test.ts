import check from '../../../../src/core/checks/sns/sns_topic_not_public';
import { known, missing } from '../../../../src/core/model';
import {
  aTopic,
  aTopicPolicy,
  aTopicWithPolicy,
  anAccountWithSns,
  anSnsRegion,
  defaultTopicPolicy,
  topicArnOf,
} from '../../../fixtures/builders/sns';
import { resultFor, run, statuses } from '../../../fixtures/check-harness';
import { ACCOUNT_ID, REGION, accessDenied, anAccount, denied } from '../../../fixtures/snapshot-builders';

const verdict = (policy: unknown) =>
  resultFor(
    run(check, anAccountWithSns(anSnsRegion({ topics: known([aTopicWithPolicy('alerts', policy)]) }))),
    'alerts',
  );

const anyone = (action: string[] | string, extra: Record<string, unknown> = {}) => ({
  Sid: 'AllowAnyone',
  Effect: 'Allow',
  Principal: { AWS: '*' },
  Action: action,
  ...extra,
});

describe('sns_topic_not_public', () => {
  it('when a topic keeps the default policy (AWS:SourceOwner, upper-case key), then it passes', () => {
    const [result] = run(check, anAccountWithSns());
    expect(result).toMatchObject({
      status: 'pass',
      message: 'The topic policy of SNS topic order-notifications does not let anyone in.',
      resource: { type: 'AwsSnsTopic', id: 'order-notifications', arn: topicArnOf('order-notifications') },
    });
  });

  it('when anyone may publish and subscribe, then the topic fails as public, including the write', () => {
    const result = verdict(aTopicPolicy('alerts', [anyone(['SNS:Publish', 'SNS:Subscribe'])]));
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      `SNS topic alerts is public: statement 'AllowAnyone' lets anyone (Principal AWS "*") SNS:Publish, SNS:Subscribe, which includes changing it or what it holds.`,
    );
    expect(result.evidence).toMatchObject({ includesWrite: true, publicStatements: ['AllowAnyone'] });
  });

  it('when anyone may only subscribe, then it fails without claiming write access', () => {
    const result = verdict(aTopicPolicy('alerts', [anyone('sns:Subscribe')]));
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatchObject({ includesWrite: false });
  });

  it('when the default policy is widened with a wildcard SourceOwner, then the topic fails (a wildcard narrows nothing)', () => {
    const policy = defaultTopicPolicy('alerts');
    policy.Statement[0]!.Condition = { StringLike: { 'AWS:SourceOwner': '*' } } as never;
    expect(verdict(policy).status).toBe('fail');
  });

  it('when only an S3 bucket of the account may publish (aws:SourceArn), then the topic passes', () => {
    const policy = aTopicPolicy('alerts', [
      {
        Sid: 'S3Events',
        Effect: 'Allow',
        Principal: { Service: 's3.amazonaws.com' },
        Action: 'SNS:Publish',
        Condition: {
          ArnLike: { 'aws:SourceArn': 'arn:aws:s3:::uploads' },
          StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
        },
      },
    ]);
    expect(verdict(policy).status).toBe('pass');
  });

  it('when a service may publish without aws:SourceArn or aws:SourceAccount, then it passes, warning of a confused deputy', () => {
    const policy = aTopicPolicy('alerts', [
      { Sid: 'Events', Effect: 'Allow', Principal: { Service: 'events.amazonaws.com' }, Action: 'sns:Publish' },
    ]);
    const result = verdict(policy);
    expect(result.status).toBe('pass');
    expect(result.message).toContain('confused deputy');
    expect(result.evidence).toMatchObject({
      unscopedServiceStatements: [expect.stringContaining("statement 'Events'")],
    });
  });

  it('when GetTopicAttributes was refused, then the topic is unknown, naming sns:GetTopicAttributes', () => {
    const region = anSnsRegion({
      topics: known([aTopic({ name: 'alerts', policy: denied('sns:GetTopicAttributes') })]),
    });
    expect(resultFor(run(check, anAccountWithSns(region)), 'alerts')).toMatchObject({
      status: 'unknown',
      evidence: { missingPermission: 'sns:GetTopicAttributes' },
    });
  });

  it('when the stored policy has no statements, then the topic is unknown, never a pass', () => {
    expect(verdict({ Version: '2012-10-17', Statement: [] })).toMatchObject({
      status: 'unknown',
      evidence: { errorKind: 'malformed', operation: 'GetTopicAttributes' },
    });
  });

  it('when ListTopics was refused, then one unknown result stands for the region', () => {
    const results = run(check, anAccountWithSns(anSnsRegion({ topics: missing(accessDenied('sns:ListTopics')) })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/sns-topics:unknown`]);
  });

  it('when the snapshot has no sns data, then the check is unknown, not passing', () => {
    expect(run(check, anAccount()).map((r) => r.status)).toEqual(['unknown']);
  });
});
