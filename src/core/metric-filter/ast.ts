/**
 * The typed shape of a CloudWatch Logs JSON filter pattern (`{ $.eventName = CreateTrail || … }`), as
 * described by AWS's "Filter and Pattern Syntax" page: a SELECTOR (`$.a.b`, `$.a[0]`), an operator and a
 * value, combined with `&&`, `||` and parentheses. Only what the page documents has a node here; anything
 * else is a parse error, so nothing we do not understand can be read as "covers".
 */

/** `=` and `!=` compare strings (with `*` wildcards) and numbers; the others compare numbers only. */
export type ComparisonOperator = '=' | '!=' | '<' | '>' | '<=' | '>=';
/** Operators written after the selector, with no value. */
export type PostfixOperator = 'IS NULL' | 'NOT EXISTS' | 'IS TRUE' | 'IS FALSE';

export type FilterTerm =
  /** A string value, quoted or not (quotes are irrelevant to the match), unescaped; `*` is a wildcard. */
  | { kind: 'string'; selector: string; op: '=' | '!='; value: string }
  /** A `%regex%` value. */
  | { kind: 'regex'; selector: string; op: '=' | '!='; regex: string }
  /** An unquoted number; `text` is how the pattern wrote it. */
  | { kind: 'number'; selector: string; op: ComparisonOperator; value: number; text: string }
  | { kind: 'postfix'; selector: string; op: PostfixOperator };

export type FilterExpr =
  | { type: 'term'; term: FilterTerm }
  /** Two or more operands; nested `and`s are flattened, so redundant parentheses leave no trace. */
  | { type: 'and'; operands: FilterExpr[] }
  | { type: 'or'; operands: FilterExpr[] };

/** A conjunction of terms: one disjunct of a pattern in disjunctive normal form. */
export type Conjunction = readonly FilterTerm[];

const quote = (s: string): string => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** The term as a pattern would write it, values always quoted: used in messages and evidence. */
export const renderTerm = (t: FilterTerm): string => {
  switch (t.kind) {
    case 'string':
      return `${t.selector} ${t.op} ${quote(t.value)}`;
    case 'regex':
      return `${t.selector} ${t.op} %${t.regex}%`;
    case 'number':
      return `${t.selector} ${t.op} ${t.text}`;
    case 'postfix':
      return `${t.selector} ${t.op}`;
  }
};

/**
 * Identity of a term for de-duplication and "same term" tests: quoting does not matter, and numbers
 * compare by value (`1e3` is `1000`).
 */
export const termKey = (t: FilterTerm): string => {
  switch (t.kind) {
    case 'string':
      return `${t.selector}\u0000${t.op}\u0000s\u0000${t.value}`;
    case 'regex':
      return `${t.selector}\u0000${t.op}\u0000r\u0000${t.regex}`;
    case 'number':
      return `${t.selector}\u0000${t.op}\u0000n\u0000${String(t.value)}`;
    case 'postfix':
      return `${t.selector}\u0000${t.op}`;
  }
};

/** `a && b`, parenthesised when it has several terms: readable in a Slack message. */
export const renderConjunction = (c: Conjunction): string =>
  c.length === 1 ? renderTerm(c[0] as FilterTerm) : `(${c.map(renderTerm).join(' && ')})`;

/** A whole pattern from its disjuncts, e.g. to print what CIS asks for. */
export const renderDnf = (conjunctions: readonly Conjunction[]): string =>
  `{ ${conjunctions.map(renderConjunction).join(' || ')} }`;
