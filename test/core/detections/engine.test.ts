import { defineDetection, type DetectionDefinition } from '../../../src/core/detections/define';
import { isAlertDraft, makeDetectionEngine, type EngineOutcome } from '../../../src/core/detections/engine';
import type { AlertDraft } from '../../../src/core/detections/alert';
import type { CloudTrailRecord } from '../../../src/core/detections/record';
import { DetectionsConfigSchema, type DetectionsConfig } from '../../../src/core/detections/settings';

const ACCOUNT = '111111111111';
const T0 = new Date('2026-11-02T10:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let seq = 0;
const record = (over: Partial<CloudTrailRecord> = {}): CloudTrailRecord => ({
  eventID: `ev-${++seq}`,
  eventTime: T0.toISOString(),
  eventSource: 's3.amazonaws.com',
  eventName: 'PutBucketPolicy',
  awsRegion: 'eu-west-1',
  recipientAccountId: ACCOUNT,
  userAgent: 'aws-cli/2.15.30',
  userIdentity: {
    type: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/deployer/alice`,
    accountId: ACCOUNT,
    sessionContext: { sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${ACCOUNT}:role/deployer` } },
  },
  requestParameters: { bucketName: 'reports' },
  ...over,
});

const bucketRule = defineDetection({
  id: 'test_bucket_policy',
  title: 'Bucket policy changed',
  severity: 'medium',
  rationale: 'why',
  events: [{ source: 's3.amazonaws.com', names: ['PutBucketPolicy'] }],
  mitre: { id: 'T1530', name: 'Data from Cloud Storage' },
  match: (r) => {
    const bucket = r.requestParameters?.bucketName;
    return typeof bucket === 'string'
      ? {
          summary: `policy of ${bucket} changed`,
          resource: { type: 'AwsS3Bucket', id: bucket, arn: null, region: 'eu-west-1' },
        }
      : null;
  },
});

const failuresRule = defineDetection({
  id: 'test_signin_failures',
  title: 'Sign-in failures',
  severity: 'medium',
  rationale: 'why',
  events: [{ source: 'signin.amazonaws.com', names: ['ConsoleLogin'] }],
  mitre: { id: 'T1110', name: 'Brute Force' },
  counting: { threshold: 3, windowMinutes: 10 },
  matchesFailedCalls: true,
  match: (r) => ({
    summary: 'sign-in failed',
    resource: { type: 'AwsAccount', id: ACCOUNT, arn: null, region: 'global' },
    dedupSuffix: `ip:${r.sourceIPAddress ?? 'none'}`,
  }),
});

const signin = (ip: string, at: Date, over: Partial<CloudTrailRecord> = {}) =>
  record({
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    sourceIPAddress: ip,
    eventTime: at.toISOString(),
    errorMessage: 'Failed authentication',
    ...over,
  });

const settings = (raw: unknown = {}): DetectionsConfig => DetectionsConfigSchema.parse(raw);
const engineWith = (detections: DetectionDefinition[], raw: unknown = {}, maxCountingKeys?: number) =>
  makeDetectionEngine({ detections, settings: settings(raw), ...(maxCountingKeys ? { maxCountingKeys } : {}) });
const drafts = (outcomes: EngineOutcome[]): AlertDraft[] => outcomes.filter(isAlertDraft);
const notes = (outcomes: EngineOutcome[]) => outcomes.filter((o) => !isAlertDraft(o));

describe('detection engine', () => {
  it('when a record matches, then it makes a draft with the dedup key, account, actor and source', () => {
    const [draft] = drafts(engineWith([bucketRule]).evaluate(record(), T0, 'sqs'));
    expect(draft).toMatchObject({
      detectionId: 'test_bucket_policy',
      dedupKey: `test_bucket_policy|${ACCOUNT}|reports`,
      accountId: ACCOUNT,
      region: 'eu-west-1',
      severity: 'medium',
      staged: false,
      source: 'sqs',
      thresholdCount: null,
      undo: null,
      details: [],
    });
    expect(draft!.actor.roleArn).toBe(`arn:aws:iam::${ACCOUNT}:role/deployer`);
  });

  it('when the match names a dedup suffix, then the key ends with it instead of the resource id', () => {
    const rule = {
      ...bucketRule,
      match: (r: CloudTrailRecord) => ({ ...bucketRule.match(r)!, dedupSuffix: 'custom' }),
    };
    expect(drafts(engineWith([rule]).evaluate(record(), T0, 'sqs'))[0]!.dedupKey).toBe(
      `test_bucket_policy|${ACCOUNT}|custom`,
    );
  });

  it('when a record names an event no detection reads, then nothing runs and nothing comes out', () => {
    const match = jest.fn(() => null);
    const engine = engineWith([{ ...bucketRule, match }]);
    expect(engine.evaluate(record({ eventName: 'GetObject' }), T0, 'sqs')).toEqual([]);
    expect(match).not.toHaveBeenCalled();
  });

  it('when a detection reads every event (*), then it runs on any record once, even when also named', () => {
    const match = jest.fn(() => null);
    const any = {
      ...bucketRule,
      id: 'test_any',
      events: [
        { source: '*', names: ['*'] },
        { source: 's3.amazonaws.com', names: ['PutBucketPolicy'] },
      ],
      match,
    };
    const engine = engineWith([any]);
    engine.evaluate(record({ eventSource: 'kms.amazonaws.com', eventName: 'DisableKey' }), T0, 'sqs');
    engine.evaluate(record(), T0, 'sqs');
    expect(match).toHaveBeenCalledTimes(2);
  });

  it('when the record has no account id at all, then the outcome is an error "no account"', () => {
    const r = record({
      recipientAccountId: undefined,
      userIdentity: { type: 'IAMUser', arn: 'arn:aws:iam::x:user/a' },
    });
    expect(engineWith([bucketRule]).evaluate(r, T0, 'sqs')).toEqual([
      { kind: 'error', detectionId: 'test_bucket_policy', reason: 'no account' },
    ]);
  });

  it('when only the caller names an account, then that account is used', () => {
    const r = record({ recipientAccountId: undefined });
    expect(drafts(engineWith([bucketRule]).evaluate(r, T0, 'sqs'))[0]!.accountId).toBe(ACCOUNT);
  });

  it('when a call failed, then detections that do not look for failed calls skip it and those that do see it', () => {
    const engine = engineWith([bucketRule, failuresRule], { rules: { test_signin_failures: { threshold: 1 } } });
    expect(engine.evaluate(record({ errorCode: 'AccessDenied' }), T0, 'sqs')).toEqual([]);
    expect(drafts(engine.evaluate(signin('203.0.113.9', T0, { errorCode: 'Failed' }), T0, 'sqs'))).toHaveLength(1);
  });

  it('when a detection throws, then it is reported as an error and the other detections still run', () => {
    const broken = {
      ...bucketRule,
      id: 'test_broken',
      match: () => {
        throw new TypeError('boom');
      },
    };
    const outcomes = engineWith([broken, bucketRule]).evaluate(record(), T0, 'sqs');
    expect(notes(outcomes)).toEqual([{ kind: 'error', detectionId: 'test_broken', reason: 'TypeError: boom' }]);
    expect(drafts(outcomes).map((d) => d.detectionId)).toEqual(['test_bucket_policy']);
  });

  it('when a rule is disabled in config, then it never runs', () => {
    const match = jest.fn(bucketRule.match);
    const engine = engineWith([{ ...bucketRule, match }], { rules: { test_bucket_policy: { enabled: false } } });
    expect(engine.evaluate(record(), T0, 'sqs')).toEqual([]);
    expect(match).not.toHaveBeenCalled();
    expect(engine.enabled()).toEqual([]);
  });

  it('when config stages a rule and overrides its severity, then the draft is staged with that severity', () => {
    const rule = {
      ...bucketRule,
      match: (r: CloudTrailRecord) => ({ ...bucketRule.match(r)!, severity: 'critical' as const }),
    };
    const [draft] = drafts(
      engineWith([rule], { rules: { test_bucket_policy: { staged: true, severity: 'low' } } }).evaluate(
        record(),
        T0,
        'demo',
      ),
    );
    expect(draft).toMatchObject({ staged: true, severity: 'low', source: 'demo' });
  });

  it('when no config severity is set, then the match may raise the rule severity', () => {
    const rule = {
      ...bucketRule,
      match: (r: CloudTrailRecord) => ({ ...bucketRule.match(r)!, severity: 'critical' as const }),
    };
    expect(drafts(engineWith([rule]).evaluate(record(), T0, 'sqs'))[0]!.severity).toBe('critical');
  });

  it('when a global exclusion matches the role, then the outcome is excluded with its reason', () => {
    const engine = engineWith([bucketRule], {
      exclude: [{ principal: 'arn:aws:iam::*:role/deploy*', reason: 'pipeline' }],
    });
    expect(engine.evaluate(record(), T0, 'sqs')).toEqual([
      { kind: 'excluded', detectionId: 'test_bucket_policy', reason: 'pipeline' },
    ]);
  });

  it('when a rule exclusion matches, then only that rule is excluded', () => {
    const other = { ...bucketRule, id: 'test_other' };
    const engine = engineWith([bucketRule, other], {
      rules: { test_other: { exclude: [{ account: ACCOUNT, userAgent: 'aws-cli/*', reason: 'cli is fine' }] } },
    });
    const outcomes = engine.evaluate(record(), T0, 'sqs');
    expect(drafts(outcomes).map((d) => d.detectionId)).toEqual(['test_bucket_policy']);
    expect(notes(outcomes)).toEqual([{ kind: 'excluded', detectionId: 'test_other', reason: 'cli is fine' }]);
  });

  describe('counting rules', () => {
    it('when threshold-1 records arrive, then they are counted; the threshold-th makes a draft with the count', () => {
      const engine = engineWith([failuresRule]);
      expect(engine.evaluate(signin('203.0.113.9', minutes(0)), minutes(0), 'sqs')).toEqual([
        { kind: 'counted', detectionId: 'test_signin_failures', count: 1, threshold: 3 },
      ]);
      expect(engine.evaluate(signin('203.0.113.9', minutes(1)), minutes(1), 'sqs')[0]).toMatchObject({
        kind: 'counted',
        count: 2,
      });
      const [draft] = drafts(engine.evaluate(signin('203.0.113.9', minutes(2)), minutes(2), 'sqs'));
      expect(draft).toMatchObject({ thresholdCount: 3, dedupKey: `test_signin_failures|${ACCOUNT}|ip:203.0.113.9` });
    });

    it('when the first record is exactly windowMinutes older than the threshold-th, then it no longer counts', () => {
      const engine = engineWith([failuresRule]);
      engine.evaluate(signin('203.0.113.9', minutes(0)), minutes(0), 'sqs');
      engine.evaluate(signin('203.0.113.9', minutes(5)), minutes(5), 'sqs');
      expect(engine.evaluate(signin('203.0.113.9', minutes(10)), minutes(10), 'sqs')[0]).toMatchObject({
        kind: 'counted',
        count: 2,
      });
    });

    it('when just inside the window, then the threshold is reached', () => {
      const engine = engineWith([failuresRule]);
      engine.evaluate(signin('203.0.113.9', minutes(0)), minutes(0), 'sqs');
      engine.evaluate(signin('203.0.113.9', minutes(5)), minutes(5), 'sqs');
      const at = new Date(minutes(10).getTime() - 1);
      expect(drafts(engine.evaluate(signin('203.0.113.9', at), at, 'sqs'))).toHaveLength(1);
    });

    it('when records of different keys arrive, then each key counts on its own', () => {
      const engine = engineWith([failuresRule]);
      for (const ip of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        expect(engine.evaluate(signin(ip, T0), T0, 'sqs')[0]).toMatchObject({ kind: 'counted', count: 1 });
      }
    });

    it('when config sets threshold and window, then they replace the rule defaults', () => {
      const engine = engineWith([failuresRule], {
        rules: { test_signin_failures: { threshold: 2, windowMinutes: 1 } },
      });
      engine.evaluate(signin('203.0.113.9', minutes(0)), minutes(0), 'sqs');
      expect(engine.evaluate(signin('203.0.113.9', minutes(2)), minutes(2), 'sqs')[0]).toMatchObject({
        kind: 'counted',
        count: 1,
        threshold: 2,
      });
      expect(drafts(engine.evaluate(signin('203.0.113.9', minutes(2)), minutes(2), 'sqs'))).toHaveLength(1);
    });

    it('when the record time is later than its arrival, then the arrival time is used (a clock ahead cannot flush windows)', () => {
      const engine = engineWith([failuresRule]);
      engine.evaluate(signin('203.0.113.9', minutes(0)), minutes(0), 'sqs');
      engine.evaluate(signin('203.0.113.9', minutes(500)), minutes(1), 'sqs');
      expect(drafts(engine.evaluate(signin('203.0.113.9', minutes(2)), minutes(2), 'sqs'))).toHaveLength(1);
    });

    it('when windows have passed, then their keys are evicted', () => {
      const engine = engineWith([failuresRule]);
      for (let i = 0; i < 100; i += 1) engine.evaluate(signin(`198.51.100.${i}`, T0), T0, 'sqs');
      expect(engine.countingKeys()).toBe(100);
      engine.evaluate(signin('203.0.113.9', minutes(11)), minutes(11), 'sqs');
      expect(engine.countingKeys()).toBe(1);
    });

    it('when more keys arrive than the cap, then the key count stays at the cap (oldest evicted first)', () => {
      const engine = engineWith([failuresRule], { rules: { test_signin_failures: { threshold: 2 } } }, 1_000);
      for (let i = 0; i < 5_000; i += 1) {
        engine.evaluate(signin(`key-${i}`, T0), T0, 'sqs');
        expect(engine.countingKeys()).toBeLessThanOrEqual(1_000);
      }
      expect(engine.countingKeys()).toBe(1_000);
      // The newest key was kept (its second record reaches the threshold), the oldest was not.
      expect(drafts(engine.evaluate(signin('key-4999', T0), T0, 'sqs'))).toHaveLength(1);
      expect(engine.evaluate(signin('key-0', T0), T0, 'sqs')[0]).toMatchObject({ kind: 'counted', count: 1 });
    });

    it('when a record is excluded, then it is not counted', () => {
      const engine = engineWith([failuresRule], { exclude: [{ account: ACCOUNT, reason: 'sandbox' }] });
      expect(engine.evaluate(signin('203.0.113.9', T0), T0, 'sqs')[0]).toMatchObject({ kind: 'excluded' });
      expect(engine.countingKeys()).toBe(0);
    });
  });

  describe('dedupWindowFor', () => {
    const withDefault = { ...bucketRule, id: 'test_with_default', dedupWindowMinutes: 15 };
    it('when the rule setting, the rule default and the global are set, then the rule setting wins', () => {
      const engine = engineWith([withDefault], {
        dedupWindowMinutes: 30,
        rules: { test_with_default: { dedupWindowMinutes: 5 } },
      });
      expect(engine.dedupWindowFor('test_with_default')).toBe(5);
    });
    it('when no rule setting, then the rule default; else the global', () => {
      const engine = engineWith([withDefault, bucketRule], { dedupWindowMinutes: 30 });
      expect(engine.dedupWindowFor('test_with_default')).toBe(15);
      expect(engine.dedupWindowFor('test_bucket_policy')).toBe(30);
    });
  });
});
