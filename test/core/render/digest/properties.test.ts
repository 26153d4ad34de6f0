import fc from 'fast-check';
import { SEVERITIES } from '../../../../src/core/model';
import type {
  AccountBreakdown,
  DigestAcceptedRisk,
  DigestAcceptedRisks,
  DigestItem,
  DigestReport,
  SeverityCounts,
} from '../../../../src/core/digest/model';
import { renderDigestBlocks, renderDigestText } from '../../../../src/core/render/digest';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { allButtons, countFields, readLists } from './read-digest';

// ------------------------------------------------------------------ generators

const hostile = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<@U123>',
  '<#C123|general>',
  '<https://evil.example|x>',
  '&',
  '&amp;',
  '&lt;',
  '>',
  '`',
  '*',
  '_~',
  '|',
  '\n> quoted',
  '\u001b[2J',
  '\uD800',
  ':red_circle:',
  '',
);
const long = fc
  .record({ s: fc.string({ unit: 'binary', minLength: 1, maxLength: 6 }), n: fc.integer({ min: 100, max: 1500 }) })
  .map(({ s, n }) => s.repeat(n));
/** Arbitrary Unicode, Slack markup from an attacker, and very long strings. */
const text = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.array(hostile, { maxLength: 6 }).map((parts) => parts.join(' ')) },
  { weight: 1, arbitrary: long },
);
const iso = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  { weight: 1, arbitrary: text },
);
/** Real shapes too, so console links (the longest part of a line) are exercised, not just rejected. */
const resourceType = fc.oneof(
  fc.constantFrom(
    'AwsS3Bucket',
    'AwsIamUser',
    'AwsIamPolicy',
    'AwsCloudTrailTrail',
    'AwsEc2SecurityGroup',
    'AwsAccount',
  ),
  text,
);
const region = fc.oneof(fc.constantFrom('us-east-1', 'eu-central-1', 'global'), text);
const findingId = fc.oneof(
  { weight: 4, arbitrary: fc.stringMatching(/^f_[0-9a-f]{16}$/) },
  { weight: 1, arbitrary: text },
);

const itemArb: fc.Arbitrary<DigestItem> = fc.record({
  findingId,
  source: fc.constantFrom('cloudsec' as const, 'securityhub' as const),
  checkId: fc.oneof(fc.constantFrom('securityhub:S3.8', 's3_bucket_public_access_blocked'), text),
  service: text,
  severity: fc.constantFrom(...SEVERITIES),
  accountId: fc.oneof(fc.constantFrom('111111111111', '222222222222'), text),
  region,
  resourceType,
  resourceId: text,
  resourceArn: fc.option(text),
  title: text,
  message: text,
  remediationId: fc.option(fc.oneof(fc.constant('s3_block_public_access'), text)),
  state: fc.constantFrom('open' as const, 'suppressed' as const),
  firstSeenAt: iso,
  lastSeenAt: iso,
});

/**
 * A list of 0–5,000 items (a small pool repeated, so large lists stay cheap to generate) and a total
 * that may exceed them, as when the report's builder capped the list.
 */
const listArb = fc
  .record({
    pool: fc.array(itemArb, { minLength: 1, maxLength: 6 }),
    n: fc.oneof(
      { weight: 3, arbitrary: fc.integer({ min: 0, max: 30 }) },
      { weight: 1, arbitrary: fc.integer({ min: 0, max: 5000 }) },
    ),
    uncounted: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 2_000_000 })),
  })
  .map(({ pool, n, uncounted }) => ({
    total: n + uncounted,
    items: Array.from({ length: n }, (_, i): DigestItem => {
      const item = pool[i % pool.length]!;
      return i < pool.length ? item : { ...item, findingId: `${item.findingId.slice(0, 40)}#${i}` };
    }),
  }));

const countsArb: fc.Arbitrary<SeverityCounts> = fc.record(
  Object.fromEntries(SEVERITIES.map((s) => [s, fc.nat({ max: 3_000_000 })])) as Record<
    keyof SeverityCounts,
    fc.Arbitrary<number>
  >,
);
const scoreArb = fc.option(fc.double({ min: 0, max: 100, noNaN: true }));

const accountArb: fc.Arbitrary<AccountBreakdown> = fc.record({
  accountId: text,
  accountName: text,
  score: scoreArb,
  open: countsArb,
  opened: fc.nat({ max: 1_000_000 }),
  resolved: fc.nat({ max: 1_000_000 }),
});

const riskArb: fc.Arbitrary<DigestAcceptedRisk> = fc.record({
  id: text,
  source: fc.constantFrom('slack' as const, 'config' as const),
  owner: fc.record({ id: fc.oneof(fc.constant('U0OWNER1'), text), name: fc.option(text, { nil: undefined }) }),
  expiresAt: iso,
  daysLeft: fc.nat({ max: 1_000_000 }),
  findings: fc.nat({ max: 1_000_000 }),
});
const risksArb = fc.array(riskArb, { maxLength: 40 });
const acceptedArb: fc.Arbitrary<DigestAcceptedRisks> = fc.record({
  hidden: fc.nat({ max: 3_000_000 }),
  exceptions: fc.nat({ max: 100_000 }),
  scoreSetAside: fc.nat({ max: 3_000_000 }),
  expiring: risksArb,
  expired: risksArb,
  stale: risksArb,
  problems: fc.array(text, { maxLength: 5 }),
});

const reportArb: fc.Arbitrary<DigestReport> = fc.record({
  name: text,
  scheduledFor: iso,
  timezone: fc.oneof(fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata'), text),
  style: fc.constantFrom('full' as const, 'compact' as const),
  scopeText: text,
  demo: fc.boolean(),
  firstRun: fc.boolean(),
  score: scoreArb,
  previousScore: scoreArb,
  open: countsArb,
  previousOpen: fc.option(countsArb),
  suppressed: fc.nat({ max: 3_000_000 }),
  opened: listArb,
  resolved: listArb,
  newlySuppressed: listArb,
  stillOpen: listArb,
  accounts: fc.oneof(fc.constant<AccountBreakdown[]>([]), fc.array(accountArb, { maxLength: 300 })),
  incomplete: fc.oneof(fc.constant<string[]>([]), fc.array(text, { maxLength: 60 })),
  remediationEnabled: fc.boolean(),
  accountNames: fc.dictionary(text, text, { maxKeys: 5 }),
  reopened: fc.option(listArb, { nil: undefined }),
  acceptedRisks: fc.option(acceptedArb, { nil: undefined }),
});

const partitionArb = fc.constantFrom('aws', 'aws-us-gov', 'aws-cn', 'aws-iso');

// ------------------------------------------------------------------ properties

const HEADINGS = {
  new: 'New since last digest',
  reopened: 'Back since last digest',
  resolved: 'Resolved since last digest',
  suppressed: 'Suppressed since last digest',
  still_open: 'Still open',
} as const;

const expectedLists = (r: DigestReport): [string, number][] => {
  const back: [string, number][] = (r.reopened?.total ?? 0) > 0 ? [[HEADINGS.reopened, r.reopened!.total]] : [];
  return r.style === 'compact'
    ? [[HEADINGS.new, r.opened.total], ...back]
    : [
        [HEADINGS.new, r.opened.total],
        ...back,
        [HEADINGS.resolved, r.resolved.total],
        ...(r.newlySuppressed.total > 0 ? [[HEADINGS.suppressed, r.newlySuppressed.total] as [string, number]] : []),
        [HEADINGS.still_open, r.stillOpen.total],
      ];
};

const RUNS = { numRuns: 120 };

describe('renderDigestBlocks properties', () => {
  it('when any report of 0–5,000 items per list is rendered, then the message is within every Slack limit and budget', () => {
    fc.assert(
      fc.property(reportArb, partitionArb, (report, partition) => {
        expect(limitViolations(renderDigestBlocks(report, { partition }), MESSAGE_BUDGET)).toEqual([]);
      }),
      RUNS,
    );
  });

  it('when any report is rendered, then every count is exact and every list is listed, shown and counted honestly', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const m = renderDigestBlocks(report);
        const fields = countFields(m.blocks);
        for (const s of SEVERITIES)
          expect(fields.get(s.charAt(0).toUpperCase() + s.slice(1))?.count).toBe(report.open[s]);
        expect(fields.get('Open findings')?.count).toBe(SEVERITIES.reduce((n, s) => n + report.open[s], 0));
        expect(fields.get('Suppressed')?.count).toBe(report.suppressed);

        const lists = readLists(m.blocks);
        expect(lists.map((l) => [l.heading, l.total])).toEqual(expectedLists(report));
        for (const list of lists) {
          expect(list.items.length + list.more).toBe(list.total);
          expect(list.items.length).toBeLessThanOrEqual(report.style === 'compact' ? 5 : 10);
        }
        // The attachment flag and the notes agree: a note appears iff something was left out.
        expect(m.truncated).toBe(lists.some((l) => l.more > 0));
      }),
      RUNS,
    );
  });

  it('when any report is rendered, then Remediate buttons only carry ids of open, remediable findings, and only with the workflow on', () => {
    fc.assert(
      fc.property(reportArb, (report) => {
        const remediable = new Set(
          [
            ...report.opened.items,
            ...(report.reopened?.items ?? []),
            ...(report.style === 'full' ? report.stillOpen.items : []),
          ]
            .filter((i) => i.remediationId)
            .map((i) => i.findingId),
        );
        const buttons = allButtons(renderDigestBlocks(report).blocks);
        if (!report.remediationEnabled) expect(buttons).toEqual([]);
        for (const b of buttons) {
          expect(b.action_id).toBe('remediation.request');
          expect(remediable.has(b.value!)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('when any report is rendered, then no outside text forms a Slack mention, link or stray entity', () => {
    const ourLink = /<https:\/\/[^\s<>|]+\|AWS console>/g;
    // Owners of accepted risks are mentioned, but only by an id shaped like a Slack user id.
    const ownerMention = /<@[UW][A-Z0-9]{2,}>/g;
    fc.assert(
      fc.property(reportArb, (report) => {
        for (const b of renderDigestBlocks(report).blocks) {
          const texts =
            b.type === 'section'
              ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)]
              : b.type === 'context'
                ? b.elements.map((e) => e.text)
                : [];
          for (const t of texts) {
            const rest = t.replace(ourLink, '').replace(ownerMention, '');
            expect(rest).not.toMatch(/[<>]/);
            expect(rest).not.toMatch(/&(?!amp;|lt;|gt;)/);
          }
        }
      }),
      RUNS,
    );
  });
});

describe('renderDigestText properties', () => {
  it('when any report is rendered as text, then no control character reaches the terminal and every list is counted exactly', () => {
    fc.assert(
      fc.property(reportArb, fc.integer({ min: 0, max: 60 }), (report, maxPerSection) => {
        const out = renderDigestText(report, { maxPerSection });
        expect(out.replace(/\n/g, '')).not.toMatch(/[\p{Cc}\u202a-\u202e\u2066-\u2069]/u);
        const cap = report.style === 'compact' ? 5 : maxPerSection;
        for (const [heading, total] of expectedLists(report)) {
          const label = `${String(heading).toUpperCase()} (${total === 0 ? 'none' : total.toLocaleString('en-US')}`;
          expect(out).toContain(label);
        }
        const shownNew = Math.min(cap, report.opened.items.length, report.opened.total);
        const moreNew = report.opened.total - shownNew;
        const newBlock = out.slice(out.indexOf('NEW SINCE LAST DIGEST'));
        if (moreNew > 0) expect(newBlock).toContain(`  …and ${moreNew.toLocaleString('en-US')} more`);
      }),
      { numRuns: 60 },
    );
  });
});
