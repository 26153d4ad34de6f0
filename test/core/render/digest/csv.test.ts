import { parse } from 'csv-parse/sync';
import { digestCsvHeader, digestCsvRow } from '../../../../src/core/render/digest';
import { aDigestItem, daysBefore, SCHEDULED } from '../../../fixtures/digest-builders';
import { PUBLIC_BUCKET, TITLES, WHAT_IS_WRONG } from '../../../fixtures/failing-titles';

const rows = (csv: string): Record<string, string>[] => parse(csv, { columns: true, relax_quotes: false });

describe('digest CSV', () => {
  it('when the header is written, then it names the columns in order and ends with CRLF', () => {
    expect(digestCsvHeader()).toBe(
      'section,severity,title,account_id,account_name,region,resource_type,resource_id,first_seen,age_days,finding_id,console_url,check_id,service,message,last_seen\r\n',
    );
  });

  it('when an item is written, then a spreadsheet reads back every field, with its section, age and console link', () => {
    const item = aDigestItem({ resourceId: 'acme-logs', firstSeenAt: daysBefore(41) });
    const csv = digestCsvHeader() + digestCsvRow(item, 'acme-prod', 'aws', { section: 'still_open', asOf: SCHEDULED });
    expect(rows(csv)).toEqual([
      {
        section: 'still_open',
        severity: 'high',
        title: 'S3 bucket does not block public access',
        account_id: '111111111111',
        account_name: 'acme-prod',
        region: 'us-east-1',
        resource_type: 'AwsS3Bucket',
        resource_id: 'acme-logs',
        first_seen: item.firstSeenAt,
        age_days: '41',
        finding_id: item.findingId,
        console_url: 'https://console.aws.amazon.com/s3/buckets/acme-logs?region=us-east-1',
        check_id: 's3_bucket_public_access_blocked',
        service: 's3',
        message: item.message,
        last_seen: item.lastSeenAt,
      },
    ]);
  });

  it.each(Object.entries(TITLES))(
    'when a public bucket is written (%s title), then its title says what is wrong, never the desired state',
    (_, titles) => {
      const item = aDigestItem({ ...titles, resourceId: PUBLIC_BUCKET });
      const [row] = rows(digestCsvHeader() + digestCsvRow(item, 'acme-prod', 'aws', { section: 'still_open' }));
      expect(row!['title']).toBe(WHAT_IS_WRONG);
    },
  );

  it('when no section or time is given, then the column holds the stored state and the age runs to the last sighting', () => {
    const item = aDigestItem({ state: 'suppressed', firstSeenAt: daysBefore(10), lastSeenAt: daysBefore(3) });
    const [row] = rows(digestCsvHeader() + digestCsvRow(item, 'acme-prod', 'aws'));
    expect([row!['section'], row!['age_days']]).toEqual(['suppressed', '7']);
  });

  it('when the partition is another, then the link goes to that partition’s console', () => {
    const [row] = rows(digestCsvHeader() + digestCsvRow(aDigestItem(), 'x', 'aws-cn'));
    expect(row!['console_url']).toMatch(/^https:\/\/console\.amazonaws\.cn\//);
  });

  it('when a value holds commas, quotes or line breaks, then it is quoted (RFC 4180) and reads back unchanged', () => {
    const title = 'He said "no", then\r\nleft';
    const csv = digestCsvHeader() + digestCsvRow(aDigestItem({ title }), 'a,b', 'aws');
    expect(csv).toContain('"He said ""no"", then\r\nleft"');
    const [row] = rows(csv);
    expect([row!['title'], row!['account_name']]).toEqual([title, 'a,b']);
  });

  it('when a value would run as a spreadsheet formula, then it is written as text', () => {
    const item = aDigestItem({ title: '=HYPERLINK("http://evil")', resourceId: '@SUM(A1)', region: '+1', message: '' });
    const [row] = rows(digestCsvHeader() + digestCsvRow(item, '-2+3', 'aws'));
    expect([row!['title'], row!['resource_id'], row!['region'], row!['account_name']]).toEqual([
      `'=HYPERLINK("http://evil")`,
      "'@SUM(A1)",
      "'+1",
      "'-2+3",
    ]);
  });

  it('when the dates are not dates, then the age is left empty rather than invented', () => {
    const [row] = rows(digestCsvHeader() + digestCsvRow(aDigestItem({ firstSeenAt: 'yesterday' }), 'a', 'aws'));
    expect(row!['age_days']).toBe('');
  });
});

describe('digest CSV: odd data', () => {
  it('when a resource id cannot be put in a URL, then the row is still written, with no link', () => {
    const item = aDigestItem({ resourceType: 'AwsS3Bucket', resourceId: 'bucket-\uD800' });
    const row = digestCsvRow(item, 'a', 'aws');
    expect(row).toContain(',bucket-\uD800,');
    expect(row).toContain(`,${item.findingId},,${item.checkId},`);
  });
});
