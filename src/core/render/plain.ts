/**
 * One line of outside text for a terminal: control characters (an ANSI escape in a resource name
 * could rewrite the screen) and bidirectional overrides (could reorder what is shown) become spaces,
 * whitespace (newlines included) collapses, and a pathological value is capped with `…`.
 */
const CONTROL = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

export const terminalLine = (raw: string, max = 300): string => {
  const bounded = raw.length > 4 * max ? raw.slice(0, 4 * max) : raw;
  const line = bounded.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return line.length > max || bounded.length < raw.length ? `${line.slice(0, max - 1)}…` : line;
};
