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

/**
 * AWS writes `2024-05-01T10:00:00+00:00` for dates and markers such as `N/A`, `no_information` or
 * `not_supported` where there is none. Only ISO-looking values are parsed, because Date.parse would
 * happily read other strings as dates.
 */
const toIsoDate = (value: string | undefined): string | null => {
  if (!value || !/^\d{4}-\d{2}-\d{2}T/.test(value)) return null;
  const time = Date.parse(value);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
};

const toBoolean = (value: string | undefined): boolean => value?.toLowerCase() === 'true';

/** Root's `password_enabled` is `not_supported`, yet root always has a password. */
const passwordEnabled = (user: string, value: string | undefined): boolean =>
  user === ROOT_USER ? value?.toLowerCase() !== 'false' : toBoolean(value);

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

  return records.map((r) => {
    const user = r.user ?? '';
    return {
      user,
      arn: r.arn ?? '',
      userCreationTime: toIsoDate(r.user_creation_time),
      passwordEnabled: passwordEnabled(user, r.password_enabled),
      passwordLastUsed: toIsoDate(r.password_last_used),
      passwordLastChanged: toIsoDate(r.password_last_changed),
      mfaActive: toBoolean(r.mfa_active),
      accessKey1Active: toBoolean(r.access_key_1_active),
      accessKey1LastRotated: toIsoDate(r.access_key_1_last_rotated),
      accessKey1LastUsedDate: toIsoDate(r.access_key_1_last_used_date),
      accessKey2Active: toBoolean(r.access_key_2_active),
      accessKey2LastRotated: toIsoDate(r.access_key_2_last_rotated),
      accessKey2LastUsedDate: toIsoDate(r.access_key_2_last_used_date),
    };
  });
};
