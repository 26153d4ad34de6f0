import { parse } from 'yaml';
import { defineDetection, type DetectionDefinition } from '../../../src/core/detections/define';
import { cloudFormationTemplate, renderCloudFormation } from '../../../src/core/detections/eventbridge-template';
import {
  buildEventPatterns,
  CLOUDTRAIL_API_CALL,
  CONSOLE_SIGN_IN,
  EVENT_PATTERN_MAX_CHARS,
  eventBridgeSourceOf,
  patternLength,
  type EventPattern,
} from '../../../src/core/detections/pattern';
import { DetectionsConfigSchema } from '../../../src/core/detections/settings';

const detection = (id: string, events: DetectionDefinition['events'], extra: object = {}): DetectionDefinition => ({
  ...defineDetection({
    id,
    title: id,
    severity: 'medium',
    rationale: 'why',
    events,
    mitre: { id: 'T1098', name: 'Account Manipulation' },
    match: () => null,
  }),
  ...extra,
});

const DETECTIONS = [
  detection('test_iam', [{ source: 'iam.amazonaws.com', names: ['AttachUserPolicy', 'PutRolePolicy'] }]),
  detection('test_s3', [{ source: 's3.amazonaws.com', names: ['PutBucketPolicy'] }]),
  detection('test_signin', [{ source: 'signin.amazonaws.com', names: ['ConsoleLogin'] }]),
  detection('test_kms', [{ source: 'kms.amazonaws.com', names: ['DisableKey'] }]),
];
const settings = (raw: unknown = {}) => DetectionsConfigSchema.parse(raw);

interface Shape {
  'detail-type': string[];
  source: string[];
  detail: { eventSource: string[]; eventName?: string[] };
}

/** Every (source, name) pair a set of patterns lets through, restricted to the pairs detections name. */
const forwarded = (patterns: EventPattern[], universe: Array<[string, string]>) =>
  universe
    .filter(([source, name]) =>
      patterns.some((p) => {
        const s = p as unknown as Shape;
        return (
          s.detail.eventSource.includes(source) &&
          s.source.includes(eventBridgeSourceOf(source)) &&
          (s.detail.eventName === undefined || s.detail.eventName.includes(name))
        );
      }),
    )
    .map(([s, n]) => `${s}:${n}`)
    .sort();

const pairsOf = (ds: DetectionDefinition[]): Array<[string, string]> =>
  ds.flatMap((d) => d.events.flatMap((e) => e.names.map((n): [string, string] => [e.source, n])));

describe('EventBridge pattern', () => {
  it('when every rule is on, then the patterns forward exactly the events the detections name', () => {
    const plan = buildEventPatterns(DETECTIONS, settings());
    const universe = pairsOf(DETECTIONS);
    expect(
      forwarded(
        plan.rules.map((r) => r.pattern),
        universe,
      ),
    ).toEqual(universe.map(([s, n]) => `${s}:${n}`).sort());
    expect(plan.warnings).toEqual([]);
    for (const rule of plan.rules) expect(patternLength(rule.pattern)).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
  });

  it('when a rule is disabled, then its events are not forwarded', () => {
    const plan = buildEventPatterns(DETECTIONS, settings({ rules: { test_kms: { enabled: false } } }));
    const text = JSON.stringify(plan.rules.map((r) => r.pattern));
    expect(text).not.toContain('DisableKey');
    expect(text).not.toContain('aws.kms');
    expect(plan.rules.flatMap((r) => r.detectionIds)).not.toContain('test_kms');
  });

  it('when console sign-ins are read, then the sign-in detail-type and source aws.signin are in the pattern', () => {
    const [rule] = buildEventPatterns([DETECTIONS[2]!], settings()).rules;
    expect(rule!.pattern).toEqual({
      'detail-type': [CLOUDTRAIL_API_CALL, CONSOLE_SIGN_IN],
      source: ['aws.signin'],
      detail: { eventSource: ['signin.amazonaws.com'], eventName: ['ConsoleLogin'] },
    });
  });

  it('when no sign-in is read, then only API calls are forwarded', () => {
    const [rule] = buildEventPatterns([DETECTIONS[0]!], settings()).rules;
    expect((rule!.pattern as unknown as Shape)['detail-type']).toEqual([CLOUDTRAIL_API_CALL]);
    expect((rule!.pattern as unknown as Shape).source).toEqual(['aws.iam']);
  });

  it('when the events do not fit one pattern, then they are split into several rules, each within the limit', () => {
    const many = Array.from({ length: 12 }, (_, i) =>
      detection(`test_many_${i}`, [
        {
          source: `svc${i}.amazonaws.com`,
          names: Array.from({ length: 30 }, (_, j) => `PutSomethingRatherLong${i}x${j}`),
        },
      ]),
    );
    const plan = buildEventPatterns(many, settings());
    expect(plan.rules.length).toBeGreaterThan(1);
    for (const rule of plan.rules) expect(patternLength(rule.pattern)).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    const universe = pairsOf(many);
    expect(
      forwarded(
        plan.rules.map((r) => r.pattern),
        universe,
      ),
    ).toHaveLength(universe.length);
    expect(new Set(plan.rules.map((r) => r.logicalId)).size).toBe(plan.rules.length);
  });

  it('when one source alone has more names than a pattern holds, then its names are split across rules', () => {
    const big = detection('test_big', [
      { source: 'ec2.amazonaws.com', names: Array.from({ length: 200 }, (_, j) => `ModifyThing${j}`) },
    ]);
    const plan = buildEventPatterns([big], settings());
    expect(plan.rules.length).toBeGreaterThan(1);
    for (const rule of plan.rules) expect(patternLength(rule.pattern)).toBeLessThanOrEqual(EVENT_PATTERN_MAX_CHARS);
    expect(
      forwarded(
        plan.rules.map((r) => r.pattern),
        pairsOf([big]),
      ),
    ).toHaveLength(200);
  });

  it('when a detection reads every event without narrowing, then one catch-all rule replaces the others, with a warning', () => {
    const any = detection('test_any', [{ source: '*', names: ['*'] }]);
    const plan = buildEventPatterns([...DETECTIONS, any], settings());
    expect(plan.rules).toHaveLength(1);
    expect(plan.rules[0]!.pattern).toEqual({ 'detail-type': [CLOUDTRAIL_API_CALL, CONSOLE_SIGN_IN] });
    expect(plan.warnings.join(' ')).toContain('test_any');
  });

  it('when a detection reads every event but declares a narrowing, then it gets its own narrowed rule', () => {
    const root = detection('test_root', [{ source: '*', names: ['*'] }], {
      eventPatternDetail: { userIdentity: { type: ['Root'] } },
    });
    const plan = buildEventPatterns([DETECTIONS[0]!, root], settings());
    const own = plan.rules.find((r) => r.detectionIds.includes('test_root'))!;
    expect(own.pattern).toEqual({
      'detail-type': [CLOUDTRAIL_API_CALL, CONSOLE_SIGN_IN],
      detail: { userIdentity: { type: ['Root'] } },
    });
    expect(plan.rules).toHaveLength(2);
    expect(plan.warnings).toEqual([]);
  });

  it('when a detection reads every name of one source, then its rule filters on the source only', () => {
    const plan = buildEventPatterns(
      [detection('test_src', [{ source: 'guardduty.amazonaws.com', names: ['*'] }])],
      settings(),
    );
    expect(plan.rules[0]!.pattern).toEqual({
      'detail-type': [CLOUDTRAIL_API_CALL],
      source: ['aws.guardduty'],
      detail: { eventSource: ['guardduty.amazonaws.com'] },
    });
  });
});

describe('CloudFormation template', () => {
  const rules = buildEventPatterns(DETECTIONS, settings()).rules;
  const options = { queueName: 'sec-events', maxReceiveCount: 7, visibilityTimeoutSeconds: 90 };
  interface Statement {
    Effect: string;
    Principal: unknown;
    Action: string;
    Condition: { ArnEquals: Record<string, unknown> };
  }
  interface Resource {
    Type: string;
    Properties: Record<string, unknown> & { PolicyDocument?: { Version: string; Statement: Statement[] } };
  }
  const template = parse(renderCloudFormation(rules, options)) as {
    AWSTemplateFormatVersion: string;
    Parameters: Record<string, { Default: unknown }>;
    Resources: Record<string, Resource>;
  };

  it('when rendered, then it is YAML with the queue, its dead-letter queue and the redrive policy', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Parameters.QueueName!.Default).toBe('sec-events');
    expect(template.Parameters.MaxReceiveCount!.Default).toBe(7);
    expect(template.Resources.EventsQueue!.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
      maxReceiveCount: { Ref: 'MaxReceiveCount' },
    });
    expect(template.Resources.EventsDeadLetterQueue!.Type).toBe('AWS::SQS::Queue');
  });

  it('when rendered, then every rule targets the queue with its pattern and the queue policy admits exactly those rules', () => {
    const ruleIds = Object.entries(template.Resources)
      .filter(([, r]) => r.Type === 'AWS::Events::Rule')
      .map(([id]) => id);
    expect(ruleIds.sort()).toEqual(rules.map((r) => r.logicalId).sort());
    for (const rule of rules) {
      const resource = template.Resources[rule.logicalId]!;
      expect(resource.Properties.EventPattern).toEqual(rule.pattern);
      expect(resource.Properties.Targets).toEqual([
        { Id: 'cloudsec-queue', Arn: { 'Fn::GetAtt': ['EventsQueue', 'Arn'] } },
      ]);
      expect(resource.Properties.State).toBe('ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS');
    }
    const [statement] = template.Resources.EventsQueuePolicy!.Properties.PolicyDocument!.Statement;
    expect(statement).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sqs:SendMessage',
    });
    expect(statement!.Condition.ArnEquals['aws:SourceArn']).toEqual(
      rules.map((r) => ({ 'Fn::GetAtt': [r.logicalId, 'Arn'] })),
    );
    expect(template.Resources.EventsQueuePolicy!.Properties.PolicyDocument!.Version).toBe('2012-10-17');
  });

  it('when built as an object, then it equals the parsed YAML', () => {
    expect(JSON.parse(JSON.stringify(cloudFormationTemplate(rules, options)))).toEqual(template);
  });
});
