import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { findingsToCsv, findingsToJson } from '../../../../src/core/render/blocks';
import { aFinding, aPass, anUnknown } from './builders';
import { PUBLIC_BUCKET, TITLES, WHAT_IS_WRONG, DESIRED_STATE } from '../../../fixtures/failing-titles';

const rows = (csv: string): string[][] => parse(csv, { relax_column_count: false }) as string[][];

describe('findingsToCsv', () => {
  it('when findings are exported, then there is a header row and one row per finding', () => {
    const f = aFinding({ message: 'missing: a, b', resource: { type: 'AwsS3Bucket', id: 'my "bucket"', arn: null } });
    const [head, row] = rows(findingsToCsv([f, anUnknown('s3:GetBucketPolicy')]));
    expect(head).toContain('resource_id');
    const col = (name: string) => row![head!.indexOf(name)];
    expect(col('id')).toBe(f.id);
    expect(col('message')).toBe('missing: a, b');
    expect(col('resource_id')).toBe('my "bucket"');
    expect(col('cis')).toBe('2.1.4');
  });

  it('when an unknown finding is exported, then its missing permission has a column', () => {
    const [head, row] = rows(findingsToCsv([anUnknown('s3:GetBucketPolicy')]));
    expect(row![head!.indexOf('missing_permission')]).toBe('s3:GetBucketPolicy');
  });

  it('when a cell starts like a formula, then a quote makes the spreadsheet show it as text', () => {
    const f = aFinding({ resource: { type: 'x', id: '=HYPERLINK("http://evil")', arn: '@SUM(1)' }, message: '-1+2' });
    const [head, row] = rows(findingsToCsv([f]));
    expect(row![head!.indexOf('resource_id')]).toBe('\'=HYPERLINK("http://evil")');
    expect(row![head!.indexOf('resource_arn')]).toBe("'@SUM(1)");
    expect(row![head!.indexOf('message')]).toBe("'-1+2");
  });

  it.each(Object.entries(TITLES))(
    'when a failing finding (%s title) is exported, then its title column says what is wrong',
    (_, titles) => {
      const f = aFinding({ ...titles, resource: { type: 'AwsS3Bucket', id: PUBLIC_BUCKET, arn: null } });
      const [head, row] = rows(findingsToCsv([f]));
      expect(row![head!.indexOf('title')]).toBe(WHAT_IS_WRONG);
    },
  );

  it('when passing and unknown findings are exported, then their title column is the desired state', () => {
    const [head, ...body] = rows(findingsToCsv([aPass(TITLES.stored), anUnknown('s3:GetBucketPolicy', TITLES.stored)]));
    expect(body.map((r) => r[head!.indexOf('title')])).toEqual([DESIRED_STATE, DESIRED_STATE]);
  });

  it('when findings are exported, then service and observed_at are filled on every row', () => {
    const [head, ...body] = rows(findingsToCsv([aFinding(), anUnknown('s3:GetBucketPolicy')]));
    for (const row of body) {
      expect(row[head!.indexOf('service')]).toBe('s3');
      expect(row[head!.indexOf('observed_at')]).toBe('2026-11-01T12:00:00.000Z');
    }
  });

  it('when lines end, then they end with CRLF as RFC 4180 says', () => {
    expect(findingsToCsv([aFinding()])).toMatch(/^[^\n]*\r\n[^\n]*\r\n$/);
  });

  it('when any text is exported, then a CSV parser reads back exactly the cells, defused', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ unit: 'binary' }), { minLength: 1, maxLength: 5 }), (texts) => {
        // A check outside the catalog: the title is exported as it is (catalog titles are tested below).
        const findings = texts.map((t) => aFinding({ checkId: 'custom_check', message: t, title: t }));
        const parsed = rows(findingsToCsv(findings));
        expect(parsed).toHaveLength(findings.length + 1);
        parsed.slice(1).forEach((row, i) => {
          const col = (name: string) => row[parsed[0]!.indexOf(name)];
          const expected = /^[=+\-@\t\r]/.test(texts[i]!) ? `'${texts[i]}` : texts[i];
          expect(col('message')).toBe(expected);
          expect(col('title')).toBe(expected);
          for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
        });
      }),
    );
  });
});

describe('findingsToJson', () => {
  it('when findings are exported as JSON, then they read back with their ids, resources and evidence', () => {
    const f = anUnknown('iam:GetAccountSummary');
    const [back] = JSON.parse(findingsToJson([f])) as Record<string, unknown>[];
    expect(back).toMatchObject({
      id: f.id,
      status: 'unknown',
      resource: f.resource,
      evidence: { missingPermission: 'iam:GetAccountSummary' },
      observedAt: f.observedAt,
    });
  });
});
