import fc from 'fast-check';
import { zeroCounts, type ScoreInput, type SeverityCounts } from '../../../src/core/digest/model';
import {
  SCORE_WEIGHTS,
  accountBreakdown,
  countBySeverity,
  postureScore,
  postureScoreByAccount,
  scoreSetAside,
} from '../../../src/core/digest/score';
import { FINDING_STATUSES, SEVERITIES, type Severity } from '../../../src/core/model';

const r = (severity: Severity, status: ScoreInput['status']): ScoreInput => ({ severity, status });
const times = (n: number, input: ScoreInput) => Array.from({ length: n }, () => input);
const counts = (over: Partial<SeverityCounts>): SeverityCounts => ({ ...zeroCounts(), ...over });

describe('scoreSetAside', () => {
  it('when failures are accepted, then it counts those that would have weighed in the score, and nothing else', () => {
    expect(
      scoreSetAside([
        { ...r('critical', 'fail'), accepted: true },
        { ...r('low', 'fail'), accepted: true },
        { ...r('informational', 'fail'), accepted: true },
        { ...r('high', 'pass'), accepted: true },
        r('medium', 'fail'),
      ]),
    ).toBe(2);
    expect(scoreSetAside([])).toBe(0);
  });

  it('when accepted failures are set aside, then the score equals the score of the results without them', () => {
    const result = fc.record({
      severity: fc.constantFrom(...SEVERITIES),
      status: fc.constantFrom(...FINDING_STATUSES),
      accepted: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(result, { maxLength: 40 }), (results) => {
        const rest = results.filter((x) => !(x.status === 'fail' && x.accepted));
        expect(postureScore(results)).toBe(postureScore(rest.map(({ severity, status }) => ({ severity, status }))));
      }),
    );
  });
});

describe('postureScore', () => {
  it('when the README quotes the weights, then they are critical 10, high 5, medium 3, low 1, informational 0', () => {
    expect(SCORE_WEIGHTS).toEqual({ critical: 10, high: 5, medium: 3, low: 1, informational: 0 });
  });

  it.each<[string, number | null, ScoreInput[]]>([
    ['every check passes', 100, [r('critical', 'pass'), r('low', 'pass')]],
    ['every check fails', 0, [r('critical', 'fail'), r('low', 'fail')]],
    ['a critical fails and a high passes', 33.3, [r('critical', 'fail'), r('high', 'pass')]],
    ['two lows pass and one fails', 66.7, [r('low', 'pass'), r('low', 'pass'), r('low', 'fail')]],
    ['one critical fails among 199 passing lows', 95.2, [r('critical', 'fail'), ...times(199, r('low', 'pass'))]],
    ['unknown results are left out', 100, [r('high', 'pass'), r('critical', 'unknown')]],
    ['informational failures do not count', 100, [r('medium', 'pass'), r('informational', 'fail')]],
    ['only unknown results', null, [r('high', 'unknown')]],
    ['only informational results', null, [r('informational', 'fail'), r('informational', 'pass')]],
    ['no results', null, []],
    [
      'a critical failure is an accepted risk: set aside, not a pass',
      100,
      [{ ...r('critical', 'fail'), accepted: true }, r('high', 'pass')],
    ],
    [
      'a critical and a high fail, the critical accepted',
      0,
      [{ ...r('critical', 'fail'), accepted: true }, r('high', 'fail')],
    ],
    ['the only failure is accepted and nothing passes', null, [{ ...r('high', 'fail'), accepted: true }]],
    ['"accepted" on a pass changes nothing', 50, [{ ...r('low', 'pass'), accepted: true }, r('low', 'fail')]],
  ])('when %s, then the score is %p', (_case, expected, results) => {
    expect(postureScore(results)).toBe(expected);
  });

  it('when any results are scored, then the score lies in 0–100 with at most one decimal', () => {
    const result = fc.record({
      severity: fc.constantFrom(...SEVERITIES),
      status: fc.constantFrom(...FINDING_STATUSES),
    });
    fc.assert(
      fc.property(fc.array(result), (results) => {
        const score = postureScore(results);
        if (score === null) return;
        expect(score).toBeGreaterThanOrEqual(0);
        expect(score).toBeLessThanOrEqual(100);
        expect(Math.round(score * 10) / 10).toBe(score);
      }),
    );
  });

  it('when a failing check is fixed, then the score never goes down', () => {
    const result = fc.record({
      severity: fc.constantFrom(...SEVERITIES),
      status: fc.constantFrom(...FINDING_STATUSES),
    });
    fc.assert(
      fc.property(fc.array(result, { minLength: 1 }), fc.nat(), (results, pick) => {
        const i = pick % results.length;
        const target = results[i];
        if (!target || target.status !== 'fail') return;
        const fixed = results.map((x, j) => (j === i ? { ...x, status: 'pass' as const } : x));
        expect(postureScore(fixed) ?? 0).toBeGreaterThanOrEqual(postureScore(results) ?? 0);
      }),
    );
  });

  it('when results span accounts, then each account gets its own score', () => {
    expect(
      postureScoreByAccount([
        { accountId: 'a', ...r('high', 'pass') },
        { accountId: 'a', ...r('high', 'fail') },
        { accountId: 'b', ...r('low', 'pass') },
        { accountId: 'c', ...r('low', 'unknown') },
      ]),
    ).toEqual({ a: 50, b: 100, c: null });
  });
});

describe('countBySeverity', () => {
  it('when items are counted, then every severity has an exact count, zero included', () => {
    expect(
      countBySeverity([{ severity: 'high' }, { severity: 'high' }, { severity: 'critical' }, { severity: 'low' }]),
    ).toEqual({ critical: 1, high: 2, medium: 0, low: 1, informational: 0 });
  });
});

describe('accountBreakdown', () => {
  const base = { accountIds: [], open: [], scores: {}, opened: [], resolved: [], accountNames: {} };
  const order = (input: Parameters<typeof accountBreakdown>[0]) => accountBreakdown(input).map((a) => a.accountName);

  it('when scores differ, then the lowest score comes first', () => {
    expect(
      order({ ...base, scores: { '1': 90, '2': 40, '3': 75 }, accountNames: { '1': 'a', '2': 'b', '3': 'c' } }),
    ).toEqual(['b', 'c', 'a']);
  });

  it('when scores tie, then more critical, then more high … findings come first, and then the name', () => {
    const open = [
      { accountId: '1', open: counts({ critical: 1 }) },
      { accountId: '2', open: counts({ critical: 1, high: 3 }) },
      { accountId: '3', open: counts({ high: 9, medium: 9 }) },
      { accountId: '4', open: counts({ critical: 1, high: 3, low: 1 }) },
      { accountId: '5', open: counts({ critical: 1 }) },
    ];
    const accountNames = { '1': 'zeta', '2': 'beta', '3': 'gamma', '4': 'delta', '5': 'alpha' };
    const scores = { '1': 50, '2': 50, '3': 50, '4': 50, '5': 50 };

    expect(order({ ...base, open, scores, accountNames })).toEqual(['delta', 'beta', 'alpha', 'zeta', 'gamma']);
  });

  it('when an account has no score, then it comes after every scored account', () => {
    const open = [{ accountId: 'hub', open: counts({ critical: 5 }) }];

    expect(order({ ...base, open, scores: { good: 99, hub: null }, accountNames: {} })).toEqual(['good', 'hub']);
  });

  it('when an account in scope has nothing open and no changes, then it still gets a zero line named by its id', () => {
    expect(accountBreakdown({ ...base, accountIds: ['333333333333'] })).toEqual([
      {
        accountId: '333333333333',
        accountName: '333333333333',
        score: null,
        open: zeroCounts(),
        opened: 0,
        resolved: 0,
      },
    ]);
  });

  it('when the run opened and resolved findings, then each account counts its own', () => {
    const [line] = accountBreakdown({
      ...base,
      accountIds: ['1'],
      scores: { '1': 80 },
      open: [{ accountId: '1', open: counts({ high: 2 }) }],
      opened: [{ accountId: '1' }, { accountId: '1' }, { accountId: '2' }],
      resolved: [{ accountId: '1' }],
      accountNames: { '1': 'prod' },
    });

    expect(line).toEqual({
      accountId: '1',
      accountName: 'prod',
      score: 80,
      open: counts({ high: 2 }),
      opened: 2,
      resolved: 1,
    });
  });
});
