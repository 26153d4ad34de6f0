import { CredentialReportFormatError, parseCredentialReport } from '../../src/aws/credential-report';
import { CredentialReportRowSchema, ROOT_USER } from '../../src/core/model';
import { CREDENTIAL_REPORT_COLUMNS, REALISTIC_REPORT, ROOT_LINE, credentialReportCsv } from '../fixtures/aws/iam';

const rowFor = (csv: string, user: string) => {
  const row = parseCredentialReport(csv).find((r) => r.user === user);
  if (!row) throw new Error(`no row for ${user}`);
  return row;
};

describe('parseCredentialReport', () => {
  it('when the report holds root and three users, then it returns one schema-valid row each, in order', () => {
    const rows = parseCredentialReport(REALISTIC_REPORT);

    expect(rows.map((r) => r.user)).toEqual([ROOT_USER, 'alice', 'ci-deployer', 'legacy-admin']);
    for (const row of rows) expect(CredentialReportRowSchema.safeParse(row).success).toBe(true);
  });

  it('when root says password_enabled not_supported, then root counts as having a password', () => {
    const root = rowFor(REALISTIC_REPORT, ROOT_USER);

    expect(root).toMatchObject({
      arn: 'arn:aws:iam::123456789012:root',
      passwordEnabled: true,
      passwordLastUsed: '2026-06-01T08:15:00.000Z',
      passwordLastChanged: null,
      mfaActive: true,
    });
  });

  it('when root explicitly has no password, then it is reported as having none', () => {
    const csv = credentialReportCsv([{ ...ROOT_LINE, password_enabled: 'false' }]);

    expect(rowFor(csv, ROOT_USER).passwordEnabled).toBe(false);
  });

  it('when a user signs in with a password and one key, then the dates become ISO timestamps', () => {
    expect(rowFor(REALISTIC_REPORT, 'alice')).toEqual({
      user: 'alice',
      arn: 'arn:aws:iam::123456789012:user/alice',
      userCreationTime: '2023-01-10T09:00:00.000Z',
      passwordEnabled: true,
      passwordLastUsed: '2026-10-30T17:45:12.000Z',
      passwordLastChanged: '2026-09-01T10:00:00.000Z',
      mfaActive: true,
      accessKey1Active: true,
      accessKey1LastRotated: '2026-08-01T12:00:00.000Z',
      accessKey1LastUsedDate: '2026-10-31T23:59:00.000Z',
      accessKey2Active: false,
      accessKey2LastRotated: null,
      accessKey2LastUsedDate: null,
    });
  });

  it('when a user has two active keys and no password, then both keys are reported and password dates are null', () => {
    expect(rowFor(REALISTIC_REPORT, 'ci-deployer')).toMatchObject({
      passwordEnabled: false,
      passwordLastUsed: null,
      passwordLastChanged: null,
      mfaActive: false,
      accessKey1Active: true,
      accessKey1LastRotated: '2025-01-15T08:00:00.000Z',
      accessKey1LastUsedDate: '2026-10-29T04:00:00.000Z',
      accessKey2Active: true,
      accessKey2LastRotated: '2026-02-20T08:00:00.000Z',
      accessKey2LastUsedDate: null,
    });
  });

  it('when password_last_used is no_information, then it is null rather than a date', () => {
    expect(rowFor(REALISTIC_REPORT, 'legacy-admin')).toMatchObject({
      passwordEnabled: true,
      passwordLastUsed: null,
      passwordLastChanged: '2014-02-01T00:05:00.000Z',
    });
  });

  it('when a date carries a non-UTC offset, then it is converted to UTC', () => {
    const csv = credentialReportCsv([{ user: 'bob', access_key_1_last_rotated: '2026-06-01T10:15:00+02:00' }]);

    expect(rowFor(csv, 'bob').accessKey1LastRotated).toBe('2026-06-01T08:15:00.000Z');
  });

  it('when a date field holds one of the markers AWS writes for "no date", then it is null', () => {
    const csv = credentialReportCsv([
      {
        user: 'bob',
        password_last_used: 'no_information',
        access_key_1_last_rotated: 'N/A',
        password_last_changed: '',
      },
    ]);

    expect(rowFor(csv, 'bob')).toMatchObject({
      passwordLastUsed: null,
      accessKey1LastRotated: null,
      passwordLastChanged: null,
    });
  });

  it.each([['5'], ['garbage'], ['2026-13-45T99:00:00+00:00']])(
    'when a date field holds %s, then the report is rejected naming the column and user, not read as "never"',
    (value) => {
      const csv = credentialReportCsv([{ user: 'bob', access_key_1_last_rotated: value }]);

      expect(() => parseCredentialReport(csv)).toThrow(CredentialReportFormatError);
      expect(() => parseCredentialReport(csv)).toThrow(/access_key_1_last_rotated of bob/);
    },
  );

  it.each([
    ['access_key_1_active', 'yes'],
    ['mfa_active', ''],
    ['password_enabled', 'not_supported'],
  ] as const)(
    'when %s of a user holds "%s", then the report is rejected rather than read as false',
    (column, value) => {
      const csv = credentialReportCsv([{ user: 'bob', [column]: value }]);

      expect(() => parseCredentialReport(csv)).toThrow(new RegExp(`${column} of bob is not true or false`));
    },
  );

  it('when a boolean is written in capitals, then it still reads', () => {
    const csv = credentialReportCsv([{ user: 'bob', mfa_active: 'TRUE', access_key_1_active: 'False' }]);

    expect(rowFor(csv, 'bob')).toMatchObject({ mfaActive: true, accessKey1Active: false });
  });

  it('when a row has no user name or ARN, then the report is rejected', () => {
    const csv = credentialReportCsv([{ user: 'bob', arn: '' }]);

    expect(() => parseCredentialReport(csv)).toThrow(/has no user name or ARN/);
  });

  it('when the content arrives as bytes with a byte-order mark, then it parses like the text', () => {
    const bytes = new Uint8Array(Buffer.from(`\uFEFF${REALISTIC_REPORT}`, 'utf8'));

    expect(parseCredentialReport(bytes)).toEqual(parseCredentialReport(REALISTIC_REPORT));
  });

  it('when a user name needs CSV quoting, then the quoted field is read whole', () => {
    const header = CREDENTIAL_REPORT_COLUMNS.join(',');
    const line = credentialReportCsv([{ user: 'x' }])
      .split('\n')[1]!
      .replace(/^x,/, '"svc,deploy",');

    expect(parseCredentialReport(`${header}\n${line}\n`).map((r) => r.user)).toEqual(['svc,deploy']);
  });

  it('when the report has only its header, then there are no rows', () => {
    expect(parseCredentialReport(`${CREDENTIAL_REPORT_COLUMNS.join(',')}\n`)).toEqual([]);
  });

  it('when a required column is missing, then it throws naming the column', () => {
    const csv = 'user,arn,password_enabled,mfa_active,access_key_1_active\nalice,arn:x,true,true,false\n';

    expect(() => parseCredentialReport(csv)).toThrow(CredentialReportFormatError);
    expect(() => parseCredentialReport(csv)).toThrow(/access_key_2_active/);
  });

  it('when the content is empty, then it throws a format error', () => {
    expect(() => parseCredentialReport(new Uint8Array())).toThrow(CredentialReportFormatError);
  });

  it('when a row has a different number of fields than the header, then it throws a format error', () => {
    const csv = `${REALISTIC_REPORT}\nbroken,row`;

    expect(() => parseCredentialReport(csv)).toThrow(CredentialReportFormatError);
  });
});
