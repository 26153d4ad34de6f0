import fc from 'fast-check';
import { CIS_MONITORING_CONTROLS } from '../../../src/core/cis-monitoring';
import {
  coversCisPattern,
  filterPatternDnf,
  parseFilterPattern,
  renderConjunction,
  renderTerm,
  termImplies,
  type Conjunction,
  type FilterTerm,
} from '../../../src/core/metric-filter-pattern';
import { READINGS, exprMatches, shuffled, styleArb, writeDnf, type FlatEvent } from './reference';

const dnfOf = (pattern: string): Conjunction[] => {
  const dnf = filterPatternDnf(pattern);
  if (!dnf.ok) throw new Error(`unreadable: ${pattern}: ${dnf.reason}`);
  return dnf.conjunctions;
};

const CONTROLS = CIS_MONITORING_CONTROLS.map((c) => ({ ...c, dnf: dnfOf(c.requirement.pattern) }));
const MULTI = CONTROLS.filter((c) => c.dnf.length >= 2);
const control = fc.constantFrom(...CONTROLS);

/** Selectors no requirement or allowed narrowing uses: a term on one can only narrow. */
const freshTerm: fc.Arbitrary<FilterTerm> = fc.oneof(
  fc.record({
    kind: fc.constant('string' as const),
    selector: fc.constantFrom('$.userIdentity.arn', '$.awsRegion', '$.requestParameters.bucketName', '$.tags[0].key'),
    op: fc.constantFrom('=' as const, '!=' as const),
    value: fc.oneof(fc.stringMatching(/^[A-Za-z0-9*._:-]{0,12}$/), fc.string({ maxLength: 12 })),
  }),
  fc.record({
    kind: fc.constant('postfix' as const),
    selector: fc.constantFrom('$.userIdentity.sessionContext.sourceIdentity', '$.errorMessage', '$.awsRegion'),
    op: fc.constantFrom('IS NULL' as const, 'NOT EXISTS' as const, 'IS TRUE' as const, 'IS FALSE' as const),
  }),
  fc.record({
    kind: fc.constant('number' as const),
    selector: fc.constant('$.responseElements.code'),
    op: fc.constantFrom('=' as const, '!=' as const, '<' as const, '>=' as const),
    value: fc.constant(5),
    text: fc.constant('5'),
  }),
);

/** Any term at all, including ones on the requirement's own selectors. */
const anyTerm: fc.Arbitrary<FilterTerm> = fc.oneof(
  freshTerm,
  fc.record({
    kind: fc.constant('string' as const),
    selector: fc.constantFrom('$.eventName', '$.eventSource', '$.errorCode'),
    op: fc.constantFrom('=' as const, '!=' as const),
    value: fc.stringMatching(/^[A-Za-z*]{1,10}$/),
  }),
);

const styles = fc.array(styleArb, { minLength: 1, maxLength: 8 });

describe('coversCisPattern on the CIS requirements (properties)', () => {
  it('when the requirement is rewritten (disjuncts and terms reordered, quotes, spaces, parentheses), then it still covers', () => {
    fc.assert(
      fc.property(
        control.chain((c) =>
          fc.tuple(
            fc.constant(c),
            shuffled(c.dnf).chain((cs) => fc.tuple(...cs.map((conj) => shuffled(conj)))),
            styles,
          ),
        ),
        ([c, conjunctions, style]) => {
          expect(coversCisPattern(writeDnf(conjunctions, style), c.requirement)).toEqual({ covers: true });
        },
      ),
    );
  });

  it('when any one required disjunct is dropped, then the filter no longer covers and names it', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...MULTI).chain((c) => fc.tuple(fc.constant(c), fc.nat(c.dnf.length - 1), styles)),
        ([c, dropped, style]) => {
          const rest = c.dnf.filter((_, i) => i !== dropped);
          const result = coversCisPattern(writeDnf(rest, style), c.requirement);
          expect(result.covers).toBe(false);
          if (!result.covers) expect(result.missing).toEqual([renderConjunction(c.dnf[dropped] as Conjunction)]);
        },
      ),
    );
  });

  it('when disjuncts of any terms are added, then it still covers (they only widen)', () => {
    fc.assert(
      fc.property(
        control.chain((c) =>
          fc.tuple(
            fc.constant(c),
            fc.array(fc.array(anyTerm, { minLength: 1, maxLength: 3 }), { minLength: 1, maxLength: 3 }),
            fc.nat(),
            styles,
          ),
        ),
        ([c, extra, at, style]) => {
          const position = at % (c.dnf.length + 1);
          const widened = [...c.dnf.slice(0, position), ...extra, ...c.dnf.slice(position)];
          expect(coversCisPattern(writeDnf(widened, style), c.requirement)).toEqual({ covers: true });
        },
      ),
    );
  });

  it('when a condition the control does not allow is ANDed onto a required disjunct, then it no longer covers', () => {
    fc.assert(
      fc.property(
        control.chain((c) => fc.tuple(fc.constant(c), fc.nat(c.dnf.length - 1), freshTerm, styles)),
        ([c, target, narrowing, style]) => {
          const narrowed = c.dnf.map((conj, i) => (i === target ? [...conj, narrowing] : conj));
          const result = coversCisPattern(writeDnf(narrowed, style), c.requirement);
          expect(result.covers).toBe(false);
          if (!result.covers) expect(result.missing).toEqual([renderConjunction(c.dnf[target] as Conjunction)]);
        },
      ),
    );
  });
});

// ------------------------------------------------------------------- soundness against actual matching

const SELECTORS = ['$.a', '$.b'];
const VALUES = ['X', 'Y', 'XY', 'YX', 'X*', '*X', '*X*', '*', 'X*Y', 'XX', 'Y*', ''];
const EVENT_VALUES = [undefined, '', 'X', 'Y', 'XY', 'YX', 'XX', 'XZY', 'X*Y', 'ZX', 'XZ', 'YY'];
/** Every combination of the two fields: a finite world in which "covers" can be checked exhaustively. */
const EVENTS: FlatEvent[] = EVENT_VALUES.flatMap((a) =>
  EVENT_VALUES.map((b) => {
    const event: FlatEvent = {};
    if (a !== undefined) event['$.a'] = a;
    if (b !== undefined) event['$.b'] = b;
    return event;
  }),
);

const smallTerm = fc
  .oneof(
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...SELECTORS),
        fc.constantFrom('=', '=', '!='),
        fc.constantFrom(...VALUES),
        fc.boolean(),
      ),
      weight: 5,
    },
    {
      arbitrary: fc.tuple(
        fc.constantFrom(...SELECTORS),
        fc.constant('NOT EXISTS'),
        fc.constant(''),
        fc.constant(false),
      ),
      weight: 1,
    },
  )
  .map(([sel, op, value, bare]) => {
    if (op === 'NOT EXISTS') return `${sel} NOT EXISTS`;
    const written = bare && /^[A-Za-z*]+$/.test(value) ? value : `"${value}"`;
    return `${sel} ${op} ${written}`;
  });
const smallExpr: fc.Arbitrary<string> = fc.letrec<{ expr: string }>((tie) => ({
  expr: fc.oneof(
    { depthSize: 'small', maxDepth: 3, withCrossShrink: true },
    smallTerm,
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((xs) => `(${xs.join(' && ')})`),
    fc.array(tie('expr'), { minLength: 2, maxLength: 3 }).map((xs) => `(${xs.join(' || ')})`),
  ),
})).expr;

const expressionOf = (pattern: string) => {
  const parsed = parseFilterPattern(pattern);
  if (!parsed.ok) throw new Error(`generated an unreadable pattern ${pattern}: ${parsed.reason}`);
  return parsed.expr;
};

/** Exhaustively checks that `filter` matches every event `required` matches, under every reading. */
const expectSound = (required: string, filter: string) => {
  const req = expressionOf(required);
  const fil = expressionOf(filter);
  const missed = READINGS.flatMap((reading) =>
    EVENTS.filter((event) => exprMatches(req, event, reading) && !exprMatches(fil, event, reading)).map((event) => ({
      reading,
      event,
    })),
  );
  expect(missed).toEqual([]);
};

const conjunctionOf = (min: number, max: number) =>
  fc.array(smallTerm, { minLength: min, maxLength: max }).map((ts) => `(${ts.join(' && ')})`);

/** Every term of the small world: two selectors, `=` / `!=` on every value, `NOT EXISTS`. */
const ALL_TERMS: FilterTerm[] = SELECTORS.flatMap((selector) => [
  ...VALUES.flatMap((value) =>
    (['=', '!='] as const).map((op): FilterTerm => ({ kind: 'string', selector, op, value })),
  ),
  { kind: 'postfix', selector, op: 'NOT EXISTS' } as FilterTerm,
]);

describe('termImplies is sound', () => {
  it('when it says one term implies another, then every event matching the first matches the second, under every reading', () => {
    const proven = ALL_TERMS.flatMap((t) => ALL_TERMS.filter((u) => termImplies(t, u)).map((u) => [t, u] as const));
    const wrong = proven.flatMap(([t, u]) =>
      READINGS.flatMap((reading) =>
        EVENTS.filter(
          (event) =>
            exprMatches({ type: 'term', term: t }, event, reading) &&
            !exprMatches({ type: 'term', term: u }, event, reading),
        ).map((event) => ({ t: renderTerm(t), u: renderTerm(u), reading, event })),
      ),
    );
    expect(wrong).toEqual([]);
    // Not vacuous: wildcard containment, `=` ⇒ `!=` and `!=` ⇒ `!=` are all exercised.
    const shown = new Set(proven.map(([t, u]) => `${renderTerm(t)} => ${renderTerm(u)}`));
    for (const expected of [
      '$.a = "XY" => $.a = "X*"',
      '$.a = "X" => $.a != "Y*"',
      '$.a != "X*" => $.a != "XY"',
      '$.a = "*X*" => $.a = "*"',
    ]) {
      expect(shown.has(expected)).toBe(true);
    }
  });
});

describe('coversCisPattern is sound (properties)', () => {
  it('when it says a small random filter covers a small random pattern, then it does under every reading', () => {
    let covered = 0;
    fc.assert(
      fc.property(
        conjunctionOf(1, 2),
        fc.array(conjunctionOf(1, 2), { minLength: 1, maxLength: 3 }),
        (required, disjuncts) => {
          const filter = `{ ${disjuncts.join(' || ')} }`;
          if (!coversCisPattern(filter, { pattern: `{ ${required} }`, allowedNarrowings: [] }).covers) return;
          covered += 1;
          expectSound(`{ ${required} }`, filter);
        },
      ),
      { numRuns: 3000 },
    );
    // Random pairs are proven to cover often enough for the property to bite (~90 in 3000 runs).
    expect(covered).toBeGreaterThan(40);
  });

  it('when it says a filter covers a nested pattern, then every event the pattern matches, the filter matches, under every reading', () => {
    let covered = 0;
    fc.assert(
      fc.property(smallExpr, smallExpr, fc.constantFrom('random', 'widened', 'same'), (required, other, relation) => {
        const filter = relation === 'random' ? other : relation === 'widened' ? `(${required} || ${other})` : required;
        const verdict = coversCisPattern(`{ ${filter} }`, { pattern: `{ ${required} }`, allowedNarrowings: [] });
        if (!verdict.covers) return;
        covered += 1;
        expectSound(`{ ${required} }`, `{ ${filter} }`);
      }),
      { numRuns: 300 },
    );
    // Not vacuous: identical and widened filters are proven to cover (when they single events out), ~100 runs in 300.
    expect(covered).toBeGreaterThan(50);
  });
});

// ------------------------------------------------------------------- robustness

const TOKENS = [
  '{',
  '}',
  '(',
  ')',
  '&&',
  '||',
  '=',
  '!=',
  '<',
  '>=',
  '==',
  '$.a',
  '$.b[0]',
  '$',
  '"x"',
  '"',
  '%re%',
  '%',
  'IS',
  'NULL',
  'NOT',
  'EXISTS',
  'TRUE',
  'x*',
  '*',
  '12',
  '1e3',
  '\\',
  ' ',
  '\n',
  '[',
  ']',
  '?',
  '-',
];

describe('robustness (properties)', () => {
  const requirement = CIS_MONITORING_CONTROLS[0]?.requirement ?? { pattern: '{ $.a = 1 }', allowedNarrowings: [] };

  it('when the filter is any string at all, then nothing throws and a verdict comes back', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), (text) => {
        expect(typeof parseFilterPattern(text).ok).toBe('boolean');
        const verdict = coversCisPattern(text, requirement);
        expect(typeof verdict.covers).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });

  it('when the filter is a soup of pattern tokens, then nothing throws and unreadable ones carry a reason', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...TOKENS), { maxLength: 60 }), (tokens) => {
        const text = `{ ${tokens.join(' ')} }`;
        const parsed = parseFilterPattern(text);
        if (!parsed.ok) expect(parsed.reason.length).toBeGreaterThan(0);
        const verdict = coversCisPattern(text, requirement);
        if (!verdict.covers) expect(verdict.reason.length).toBeGreaterThan(0);
      }),
      { numRuns: 1000 },
    );
  });
});
