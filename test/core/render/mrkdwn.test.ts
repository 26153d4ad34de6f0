import fc from 'fast-check';
import {
  bold,
  clip,
  code,
  escapeMrkdwn,
  inline,
  lineStart,
  truncate,
  unescapeMrkdwn,
} from '../../../src/core/render/mrkdwn';
import { stripHidden } from '../../../src/core/invisible-text';

const hasLoneSurrogate = (s: string) =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

/** True when every `&` starts one of the three entities Slack decodes. */
const onlyWholeEntities = (s: string) => !/&(?!amp;|lt;|gt;)/.test(s);

describe('escapeMrkdwn', () => {
  it('when a name holds Slack control sequences, then none survives as markup', () => {
    expect(escapeMrkdwn('<!channel> <@U123> <https://evil|x> a&b')).toBe(
      '&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|x&gt; a&amp;b',
    );
  });

  it('when text is already an entity, then it is escaped again so the reader sees it literally', () => {
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
    expect(unescapeMrkdwn(escapeMrkdwn('&lt;'))).toBe('&lt;');
  });

  it('when any string is escaped, then it has no < or >, only whole entities, and unescapes back less hidden characters', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeMrkdwn(s);
        expect(e).not.toMatch(/[<>]/);
        expect(onlyWholeEntities(e)).toBe(true);
        expect(unescapeMrkdwn(e)).toBe(stripHidden(s));
      }),
    );
  });
});

describe('truncate', () => {
  it('when the text fits, then it is unchanged', () => {
    expect(truncate('short', 5)).toBe('short');
  });

  it('when the text is too long, then it ends with an ellipsis within the limit', () => {
    expect(truncate('abcdefgh', 5)).toBe('abcd…');
  });

  it('when the cut would land inside &amp;, then the whole entity is dropped', () => {
    expect(truncate('ab&amp;cd', 5)).toBe('ab…');
    expect(truncate('ab&amp;cd', 8)).toBe('ab&amp;…');
  });

  it('when the cut would split an emoji (a surrogate pair), then the emoji is dropped whole', () => {
    expect(truncate('a😀bc', 3)).toBe('a…');
  });

  it('when any escaped text is truncated, then the result fits, keeps whole entities and starts like the input', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 1, max: 60 }), (raw, max) => {
        const escaped = escapeMrkdwn(raw);
        const out = truncate(escaped, max);
        expect(out.length).toBeLessThanOrEqual(max);
        expect(onlyWholeEntities(out)).toBe(true);
        expect(hasLoneSurrogate(out)).toBe(hasLoneSurrogate(raw));
        const kept = out.endsWith('…') && out !== escaped ? out.slice(0, -1) : out;
        expect(escaped.startsWith(kept)).toBe(true);
      }),
    );
  });
});

describe('one-line helpers', () => {
  it('when a value has newlines, then it stays on one line', () => {
    expect(inline('a\n> quoted\n\tb')).toBe('a > quoted b');
    expect(clip('line1\n<!here>', 100)).toBe('line1 &lt;!here&gt;');
  });

  it('when an identifier holds a backtick, then the code span cannot be closed early', () => {
    expect(code('evil`*bold*`')).toBe('`evilˋ*bold*ˋ`');
  });

  it('when an identifier is empty, then it reads (none) instead of an empty code span', () => {
    expect(code('')).toBe('(none)');
  });

  it('when a bold title holds asterisks, then the bold run cannot end early', () => {
    expect(bold('grants *:*')).toBe('*grants ∗:∗*');
  });

  it('when a line would start with an escaped >, then it cannot become a block quote', () => {
    expect(lineStart(escapeMrkdwn('> not a quote'))).toBe('\u200B&gt; not a quote');
    expect(lineStart('plain')).toBe('plain');
  });

  it('when a long identifier is clipped, then the code span stays within its length', () => {
    const c = code('x'.repeat(500), 50);
    expect(c.length).toBeLessThanOrEqual(50);
    expect(c.startsWith('`') && c.endsWith('`')).toBe(true);
  });
});
