import { renderConjunction, renderTerm, termKey, type Conjunction, type FilterTerm } from './ast';
import { toDnf } from './dnf';
import { termImplies } from './implication';
import { memoised } from './memo';
import { parseFilterPattern } from './parse';
import { shapeOf } from './value';

/**
 * Whether a metric filter pattern "covers" a required pattern: every event the required pattern matches,
 * the filter matches too. Decided on both patterns in DNF:
 *
 * - a filter disjunct F covers a required disjunct R when every term of F is implied by some term of R
 *   (so any event matching R passes all of F), or is one of the requirement's allowed narrowings;
 * - the filter covers the requirement when every required disjunct is covered by some filter disjunct.
 *
 * Extra filter disjuncts only widen (fine); an extra term inside a disjunct narrows (not fine) unless
 * allowed; a missing disjunct, a `!=` for an `=`, a typo in a field or a value leaves a required disjunct
 * uncovered. The test is sound (a `covers: true` is proven, allowed narrowings aside) and conservative:
 * an equivalent filter it cannot prove term by term does not cover. One rule goes beyond "matches every
 * required event": the covering disjunct must single events out (see `isSelective`), or a catch-all such
 * as `{ $.eventName = * }` would pass 4.4, 4.5 and 4.10–4.14 with one alarm that fires on everything.
 */

export interface MonitoringRequirement {
  /** A JSON filter pattern; a filter must match every event this pattern matches. */
  pattern: string;
  /**
   * Single-term JSON patterns (`{ $.eventSource = iam.amazonaws.com }`) that a filter may AND onto its
   * conditions without failing: narrowings the benchmark itself shows or sanctions. A term that matches
   * no fewer events than one of these is allowed too.
   */
  allowedNarrowings: readonly string[];
}

export type Coverage =
  | { covers: true }
  | {
      covers: false;
      /** One sentence, for the finding: what is missing or what narrows it, or why the pattern is unreadable. */
      reason: string;
      /** The required disjuncts nothing in the filter matches in full, as pattern text (empty when unreadable). */
      missing: string[];
      /** Terms of the filter's closest disjuncts that exclude required events. */
      narrowing: string[];
      /** Filter disjuncts that match the missing events only because they match nearly everything. */
      catchAll: string[];
    };

/**
 * Whether a term singles events out: an `=` on a specific value (or a null/boolean test). A filter
 * disjunct made only of `!=`, `NOT EXISTS`, `= *` or numeric ranges matches nearly every CloudTrail event;
 * an alarm on it pages on everything, so it is not monitoring of the required events even though it
 * "matches" them. Such a disjunct may be present (it only widens) but never counts as the one that covers.
 */
const isSelective = (t: FilterTerm): boolean => {
  switch (t.kind) {
    case 'string': {
      if (t.op !== '=') return false;
      const shape = shapeOf(t.value);
      return !(shape.kind === 'glob' && shape.core === '');
    }
    case 'number':
    case 'regex':
      return t.op === '=';
    case 'postfix':
      return t.op !== 'NOT EXISTS';
  }
};

/** How many missing disjuncts a reason names before "and N more". */
const NAMED_IN_REASON = 4;

type Readable = { ok: true; conjunctions: Conjunction[] } | { ok: false; reason: string };

const read = (pattern: string): Readable => {
  const parsed = parseFilterPattern(pattern);
  if (!parsed.ok) return { ok: false, reason: parsed.reason };
  return toDnf(parsed.expr);
};

const readNarrowings = (patterns: readonly string[]): FilterTerm[] | null => {
  const terms: FilterTerm[] = [];
  for (const p of patterns) {
    const dnf = read(p);
    const only = dnf.ok && dnf.conjunctions.length === 1 ? dnf.conjunctions[0] : undefined;
    if (only?.length !== 1) return null;
    terms.push(only[0] as FilterTerm);
  }
  return terms;
};

const unreadable = (reason: string): Coverage => ({
  covers: false,
  reason,
  missing: [],
  narrowing: [],
  catchAll: [],
});

const listed = (items: string[]): string => {
  const named = items.slice(0, NAMED_IN_REASON).map((s) => `\`${s}\``);
  const more = items.length - named.length;
  return more > 0 ? `${named.join(', ')} and ${more} more` : named.join(', ');
};

const judgeCoverage = (filterPattern: string, requirement: MonitoringRequirement): Coverage => {
  const required = read(requirement.pattern);
  const allowed = readNarrowings(requirement.allowedNarrowings);
  // A requirement is a constant in this repository; unreadable means a bug, reported rather than thrown.
  if (!required.ok || allowed === null)
    return unreadable('the required pattern itself cannot be read (a cloudsec bug)');
  const filter = read(filterPattern);
  if (!filter.ok) return unreadable(filter.reason);

  const acceptable = (f: FilterTerm, r: Conjunction) =>
    r.some((t) => termImplies(t, f)) || allowed.some((a) => termImplies(a, f));
  /** The filter's terms that keep it from matching every event of `r`. */
  const blocking = (fc: Conjunction, r: Conjunction) => fc.filter((f) => !acceptable(f, r));

  const missing: Conjunction[] = [];
  const narrowing = new Map<string, string>();
  const catchAll = new Map<string, string>();
  for (const r of required.conjunctions) {
    const gaps = filter.conjunctions.map((fc) => ({ fc, blockers: blocking(fc, r), selective: fc.some(isSelective) }));
    if (gaps.some((g) => g.blockers.length === 0 && g.selective)) continue;
    missing.push(r);
    for (const g of gaps) if (g.blockers.length === 0) catchAll.set(renderConjunction(g.fc), renderConjunction(g.fc));
    // Name what narrows only when a disjunct shares something with `r`; otherwise nothing is "close".
    const close = gaps.filter((g) => g.selective && g.blockers.length < g.fc.length);
    const fewest = Math.min(...close.map((g) => g.blockers.length));
    for (const g of close) {
      if (g.blockers.length === fewest) for (const b of g.blockers) narrowing.set(termKey(b), renderTerm(b));
    }
  }
  if (missing.length === 0) return { covers: true };

  const missingText = missing.map(renderConjunction);
  const narrowingText = [...narrowing.values()];
  const catchAllText = [...catchAll.values()];
  const clauses = [`the filter pattern does not match all required events: it misses ${listed(missingText)}`];
  if (narrowingText.length > 0) {
    clauses.push(`its closest condition also requires ${listed(narrowingText)}, which excludes some of them`);
  }
  if (catchAllText.length > 0) {
    clauses.push(
      `${listed(catchAllText)} matches them only as part of nearly every event (no \`=\` on a specific value), which is no alarm on them`,
    );
  }
  return {
    covers: false,
    reason: clauses.join('; '),
    missing: missingText,
    narrowing: narrowingText,
    catchAll: catchAllText,
  };
};

/**
 * Whether the filter pattern matches every event the requirement's pattern matches (and matches them
 * selectively), or what it misses. Memoised on the texts (memo.ts): the answer is frozen.
 */
export const coversCisPattern: (filterPattern: string, requirement: MonitoringRequirement) => Coverage = memoised(
  (filterPattern, requirement) =>
    // Length-prefixed, so no pattern's text can pass for another's.
    [requirement.pattern, ...requirement.allowedNarrowings, filterPattern].map((s) => `${s.length}:${s}`).join(''),
  judgeCoverage,
);
