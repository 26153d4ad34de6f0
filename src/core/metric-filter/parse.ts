import type { ComparisonOperator, FilterExpr, FilterTerm } from './ast';

/**
 * A parser for CloudWatch Logs JSON filter patterns, written from AWS's "Filter and Pattern Syntax":
 *
 *   pattern    := '{' or '}'
 *   or         := and ('||' and)*          precedence () > && > ||
 *   and        := primary ('&&' primary)*
 *   primary    := '(' or ')' | comparison
 *   comparison := SELECTOR ('=' | '!=') (STRING | "QUOTED" | %REGEX% | NUMBER)
 *               | SELECTOR ('<' | '>' | '<=' | '>=') NUMBER
 *               | SELECTOR ('IS NULL' | 'NOT EXISTS' | 'IS TRUE' | 'IS FALSE')
 *
 * SELECTOR is `$` then `.name` and further `.name` or `[N]` ("alphanumeric strings that also support '-'
 * and '_'"). It never throws: whatever it cannot read is a `{ ok: false }` with a reason, and a pattern it
 * cannot read never counts as monitoring anything. Patterns that are not JSON patterns at all (term,
 * space-delimited `[…]`, `%regex%`, empty) are told apart so that the reason can say so.
 */

export type ParsedPattern = { ok: true; expr: FilterExpr } | { ok: false; notJson: boolean; reason: string };

/** Far beyond any real pattern; it bounds the work a corrupt answer can cause. */
export const MAX_PATTERN_LENGTH = 8192;
/** Parentheses nested deeper than this are refused rather than recursed into. */
export const MAX_NESTING = 32;

type Token =
  | { t: '{' | '}' | '(' | ')' | '&&' | '||'; pos: number }
  | { t: 'op'; op: ComparisonOperator; pos: number }
  | { t: 'selector' | 'quoted' | 'regex' | 'word'; text: string; pos: number };

class PatternError extends Error {}

const SELECTOR = /\$\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+|\[\d+\])*/y;
/**
 * Characters an unquoted value may hold. AWS asks for quotes around anything but alphanumerics, yet its
 * own examples (`123.123.*`) and CIS (`kms.amazonaws.com`) leave dotted values unquoted, so `.`, `*`, `-`,
 * `_`, `:`, `/`, `+` are read too; anything else must be quoted, or the pattern is not read at all.
 */
const WORD = /[A-Za-z0-9_.*:/+-]+/y;
/** "An integer or a decimal with an optional + or - sign", optionally in scientific notation. */
const NUMBER = /^[+-]?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const SINGLE: Record<string, '{' | '}' | '(' | ')'> = { '{': '{', '}': '}', '(': '(', ')': ')' };

const at = (pos: number) => `at character ${pos + 1}`;

const readQuoted = (src: string, start: number): { text: string; end: number } => {
  let text = '';
  for (let i = start + 1; i < src.length; i += 1) {
    const c = src[i] as string;
    if (c === '"') return { text, end: i + 1 };
    if (c === '\\') {
      const next = src[i + 1];
      // Only the escapes a quoted value needs; any other meaning of `\` is not documented.
      if (next !== '"' && next !== '\\') throw new PatternError(`unsupported escape \`\\${next ?? ''}\` ${at(i)}`);
      text += next;
      i += 1;
    } else {
      text += c;
    }
  }
  throw new PatternError(`unterminated quoted value starting ${at(start)}`);
};

const tokenize = (src: string): Token[] => {
  const tokens: Token[] = [];
  let i = 0;
  const sticky = (re: RegExp): string | null => {
    re.lastIndex = i;
    return re.exec(src)?.[0] ?? null;
  };
  while (i < src.length) {
    const c = src[i] as string;
    const two = src.slice(i, i + 2);
    if (/\s/.test(c)) {
      i += 1;
    } else if (SINGLE[c]) {
      tokens.push({ t: SINGLE[c], pos: i });
      i += 1;
    } else if (two === '&&' || two === '||') {
      tokens.push({ t: two, pos: i });
      i += 2;
    } else if (two === '==') {
      throw new PatternError(`\`==\` is not an operator (use \`=\`) ${at(i)}`);
    } else if (two === '!=' || two === '<=' || two === '>=') {
      tokens.push({ t: 'op', op: two, pos: i });
      i += 2;
    } else if (c === '=' || c === '<' || c === '>') {
      tokens.push({ t: 'op', op: c, pos: i });
      i += 1;
    } else if (c === '"') {
      const { text, end } = readQuoted(src, i);
      tokens.push({ t: 'quoted', text, pos: i });
      i = end;
    } else if (c === '%') {
      const end = src.indexOf('%', i + 1);
      if (end === -1) throw new PatternError(`unterminated %regex% starting ${at(i)}`);
      if (end === i + 1) throw new PatternError(`empty %regex% ${at(i)}`);
      tokens.push({ t: 'regex', text: src.slice(i + 1, end), pos: i });
      i = end + 1;
    } else if (c === '$') {
      const selector = sticky(SELECTOR);
      if (selector === null) throw new PatternError(`malformed selector ${at(i)} (expected \`$.name\`)`);
      tokens.push({ t: 'selector', text: selector, pos: i });
      i += selector.length;
    } else {
      const word = sticky(WORD);
      if (word === null)
        throw new PatternError(`unexpected character \`${c}\` ${at(i)} (values with it must be quoted)`);
      tokens.push({ t: 'word', text: word, pos: i });
      i += word.length;
    }
  }
  return tokens;
};

const describeToken = (tok: Token | undefined): string => {
  if (tok === undefined) return 'the end of the pattern';
  if (tok.t === 'op') return `\`${tok.op}\` ${at(tok.pos)}`;
  if ('text' in tok) return `\`${tok.text}\` ${at(tok.pos)}`;
  return `\`${tok.t}\` ${at(tok.pos)}`;
};

/** Recursive descent over the token list; depth is bounded by MAX_NESTING. */
class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }
  private next(): Token | undefined {
    const tok = this.tokens[this.i];
    this.i += 1;
    return tok;
  }
  private expect(t: '{' | '}' | ')', what: string): void {
    const tok = this.next();
    if (tok?.t !== t) throw new PatternError(`expected ${what}, found ${describeToken(tok)}`);
  }
  private isWord(tok: Token | undefined, word: string): boolean {
    return tok?.t === 'word' && tok.text === word;
  }

  pattern(): FilterExpr {
    this.expect('{', '`{`');
    if (this.peek()?.t === '}') throw new PatternError('empty JSON pattern `{ }`');
    const expr = this.or(0);
    this.expect('}', '`&&`, `||` or the closing `}`');
    const rest = this.peek();
    if (rest !== undefined) throw new PatternError(`unexpected ${describeToken(rest)} after the closing \`}\``);
    return expr;
  }

  private or(depth: number): FilterExpr {
    const operands = [this.and(depth)];
    while (this.peek()?.t === '||') {
      this.next();
      operands.push(this.and(depth));
    }
    return combine('or', operands);
  }

  private and(depth: number): FilterExpr {
    const operands = [this.primary(depth)];
    while (this.peek()?.t === '&&') {
      this.next();
      operands.push(this.primary(depth));
    }
    return combine('and', operands);
  }

  private primary(depth: number): FilterExpr {
    const tok = this.next();
    if (tok?.t === '(') {
      if (depth >= MAX_NESTING) throw new PatternError(`parentheses nested deeper than ${MAX_NESTING} ${at(tok.pos)}`);
      const inner = this.or(depth + 1);
      this.expect(')', '`)`');
      return inner;
    }
    if (tok?.t !== 'selector')
      throw new PatternError(`expected a \`$.\` selector or \`(\`, found ${describeToken(tok)}`);
    return { type: 'term', term: this.comparison(tok.text) };
  }

  private comparison(selector: string): FilterTerm {
    const tok = this.next();
    if (this.isWord(tok, 'IS')) {
      const what = this.next();
      if (this.isWord(what, 'NULL')) return { kind: 'postfix', selector, op: 'IS NULL' };
      if (this.isWord(what, 'TRUE')) return { kind: 'postfix', selector, op: 'IS TRUE' };
      if (this.isWord(what, 'FALSE')) return { kind: 'postfix', selector, op: 'IS FALSE' };
      throw new PatternError(`expected NULL, TRUE or FALSE after IS, found ${describeToken(what)}`);
    }
    if (this.isWord(tok, 'NOT')) {
      const what = this.next();
      if (this.isWord(what, 'EXISTS')) return { kind: 'postfix', selector, op: 'NOT EXISTS' };
      throw new PatternError(`expected EXISTS after NOT, found ${describeToken(what)}`);
    }
    if (tok?.t !== 'op') throw new PatternError(`expected an operator after ${selector}, found ${describeToken(tok)}`);
    const value = this.next();
    const numeric = value?.t === 'word' && NUMBER.test(value.text);
    if (numeric) return { kind: 'number', selector, op: tok.op, value: Number(value.text), text: value.text };
    if (tok.op !== '=' && tok.op !== '!=') {
      throw new PatternError(`\`${tok.op}\` compares numbers, found ${describeToken(value)}`);
    }
    if (value?.t === 'quoted' || value?.t === 'word')
      return { kind: 'string', selector, op: tok.op, value: value.text };
    if (value?.t === 'regex') return { kind: 'regex', selector, op: tok.op, regex: value.text };
    throw new PatternError(`expected a value after \`${tok.op}\`, found ${describeToken(value)}`);
  }
}

/** One operand stays itself; nested operands of the same kind are flattened (`(a || b) || c`). */
const combine = (type: 'and' | 'or', operands: FilterExpr[]): FilterExpr =>
  operands.length === 1
    ? (operands[0] as FilterExpr)
    : { type, operands: operands.flatMap((o) => (o.type === type ? o.operands : [o])) };

const notJson = (reason: string): ParsedPattern => ({ ok: false, notJson: true, reason });

/** Reads a metric filter's `filterPattern`. Never throws. */
export const parseFilterPattern = (pattern: string): ParsedPattern => {
  if (typeof pattern !== 'string') return { ok: false, notJson: false, reason: 'the filter pattern is not text' };
  const src = pattern.trim();
  if (src === '') return notJson('the filter pattern is empty, so it matches every log event without singling any out');
  if (src.startsWith('[')) return notJson('it is a space-delimited pattern, not a JSON pattern over CloudTrail fields');
  if (src.startsWith('%'))
    return notJson('it is a regular-expression pattern, not a JSON pattern over CloudTrail fields');
  if (!src.startsWith('{')) return notJson('it is a term pattern, not a JSON pattern over CloudTrail fields');
  if (src.length > MAX_PATTERN_LENGTH) {
    return { ok: false, notJson: false, reason: `the filter pattern is longer than ${MAX_PATTERN_LENGTH} characters` };
  }
  try {
    // The untrimmed text, so that positions in messages count from the pattern's first character.
    return { ok: true, expr: new Parser(tokenize(pattern)).pattern() };
  } catch (err) {
    // Only PatternError is expected; anything else is still an unreadable pattern, never a crash of the scan.
    const detail = err instanceof PatternError ? `: ${err.message}` : '';
    return { ok: false, notJson: false, reason: `the filter pattern cannot be read${detail}` };
  }
};
