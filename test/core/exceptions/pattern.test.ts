import fc from 'fast-check';
import { isExactPattern, matchesAnyPattern, matchesPattern } from '../../../src/core/exceptions/pattern';

describe('matchesPattern', () => {
  it.each([
    ['s3_bucket_public_access_blocked', 's3_bucket_public_access_blocked', true],
    ['s3_bucket_public_access_blocked', 's3_bucket_public_access_blocked_x', false],
    ['s3_bucket_public_access_blocked', 'x_s3_bucket_public_access_blocked', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['s3_*', 's3_bucket_mfa_delete_enabled', true],
    ['s3_*', 's3_', true],
    ['s3_*', 'iam_s3_thing', false],
    ['*_public', 'ec2_image_public', true],
    ['*_public', 'ec2_image_public_x', false],
    ['arn:aws:s3:::logs-*', 'arn:aws:s3:::logs-2026', true],
    ['arn:aws:s3:::logs-*', 'arn:aws:s3:::app-logs-2026', false],
    ['arn:aws:iam::*:role/ci-*', 'arn:aws:iam::111111111111:role/ci-deploy', true],
    ['arn:aws:iam::*:role/ci-*', 'arn:aws:iam::111111111111:user/ci-deploy', false],
    ['a*b*c', 'abc', true],
    ['a*b*c', 'aXbYc', true],
    ['a*b*c', 'acb', false],
    ['a**c', 'ac', true],
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
  ])('when the pattern is %j and the text %j, then the answer is %s', (pattern, text, expected) => {
    expect(matchesPattern(pattern, text)).toBe(expected);
  });

  it('when the text differs only in case, then it does not match (ARNs and check ids are case-sensitive)', () => {
    expect(matchesPattern('S3_*', 's3_bucket')).toBe(false);
    expect(matchesPattern('arn:aws:s3:::Logs', 'arn:aws:s3:::logs')).toBe(false);
  });

  it('when the pattern holds regular-expression syntax, then it is matched as literal text', () => {
    expect(matchesPattern('a.c', 'abc')).toBe(false);
    expect(matchesPattern('a.c', 'a.c')).toBe(true);
    expect(matchesPattern('(a+)+$', 'aaaa')).toBe(false);
    expect(matchesPattern('(a+)+$', '(a+)+$')).toBe(true);
    expect(matchesPattern('bucket?', 'buckets')).toBe(false);
    expect(matchesPattern('[ab]*', 'a-anything')).toBe(false);
    expect(matchesPattern('[ab]*', '[ab]-anything')).toBe(true);
    expect(matchesPattern('^x|.*', 'anything')).toBe(false);
  });

  it('when an adversarial text meets a many-star pattern, then the answer comes at once', () => {
    const text = 'a'.repeat(5000) + 'b';
    const started = process.hrtime.bigint();
    for (let i = 0; i < 100; i += 1) {
      expect(matchesPattern('*a*a*a*a*a*c', text)).toBe(false);
      expect(matchesPattern('*a*a*a*a*a*b', text)).toBe(true);
      expect(matchesPattern(`${'*a'.repeat(200)}*c`, text)).toBe(false);
    }
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    // A backtracking matcher needs astronomically long for the first pattern; this one is linear.
    expect(ms).toBeLessThan(1000);
  });

  it('when any of several patterns matches, then matchesAnyPattern says so', () => {
    expect(matchesAnyPattern(['iam_*', 's3_*'], 's3_bucket')).toBe(true);
    expect(matchesAnyPattern(['iam_*', 'ec2_*'], 's3_bucket')).toBe(false);
    expect(matchesAnyPattern([], 's3_bucket')).toBe(false);
  });

  it('when a pattern has no star, then it is exact', () => {
    expect(isExactPattern('s3_bucket')).toBe(true);
    expect(isExactPattern('s3_*')).toBe(false);
  });
});

/** The textbook dynamic-programming glob matcher, quadratic but obviously right: the reference. */
const reference = (pattern: string, text: string): boolean => {
  let row = [true, ...Array<boolean>(text.length).fill(false)];
  for (const p of pattern) {
    const next = [p === '*' && row[0]!];
    for (let j = 1; j <= text.length; j += 1) {
      next[j] = p === '*' ? row[j]! || next[j - 1]! : row[j - 1]! && p === text[j - 1];
    }
    row = next;
  }
  return row[text.length]!;
};

describe('matchesPattern against the reference matcher', () => {
  it('when patterns and texts are drawn from a small alphabet, then both always agree', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '*'), maxLength: 8 }),
        fc.string({ unit: fc.constantFrom('a', 'b'), maxLength: 10 }),
        (pattern, text) => matchesPattern(pattern, text) === reference(pattern, text),
      ),
      { numRuns: 5000 },
    );
  });
});
