import { termKey, type Conjunction, type FilterExpr, type FilterTerm } from './ast';

/**
 * Disjunctive normal form: the pattern as an OR of ANDs of terms, which is what coverage is decided on.
 * `&&` over `||` multiplies out, so the expansion is capped: a pattern whose DNF would exceed the cap is
 * reported as unreadable rather than half-evaluated or guessed at.
 */

export const MAX_CONJUNCTIONS = 256;

export type Dnf = { ok: true; conjunctions: Conjunction[] } | { ok: false; reason: string };

class TooLarge extends Error {}

const dedupeTerms = (terms: readonly FilterTerm[]): Conjunction => {
  const seen = new Map<string, FilterTerm>();
  for (const t of terms) if (!seen.has(termKey(t))) seen.set(termKey(t), t);
  return [...seen.values()];
};

const conjunctionKey = (c: Conjunction): string => c.map(termKey).sort().join('\u0001');

const dedupeConjunctions = (cs: readonly Conjunction[]): Conjunction[] => {
  const seen = new Map<string, Conjunction>();
  for (const c of cs) if (!seen.has(conjunctionKey(c))) seen.set(conjunctionKey(c), c);
  return [...seen.values()];
};

const expand = (expr: FilterExpr): Conjunction[] => {
  switch (expr.type) {
    case 'term':
      return [[expr.term]];
    case 'or': {
      const all = dedupeConjunctions(expr.operands.flatMap(expand));
      if (all.length > MAX_CONJUNCTIONS) throw new TooLarge();
      return all;
    }
    case 'and': {
      let product: Conjunction[] = [[]];
      for (const operand of expr.operands) {
        const alternatives = expand(operand);
        if (product.length * alternatives.length > MAX_CONJUNCTIONS) throw new TooLarge();
        product = dedupeConjunctions(
          product.flatMap((left) => alternatives.map((right) => dedupeTerms([...left, ...right]))),
        );
      }
      return product;
    }
  }
};

export const toDnf = (expr: FilterExpr): Dnf => {
  try {
    return { ok: true, conjunctions: expand(expr) };
  } catch (err) {
    if (err instanceof TooLarge) {
      return { ok: false, reason: `the filter pattern expands to more than ${MAX_CONJUNCTIONS} alternatives` };
    }
    return { ok: false, reason: 'the filter pattern cannot be normalised' };
  }
};
