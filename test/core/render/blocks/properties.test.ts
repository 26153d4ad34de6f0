import fc from 'fast-check';
import { summarize } from '../../../../src/core/findings';
import { SEVERITIES, type Finding } from '../../../../src/core/model';
import {
  PageActionValueSchema,
  renderCheckMessage,
  renderFindingsMessage,
  renderHomeView,
  type AccountInfo,
  type Block,
  type CheckMessageData,
} from '../../../../src/core/render/blocks';
import {
  BLOCK_KIT,
  HOME_BUDGET,
  MESSAGE_BUDGET,
  blockTextLength,
  limitViolations,
  type Budget,
} from '../../../../src/core/render/limits';
import { bySeverity } from '../../../../src/core/render/blocks/finding';
import { buttons, textObjects } from './builders';

// ------------------------------------------------------------------ generators

const hostile = fc.constantFrom(
  '<!channel>',
  '<!here>',
  '<!everyone>',
  '<@U123>',
  '<#C123|general>',
  '<https://evil.example|x>',
  '<mailto:a@b.c|mail>',
  '&',
  '&amp;',
  '&lt;',
  '>',
  '`',
  '*',
  '_~',
  '\n> quoted',
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
  fc
    .date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  text,
);

const findingArb: fc.Arbitrary<Finding> = fc.record({
  id: fc.oneof(
    { weight: 5, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }) },
    { weight: 1, arbitrary: long },
  ),
  source: fc.constantFrom('cloudsec' as const, 'securityhub' as const),
  checkId: text,
  status: fc.constantFrom('fail' as const, 'fail' as const, 'fail' as const, 'unknown' as const, 'pass' as const),
  severity: fc.constantFrom(...SEVERITIES),
  service: text,
  accountId: text,
  region: text,
  resource: fc.record({ type: text, id: text, arn: fc.option(text) }),
  title: text,
  message: text,
  evidence: fc.oneof(
    fc.constant({}),
    fc.record({ missingPermission: text }),
    fc.record(
      {
        missingPermission: text,
        errorKind: fc.constantFrom(
          'access-denied',
          'region-unavailable',
          'throttled',
          'unreachable',
          'unsupported',
          'malformed',
          'other',
          'not-a-kind',
        ),
      },
      { requiredKeys: ['errorKind'] },
    ),
  ),
  remediationId: fc.option(text),
  frameworks: fc.record({ cis: fc.option(text), securityHub: fc.option(text) }),
  observedAt: iso,
});

/** 0 to 2000 findings: a small pool of arbitrary ones repeated, so large sets stay cheap to generate. */
const findingSet = (maxCount: number) =>
  fc
    .record({ pool: fc.array(findingArb, { minLength: 1, maxLength: 12 }), n: fc.integer({ min: 0, max: maxCount }) })
    .map(({ pool, n }) =>
      Array.from({ length: n }, (_, i): Finding => {
        const f = pool[i % pool.length]!;
        return { ...f, id: i < pool.length ? f.id : `${f.id.slice(0, 40)}#${i}` };
      }),
    );

const accountsArb: fc.Arbitrary<AccountInfo[]> = fc.array(
  fc.record({
    id: text,
    name: text,
    reachable: fc.boolean(),
    error: fc.option(text),
    warnings: fc.array(text, { maxLength: 3 }),
  }),
  { maxLength: 8 },
);

const optionsArb = fc.record({
  now: fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }),
  remediationEnabled: fc.boolean(),
  page: fc.option(
    fc.record({ offset: fc.integer({ min: 0, max: 2100 }), pageSize: fc.integer({ min: 1, max: 100 }) }),
    {
      nil: undefined,
    },
  ),
  scopeKey: fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
});

const checkData = (
  findings: Finding[],
  accounts: AccountInfo[],
  generatedAt: string,
  demo: boolean,
): CheckMessageData => ({
  findings,
  summary: summarize(findings),
  services: ['s3', 'iam'],
  generatedAt,
  evaluatedAt: generatedAt,
  demo,
  accounts,
});

// ------------------------------------------------------------------ what must hold for any input

/** `<@U…>` mentions are written by cloudsec from validated Slack ids (Home approvals); nothing else may be markup. */
const MENTION = /<@[UW][A-Z0-9]{2,20}>/g;

const expectWithinSlackLimits = (payload: { text?: string; blocks: Block[] }, budget: Budget) => {
  expect(payload.blocks.length).toBeLessThanOrEqual(budget.maxBlocks);
  for (const block of payload.blocks) {
    if (block.type === 'section') {
      expect(block.text !== undefined || block.fields !== undefined).toBe(true);
      expect(block.text?.text.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT.sectionText);
      expect(block.fields?.length ?? 0).toBeLessThanOrEqual(BLOCK_KIT.sectionFields);
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(BLOCK_KIT.fieldText);
    }
    if (block.type === 'header') {
      expect(block.text.type).toBe('plain_text');
      expect(block.text.text.length).toBeLessThanOrEqual(BLOCK_KIT.headerText);
    }
    if (block.type === 'context') expect(block.elements.length).toBeLessThanOrEqual(BLOCK_KIT.contextElements);
  }
  for (const { t } of textObjects(payload.blocks)) {
    expect(t.text.length).toBeGreaterThanOrEqual(1);
    expect(t.text.length).toBeLessThanOrEqual(BLOCK_KIT.textObject);
  }
  for (const b of buttons(payload.blocks)) {
    expect(b.text.text.length).toBeLessThanOrEqual(BLOCK_KIT.buttonText);
    expect(b.action_id.length).toBeLessThanOrEqual(BLOCK_KIT.actionId);
    expect((b.value ?? '').length).toBeLessThanOrEqual(BLOCK_KIT.buttonValue);
  }
  expect(blockTextLength(payload.blocks)).toBeLessThanOrEqual(budget.maxBlockText);
  expect(JSON.stringify(payload).length).toBeLessThanOrEqual(budget.maxPayloadJson);
  if (payload.text !== undefined) expect(payload.text.length).toBeLessThanOrEqual(budget.maxFallbackText);
  expect(limitViolations(payload, budget)).toEqual([]);
};

const expectNoForgeableMarkup = (payload: { text?: string; blocks: Block[] }) => {
  const texts = [
    ...textObjects(payload.blocks).map(({ t }) => t),
    ...(payload.text ? [{ type: 'mrkdwn', text: payload.text }] : []),
  ];
  for (const t of texts) {
    expect(t.text.replace(MENTION, '')).not.toMatch(/[<>]/);
    if (t.type === 'mrkdwn') expect(t.text).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
};

const remediateValues = (blocks: Block[]) =>
  buttons(blocks)
    .filter((b) => b.action_id === 'remediation.request')
    .map((b) => b.value);

const sectionTexts = (blocks: Block[]) => blocks.flatMap((b) => (b.type === 'section' && b.text ? [b.text.text] : []));

// ------------------------------------------------------------------ properties

describe('Block Kit renderers, for any finding set', () => {
  it('when a check result is rendered, then it fits Slack and no data can mention or link', () => {
    fc.assert(
      fc.property(
        findingSet(2000),
        accountsArb,
        iso,
        fc.boolean(),
        optionsArb,
        (findings, accounts, generatedAt, demo, options) => {
          const payload = renderCheckMessage(checkData(findings, accounts, generatedAt, demo), options);
          expectWithinSlackLimits(payload, MESSAGE_BUDGET);
          expectNoForgeableMarkup(payload);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('when a check result is rendered, then the headline and unknown counts are exact', () => {
    fc.assert(
      fc.property(findingSet(2000), optionsArb, (findings, options) => {
        const payload = renderCheckMessage(checkData(findings, [], '2026-01-01T00:00:00Z', false), options);
        const { byStatus, bySeverity: counts } = summarize(findings);
        const headline = sectionTexts(payload.blocks).find((t) => / passing · \d+ unknown$/.test(t))!;
        expect(headline).toContain(`${byStatus.pass} passing · ${byStatus.unknown} unknown`);
        if (byStatus.fail > 0) {
          expect(headline).toContain(`*${byStatus.fail} failing* (`);
          for (const s of SEVERITIES) expect(headline.includes(` ${s}`)).toBe(counts[s] > 0);
          for (const s of SEVERITIES) if (counts[s] > 0) expect(headline).toMatch(new RegExp(`[( ]${counts[s]} ${s}`));
        }
        const unknownBlock = sectionTexts(payload.blocks).find((t) => t.includes('could not be checked.*'));
        expect(unknownBlock === undefined).toBe(byStatus.unknown === 0);
        if (unknownBlock) {
          expect(unknownBlock).toContain(`*${byStatus.unknown} could not be checked.*`);
          // Every bullet (permission, cause, other reasons) carries one "N check(s)"; together they are all.
          const bullets = unknownBlock.split('\n').filter((l) => l.startsWith('• '));
          const listed = bullets.map((l) => Number(/^• .*?: (\d+) checks?\b/.exec(l)?.[1] ?? NaN));
          expect(listed.reduce((a, b) => a + b, 0)).toBe(byStatus.unknown);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('when failing findings do not fit, then shown plus "and N more" equals the total, and a page always advances', () => {
    fc.assert(
      fc.property(findingSet(2000), optionsArb, (raw, options) => {
        // Short ids and a remediation on every finding, so each shown failing finding has exactly one button.
        const findings = raw.map((f, i) => ({ ...f, id: `f_${i}`, remediationId: 'fix' }));
        const payload = renderCheckMessage(checkData(findings, [], '2026-01-01T00:00:00Z', false), {
          ...options,
          remediationEnabled: true,
        });
        const total = findings.filter((f) => f.status === 'fail').length;
        const offset = Math.min(options.page?.offset ?? 0, total);
        const shown = remediateValues(payload.blocks).length;
        const all = payload.blocks
          .flatMap((b) => (b.type === 'context' ? b.elements.map((e) => e.text) : []))
          .join('\n');
        const more = /…and (\d+) more failing findings?\./.exec(all);
        const remaining = total - offset - shown;
        expect(more ? Number(more[1]) : 0).toBe(remaining);
        if (offset < total) expect(shown).toBeGreaterThanOrEqual(1);
        if (shown > 0 && shown < total) expect(all).toContain(`Showing ${offset + 1}–${offset + shown} of ${total}.`);
        const actionIds = buttons(payload.blocks).map((b) => b.action_id);
        expect(actionIds.includes('findings.page')).toBe(remaining > 0);
        expect(actionIds.includes('findings.export')).toBe(total > 0 && !(offset === 0 && shown === total));
      }),
      { numRuns: 100 },
    );
  });

  it('when Next page is followed to the end, then every failing finding is shown exactly once, most severe first', () => {
    fc.assert(
      fc.property(
        findingSet(300),
        fc.integer({ min: 1, max: 60 }),
        fc.string({ minLength: 1, maxLength: 50 }),
        (raw, pageSize, scopeKey) => {
          const findings = raw.map((f, i) => ({ ...f, id: `f_${i}`, remediationId: 'fix' }));
          const data = checkData(findings, [], '2026-01-01T00:00:00Z', false);
          const seen: (string | undefined)[] = [];
          let offset: number | null = 0;
          for (let pages = 0; offset !== null; pages += 1) {
            expect(pages).toBeLessThanOrEqual(findings.length + 1);
            const payload = renderCheckMessage(data, {
              now: new Date('2026-01-01T00:05:00Z'),
              remediationEnabled: true,
              scopeKey,
              page: { offset, pageSize },
            });
            seen.push(...remediateValues(payload.blocks));
            const next = buttons(payload.blocks).find((b) => b.action_id === 'findings.page');
            const value: { s: string; o: number } | null = next
              ? PageActionValueSchema.parse(JSON.parse(next.value!))
              : null;
            if (value) expect(value.s).toBe(scopeKey);
            offset = value ? value.o : null;
          }
          expect(seen).toEqual(bySeverity(findings.filter((f) => f.status === 'fail')).map((f) => f.id));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('when Security Hub findings are rendered, then they fit Slack, escape data and count exactly', () => {
    fc.assert(
      fc.property(findingSet(2000), fc.boolean(), optionsArb, (findings, demo, options) => {
        const payload = renderFindingsMessage({ findings, demo, generatedAt: '2026-01-01T00:00:00Z' }, options);
        expectWithinSlackLimits(payload, MESSAGE_BUDGET);
        expectNoForgeableMarkup(payload);
        const headline = sectionTexts(payload.blocks)[0]!;
        if (findings.length > 0) expect(headline).toContain(`*${findings.length} Security Hub finding`);
      }),
      { numRuns: 100 },
    );
  });

  it('when the Home tab is rendered, then it fits a view and only validated user ids become mentions', () => {
    const postureArb = fc.record({
      accountId: text,
      name: text,
      bySeverity: fc.record({
        critical: fc.nat(50),
        high: fc.nat(50),
        medium: fc.nat(50),
        low: fc.nat(50),
        informational: fc.nat(50),
      }),
      fail: fc.nat(250),
      pass: fc.nat(1000),
      unknown: fc.nat(100),
    });
    const approvalArb = fc.record({
      requestId: fc.oneof(text, fc.string({ minLength: 1, maxLength: 20 })),
      title: text,
      resourceId: text,
      accountId: text,
      requestedBy: fc.oneof(text, fc.constantFrom('U024BE7LH', 'W123ABC', '<!channel>')),
      requestedAt: iso,
    });
    fc.assert(
      fc.property(
        fc.array(postureArb, { maxLength: 120 }),
        findingSet(400),
        fc.option(fc.array(approvalArb, { maxLength: 30 }), { nil: undefined }),
        fc.option(text, { nil: undefined }),
        fc.option(iso, { nil: null }),
        fc.boolean(),
        (summaryByAccount, topFindings, pendingApprovals, userName, lastRefreshed, remediationEnabled) => {
          const view = renderHomeView({
            ...(userName !== undefined ? { userName } : {}),
            summaryByAccount,
            topFindings,
            lastRefreshed,
            now: new Date('2026-01-01T00:00:00Z'),
            ...(pendingApprovals ? { pendingApprovals } : {}),
            remediationEnabled,
          });
          expect(view.type).toBe('home');
          expectWithinSlackLimits(view, HOME_BUDGET);
          expectNoForgeableMarkup(view);
          const text = textObjects(view.blocks)
            .map(({ t }) => t.text)
            .join('\n');
          expect(text.includes('Waiting for your approval')).toBe(pendingApprovals !== undefined);
          const total = summaryByAccount.reduce((n, a) => n + a.fail, 0);
          expect(text).toContain(total > 0 ? `*${total} failing*` : '*Nothing failing*');
        },
      ),
      { numRuns: 100 },
    );
  });
});
