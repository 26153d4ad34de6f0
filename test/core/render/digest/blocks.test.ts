import type { types } from '@slack/bolt';
import { consoleUrl } from '../../../../src/core/digest/console-links';
import type { DigestAcceptedRisk, DigestReport } from '../../../../src/core/digest/model';
import { renderDigestBlocks, type DigestMessage } from '../../../../src/core/render/digest';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { escapeMrkdwn } from '../../../../src/core/render/mrkdwn';
import {
  aDigestAlert,
  aDigestItem,
  aDigestReport,
  counts,
  daysBefore,
  digestAlertsOf,
  listOf,
} from '../../../fixtures/digest-builders';
import { allButtons, allText, countFields, listNamed, readLists, sectionText } from './read-digest';
import { PUBLIC_BUCKET, PUBLIC_SENTENCE, TITLES, expectProblemHeading } from '../../../fixtures/failing-titles';

const render = (over: Partial<DigestReport> = {}, options = {}): DigestMessage => {
  const message = renderDigestBlocks(aDigestReport(over), options);
  expect(limitViolations(message, MESSAGE_BUDGET)).toEqual([]);
  return message;
};

const NEW = 'New since last digest';
const RESOLVED = 'Resolved since last digest';
const SUPPRESSED = 'Suppressed since last digest';
const STILL_OPEN = 'Still open';

const headline = (m: DigestMessage) =>
  m.blocks.map(sectionText).find((t) => t?.includes('Posture score') || t?.includes('No posture score')) ?? '';

describe('renderDigestBlocks: lists', () => {
  it('when findings were opened, resolved, suppressed and left open, then each is listed under its own heading in that order', () => {
    const opened = aDigestItem({ title: 'Opened one' });
    const resolved = aDigestItem({ title: 'Resolved one' });
    const suppressed = aDigestItem({ title: 'Suppressed one', state: 'suppressed' });
    const still = aDigestItem({ title: 'Still one' });
    const m = render({
      opened: listOf([opened]),
      resolved: listOf([resolved]),
      newlySuppressed: listOf([suppressed]),
      stillOpen: listOf([still]),
    });
    const lists = readLists(m.blocks);
    expect(lists.map((l) => [l.heading, l.total, l.items.length])).toEqual([
      [NEW, 1, 1],
      [RESOLVED, 1, 1],
      [SUPPRESSED, 1, 1],
      [STILL_OPEN, 1, 1],
    ]);
    expect(lists.map((l) => l.items[0]?.text?.text)).toEqual([
      expect.stringContaining('*Opened one*'),
      expect.stringContaining('*Resolved one*'),
      expect.stringContaining('*Suppressed one*'),
      expect.stringContaining('*Still one*'),
    ]);
    expect(m.truncated).toBe(false);
  });

  it('when an item is listed, then it leads with severity, what is wrong and the resource, then account name, region and a console link', () => {
    const item = aDigestItem({
      severity: 'critical',
      title: 'S3 bucket blocks public access',
      resourceId: 'acme-logs',
      accountId: '111111111111',
      region: 'eu-west-1',
    });
    const m = render({ opened: listOf([item]) });
    const text = listNamed(m.blocks, NEW)!.items[0]!.text!.text;
    const url = consoleUrl(item, 'aws')!;
    expect(url).toMatch(/^https:\/\/console\.aws\.amazon\.com\/s3\/buckets\/acme-logs/);
    expect(text).toContain(':red_circle: Critical · *S3 bucket does not block public access* · `acme-logs`\n');
    expect(text).toContain(`acme-prod (111111111111) · eu-west-1 · <${escapeMrkdwn(url)}|AWS console>`);
    expect(text).toContain(item.message);
  });

  describe.each(Object.entries(TITLES))('when a public bucket is listed (%s title)', (_, titles) => {
    const item = () => aDigestItem({ ...titles, resourceId: PUBLIC_BUCKET, message: PUBLIC_SENTENCE });

    it.each([
      ['opened', NEW],
      ['resolved', RESOLVED],
      ['newlySuppressed', SUPPRESSED],
      ['stillOpen', STILL_OPEN],
    ] as const)(
      'then in %s it is headed by what is wrong with the bucket, never the desired state',
      (list, heading) => {
        const m = render({ [list]: listOf([item()]) });
        const [first] = listNamed(m.blocks, heading)!.items;
        expectProblemHeading(first!.text!.text.split('\n')[0]!);
        expectProblemHeading(allText(m.blocks));
      },
    );
  });

  it('when a Security Hub control fails, then its item is led by the failed control rather than by what resources should do', () => {
    const item = aDigestItem({
      source: 'securityhub',
      checkId: 'securityhub:S3.8',
      title: 'S3 general purpose buckets should block public access',
      resourceId: 'arn:aws:s3:::public-assets',
    });
    const text = listNamed(render({ opened: listOf([item]) }).blocks, NEW)!.items[0]!.text!.text;
    expect(text.split('\n')[0]).toContain(
      '*Fails S3.8: S3 general purpose buckets should block public access* · `arn:aws:s3:::public-assets`',
    );
  });

  it('when an account has a partition of its own, then its links go to that partition’s console', () => {
    const gov = aDigestItem({ accountId: '333333333333' });
    const m = render(
      { opened: listOf([gov]) },
      { partition: (id: string) => (id === '333333333333' ? 'aws-us-gov' : 'aws') },
    );
    expect(listNamed(m.blocks, NEW)!.items[0]!.text!.text).toContain('https://console.amazonaws-us-gov.com/s3/');
  });

  it('when a Security Hub item is linked, then the link searches by account, resource and control, not by cloudsec’s own id', () => {
    const item = aDigestItem({ source: 'securityhub', checkId: 'securityhub:S3.8', findingId: 'f_00000000000000aa' });
    const text = listNamed(render({ opened: listOf([item]) }).blocks, NEW)!.items[0]!.text!.text;
    expect(text).toContain('/securityhub/home?region=us-east-1#/findings?search=');
    expect(text).toContain('S3.8');
    expect(text).not.toContain('f_00000000000000aa');
  });

  it('when a console URL would contain characters that end a Slack link, then the item has no link but keeps its lines', () => {
    const trail = aDigestItem({
      resourceType: 'AwsCloudTrailTrail',
      resourceId: 'main',
      resourceArn: 'arn:aws:cloudtrail:us-east-1:111111111111:trail/main|<!channel>',
    });
    const text = listNamed(render({ opened: listOf([trail]) }).blocks, NEW)!.items[0]!.text!.text;
    expect(text).not.toContain('AWS console');
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('· `main`\nacme-prod (111111111111) · us-east-1');
  });

  it('when nothing was suppressed, then there is no suppressed heading, while new, resolved and still open say "none"', () => {
    const lists = readLists(render().blocks);
    expect(lists.map((l) => [l.heading, l.total])).toEqual([
      [NEW, 0],
      [RESOLVED, 0],
      [STILL_OPEN, 0],
    ]);
    expect(allText(render().blocks)).toContain('*New since last digest* · none');
  });

  it('when findings are still open, then they are listed oldest first with their age in days', () => {
    const m = render({
      stillOpen: listOf([
        aDigestItem({ title: 'Two days', firstSeenAt: daysBefore(2) }),
        aDigestItem({ title: 'Forty-one days', firstSeenAt: daysBefore(41.5) }),
        aDigestItem({ title: 'Hours', firstSeenAt: daysBefore(0.25) }),
        aDigestItem({ title: 'One day', firstSeenAt: daysBefore(1) }),
      ]),
    });
    const texts = listNamed(m.blocks, STILL_OPEN)!.items.map((s) => s.text!.text.split('\n')[0]);
    expect(texts).toEqual([
      expect.stringMatching(/\*Forty-one days\* · `[^`]+` · open 41 days$/),
      expect.stringMatching(/\*Two days\* · `[^`]+` · open 2 days$/),
      expect.stringMatching(/\*One day\* · `[^`]+` · open 1 day$/),
      expect.stringMatching(/\*Hours\* · `[^`]+` · open less than a day$/),
    ]);
    expect(sectionText(m.blocks.find((b) => sectionText(b)?.includes('*Still open*'))!)).toContain('oldest first');
  });

  it('when new findings differ in severity, then the most severe come first', () => {
    const m = render({
      opened: listOf([
        aDigestItem({ severity: 'low', title: 'L' }),
        aDigestItem({ severity: 'critical', title: 'C' }),
        aDigestItem({ severity: 'medium', title: 'M' }),
      ]),
    });
    expect(listNamed(m.blocks, NEW)!.items.map((s) => /\*(\w)\*/.exec(s.text!.text)?.[1])).toEqual(['C', 'M', 'L']);
  });

  it('when a finding was resolved, then it says how long it had been open', () => {
    const m = render({ resolved: listOf([aDigestItem({ firstSeenAt: daysBefore(12) })]) });
    expect(listNamed(m.blocks, RESOLVED)!.items[0]!.text!.text).toContain('was open 12 days');
  });

  it('when a title or resource carries Slack markup, then it is escaped and cannot mention or link', () => {
    const item = aDigestItem({ title: '<!channel> *bold*', resourceId: '<@U123>', message: '> <https://evil|x>' });
    const text = listNamed(render({ opened: listOf([item]) }).blocks, NEW)!.items[0]!.text!.text;
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).toContain('`&lt;@U123&gt;`');
    expect(text).not.toMatch(/<!channel>|<@U123>|<https:\/\/evil/);
    expect(text).toContain('\u200B&gt; &lt;https://evil|x&gt;');
  });
});

describe('renderDigestBlocks: Remediate buttons', () => {
  const fixable = () => aDigestItem({ remediationId: 's3_block_public_access' });

  it('when the workflow is on and a new or still-open finding has a remediation, then it has a Remediate button carrying its finding id', () => {
    const opened = fixable();
    const still = fixable();
    const m = render({ opened: listOf([opened]), stillOpen: listOf([still]), remediationEnabled: true });
    expect(allButtons(m.blocks)).toEqual([
      expect.objectContaining({
        action_id: 'remediation.request',
        value: opened.findingId,
        text: expect.objectContaining({ text: 'Remediate' }),
      }),
      expect.objectContaining({ action_id: 'remediation.request', value: still.findingId }),
    ]);
  });

  it('when the workflow is off, then no finding has a Remediate button', () => {
    const m = render({ opened: listOf([fixable()]), stillOpen: listOf([fixable()]), remediationEnabled: false });
    expect(allButtons(m.blocks)).toEqual([]);
  });

  it('when a finding has no remediation, then it has no button', () => {
    const m = render({ opened: listOf([aDigestItem({ remediationId: null })]), remediationEnabled: true });
    expect(allButtons(m.blocks)).toEqual([]);
  });

  it('when a finding was resolved or suppressed, then it has no button (there is nothing left to fix)', () => {
    const m = render({
      resolved: listOf([fixable()]),
      newlySuppressed: listOf([fixable()]),
      remediationEnabled: true,
    });
    expect(allButtons(m.blocks)).toEqual([]);
  });
});

describe('renderDigestBlocks: headline', () => {
  it('when the score rose, then it shows ▲ and the points gained', () => {
    expect(headline(render({ score: 82.4, previousScore: 79.3 }))).toContain(
      '*Posture score 82.4 / 100* · ▲ 3.1 points since the last digest',
    );
  });

  it('when the score fell, then it shows ▼ and the points lost', () => {
    expect(headline(render({ score: 70, previousScore: 75.5 }))).toContain('▼ 5.5 points since the last digest');
  });

  it('when the two scores read the same to one decimal, then it says "no change" rather than ▲ 0.0', () => {
    const text = headline(render({ score: 80.04, previousScore: 79.96 }));
    expect(text).toContain('80.0 / 100* · no change since the last digest');
    expect(text).not.toMatch(/[▲▼]/);
  });

  it('when it is the first digest, then it says so and shows no arrows anywhere', () => {
    const m = render({ firstRun: true, previousScore: null, previousOpen: null, open: counts({ high: 3 }) });
    expect(headline(m)).toContain('first digest');
    expect(allText(m.blocks)).not.toMatch(/[▲▼]|no change/);
    expect(countFields(m.blocks).get('High')).toEqual({ count: 3, change: '' });
  });

  it('when the scope has only Security Hub findings, then there is no score, and no invented one', () => {
    expect(headline(render({ score: null, previousScore: null }))).toContain('*No posture score*');
  });

  it('when the last digest had no score, then the change says there is nothing to compare with', () => {
    expect(headline(render({ score: 75, previousScore: null }))).toContain('no score to compare with');
  });

  it('when counts changed, then each severity shows its exact count and the direction and size of its change', () => {
    const m = render({
      open: counts({ critical: 1, high: 1234, medium: 5 }),
      previousOpen: counts({ critical: 3, high: 1200, medium: 5 }),
      suppressed: 7,
    });
    const fields = countFields(m.blocks);
    expect(fields.get('Open findings')).toEqual({ count: 1240, change: '▲ 32' });
    expect(fields.get('Critical')).toEqual({ count: 1, change: '▼ 2' });
    expect(fields.get('High')).toEqual({ count: 1234, change: '▲ 34' });
    expect(fields.get('Medium')).toEqual({ count: 5, change: 'no change' });
    expect(fields.get('Suppressed')).toEqual({ count: 7, change: '' });
    expect(allText(m.blocks)).toContain('*High*\n1,234  ▲ 34');
  });

  it('when findings were opened and resolved, then the headline gives both counts exactly, even beyond what is listed', () => {
    const m = render({
      opened: listOf([aDigestItem()], 1234),
      resolved: listOf([], 56),
      newlySuppressed: listOf([], 2),
    });
    expect(headline(m)).toContain('*1,234 new · 56 resolved · 2 suppressed since the last digest*');
  });

  it('when rendered, then the "as of" time is in the digest’s time zone and names it', () => {
    expect(allText(render().blocks)).toContain('As of Mon, 2 Nov 2026, 09:00 (Europe/Berlin)');
    expect(allText(render({ timezone: 'America/New_York' }).blocks)).toContain(
      'As of Mon, 2 Nov 2026, 03:00 (America/New_York)',
    );
  });

  it('when the report is demo data, then the header and the notification say DEMO', () => {
    const m = render({ demo: true });
    expect(m.blocks[0]).toEqual({
      type: 'header',
      text: expect.objectContaining({ text: 'DEMO · Posture digest: prod-daily' }),
    });
    expect(allText(m.blocks)).toContain('Demo data');
    expect(m.text.startsWith('[DEMO DATA]')).toBe(true);
    expect(allText(render().blocks)).not.toMatch(/demo/i);
  });

  it('when rendered, then the notification text summarizes score, counts and changes', () => {
    const m = render({
      score: 82.5,
      previousScore: 80,
      open: counts({ critical: 1, high: 2 }),
      opened: listOf([], 4),
      resolved: listOf([], 2),
    });
    expect(m.text).toBe(
      'Posture digest prod-daily: Posture score 82.5 / 100 (▲ 2.5 points since the last digest); ' +
        '3 open findings (1 critical, 2 high); 4 new, 2 resolved since the last digest.',
    );
  });
});

describe('renderDigestBlocks: incomplete scans', () => {
  it('when the scan was incomplete, then a warning right under the title says so and lists what could not be read', () => {
    const m = render({
      incomplete: [
        'account 222222222222 (acme-staging): AccessDenied on sts:AssumeRole',
        'Security Hub eu-west-1: throttled',
      ],
    });
    expect(m.blocks[0]!.type).toBe('header');
    const warning = sectionText(m.blocks[1]!)!;
    expect(warning).toMatch(/^:warning: \*Scan incomplete:\*/);
    expect(warning).toContain('never counted as resolved');
    expect(warning).toContain('• account 222222222222 (acme-staging): AccessDenied on sts:AssumeRole');
    expect(warning).toContain('• Security Hub eu-west-1: throttled');
    expect(m.text).toMatch(/^Scan incomplete\./);
  });

  it('when there are more problems than fit, then the warning says exactly how many more', () => {
    const problems = Array.from({ length: 200 }, (_, i) => `account ${String(i).padStart(12, '0')}: AccessDenied`);
    const warning = sectionText(render({ incomplete: problems }).blocks[1]!)!;
    const listed = warning.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(listed).toBeGreaterThan(5);
    expect(warning).toContain(`…and ${200 - listed} more problems`);
  });

  it('when the scan was complete, then there is no warning', () => {
    expect(allText(render().blocks)).not.toContain('Scan incomplete');
  });
});

describe('renderDigestBlocks: accounts', () => {
  const breakdown = (id: string, name: string, score: number | null, high: number) => ({
    accountId: id,
    accountName: name,
    score,
    open: counts({ high }),
    opened: 2,
    resolved: 1,
  });

  it('when the scope spans accounts, then each has a line, in the order given (worst first), with exact figures', () => {
    const m = render({
      accounts: [
        breakdown('222222222222', 'acme-staging', 41.25, 1500),
        breakdown('111111111111', 'acme-prod', null, 0),
      ],
    });
    const text = m.blocks.map(sectionText).find((t) => t?.startsWith('*By account*'))!;
    expect(text.split('\n')).toEqual([
      '*By account* · 2 accounts, worst first',
      '• *acme-staging (222222222222)* · score 41.3 · 1,500 high · 2 new · 1 resolved',
      '• *acme-prod (111111111111)* · no score · nothing open · 2 new · 1 resolved',
    ]);
  });

  it('when there are more accounts than fit, then the list says exactly how many more', () => {
    const accounts = Array.from({ length: 300 }, (_, i) =>
      breakdown(String(i).padStart(12, '0'), `account-${i}`, 50, i),
    );
    const text = render({ accounts })
      .blocks.map(sectionText)
      .find((t) => t?.startsWith('*By account*'))!;
    const listed = text.split('\n').filter((l) => l.startsWith('• ')).length;
    expect(text).toContain('300 accounts');
    expect(text).toContain(`…and ${300 - listed} more accounts`);
  });

  it('when the scope is one account, then there is no breakdown', () => {
    expect(allText(render({ accounts: [] }).blocks)).not.toContain('By account');
  });
});

describe('renderDigestBlocks: truncation and styles', () => {
  it('when a list is longer than the message can hold, then the rest is counted exactly and the caller is told to attach the file', () => {
    const items = Array.from({ length: 40 }, () => aDigestItem());
    const m = render({ stillOpen: listOf(items, 1234) });
    const list = listNamed(m.blocks, STILL_OPEN)!;
    expect(list.total).toBe(1234);
    expect(list.items.length).toBeGreaterThan(0);
    expect(list.items.length + list.more).toBe(1234);
    expect(allText(m.blocks)).toContain(
      `…and ${(1234 - list.items.length).toLocaleString('en-US')} more — the full list is attached`,
    );
    expect(m.truncated).toBe(true);
  });

  it('when the report’s list was already capped by its builder, then the message still counts what it did not get', () => {
    const m = render({ resolved: listOf([aDigestItem()], 3) });
    const list = listNamed(m.blocks, RESOLVED)!;
    expect([list.items.length, list.more]).toEqual([1, 2]);
    expect(m.truncated).toBe(true);
  });

  it('when every list is shown in full, then there is no "more" note and nothing to attach', () => {
    const m = render({ opened: listOf([aDigestItem(), aDigestItem()]), stillOpen: listOf([aDigestItem()]) });
    expect(allText(m.blocks)).not.toContain('more —');
    expect(m.truncated).toBe(false);
  });

  it('when the style is compact, then it shows the headline, counts, new and resolved counts and the top 5 new only', () => {
    const opened = Array.from({ length: 8 }, (_, i) =>
      aDigestItem({ title: `New ${i}`, severity: i === 7 ? 'critical' : 'low' }),
    );
    const m = render({
      style: 'compact',
      open: counts({ low: 7, critical: 1 }),
      opened: listOf(opened),
      resolved: listOf([aDigestItem()], 3),
      stillOpen: listOf([aDigestItem()]),
      newlySuppressed: listOf([aDigestItem()]),
      accounts: [{ accountId: '1', accountName: 'a', score: 1, open: counts(), opened: 0, resolved: 0 }],
    });
    const lists = readLists(m.blocks);
    expect(lists.map((l) => [l.heading, l.total, l.items.length, l.more])).toEqual([[NEW, 8, 5, 3]]);
    expect(lists[0]!.items[0]!.text!.text).toContain('*New 7*');
    expect(headline(m)).toContain('*8 new · 3 resolved · 1 suppressed since the last digest*');
    expect(countFields(m.blocks).get('Low')?.count).toBe(7);
    expect(allText(m.blocks)).not.toMatch(/By account|Still open|Resolved since/);
    expect(m.truncated).toBe(true);
  });

  it('when the style is compact and at most 5 findings are new, then nothing is cut', () => {
    const m = render({ style: 'compact', opened: listOf([aDigestItem()]), stillOpen: listOf([aDigestItem()], 90) });
    expect(m.truncated).toBe(false);
  });

  it('when the style is full, then at most 10 findings of a list are shown even when more would fit', () => {
    const tiny = Array.from({ length: 15 }, () =>
      aDigestItem({ title: 't', message: '', resourceType: 'Other', resourceId: 'r', region: 'x' }),
    );
    const list = listNamed(render({ opened: listOf(tiny) }).blocks, NEW)!;
    expect([list.items.length, list.more]).toEqual([10, 5]);
  });
});

describe('renderDigestBlocks: Slack types', () => {
  it('when rendered, then the blocks are Slack KnownBlocks', () => {
    // Compile-time: tsc fails if the local Block Kit types drift from Slack's.
    const blocks: types.KnownBlock[] = render({ opened: listOf([aDigestItem()]) }).blocks;
    expect(blocks.length).toBeGreaterThan(0);
  });
});

/** An accepted risk whose every outside value is as long and as costly as allowed. */
const nastyRisk = (nasty: (n: number) => string): DigestAcceptedRisk => ({
  id: nasty(200),
  source: 'slack',
  owner: { id: nasty(100), name: nasty(200) },
  expiresAt: nasty(100),
  daysLeft: 1_000_000,
  findings: 1_000_000,
});

describe('renderDigestBlocks: worst case', () => {
  it('when every outside value is as long as allowed and made of characters JSON escapes six-fold, then the message still fits, counts intact', () => {
    // Lone surrogates and control characters cost 6 characters each in the payload's JSON.
    const nasty = (n: number) => '\u0001\uD800'.repeat(n);
    const item = aDigestItem({ title: nasty(500), resourceId: nasty(500), message: nasty(500), region: nasty(50) });
    const m = renderDigestBlocks(
      aDigestReport({
        name: nasty(100),
        scheduledFor: nasty(100),
        scopeText: nasty(500),
        demo: true,
        incomplete: Array.from({ length: 100 }, () => nasty(300)),
        accounts: Array.from({ length: 500 }, () => ({
          accountId: nasty(40),
          accountName: nasty(60),
          score: 1,
          open: counts({ critical: 1_000_000, high: 1_000_000, medium: 1_000_000, low: 1_000_000 }),
          opened: 1_000_000,
          resolved: 1_000_000,
        })),
        accountNames: { [item.accountId]: nasty(100) },
        open: counts({ high: 123_456_789 }),
        opened: listOf(
          Array.from({ length: 20 }, () => item),
          5000,
        ),
        resolved: listOf(
          Array.from({ length: 20 }, () => item),
          5000,
        ),
        newlySuppressed: listOf(
          Array.from({ length: 20 }, () => item),
          5000,
        ),
        stillOpen: listOf(
          Array.from({ length: 20 }, () => item),
          5000,
        ),
        reopened: listOf(
          Array.from({ length: 20 }, () => item),
          5000,
        ),
        acceptedRisks: {
          hidden: 1_000_000,
          exceptions: 1_000_000,
          scoreSetAside: 1_000_000,
          expiring: Array.from({ length: 1000 }, () => nastyRisk(nasty)),
          expired: Array.from({ length: 1000 }, () => nastyRisk(nasty)),
          stale: Array.from({ length: 1000 }, () => nastyRisk(nasty)),
          problems: Array.from({ length: 100 }, () => nasty(300)),
        },
        alerts: digestAlertsOf({
          opened: 1_000_000,
          resolved: 1_000_000,
          falsePositive: 1_000_000,
          stillOpen: 2_000_000,
          topOpen: Array.from({ length: 5 }, () =>
            aDigestAlert({ id: nasty(100), title: nasty(500), accountId: nasty(40), summary: nasty(1000) }),
          ),
        }),
      }),
    );
    expect(limitViolations(m, MESSAGE_BUDGET)).toEqual([]);
    expect(readLists(m.blocks).map((l) => l.items.length + l.more)).toEqual([5000, 5000, 5000, 5000, 5000]);
    expect(countFields(m.blocks).get('High')?.count).toBe(123_456_789);
    expect(allText(m.blocks)).toContain(
      '*Alerts:* 1,000,000 opened, 1,000,000 resolved, 1,000,000 false positives, 2,000,000 still open',
    );
    expect(m.truncated).toBe(true);
  });
});
