import { memoised } from '../../../src/core/metric-filter/memo';
import { coversCisPattern, filterPatternDnf } from '../../../src/core/metric-filter-pattern';

describe('memoised pattern judgements', () => {
  it('computes once per key and hands every caller the same frozen answer', () => {
    let calls = 0;
    const f = memoised(
      (a: string) => a,
      (a: string) => {
        calls += 1;
        return { a, list: [a] };
      },
    );
    const first = f('x');
    expect(f('x')).toBe(first);
    expect(calls).toBe(1);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.list)).toBe(true);
    expect(() => first.list.push('y')).toThrow(TypeError);
    f('y');
    expect(calls).toBe(2);
  });

  it('keeps a bounded table: ever-new keys are computed again, never held without end', () => {
    let calls = 0;
    const f = memoised(
      (n: number) => String(n),
      (n: number) => {
        calls += 1;
        return n;
      },
    );
    for (let i = 0; i < 5_000; i += 1) f(i);
    expect(calls).toBe(5_000);
    calls = 0;
    f(0); // long since dropped
    expect(calls).toBe(1);
    f(4_999); // the latest are kept
    expect(calls).toBe(1);
  });

  it('remembers undefined and other falsy answers too', () => {
    let calls = 0;
    const f = memoised(
      (a: string) => a,
      () => {
        calls += 1;
        return undefined;
      },
    );
    f('k');
    f('k');
    expect(calls).toBe(1);
  });

  it('tells requirements apart by every text they hold, so a shared answer is never another pattern’s', () => {
    const required = {
      pattern: '{ ($.eventName = CreateTrail) || ($.eventName = DeleteTrail) }',
      allowedNarrowings: [],
    };
    const narrowed = { ...required, allowedNarrowings: ['{ $.eventSource = cloudtrail.amazonaws.com }'] };
    const filter =
      '{ ($.eventSource = cloudtrail.amazonaws.com) && (($.eventName = CreateTrail) || ($.eventName = DeleteTrail)) }';
    expect(coversCisPattern(filter, required).covers).toBe(false);
    expect(coversCisPattern(filter, narrowed).covers).toBe(true);
    expect(coversCisPattern(filter, required).covers).toBe(false);
    // Same texts split differently between requirement and filter are different questions.
    expect(
      coversCisPattern('{ $.eventName = CreateTrail }', {
        pattern: '{ $.eventName = CreateTrail }',
        allowedNarrowings: [],
      }).covers,
    ).toBe(true);
    expect(
      coversCisPattern('{ $.eventName = CreateTrai }', {
        pattern: '{ $.eventName = CreateTrail }',
        allowedNarrowings: [],
      }).covers,
    ).toBe(false);
  });

  it('an unreadable pattern stays unreadable on the second asking', () => {
    const first = filterPatternDnf('{ $.eventName = ');
    expect(first.ok).toBe(false);
    expect(filterPatternDnf('{ $.eventName = ')).toBe(first);
  });
});
