import { termKey, type FilterTerm } from './ast';
import { shapeOf, shapesDisjoint, shapeWithin } from './value';

/**
 * `termImplies(t, u)`: every log event that term `t` matches, term `u` matches too. Only what can be
 * proven from AWS's documented semantics is `true`; everything else is `false`, which can only make a
 * filter fail to cover, never pass wrongly.
 *
 * Facts used (Filter and Pattern Syntax):
 * - selectors are case-sensitive paths; different paths say nothing about each other;
 * - `sel = v` matches only when `sel` holds a value matching `v` (so the field is present);
 * - a selector on a missing field, an array or an object matches neither `=` nor `!=` ("both
 *   {$.users = 1} and {$.users != 1} will fail to match"; a metric filter's test shows the same for a
 *   missing field, DataBiosphere/azul#5884): `!=` is not "everything else", so `sel != w`
 *   implies nothing about `=` terms or presence, and is implied only by a present value outside `w`, or
 *   by `sel != w2` with `w` matching no more than `w2`;
 * - `IS NULL`, `NOT EXISTS`, `IS TRUE/FALSE`, numbers and `%regex%` values: only the identical term
 *   (regex and numeric reasoning would add risk for no CIS pattern that needs it).
 */
export const termImplies = (t: FilterTerm, u: FilterTerm): boolean => {
  if (t.selector !== u.selector) return false;
  if (termKey(t) === termKey(u)) return true;
  if (t.kind !== 'string' || u.kind !== 'string') return false;
  const tv = shapeOf(t.value);
  const uv = shapeOf(u.value);
  if (t.op === '=' && u.op === '=') return shapeWithin(tv, uv);
  if (t.op === '=' && u.op === '!=') return shapesDisjoint(tv, uv);
  if (t.op === '!=' && u.op === '!=') return shapeWithin(uv, tv);
  return false;
};
