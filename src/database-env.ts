/** CLOUDSEC_DATABASE_URL and CLOUDSEC_DATABASE_SCHEMA: what makes them valid, and how a URL is shown. */

/** Query parameters of a connection URL that carry a secret (libpq's password, sslpassword…). */
const SECRET_URL_PARAM = /password/i;

/**
 * A database URL for messages and logs: the userinfo password and every password-like query
 * parameter (`?password=`, `?sslpassword=`) become `***`. A URL that cannot be parsed is not shown
 * at all: where its password sits cannot be known.
 */
export const redactDatabaseUrl = (url: string): string => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '(an unparseable URL)';
  }
  if (parsed.password) parsed.password = '***';
  // Names arrive decoded, so `pass%77ord=` is caught too. The query is rewritten (in its order) only
  // when it holds a secret, so any other URL is shown exactly as given.
  const params = [...parsed.searchParams];
  if (params.some(([name]) => SECRET_URL_PARAM.test(name))) {
    parsed.search = new URLSearchParams(
      params.map(([name, value]): [string, string] => [name, SECRET_URL_PARAM.test(name) ? '***' : value]),
    ).toString();
  }
  return parsed.toString();
};

/**
 * Why `url` cannot be CLOUDSEC_DATABASE_URL (or `db copy --to`), naming it without its password; null
 * when it is a postgres:// or postgresql:// URL.
 */
export const postgresUrlProblem = (url: string): string | null => {
  let protocol: string;
  try {
    protocol = new URL(url).protocol;
  } catch {
    // Not echoed: a URL that does not parse cannot be redacted.
    return 'is not a URL (not shown, it may hold a password); expected postgres://user:password@host:5432/database.';
  }
  if (protocol === 'postgres:' || protocol === 'postgresql:') return null;
  return (
    `${redactDatabaseUrl(url)} is not a PostgreSQL URL: expected postgres://user:password@host:5432/database ` +
    '(or postgresql://). For SQLite leave CLOUDSEC_DATABASE_URL unset and set CLOUDSEC_DB to the file.'
  );
};

/** A PostgreSQL schema cloudsec puts into SQL unquoted: plain identifiers only, no quoting games. */
export const PG_SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Why `schema` cannot be a schema name, or null. */
export const schemaNameProblem = (schema: string): string | null =>
  PG_SCHEMA_NAME.test(schema)
    ? null
    : `"${schema}" is not a plain lower-case identifier (letters, digits and _, at most 63), e.g. cloudsec.`;
