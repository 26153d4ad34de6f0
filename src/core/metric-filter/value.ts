/**
 * What a string value of a JSON filter term matches. AWS documents `*` as a wildcard "at, before, or
 * after a search term" (`*Event`, `Event*`), and says `Ev*ent` "will only match the actual string
 * Ev*ent" (Filter and Pattern Syntax). Two things the page leaves open, and how we stay safe:
 *
 * - whether an edge `*` may match nothing (`Event*` vs `Event`): every containment below must hold
 *   both when a `*` matches zero or more characters and when it matches one or more;
 * - a `*` anywhere else (older text: a literal; readers may expect a glob): such a value is `opaque`
 *   and only an identical value is known to match the same strings.
 *
 * Matching is case-sensitive ("Metric filters are case sensitive").
 */

export type ValueShape =
  | { kind: 'exact'; text: string }
  /** `*core`, `core*` or `*core*` (core may be empty: `*` matches any value). */
  | { kind: 'glob'; leading: boolean; core: string; trailing: boolean }
  | { kind: 'opaque'; text: string };

export const shapeOf = (text: string): ValueShape => {
  if (!text.includes('*')) return { kind: 'exact', text };
  const leading = text.startsWith('*');
  const rest = leading ? text.slice(1) : text;
  const trailing = rest.endsWith('*');
  const core = trailing ? rest.slice(0, -1) : rest;
  return core.includes('*') ? { kind: 'opaque', text } : { kind: 'glob', leading, core, trailing };
};

/** `0`: a `*` matches zero or more characters; `1`: one or more. Both readings are checked. */
type StarMinimum = 0 | 1;
const READINGS: readonly StarMinimum[] = [0, 1];

/** Whether the shape matches the string `s` under one reading. */
export const shapeMatches = (shape: ValueShape, s: string, m: StarMinimum = 0): boolean => {
  if (shape.kind !== 'glob') return s === shape.text;
  const { leading, core, trailing } = shape;
  if (leading && !trailing) return s.endsWith(core) && s.length - core.length >= m;
  if (!leading && trailing) return s.startsWith(core) && s.length - core.length >= m;
  // `*core*`: some occurrence with at least m characters on either side.
  if (core === '') return s.length >= 2 * m;
  for (let i = s.indexOf(core, m); i !== -1; i = s.indexOf(core, i + 1)) {
    if (s.length - i - core.length >= m) return true;
  }
  return false;
};

type Glob = Extract<ValueShape, { kind: 'glob' }>;

const shortest = (g: Glob, m: StarMinimum): number => g.core.length + m * ((g.leading ? 1 : 0) + (g.trailing ? 1 : 0));

/**
 * Every string `a` matches, `b` matches, under one reading. Complete for globs: when `a` has a `*` that
 * can be any text, `b` must hold whatever that text is, which only a fixed part of `a` can guarantee.
 */
const globWithinGlob = (a: Glob, b: Glob, m: StarMinimum): boolean => {
  const { core: ca } = a;
  const { core: cb } = b;
  if (b.leading && !b.trailing) {
    if (cb === '') return shortest(a, m) >= m;
    return !a.trailing && ca.endsWith(cb);
  }
  if (!b.leading && b.trailing) {
    if (cb === '') return shortest(a, m) >= m;
    return !a.leading && ca.startsWith(cb);
  }
  if (cb === '') return shortest(a, m) >= 2 * m;
  for (let i = ca.indexOf(cb); i !== -1; i = ca.indexOf(cb, i + 1)) {
    const before = (a.leading ? m : 0) + i;
    const after = (a.trailing ? m : 0) + ca.length - i - cb.length;
    if (before >= m && after >= m) return true;
  }
  return false;
};

/** Whether every string `a` matches is matched by `b`, whichever way AWS reads `*`. */
export const shapeWithin = (a: ValueShape, b: ValueShape): boolean => {
  if (a.kind === 'opaque' || b.kind === 'opaque')
    return a.kind === 'opaque' && b.kind === 'opaque' && a.text === b.text;
  if (a.kind === 'exact') return READINGS.every((m) => shapeMatches(b, a.text, m));
  if (b.kind === 'exact') return false;
  return READINGS.every((m) => globWithinGlob(a, b, m));
};

/**
 * Whether no string is matched by both. Checked with `*` matching zero or more characters, the wider
 * reading: disjoint there means disjoint under the narrower one too.
 */
export const shapesDisjoint = (a: ValueShape, b: ValueShape): boolean => {
  if (a.kind === 'opaque' || b.kind === 'opaque') return false;
  if (a.kind === 'exact') return !shapeMatches(b, a.text);
  if (b.kind === 'exact') return !shapeMatches(a, b.text);
  const prefixOnly = (g: Glob) => !g.leading && g.trailing;
  const suffixOnly = (g: Glob) => g.leading && !g.trailing;
  if (prefixOnly(a) && prefixOnly(b)) return !a.core.startsWith(b.core) && !b.core.startsWith(a.core);
  if (suffixOnly(a) && suffixOnly(b)) return !a.core.endsWith(b.core) && !b.core.endsWith(a.core);
  // A prefix and a suffix, or anything with `*core*`, always share a string (`prefix + suffix`).
  return false;
};
