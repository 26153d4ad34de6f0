import fc from 'fast-check';
import { SEVERITIES } from '../../../../src/core/model';
import { API_SERVICES, type ApiCall } from '../../../../src/core/remediations/define';
import { REQUEST_STATUSES, type ActorRef, type RemediationRequest } from '../../../../src/core/remediations/request';

const hostile = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<@U123>',
  '<#C123|general>',
  '<https://evil.example|x>',
  '&',
  '&amp;',
  '&lt;',
  '>',
  '`',
  '```',
  '*',
  '_~',
  '\n> quoted',
  ':red_circle:',
  '',
);
const long = fc
  .record({ s: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), n: fc.integer({ min: 100, max: 1500 }) })
  .map(({ s, n }) => s.repeat(n));
/** Arbitrary Unicode, Slack markup from an attacker, and very long strings. */
export const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.array(hostile, { maxLength: 6 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: long },
);
export const iso = fc.oneof(
  fc
    .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  text,
);
export const now = fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true });

export const actorArb: fc.Arbitrary<ActorRef> = fc.record({
  kind: fc.constantFrom('slack-user' as const, 'cli' as const, 'system' as const),
  id: fc.oneof(text, fc.constantFrom('U024BE7LH', 'W123ABC', '<!channel>', 'U<@U1>')),
});

const inputValue = fc.oneof(text, fc.jsonValue({ maxDepth: 3 }), fc.array(text, { maxLength: 5 }));
const inputArb = fc.dictionary(text, inputValue, { maxKeys: 6 });

export const callArb: fc.Arbitrary<ApiCall> = fc.record(
  {
    service: fc.constantFrom(...API_SERVICES),
    region: text,
    command: text,
    input: inputArb,
    lookup: fc.record({
      as: text,
      select: fc.record({
        kind: fc.constant('iamAccessKey' as const),
        userName: text,
        keyNumber: fc.constantFrom(1 as const, 2 as const),
        createdAt: iso,
      }),
    }),
    bind: fc.dictionary(text, text, { maxKeys: 3 }),
  },
  { requiredKeys: ['service', 'region', 'command', 'input'] },
);

/** A pool of calls repeated up to 120 times, so large plans stay cheap to generate. */
export const callsArb = fc
  .record({ pool: fc.array(callArb, { minLength: 1, maxLength: 6 }), n: fc.integer({ min: 0, max: 120 }) })
  .map(({ pool, n }) => Array.from({ length: n }, (_, i) => pool[i % pool.length]!));

export const findingArb = fc.record({
  id: text,
  source: fc.constantFrom('cloudsec' as const, 'securityhub' as const),
  checkId: text,
  status: fc.constantFrom('fail' as const, 'pass' as const, 'unknown' as const),
  severity: fc.constantFrom(...SEVERITIES),
  service: text,
  accountId: text,
  region: text,
  resource: fc.record({ type: text, id: text, arn: fc.option(text) }),
  title: text,
  message: text,
  evidence: fc.dictionary(text, inputValue, { maxKeys: 10 }),
  remediationId: fc.option(text),
  frameworks: fc.record({ cis: fc.option(text), securityHub: fc.option(text) }),
  observedAt: iso,
});

const callOutcomeArb = fc.record(
  {
    service: text,
    region: text,
    command: text,
    input: inputArb,
    outcome: fc.constantFrom('ok' as const, 'error' as const, 'dry_run' as const, 'skipped' as const),
    output: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(text, text, { maxKeys: 4 })),
    error: fc.option(fc.record({ code: text, message: text })),
    awsRequestId: fc.option(text),
  },
  { requiredKeys: ['command', 'outcome'] },
);
const checkState = fc.record({
  status: fc.constantFrom('pass' as const, 'fail' as const, 'unknown' as const, 'gone' as const, 'error' as const),
  message: text,
});
export const resultArb = fc.oneof(
  fc.constant(null),
  fc.jsonValue({ maxDepth: 2 }),
  fc.record({
    dryRun: fc.boolean(),
    precheck: fc.option(checkState),
    calls: fc
      .record({ pool: fc.array(callOutcomeArb, { minLength: 1, maxLength: 4 }), n: fc.integer({ min: 0, max: 80 }) })
      .map(({ pool, n }) => Array.from({ length: n }, (_, i) => pool[i % pool.length]!)),
    verification: fc.option(
      fc.record({
        outcome: fc.constantFrom('passed' as const, 'failed' as const, 'unknown' as const),
        message: fc.option(text),
      }),
    ),
    interrupted: fc.boolean(),
  }),
);

export const requestArb: fc.Arbitrary<RemediationRequest> = fc.record({
  id: fc.uuid(),
  kind: fc.constantFrom('remediate' as const, 'undo' as const),
  undoOf: fc.option(text),
  status: fc.constantFrom(...REQUEST_STATUSES),
  remediationId: text,
  target: text,
  finding: findingArb,
  plan: fc.record({ calls: callsArb, before: fc.constant(null), notes: fc.array(text, { maxLength: 12 }) }),
  options: fc.constant(null),
  justification: text,
  requester: actorArb,
  requiredApprovals: fc.integer({ min: 1, max: 3 }),
  approvals: fc.array(fc.record({ approver: actorArb, at: iso, comment: fc.option(text) }), { maxLength: 8 }),
  reason: fc.option(text),
  result: resultArb,
  decidedBy: fc.option(actorArb),
  message: fc.constant(null),
  requesterMessage: fc.constant(null),
  createdAt: iso,
  updatedAt: iso,
  expiresAt: fc.option(iso),
  finishedAt: fc.option(iso),
  version: fc.integer({ min: 1, max: 10 }),
});
