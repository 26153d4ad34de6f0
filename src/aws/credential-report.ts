import { parse } from 'csv-parse/sync';
import { ROOT_USER, type CredentialReportRow } from '../core/model';

/** Thrown when the report is not the CSV AWS documents; `attempt` turns it into an `unknown` fact. */
export class CredentialReportFormatError extends Error {
  override name = 'CredentialReportMalformed';
}

/** Without these a row cannot say who it is or what credentials it holds, so the report is unusable. */
const REQUIRED_COLUMNS = [
  'user',
  'arn',
  'password_enabled',
  'mfa_active',
  'access_key_1_active',
  'access_key_2_active',
];

/** What AWS writes where a date column has no date (never used, not applicable, before tracking began). */
const NO_DATE = new Set(['', 'n/a', 'no_information', 'not_supported']);

/**
 * AWS writes `2024-05-01T10:00:00+00:00` for dates and one of the NO_DATE markers where there is none.
 * Only ISO-looking values are parsed, because Date.parse would happily read other strings as dates;
 * anything else is not an answer AWS documents, and reading it as "no date" could turn an old key into
 * one that was never rotated or used, so the report is rejected instead.
 */
const toIsoDate = (value: string | undefined, column: string, user: string): string | null => {
  if (value === undefined || NO_DATE.has(value.toLowerCase())) return null;
  const time = /^\d{4}-\d{2}-\d{2}T/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(time))
    throw new CredentialReportFormatError(
      `credential report: ${column} of ${user} is not a date: ${value.slice(0, 40)}`,
    );
  return new Date(time).toISOString();
};

/**
 * `true` or `false`, as AWS writes them. Anything else is rejected rather than read as false: a false
 * `access_key_1_active` or `password_enabled` would take the user out of the checks that concern them.
 */
const toBoolean = (value: string | undefined, column: string, user: string): boolean => {
  const v = value?.toLowerCase();
  if (v === 'true' || v === 'false') return v === 'true';
  throw new CredentialReportFormatError(
    `credential report: ${column} of ${user} is not true or false: ${String(value).slice(0, 40)}`,
  );
};

/** Root's `password_enabled` is `not_supported`, yet root always has a password. */
const passwordEnabled = (user: string, value: string | undefined): boolean =>
  user === ROOT_USER && value?.toLowerCase() !== 'false' ? true : toBoolean(value, 'password_enabled', user);

const checkHeader = (header: string[]): string[] => {
  const absent = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (absent.length > 0) {
    throw new CredentialReportFormatError(`credential report lacks column(s): ${absent.join(', ')}`);
  }
  return header;
};

/** Parses GetCredentialReport's `Content` (the SDK has already decoded the base64) into rows. */
export const parseCredentialReport = (content: Uint8Array | string): CredentialReportRow[] => {
  const text = typeof content === 'string' ? content : Buffer.from(content).toString('utf8');
  if (text.trim() === '') throw new CredentialReportFormatError('credential report is empty');

  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: checkHeader, skip_empty_lines: true, bom: true });
  } catch (err) {
    if (err instanceof CredentialReportFormatError) throw err;
    throw new CredentialReportFormatError(`credential report is not valid CSV: ${(err as Error).message}`);
  }

  return records.map((r, i) => {
    // Every column read here is in the header (checkHeader) and every record has the header's length
    // (csv-parse rejects others), so a field is undefined only for an optional column AWS dropped.
    const user = r.user || `row ${i + 2}`;
    if (!r.user || !r.arn) throw new CredentialReportFormatError(`credential report: ${user} has no user name or ARN`);
    const date = (column: string) => toIsoDate(r[column], column, user);
    const bool = (column: string) => toBoolean(r[column], column, user);
    return {
      user,
      arn: r.arn,
      userCreationTime: date('user_creation_time'),
      passwordEnabled: passwordEnabled(user, r.password_enabled),
      passwordLastUsed: date('password_last_used'),
      passwordLastChanged: date('password_last_changed'),
      mfaActive: bool('mfa_active'),
      accessKey1Active: bool('access_key_1_active'),
      accessKey1LastRotated: date('access_key_1_last_rotated'),
      accessKey1LastUsedDate: date('access_key_1_last_used_date'),
      accessKey2Active: bool('access_key_2_active'),
      accessKey2LastRotated: date('access_key_2_last_rotated'),
      accessKey2LastUsedDate: date('access_key_2_last_used_date'),
    };
  });
};
