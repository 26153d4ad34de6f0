import type { z } from 'zod';
import { CloudsecError } from '../errors';

/**
 * Turning stored rows back into typed values, the same for every database cloudsec supports
 * (SQLite and PostgreSQL keep JSON as text and times as ISO text, so one set of readers serves both).
 */

/** `JSON.stringify` that stores `undefined` as null, so every JSON column parses back. */
export const toJsonText = (value: unknown): string => JSON.stringify(value ?? null) ?? 'null';

export const fromJsonText = (text: string | null, what: string): unknown => {
  if (text === null) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new CloudsecError('internal', `The stored ${what} is not JSON; the database was changed outside cloudsec.`);
  }
};

/** Parses a row read from the database; a row that does not fit is a corrupt or hand-edited database. */
export const parseStored = <T>(schema: z.ZodType<T>, value: unknown, what: string): T => {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : parsed.error.message;
  throw new CloudsecError(
    'internal',
    `The stored ${what} is invalid (${where}); the database was changed outside cloudsec.`,
  );
};

export const positiveLimit = (limit: number | undefined): number | undefined => {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
  return limit;
};
