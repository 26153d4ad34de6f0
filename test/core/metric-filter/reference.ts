import fc from 'fast-check';
import type { Conjunction, FilterExpr, FilterTerm } from '../../../src/core/metric-filter-pattern';

/**
 * A reference reading of JSON filter patterns on flat events, written independently of the matcher (regexes
 * instead of shape reasoning) so that properties can check the matcher's "covers" against actual matching.
 * Where AWS's documentation leaves a choice open, a Reading fixes it; "covers" must hold under all of them.
 */
export interface Reading {
  /** Characters an edge `*` must match at least. */
  starMinimum: 0 | 1;
  /** A `*` inside a value: a literal (the older docs) or a wildcard. */
  interiorStar: 'literal' | 'glob';
  /** Whether `!=` matches an event without the field (the docs and tests say no; checked both ways). */
  notEqualMatchesMissing: boolean;
}

export const READINGS: Reading[] = [0, 1].flatMap((starMinimum) =>
  (['literal', 'glob'] as const).flatMap((interiorStar) =>
    [false, true].map((notEqualMatchesMissing) => ({
      starMinimum: starMinimum as 0 | 1,
      interiorStar,
      notEqualMatchesMissing,
    })),
  ),
);

/** selector text → string value; an absent key is a missing field. */
export type FlatEvent = Record<string, string>;

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const regexCache = new Map<string, RegExp>();
const valueRegex = (value: string, r: Reading): RegExp => {
  const key = `${r.starMinimum}${r.interiorStar}\u0000${value}`;
  const cached = regexCache.get(key);
  if (cached) return cached;
  const built = buildRegex(value, r);
  regexCache.set(key, built);
  return built;
};

const buildRegex = (value: string, r: Reading): RegExp => {
  const leading = value.startsWith('*');
  const rest = leading ? value.slice(1) : value;
  const trailing = rest.endsWith('*');
  const core = trailing ? rest.slice(0, -1) : rest;
  const edge = `.{${r.starMinimum},}`;
  const middle = core
    .split('*')
    .map(escape)
    .join(r.interiorStar === 'glob' ? '.*' : '\\*');
  return new RegExp(`^${leading ? edge : ''}${middle}${trailing ? edge : ''}$`, 's');
};

const termMatches = (t: FilterTerm, event: FlatEvent, r: Reading): boolean => {
  const v = Object.prototype.hasOwnProperty.call(event, t.selector) ? event[t.selector] : undefined;
  if (t.kind === 'postfix') return t.op === 'NOT EXISTS' ? v === undefined : false;
  if (t.kind !== 'string') throw new Error(`the reference reads string and postfix terms only, not ${t.kind}`);
  if (v === undefined) return t.op === '!=' && r.notEqualMatchesMissing;
  const hit = valueRegex(t.value, r).test(v);
  return t.op === '=' ? hit : !hit;
};

export const exprMatches = (e: FilterExpr, event: FlatEvent, r: Reading): boolean => {
  if (e.type === 'term') return termMatches(e.term, event, r);
  return e.type === 'and'
    ? e.operands.every((o) => exprMatches(o, event, r))
    : e.operands.some((o) => exprMatches(o, event, r));
};

// ------------------------------------------------------------------- writing patterns, varied

const UNQUOTED = /^[A-Za-z0-9_.*:/+-]+$/;
const NUMERIC = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** How to write a term: values quoted or bare where bare is allowed, spaces around the operator or not. */
export interface Style {
  quote: boolean;
  spaced: boolean;
  parenthesise: boolean;
}
export const styleArb: fc.Arbitrary<Style> = fc.record({
  quote: fc.boolean(),
  spaced: fc.boolean(),
  parenthesise: fc.boolean(),
});

export const writeTerm = (t: FilterTerm, s: Style): string => {
  let text: string;
  if (t.kind === 'string') {
    const bare = !s.quote && UNQUOTED.test(t.value) && !NUMERIC.test(t.value);
    const value = bare ? t.value : quote(t.value);
    text = s.spaced ? `${t.selector} ${t.op} ${value}` : `${t.selector}${t.op}${value}`;
  } else if (t.kind === 'postfix') {
    text = `${t.selector} ${t.op}`;
  } else if (t.kind === 'number') {
    text = `${t.selector} ${t.op} ${t.text}`;
  } else {
    text = `${t.selector} ${t.op} %${t.regex}%`;
  }
  return s.parenthesise ? `(${text})` : text;
};

/** A DNF written back as a pattern, each term in its own style. */
export const writeDnf = (conjunctions: readonly Conjunction[], styles: readonly Style[]): string => {
  let n = 0;
  const next = () => styles[n++ % styles.length] ?? { quote: true, spaced: true, parenthesise: true };
  return `{ ${conjunctions.map((c) => `(${c.map((t) => writeTerm(t, next())).join(' && ')})`).join(' || ')} }`;
};

/** A random permutation of `items`, driven by fast-check. */
export const shuffled = <T>(items: readonly T[]): fc.Arbitrary<T[]> =>
  fc.array(fc.nat(), { minLength: items.length, maxLength: items.length }).map((keys) =>
    items
      .map((item, i) => ({ item, key: keys[i] ?? 0 }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.item),
  );
