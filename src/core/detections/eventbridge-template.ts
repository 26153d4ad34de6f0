import { stringify } from 'yaml';
import { RULE_STATE, type EventBridgeRule } from './pattern';

/**
 * A CloudFormation template (YAML) for the live lane's plumbing in one account and region:
 *
 *   EventBridge rule(s) on the default bus ──▶ SQS queue ──(after maxReceiveCount receives)──▶ DLQ
 *
 * with the queue policy that lets only those rules send (events.amazonaws.com, aws:SourceArn = each
 * rule's ARN: no other rule or account can write into the queue). Both queues use SQS-managed
 * encryption, which EventBridge can send to without a KMS key policy. Intrinsic functions are in
 * their long form (`Fn::GetAtt`), which needs no YAML tags.
 *
 * CloudTrail delivers an event to EventBridge in the region where it was recorded; IAM, STS-global,
 * Organizations and root console sign-ins are recorded in us-east-1. Deploy the stack in every
 * region the trail covers (a StackSet), or forward the other regions' default buses to this one.
 */

export interface TemplateOptions {
  /** The queue's name (the DLQ is `<name>-dlq`). */
  queueName: string;
  /** Receives before a message goes to the DLQ: detections.sources.sqs.maxReceives. */
  maxReceiveCount: number;
  /** detections.sources.sqs.visibilityTimeoutSeconds. */
  visibilityTimeoutSeconds: number;
}

export const DEFAULT_TEMPLATE_OPTIONS: TemplateOptions = {
  queueName: 'cloudsec-events',
  maxReceiveCount: 5,
  visibilityTimeoutSeconds: 60,
};

const ref = (name: string) => ({ Ref: name });
const arnOf = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** The template as an object (CloudFormation's JSON form). */
export const cloudFormationTemplate = (
  rules: readonly EventBridgeRule[],
  options: TemplateOptions = DEFAULT_TEMPLATE_OPTIONS,
): Record<string, unknown> => {
  const ruleResources = Object.fromEntries(
    rules.map((rule) => [
      rule.logicalId,
      {
        Type: 'AWS::Events::Rule',
        Properties: {
          Description: rule.description.slice(0, 512),
          State: RULE_STATE,
          EventPattern: rule.pattern,
          Targets: [{ Id: 'cloudsec-queue', Arn: arnOf('EventsQueue') }],
        },
      },
    ]),
  );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      'cloudsec live lane: CloudTrail events the enabled detections read, forwarded by EventBridge to an SQS queue with a dead-letter queue',
    Parameters: {
      QueueName: { Type: 'String', Default: options.queueName, AllowedPattern: '^[A-Za-z0-9_-]{1,76}$' },
      MaxReceiveCount: { Type: 'Number', Default: options.maxReceiveCount, MinValue: 1, MaxValue: 1000 },
      VisibilityTimeout: {
        Type: 'Number',
        Default: options.visibilityTimeoutSeconds,
        MinValue: 0,
        MaxValue: 43200,
      },
    },
    Resources: {
      EventsDeadLetterQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: { 'Fn::Sub': '${QueueName}-dlq' },
          // The longest SQS allows: time to see why messages failed and to redrive them.
          MessageRetentionPeriod: 1_209_600,
          SqsManagedSseEnabled: true,
        },
      },
      EventsQueue: {
        Type: 'AWS::SQS::Queue',
        Properties: {
          QueueName: ref('QueueName'),
          VisibilityTimeout: ref('VisibilityTimeout'),
          // 4 days: the bot can be down over a weekend without losing an event.
          MessageRetentionPeriod: 345_600,
          SqsManagedSseEnabled: true,
          RedrivePolicy: {
            deadLetterTargetArn: arnOf('EventsDeadLetterQueue'),
            maxReceiveCount: ref('MaxReceiveCount'),
          },
        },
      },
      EventsQueuePolicy: {
        Type: 'AWS::SQS::QueuePolicy',
        Properties: {
          Queues: [ref('EventsQueue')],
          PolicyDocument: {
            Version: '2012-10-17',
            Statement: [
              {
                Sid: 'CloudsecEventBridgeRulesOnly',
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Action: 'sqs:SendMessage',
                Resource: arnOf('EventsQueue'),
                Condition: { ArnEquals: { 'aws:SourceArn': rules.map((r) => arnOf(r.logicalId)) } },
              },
            ],
          },
        },
      },
      ...ruleResources,
    },
    Outputs: {
      QueueUrl: { Description: 'detections.sources.sqs.queueUrl in cloudsec.yml', Value: ref('EventsQueue') },
      QueueArn: { Value: arnOf('EventsQueue') },
      DeadLetterQueueUrl: { Value: ref('EventsDeadLetterQueue') },
    },
  };
};

/** The template as YAML text. */
export const renderCloudFormation = (
  rules: readonly EventBridgeRule[],
  options: TemplateOptions = DEFAULT_TEMPLATE_OPTIONS,
): string =>
  stringify(cloudFormationTemplate(rules, options), {
    // YAML 1.1 quoting: `2010-09-09` stays a string for parsers that would read a date.
    version: '1.1',
    lineWidth: 0,
    aliasDuplicateObjects: false,
  });
