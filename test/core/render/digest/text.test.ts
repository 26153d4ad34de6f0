import type { DigestReport } from '../../../../src/core/digest/model';
import { renderDigestText } from '../../../../src/core/render/digest';
import { aDigestItem, aDigestReport, counts, daysBefore, listOf } from '../../../fixtures/digest-builders';
import {
  PUBLIC_BUCKET,
  PUBLIC_SENTENCE,
  TITLES,
  WHAT_IS_WRONG,
  expectProblemHeading,
} from '../../../fixtures/failing-titles';

const text = (over: Partial<DigestReport> = {}, options = {}) => renderDigestText(aDigestReport(over), options);
const lines = (s: string) => s.split('\n');

describe('renderDigestText', () => {
  it('when rendered, then the title, "as of" time in the digest’s zone and scope come first', () => {
    expect(lines(text()).slice(0, 3)).toEqual([
      'Posture digest: prod-daily',
      'As of Mon, 2 Nov 2026, 09:00 (Europe/Berlin)',
      'Scope: accounts acme-prod · s3, iam · low and above',
    ]);
  });

  it('when counts and score changed, then the headline has the same arrows and exact figures as the Slack message', () => {
    const out = text({
      score: 82.4,
      previousScore: 79.3,
      open: counts({ critical: 1, high: 1234 }),
      previousOpen: counts({ critical: 3, high: 1200 }),
      suppressed: 4,
      opened: listOf([], 40),
      resolved: listOf([], 6),
    });
    expect(out).toContain('Posture score 82.4 / 100 · ▲ 3.1 points since the last digest');
    expect(out).toContain('Open findings: 1,235 (▲ 32)');
    expect(out).toContain('critical 1 (▼ 2), high 1,234 (▲ 34), medium 0 (no change)');
    expect(out).toContain('Suppressed: 4');
    expect(out).toContain('40 new, 6 resolved since the last digest');
  });

  it('when it is the first digest, then it says so and shows no arrows', () => {
    const out = text({ firstRun: true, previousOpen: null, previousScore: null, open: counts({ low: 2 }) });
    expect(out).toContain('first digest');
    expect(out).not.toMatch(/[▲▼]|no change/);
    expect(out).toContain('low 2,');
  });

  it('when findings are listed, then each section has its heading, exact total and items with age, link and fix hint', () => {
    const still = aDigestItem({ title: 'Old one', resourceId: 'acme-logs', firstSeenAt: daysBefore(41) });
    const out = text({
      opened: listOf([aDigestItem({ title: 'New one', severity: 'critical' })]),
      resolved: listOf([aDigestItem({ title: 'Fixed one' })]),
      newlySuppressed: listOf([aDigestItem({ title: 'Accepted one' })]),
      stillOpen: listOf([still], 12),
    });
    const headings = lines(out).filter((l) => /^[A-Z ]+ \(/.test(l));
    expect(headings).toEqual([
      'NEW SINCE LAST DIGEST (1)',
      'RESOLVED SINCE LAST DIGEST (1)',
      'SUPPRESSED SINCE LAST DIGEST (1)',
      'STILL OPEN (12, oldest first)',
    ]);
    expect(out).toMatch(/\n {2}\[CRITICAL\] New one · acme-bucket-\d+\n/);
    expect(out).toContain(
      [
        '  [HIGH] Old one · acme-logs · open 41 days',
        '      acme-prod (111111111111) · us-east-1',
        '      https://console.aws.amazon.com/s3/buckets/acme-logs?region=us-east-1',
        `      fix: /cloudsec remediate ${still.findingId}`,
        '  …and 11 more',
      ].join('\n'),
    );
  });

  it.each(Object.entries(TITLES))(
    'when a public bucket is listed (%s title), then each section heads it with what is wrong with the bucket',
    (_, titles) => {
      for (const list of ['opened', 'resolved', 'newlySuppressed', 'stillOpen'] as const) {
        const item = aDigestItem({ ...titles, resourceId: PUBLIC_BUCKET, message: PUBLIC_SENTENCE });
        const out = text({ [list]: listOf([item]) });
        const line = lines(out).find((l) => l.startsWith('  [HIGH] '))!;
        expect(line.startsWith(`  [HIGH] ${WHAT_IS_WRONG} · ${PUBLIC_BUCKET}`)).toBe(true);
        expectProblemHeading(out);
      }
    },
  );

  it('when the workflow is off, then no fix hint is printed', () => {
    expect(text({ opened: listOf([aDigestItem()]), remediationEnabled: false })).not.toContain('fix:');
  });

  it('when a resolved finding had a remediation, then no fix hint is printed for it', () => {
    expect(text({ resolved: listOf([aDigestItem()]) })).not.toContain('fix:');
  });

  it('when a list is longer than the cap, then it stops there and says exactly how many more', () => {
    const items = Array.from({ length: 7 }, () => aDigestItem());
    const out = text({ stillOpen: listOf(items, 7) }, { maxPerSection: 3 });
    expect(out.match(/\[HIGH\]/g)).toHaveLength(3);
    expect(out).toContain('  …and 4 more');
  });

  it('when the style is compact, then only the top 5 new findings are listed', () => {
    const out = text({
      style: 'compact',
      opened: listOf(Array.from({ length: 8 }, () => aDigestItem())),
      stillOpen: listOf([aDigestItem()]),
      accounts: [{ accountId: '1', accountName: 'a', score: 1, open: counts(), opened: 0, resolved: 0 }],
    });
    expect(out.match(/\[HIGH\]/g)).toHaveLength(5);
    expect(out).toContain('  …and 3 more');
    expect(out).not.toMatch(/STILL OPEN|RESOLVED SINCE|BY ACCOUNT/);
  });

  it('when the scan was incomplete, then a warning lists every problem', () => {
    const out = text({ incomplete: ['account 222222222222: AccessDenied', 'Security Hub eu-west-1: throttled'] });
    expect(out).toContain('! Scan incomplete:');
    expect(out).toContain('!   - account 222222222222: AccessDenied\n!   - Security Hub eu-west-1: throttled');
  });

  it('when the scope spans accounts, then a breakdown lists them in order with exact figures', () => {
    const out = text({
      accounts: [
        {
          accountId: '222222222222',
          accountName: 'acme-staging',
          score: 41.25,
          open: counts({ high: 1500 }),
          opened: 3,
          resolved: 1,
        },
        { accountId: '111111111111', accountName: 'acme-prod', score: null, open: counts(), opened: 0, resolved: 0 },
      ],
    });
    expect(out).toContain(
      [
        'BY ACCOUNT (2, worst first)',
        '  acme-staging (222222222222): score 41.3; 1,500 high; 3 new, 1 resolved',
        '  acme-prod (111111111111): no score; nothing open; 0 new, 0 resolved',
      ].join('\n'),
    );
  });

  it('when outside text carries terminal escapes or line breaks, then none reach the terminal and each value stays on its line', () => {
    const out = text({
      opened: listOf([
        aDigestItem({ title: 'evil\u001b[2J\u001b]0;pwned\u0007title', resourceId: 'a\nb\r\nc\u202Ed' }),
      ]),
    });
    expect(out.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\u202a-\u202e]/u);
    expect(out).toContain('[HIGH] evil [2J ]0;pwned title · a b c d\n      acme-prod');
  });

  it('when the report is demo data, then a banner opens and closes the text', () => {
    const out = lines(text({ demo: true }).trimEnd());
    expect(out[0]).toMatch(/^\*\*\* DEMO DATA/);
    expect(out.at(-1)).toMatch(/^\*\*\* DEMO DATA/);
  });
});
