/**
 * Name patterns of accepted-risk scopes (check ids, ARNs, resource names): exact text, or `*` for
 * any run of characters, including none. Anchored at both ends and case-sensitive, as ARNs and check
 * ids are. Every other character is literal: no regular expression is built from a pattern, so a
 * pattern can neither inject regex syntax nor trigger catastrophic backtracking.
 *
 * Algorithm: split the pattern on `*` into literal segments. The first segment must be a prefix of
 * the text and the last one a suffix; the segments between are found left to right, each at its
 * earliest position after the previous one. Taking the earliest position is always safe with `*` as
 * the only wildcard (an earlier match leaves more text for the rest), so nothing is ever retried:
 * one forward pass, at most O(|text| × |pattern|) character comparisons, whatever the input.
 */

/** The character that stands for any run of characters. */
export const PATTERN_WILDCARD = '*';

/** Does `pattern` match the whole of `text`? */
export const matchesPattern = (pattern: string, text: string): boolean => {
  const segments = pattern.split(PATTERN_WILDCARD);
  // No wildcard: exact text.
  if (segments.length === 1) return pattern === text;

  const first = segments[0]!;
  const last = segments[segments.length - 1]!;
  // The prefix and the suffix must not overlap ("ab*ba" does not match "aba").
  if (first.length + last.length > text.length) return false;
  if (!text.startsWith(first) || !text.endsWith(last)) return false;

  let from = first.length;
  const end = text.length - last.length;
  for (let i = 1; i < segments.length - 1; i += 1) {
    const segment = segments[i]!;
    // Empty segments come from `**`: they match the empty run anywhere.
    if (segment.length === 0) continue;
    const at = text.indexOf(segment, from);
    if (at < 0 || at + segment.length > end) return false;
    from = at + segment.length;
  }
  return true;
};

/** Does any of `patterns` match `text`? */
export const matchesAnyPattern = (patterns: readonly string[], text: string): boolean =>
  patterns.some((p) => matchesPattern(p, text));

/** Whether a pattern is a plain name (no wildcard): the modal says "this finding" rather than "findings like". */
export const isExactPattern = (pattern: string): boolean => !pattern.includes(PATTERN_WILDCARD);
