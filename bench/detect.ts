/**
 * Detection engine benchmark: rule evaluation throughput with every detection on, over a realistic
 * mix of CloudTrail records, on one core, and memory over 1,000,000 records.
 *
 *   npm run bench:detect            (runs node with --expose-gc so heap figures are after a full GC)
 *
 * The mix: most records are routine management calls no detection names (Describe*, List*, Get*,
 * AssumeRole, Decrypt…), as in a real trail; some are the changes the detections look for (taken
 * from the test fixtures in test/fixtures/cloudtrail/), some are refused calls and failed console
 * sign-ins from many addresses (so counting rules hold many keys).
 *
 * Sections:
 *   1. records      — the generated mix (pure, deterministic)
 *   2. memory       — 1,000,000 records through one engine: heap/RSS before and after, counting keys
 *   3. throughput   — baseline (JSON.parse of the same bodies) vs evaluate, vs parse + zod + evaluate
 * The end-to-end figures (SQS → card p99, bursts) are bench/detect-pipeline.ts.
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { DETECTIONS } from '../src/core/detections';
import { isAlertDraft, makeDetectionEngine, type EngineOutcome } from '../src/core/detections/engine';
import { parseCloudTrailRecord, type CloudTrailRecord } from '../src/core/detections/record';
import { DEFAULT_DETECTIONS_CONFIG } from '../src/core/detections/settings';

const ACCOUNTS = ['111111111111', '222222222222', '333333333333', '444444444444'];
const T0 = Date.parse('2026-11-02T08:00:00Z');
/** Simulated time between records: 1,000,000 records span ~2.8 hours, so counting windows expire. */
const STEP_MS = 10;
const THROUGHPUT_RECORDS = 200_000;
const MEMORY_RECORDS = 1_000_000;
const TARGET_PER_SECOND = 20_000;

type Json = Record<string, unknown>;

// ── 1. records ────────────────────────────────────────────────────────────────────────────────

const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures', 'cloudtrail');
const fixtures = (): Json[] =>
  ['cis', 'exposure'].flatMap((dir) => {
    const folder = path.join(FIXTURES, dir);
    if (!fs.existsSync(folder)) return [];
    return fs
      .readdirSync(folder)
      .filter((f) => f.endsWith('.json'))
      .map((f) => JSON.parse(fs.readFileSync(path.join(folder, f), 'utf8')) as Json);
  });

/** Routine calls: what most of a trail is. */
const ROUTINE: Array<[string, string]> = [
  ['ec2.amazonaws.com', 'DescribeInstances'],
  ['ec2.amazonaws.com', 'DescribeSecurityGroups'],
  ['sts.amazonaws.com', 'AssumeRole'],
  ['sts.amazonaws.com', 'GetCallerIdentity'],
  ['kms.amazonaws.com', 'Decrypt'],
  ['kms.amazonaws.com', 'GenerateDataKey'],
  ['s3.amazonaws.com', 'ListBuckets'],
  ['iam.amazonaws.com', 'GetRole'],
  ['lambda.amazonaws.com', 'ListFunctions20150331'],
  ['logs.amazonaws.com', 'CreateLogStream'],
  ['ssm.amazonaws.com', 'GetParameter'],
  ['cloudwatch.amazonaws.com', 'PutMetricData'],
  ['ecr.amazonaws.com', 'GetAuthorizationToken'],
  ['dynamodb.amazonaws.com', 'DescribeTable'],
];

const isoAt = (i: number) => new Date(T0 + i * STEP_MS).toISOString().replace(/\.\d{3}Z$/, 'Z');

const routine = (i: number): Json => {
  const [eventSource, eventName] = ROUTINE[i % ROUTINE.length]!;
  const account = ACCOUNTS[i % ACCOUNTS.length]!;
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAEXAMPLE:app',
      arn: `arn:aws:sts::${account}:assumed-role/app-${i % 40}/i-0abc${i % 1000}`,
      accountId: account,
      sessionContext: {
        sessionIssuer: { type: 'Role', arn: `arn:aws:iam::${account}:role/app-${i % 40}`, accountId: account },
        attributes: { creationDate: isoAt(i), mfaAuthenticated: 'false' },
      },
    },
    eventTime: isoAt(i),
    eventSource,
    eventName,
    awsRegion: 'eu-west-1',
    sourceIPAddress: `10.0.${(i >> 8) & 255}.${i & 255}`,
    userAgent: 'aws-sdk-js/3.600.0',
    requestParameters: { maxResults: 100 },
    responseElements: null,
    eventID: `routine-${i}`,
    readOnly: true,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: account,
  };
};

/** A refused call (counted by unauthorized_api_calls) from one of many principals. */
const refused = (i: number): Json => ({
  ...routine(i),
  eventName: 'ListUsers',
  eventSource: 'iam.amazonaws.com',
  errorCode: 'AccessDenied',
  errorMessage: 'User is not authorized to perform: iam:ListUsers',
  eventID: `refused-${i}`,
});

/** A failed console sign-in from one of many addresses (counted by console_signin_failures). */
const failedSignIn = (i: number): Json => ({
  eventVersion: '1.09',
  userIdentity: { type: 'IAMUser', principalId: 'AIDAEXAMPLE', accountId: ACCOUNTS[0], userName: `user${i % 50}` },
  eventTime: isoAt(i),
  eventSource: 'signin.amazonaws.com',
  eventName: 'ConsoleLogin',
  awsRegion: 'us-east-1',
  sourceIPAddress: `198.51.${(i >> 8) & 255}.${i & 255}`,
  userAgent: 'Mozilla/5.0',
  errorMessage: 'Failed authentication',
  responseElements: { ConsoleLogin: 'Failure' },
  additionalEventData: { MFAUsed: 'No', LoginTo: 'https://console.aws.amazon.com/' },
  eventID: `signin-${i}`,
  eventType: 'AwsConsoleSignIn',
  recipientAccountId: ACCOUNTS[0],
});

/** Record i of the mix: 90% routine, 4% refused, 3% failed sign-ins, 3% changes detections alert on. */
export const makeRecordSource = () => {
  const changes = fixtures();
  return (i: number): Json => {
    const slot = i % 100;
    if (slot < 90) return routine(i);
    if (slot < 94) return refused(i);
    if (slot < 97) return failedSignIn(i);
    if (changes.length === 0) return routine(i);
    const fixture = changes[i % changes.length]!;
    return { ...fixture, eventTime: isoAt(i), eventID: `change-${i}` };
  };
};

// ── 3. throughput ─────────────────────────────────────────────────────────────────────────────

const perSecond = (n: number, ms: number) => Math.round(n / (ms / 1000));
const fmt = (n: number) => n.toLocaleString('en-US');

const timed = (fn: () => void): number => {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
};

export const benchThroughput = () => {
  const recordAt = makeRecordSource();
  const bodies = Array.from({ length: THROUGHPUT_RECORDS }, (_, i) => JSON.stringify(recordAt(i)));
  const parsed: CloudTrailRecord[] = bodies.map((b) => {
    const r = parseCloudTrailRecord(JSON.parse(b));
    if (!r.ok) throw new Error(r.reason);
    return r.record;
  });
  const receivedAt = (i: number) => new Date(T0 + i * STEP_MS + 1000);
  const tally = { drafts: 0, counted: 0, excluded: 0, errors: 0 };
  const count = (outcomes: EngineOutcome[]) => {
    for (const o of outcomes) {
      if (isAlertDraft(o)) tally.drafts += 1;
      else if (o.kind === 'counted') tally.counted += 1;
      else if (o.kind === 'excluded') tally.excluded += 1;
      else tally.errors += 1;
    }
  };

  // Warm-up (JIT) on a fresh engine, then measured passes each on a fresh engine.
  const warm = makeDetectionEngine({ detections: DETECTIONS, settings: DEFAULT_DETECTIONS_CONFIG });
  for (let i = 0; i < 20_000; i += 1) warm.evaluate(parsed[i]!, receivedAt(i), 'sqs');

  let sink = 0;
  const baselineMs = timed(() => {
    for (const b of bodies) sink += (JSON.parse(b) as Json).eventID ? 1 : 0;
  });
  const engine = makeDetectionEngine({ detections: DETECTIONS, settings: DEFAULT_DETECTIONS_CONFIG });
  const evaluateMs = timed(() => {
    for (let i = 0; i < parsed.length; i += 1) count(engine.evaluate(parsed[i]!, receivedAt(i), 'sqs'));
  });
  const full = makeDetectionEngine({ detections: DETECTIONS, settings: DEFAULT_DETECTIONS_CONFIG });
  const fullMs = timed(() => {
    for (let i = 0; i < bodies.length; i += 1) {
      const r = parseCloudTrailRecord(JSON.parse(bodies[i]!));
      if (r.ok) sink += full.evaluate(r.record, receivedAt(i), 'sqs').length;
    }
  });

  const evalRate = perSecond(parsed.length, evaluateMs);
  console.log(`\n3. throughput: ${fmt(parsed.length)} records, ${DETECTIONS.length} detections on, one core`);
  console.log(`   baseline JSON.parse only           ${fmt(perSecond(bodies.length, baselineMs))} records/s`);
  console.log(`   evaluate (parsed records)          ${fmt(evalRate)} records/s`);
  console.log(`   JSON.parse + zod parse + evaluate  ${fmt(perSecond(bodies.length, fullMs))} records/s`);
  console.log(`   evaluate time / JSON.parse time    ${(evaluateMs / baselineMs).toFixed(2)}×`);
  console.log(
    `   outcomes: ${fmt(tally.drafts)} drafts, ${fmt(tally.counted)} counted, ${fmt(tally.excluded)} excluded, ${fmt(tally.errors)} errors`,
  );
  console.log(
    `   ${evalRate >= TARGET_PER_SECOND ? 'PASS' : 'FAIL'}: ≥ ${fmt(TARGET_PER_SECOND)} records/s (${sink > 0 ? 'ok' : ''})`,
  );
  return { evalRate, baselineMs, evaluateMs, fullMs, tally };
};

// ── 2. memory ─────────────────────────────────────────────────────────────────────────────────

const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (collect) collect();
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const benchMemory = () => {
  const recordAt = makeRecordSource();
  const engine = makeDetectionEngine({ detections: DETECTIONS, settings: DEFAULT_DETECTIONS_CONFIG });
  const sample = (label: string) => {
    gc();
    const m = process.memoryUsage();
    console.log(
      `   ${label.padEnd(22)} heap ${mb(m.heapUsed).padStart(9)}  rss ${mb(m.rss).padStart(9)}  counting keys ${fmt(engine.countingKeys())}`,
    );
    return m;
  };
  console.log(
    `\n2. memory: ${fmt(MEMORY_RECORDS)} records through one engine${(globalThis as { gc?: unknown }).gc ? '' : ' (no --expose-gc: figures include garbage)'}`,
  );
  // Warm up first so the "before" figure holds the engine's compiled code, not only its empty state.
  for (let i = 0; i < 20_000; i += 1) {
    const r = parseCloudTrailRecord(recordAt(i));
    if (r.ok) engine.evaluate(r.record, new Date(T0 + i * STEP_MS), 'sqs');
  }
  const before = sample('after 20,000 (warm)');
  let peakKeys = 0;
  const t0 = performance.now();
  for (let i = 20_000; i < MEMORY_RECORDS; i += 1) {
    const r = parseCloudTrailRecord(recordAt(i));
    if (r.ok) engine.evaluate(r.record, new Date(T0 + i * STEP_MS), 'sqs');
    if (i % 250_000 === 0) sample(`after ${fmt(i)}`);
    if ((i & 1023) === 0) peakKeys = Math.max(peakKeys, engine.countingKeys());
  }
  const seconds = (performance.now() - t0) / 1000;
  const after = sample(`after ${fmt(MEMORY_RECORDS)}`);
  const growth = after.heapUsed - before.heapUsed;
  console.log(
    `   heap growth ${mb(growth)}, peak counting keys ${fmt(peakKeys)}, ${fmt(Math.round((MEMORY_RECORDS - 20_000) / seconds))} records/s (generate + zod + evaluate)`,
  );
  console.log(
    `   ${growth < 50 * 1024 * 1024 ? 'PASS' : 'FAIL'}: heap flat (< 50 MB growth over ${fmt(MEMORY_RECORDS)} records)`,
  );
  return { growth, peakKeys };
};

// ── main ──────────────────────────────────────────────────────────────────────────────────────

const main = () => {
  console.log(`cloudsec detection engine benchmark (node ${process.version})`);
  console.log(`\n1. records: 90% routine calls, 4% refused calls, 3% failed sign-ins, 3% changes from fixtures`);
  // Memory first: the throughput pass holds 200,000 bodies, which would inflate the RSS figures.
  benchMemory();
  benchThroughput();
};

if (require.main === module) main();
