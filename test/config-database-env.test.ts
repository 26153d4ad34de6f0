import { redactDatabaseUrl } from '../src/database-env';
import { readEnv } from '../src/env';
import { CloudsecError } from '../src/errors';
import { configuredStoreTarget } from '../src/store/open-store';

// CLOUDSEC_DATABASE_URL and CLOUDSEC_DATABASE_SCHEMA are validated with every other variable
// (EnvSchema), and no message or log line ever carries the database password.

const errorOf = (fn: () => unknown): CloudsecError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CloudsecError) return err;
    throw err;
  }
  throw new Error('expected a CloudsecError');
};

describe('redactDatabaseUrl', () => {
  it('when the password is in the userinfo, then it is replaced and the rest of the URL kept', () => {
    expect(redactDatabaseUrl('postgres://cloudsec:hunter2@db.internal:5432/cloudsec?sslmode=require')).toBe(
      'postgres://cloudsec:***@db.internal:5432/cloudsec?sslmode=require',
    );
  });

  it.each([
    [
      'password',
      'postgres://db/cloudsec?user=cs&password=hunter2&sslmode=require',
      'user=cs&password=***&sslmode=require',
    ],
    ['sslpassword', 'postgresql://db/cloudsec?sslpassword=hunter2', 'sslpassword=***'],
    ['any case', 'postgres://db/cloudsec?PassWord=hunter2', 'PassWord=***'],
    ['percent-encoded in its name', 'postgres://db/cloudsec?pass%77ord=hunter2', 'password=***'],
    ['given twice', 'postgres://db/cloudsec?password=hunter2&password=hunter3', 'password=***&password=***'],
  ])('when a query parameter carries a password (%s), then its value is hidden', (_, url, query) => {
    const shown = redactDatabaseUrl(url);
    expect(shown).toContain(`?${query}`);
    expect(shown).not.toMatch(/hunter/);
  });

  it('when both the userinfo and a parameter carry one, then both are hidden', () => {
    expect(redactDatabaseUrl('postgres://u:hunter2@db/cloudsec?password=hunter3')).toBe(
      'postgres://u:***@db/cloudsec?password=***',
    );
  });

  it('when nothing secret is there, then the URL is shown as given', () => {
    expect(redactDatabaseUrl('postgres://cloudsec@db/cloudsec?sslmode=verify-full&application_name=cs')).toBe(
      'postgres://cloudsec@db/cloudsec?sslmode=verify-full&application_name=cs',
    );
  });

  it('when the URL cannot be parsed, then none of it is shown', () => {
    expect(redactDatabaseUrl('postgres://cloudsec:hunter2@[db/cloudsec')).toBe('(an unparseable URL)');
  });
});

describe('readEnv: the database variables', () => {
  it('when both are set, then they come back trimmed', () => {
    const env = readEnv({
      CLOUDSEC_DATABASE_URL: ' postgres://u:p@db/cloudsec ',
      CLOUDSEC_DATABASE_SCHEMA: ' cs_prod ',
    });
    expect(env.CLOUDSEC_DATABASE_URL).toBe('postgres://u:p@db/cloudsec');
    expect(env.CLOUDSEC_DATABASE_SCHEMA).toBe('cs_prod');
  });

  it('when the URL is not PostgreSQL, then it is a config error naming the variable and hiding every password', () => {
    const err = errorOf(() => readEnv({ CLOUDSEC_DATABASE_URL: 'mysql://root:hunter2@db/cs?password=hunter3' }));
    expect(err.code).toBe('config');
    expect(err.message).toContain(
      'CLOUDSEC_DATABASE_URL: mysql://root:***@db/cs?password=*** is not a PostgreSQL URL: expected postgres://',
    );
    expect(err.message).not.toMatch(/hunter/);
  });

  it('when the URL does not parse, then the message says so without repeating it', () => {
    const err = errorOf(() => readEnv({ CLOUDSEC_DATABASE_URL: 'postgres://root:hunter2@[db/cs' }));
    expect(err.message).toContain('CLOUDSEC_DATABASE_URL: is not a URL');
    expect(err.message).not.toMatch(/hunter|\[db/);
  });

  it('when the schema is not a plain identifier, then it is refused naming it', () => {
    const err = errorOf(() => readEnv({ CLOUDSEC_DATABASE_SCHEMA: 'Prod-Schema' }));
    expect(err.message).toContain('CLOUDSEC_DATABASE_SCHEMA: "Prod-Schema" is not a plain lower-case identifier');
  });

  it('when the demo runs with a malformed URL, then it is refused too (the variable is wrong wherever it is read)', () => {
    expect(() => configuredStoreTarget({ CLOUDSEC_DATABASE_URL: 'mysql://db/cs' }, { demo: true })).toThrow(
      /CLOUDSEC_DATABASE_URL: mysql:\/\/db\/cs is not a PostgreSQL URL/,
    );
    expect(configuredStoreTarget({ CLOUDSEC_DATABASE_URL: 'postgres://db/cs' }, { demo: true })).toMatchObject({
      kind: 'sqlite',
    });
  });

  it('when a schema is named without a URL, then choosing the database refuses, but reading the variables does not', () => {
    // `db copy --to URL` may take its schema from CLOUDSEC_DATABASE_SCHEMA alone.
    expect(readEnv({ CLOUDSEC_DATABASE_SCHEMA: 'cloudsec' }).CLOUDSEC_DATABASE_SCHEMA).toBe('cloudsec');
    expect(errorOf(() => configuredStoreTarget({ CLOUDSEC_DATABASE_SCHEMA: 'cloudsec' })).message).toContain(
      'CLOUDSEC_DATABASE_SCHEMA is set but CLOUDSEC_DATABASE_URL is not',
    );
  });
});
