import { closest, distance } from 'fastest-levenshtein';

/** The closest known word when it is close enough to be a typo, else undefined. */
export const suggest = (word: string, known: readonly string[]): string | undefined => {
  if (known.length === 0) return undefined;
  const best = closest(word.toLowerCase(), [...known]);
  return distance(word.toLowerCase(), best) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
};
