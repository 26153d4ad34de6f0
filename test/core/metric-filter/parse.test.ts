import {
  MAX_NESTING,
  MAX_PATTERN_LENGTH,
  filterPatternDnf,
  parseFilterPattern,
  renderDnf,
  type FilterExpr,
} from '../../../src/core/metric-filter-pattern';

const parsed = (pattern: string): FilterExpr => {
  const result = parseFilterPattern(pattern);
  if (!result.ok) throw new Error(`expected ${pattern} to parse: ${result.reason}`);
  return result.expr;
};
const failure = (pattern: string) => {
  const result = parseFilterPattern(pattern);
  if (result.ok) throw new Error(`expected ${pattern} not to parse`);
  return result;
};
const eventName = (value: string): FilterExpr => ({
  type: 'term',
  term: { kind: 'string', selector: '$.eventName', op: '=', value },
});

describe('parseFilterPattern', () => {
  describe('examples from AWS "Filter and Pattern Syntax"', () => {
    it.each([
      '{ $.eventType = "UpdateTrail" }',
      '{ $.sourceIPAddress != 123.123.* }',
      '{ $.arrayKey[0] = "value" }',
      '{ $.objectList[1].id = 2 }',
      '{ $.SomeObject IS NULL }',
      '{ $.SomeOtherObject NOT EXISTS }',
      '{ $.ThisFlag IS TRUE }',
      '{ $.ThisFlag IS FALSE }',
      '{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }',
      '{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }',
      '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }',
      '{ $.latency >= 500 }',
      '{ $.numbers[0] < 10e3 }',
      '{ $.numbers[0] < 10e-3 }',
      '{ $.processes[4].averageRuntime <= 55.5 }',
      '{ $.errorCode = 400 }',
      '{ $.errorCode != 500 }',
      '{ $.latency > +1000 }',
      '{ $.latency = * }',
      // aws-cdk FilterPattern.regexValue renders `%…%` values inside a JSON pattern.
      '{ $.message = %bind: address already in use% }',
    ])('when the pattern is %s, then it is read', (pattern) => {
      expect(parseFilterPattern(pattern).ok).toBe(true);
    });
  });

  it('when && and || are mixed without parentheses, then && binds tighter (the docs: a || (b && c))', () => {
    const expr = parsed('{ $.a = 1 || $.b = x && $.c = y }');
    expect(expr).toEqual({
      type: 'or',
      operands: [
        { type: 'term', term: { kind: 'number', selector: '$.a', op: '=', value: 1, text: '1' } },
        {
          type: 'and',
          operands: [
            { type: 'term', term: { kind: 'string', selector: '$.b', op: '=', value: 'x' } },
            { type: 'term', term: { kind: 'string', selector: '$.c', op: '=', value: 'y' } },
          ],
        },
      ],
    });
  });

  it('when parentheses are redundant or nested, then they leave no trace in the tree', () => {
    const flat = parsed('{ $.eventName = A || $.eventName = B || $.eventName = C }');
    expect(parsed('{ ((($.eventName = A)) || (($.eventName = B) || ($.eventName = C))) }')).toEqual(flat);
    expect(flat).toEqual({ type: 'or', operands: [eventName('A'), eventName('B'), eventName('C')] });
  });

  it('when a value is quoted or not, then it is the same value, and escapes are undone', () => {
    expect(parsed('{ $.eventName = "CreateTrail" }')).toEqual(parsed('{ $.eventName = CreateTrail }'));
    expect(parsed('{ $.a = "say \\"hi\\" \\\\ bye" }')).toEqual({
      type: 'term',
      term: { kind: 'string', selector: '$.a', op: '=', value: 'say "hi" \\ bye' },
    });
  });

  it('when a value is an unquoted number, then it is numeric; quoted, it is a string', () => {
    expect(parsed('{ $.code = 1e3 }')).toMatchObject({ term: { kind: 'number', value: 1000, text: '1e3' } });
    expect(parsed('{ $.code = "400" }')).toMatchObject({ term: { kind: 'string', value: '400' } });
    expect(parsed('{ $.ip = 10.0.0.1 }')).toMatchObject({ term: { kind: 'string', value: '10.0.0.1' } });
  });

  it('when CIS 4.3 uses NOT EXISTS and != without spaces elsewhere, then every term is read', () => {
    const dnf = filterPatternDnf(
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType!="AwsServiceEvent" }',
    );
    expect(dnf.ok && renderDnf(dnf.conjunctions)).toBe(
      '{ ($.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent") }',
    );
  });

  it('when whitespace includes newlines and tabs, then it is ignored', () => {
    expect(parsed('\n{\t($.eventName =\nCreateTrail)\n}\n')).toEqual(eventName('CreateTrail'));
  });

  describe('patterns that are not JSON patterns', () => {
    it.each([
      ['an empty pattern', '', /empty/],
      ['a blank pattern', '   ', /empty/],
      ['a term pattern', 'ConsoleLogin', /term pattern/],
      ['a quoted term', '"ConsoleLogin"', /term pattern/],
      ['an OR of terms', '?ERROR ?WARN', /term pattern/],
      ['a space-delimited pattern', '[w1=ConsoleLogin, w2]', /space-delimited/],
      ['a regex pattern', '%ConsoleLogin%', /regular-expression/],
    ])('when it is %s, then it is reported as not JSON', (_label, pattern, reason) => {
      const result = failure(pattern);
      expect(result.notJson).toBe(true);
      expect(result.reason).toMatch(reason);
    });
  });

  describe('JSON patterns that cannot be read', () => {
    it.each([
      ['no closing brace', '{ $.eventName = CreateTrail', /closing `}`/],
      ['an empty body', '{ }', /empty JSON pattern/],
      ['`==`', '{ $.eventName == CreateTrail }', /`==` is not an operator/],
      ['a missing value', '{ $.eventName = }', /expected a value/],
      ['a numeric operator on text', '{ $.eventName < CreateTrail }', /compares numbers/],
      ['a selector without a dot', '{ $eventName = CreateTrail }', /malformed selector/],
      ['an unquoted special character', '{ $.userName = bob@example.com }', /must be quoted/],
      ['text after the closing brace', '{ $.eventName = A } extra', /after the closing/],
      ['an unbalanced parenthesis', '{ ($.eventName = A }', /expected `\)`/],
      ['an unknown IS', '{ $.a IS MAYBE }', /NULL, TRUE or FALSE/],
      ['NOT without EXISTS', '{ $.a NOT THERE }', /EXISTS after NOT/],
      ['lower-case keywords', '{ $.a not exists }', /operator after \$\.a/],
      ['an unterminated quote', '{ $.a = "open }', /unterminated quoted/],
      ['an undocumented escape', '{ $.a = "a\\*b" }', /unsupported escape/],
      ['an unterminated regex', '{ $.a = %abc }', /unterminated %regex%/],
      ['a single &', '{ $.a = x & $.b = y }', /unexpected character `&`/],
      ['a dangling operator', '{ $.a = x && }', /expected a `\$\.` selector/],
      ['a value where a selector belongs', '{ CreateTrail = $.eventName }', /expected a `\$\.` selector/],
    ])('when it has %s, then it is unreadable and says why', (_label, pattern, reason) => {
      const result = failure(pattern);
      expect(result.notJson).toBe(false);
      expect(result.reason).toMatch(/cannot be read/);
      expect(result.reason).toMatch(reason);
    });

    it('when an error is reported, then its position counts from the first character as written', () => {
      expect(failure('  { $.a = x@y }').reason).toMatch(/at character 12/);
    });

    it(`when parentheses nest deeper than ${MAX_NESTING}, then it is refused without recursing further`, () => {
      const depth = MAX_NESTING + 1;
      const result = failure(`{ ${'('.repeat(depth)}$.a = x${')'.repeat(depth)} }`);
      expect(result.reason).toMatch(/nested deeper/);
      expect(parseFilterPattern(`{ ${'('.repeat(MAX_NESTING)}$.a = x${')'.repeat(MAX_NESTING)} }`).ok).toBe(true);
    });

    it(`when the pattern is longer than ${MAX_PATTERN_LENGTH} characters, then it is refused unread`, () => {
      const huge = `{ ${Array.from({ length: 2000 }, (_, i) => `$.eventName = E${i}`).join(' || ')} }`;
      expect(huge.length).toBeGreaterThan(MAX_PATTERN_LENGTH);
      expect(failure(huge).reason).toMatch(/longer than/);
      expect(failure('{' + '('.repeat(1_000_000)).reason).toMatch(/longer than/);
    });

    it('when the input is not text at all, then it is unreadable rather than a crash', () => {
      for (const value of [undefined, null, 42, {}]) {
        expect(parseFilterPattern(value as unknown as string)).toMatchObject({ ok: false });
      }
    });
  });
});

describe('filterPatternDnf', () => {
  it('when && distributes over ||, then each alternative carries the shared term', () => {
    const dnf = filterPatternDnf(
      '{ ($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
    );
    expect(dnf.ok && renderDnf(dnf.conjunctions)).toBe(
      '{ ($.eventSource = "kms.amazonaws.com" && $.eventName = "DisableKey") || ($.eventSource = "kms.amazonaws.com" && $.eventName = "ScheduleKeyDeletion") }',
    );
  });

  it('when a term or an alternative repeats, then it appears once', () => {
    const dnf = filterPatternDnf('{ ($.a = x && $.a = "x") || ($.a = x) }');
    expect(dnf.ok && renderDnf(dnf.conjunctions)).toBe('{ $.a = "x" }');
  });

  it('when the expansion would exceed the cap, then it is unreadable instead of growing', () => {
    const factors = Array.from({ length: 9 }, (_, i) => `($.f${i} = a || $.f${i} = b)`).join(' && ');
    const dnf = filterPatternDnf(`{ ${factors} }`);
    expect(dnf).toEqual({ ok: false, notJson: false, reason: expect.stringMatching(/more than 256 alternatives/) });
  });

  it('when a pattern is not JSON, then the DNF says so', () => {
    expect(filterPatternDnf('[a, b]')).toMatchObject({ ok: false, notJson: true });
  });
});
