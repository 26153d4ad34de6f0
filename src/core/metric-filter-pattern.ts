/**
 * CloudWatch Logs JSON metric filter patterns: parse them, normalise them, and decide whether one
 * "covers" a required pattern (CIS AWS Foundations section 4). Pure. The pieces live in
 * `src/core/metric-filter/`; this module is the one to import.
 *
 *   parseFilterPattern('{ $.eventName = CreateTrail || … }')  → { ok: true, expr } | { ok: false, notJson, reason }
 *   filterPatternDnf(pattern)                                → { ok: true, conjunctions } | { ok: false, reason }
 *   coversCisPattern(filterPattern, requirement)             → { covers: true } | { covers: false, reason, … }
 */
import { type Conjunction } from './metric-filter/ast';
import { toDnf } from './metric-filter/dnf';
import { memoised } from './metric-filter/memo';
import { parseFilterPattern } from './metric-filter/parse';

export {
  renderConjunction,
  renderDnf,
  renderTerm,
  termKey,
  type ComparisonOperator,
  type Conjunction,
  type FilterExpr,
  type FilterTerm,
  type PostfixOperator,
} from './metric-filter/ast';
export { coversCisPattern, type Coverage, type MonitoringRequirement } from './metric-filter/coverage';
export { MAX_CONJUNCTIONS } from './metric-filter/dnf';
export { termImplies } from './metric-filter/implication';
export { MAX_NESTING, MAX_PATTERN_LENGTH, parseFilterPattern, type ParsedPattern } from './metric-filter/parse';

/** A pattern straight to its disjunctive normal form, or the reason it cannot be read. Never throws. Memoised (frozen). */
export const filterPatternDnf: (
  pattern: string,
) => { ok: true; conjunctions: Conjunction[] } | { ok: false; notJson: boolean; reason: string } = memoised(
  (pattern) => pattern,
  (pattern) => {
    const parsed = parseFilterPattern(pattern);
    if (!parsed.ok) return parsed;
    const dnf = toDnf(parsed.expr);
    return dnf.ok ? dnf : { ok: false, notJson: false, reason: dnf.reason };
  },
);
