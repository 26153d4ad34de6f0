import { CONTROL, stripHidden } from '../invisible-text';

/**
 * One line of outside text for a terminal: control characters (an ANSI escape in a resource name
 * could rewrite the screen) and bidirectional overrides (could reorder what is shown) become spaces,
 * zero-width characters are removed, whitespace (newlines included) collapses, and a pathological
 * value is capped with `…`.
 */
export const terminalLine = (raw: string, max = 300): string => {
  const bounded = raw.length > 4 * max ? raw.slice(0, 4 * max) : raw;
  // Controls become spaces (they may separate words); zero-width characters simply go.
  const line = stripHidden(bounded.replace(CONTROL, ' ')).replace(/\s+/g, ' ').trim();
  return line.length > max || bounded.length < raw.length ? `${line.slice(0, max - 1)}…` : line;
};
