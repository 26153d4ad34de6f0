import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { writeCsv, CSV_COLUMNS, type CsvRow } from '../../../src/core/outputs';
import { findingsToCsv } from '../../../src/core/render/blocks';
import type { ExceptionNote } from '../../../src/core/exceptions/model';
import { aFinding, aPass, anUnknown } from '../render/blocks/builders';

const rows = (csv: string): string[][] => parse(csv, { relax_column_count: false }) as string[][];

/** The columns "Download all" wrote before accepted risks existed, in their order. */
const DOWNLOAD_ALL_COLUMNS = [
  'id',
  'status',
  'severity',
  'check_id',
  'title',
  'source',
  'service',
  'account_id',
  'region',
  'resource_type',
  'resource_id',
  'resource_arn',
  'message',
  'remediation_id',
  'cis',
  'security_hub_control',
  'missing_permission',
  'observed_at',
];
const EXCEPTION_COLUMNS = ['exception_id', 'exception_reason', 'exception_owner', 'exception_expires'];

const anException = (over: Partial<ExceptionNote> = {}): ExceptionNote => ({
  id: 'ex_01',
  source: 'config',
  reason: 'Website bucket; reviewed in PR #12',
  owner: 'Dana',
  expiresAt: '2027-01-31T00:00:00.000Z',
  ...over,
});

describe('writeCsv', () => {
  it('when rows are written, then the header keeps the Download all columns and appends the exception columns', () => {
    const [head] = rows(writeCsv([]));
    expect(head).toEqual([...DOWNLOAD_ALL_COLUMNS, ...EXCEPTION_COLUMNS]);
    expect(CSV_COLUMNS).toEqual(head);
  });

  it('when an accepted risk hides a finding, then its id, reason, owner and expiry fill the last four columns', () => {
    const finding = aFinding();
    const [head, row] = rows(writeCsv([{ finding, exception: anException() }]));
    const col = (name: string) => row![head!.indexOf(name)];
    expect(col('id')).toBe(finding.id);
    expect(col('exception_id')).toBe('ex_01');
    expect(col('exception_reason')).toBe('Website bucket; reviewed in PR #12');
    expect(col('exception_owner')).toBe('Dana');
    expect(col('exception_expires')).toBe('2027-01-31T00:00:00.000Z');
  });

  it('when no accepted risk hides a finding, then the exception columns are empty', () => {
    const [head, row] = rows(writeCsv([{ finding: anUnknown('s3:GetBucketPolicy') }]));
    for (const name of EXCEPTION_COLUMNS) expect(row![head!.indexOf(name)]).toBe('');
    expect(row![head!.indexOf('missing_permission')]).toBe('s3:GetBucketPolicy');
  });

  it('when an exception reason or owner starts like a formula or holds quotes and line breaks, then it reads back as text', () => {
    const exception = anException({ reason: '=HYPERLINK("http://evil"),\r\nsecond line', owner: '@admin' });
    const [head, row] = rows(writeCsv([{ finding: aFinding(), exception }]));
    expect(row![head!.indexOf('exception_reason')]).toBe('\'=HYPERLINK("http://evil"),\r\nsecond line');
    expect(row![head!.indexOf('exception_owner')]).toBe("'@admin");
  });

  it('when rows are written, then every line ends with CRLF and there is one row per finding', () => {
    const csv = writeCsv([{ finding: aFinding() }, { finding: aPass() }]);
    expect(csv).toMatch(/^[^\n]*\r\n[^\n]*\r\n[^\n]*\r\n$/);
    expect(rows(csv)).toHaveLength(3);
  });

  it('when any exception text is written, then a CSV parser reads back exactly the cells, defused', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (texts) => {
        const input: CsvRow[] = texts.map((t) => ({
          finding: aFinding(),
          exception: anException({ reason: t, owner: t }),
        }));
        const parsed = rows(writeCsv(input));
        expect(parsed).toHaveLength(input.length + 1);
        parsed.slice(1).forEach((row, i) => {
          const expected = /^[=+\-@\t\r]/.test(texts[i]!) ? `'${texts[i]}` : texts[i];
          expect(row[parsed[0]!.indexOf('exception_reason')]).toBe(expected);
          expect(row[parsed[0]!.indexOf('exception_owner')]).toBe(expected);
          for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        });
      }),
    );
  });
});

describe('findingsToCsv (Download all)', () => {
  it('when findings are downloaded, then the text is exactly the shared writer’s, without exceptions', () => {
    const findings = [aFinding(), anUnknown('s3:GetBucketPolicy'), aPass()];
    expect(findingsToCsv(findings)).toBe(writeCsv(findings.map((finding) => ({ finding }))));
  });
});
