import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSecurityHubRegion } from '../../../src/aws/collectors/securityhub';
import {
  collectSecurityHubBaseline,
  collectSecurityHubChanges,
  type SecurityHubObservation,
} from '../../../src/aws/collectors/securityhub-changes';
import { READ_PERMISSIONS } from '../../../src/aws/iam-policy';
import type { ObservedItem } from '../../../src/core/digest/model';
import { findingId, normalizeSecurityHubFinding } from '../../../src/core/findings';
import type { Severity } from '../../../src/core/model';
import {
  SH_ACCOUNT_ID,
  asffFinding,
  findingsPage,
  onGetFindings,
  shAccessDenied,
  shError,
  shNotSubscribed,
  shOk,
  shThrottled,
  type GetFindingsBody,
} from '../../fixtures/aws/securityhub';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';

const REGION = 'eu-west-1';
const SINCE = new Date('2026-11-01T09:00:00Z');
const UNTIL = new Date('2026-11-02T09:00:00Z');
const ALL: Severity[] = ['critical', 'high', 'medium', 'low', 'informational'];

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: SH_ACCOUNT_ID,
  }),
  accountId: SH_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const changes = (severities: Severity[] = ALL) =>
  collectSecurityHubChanges(makeContext(), REGION, { since: SINCE, until: UNTIL, severities });
const baseline = (severities: Severity[] = ALL) => collectSecurityHubBaseline(makeContext(), REGION, { severities });

const collectors = [
  ['changes', () => changes()],
  ['baseline', () => baseline()],
] as const;

const itemsOf = (result: SecurityHubObservation): ObservedItem[] => {
  if (!result.ok) throw new Error(`expected items, got ${JSON.stringify(result.error)}`);
  return result.items;
};

/** Answers GetFindings with `pages` in order, keyed by NextToken, and records every request body. */
const stubPages = (pages: { findings: unknown[]; next?: string }[]) => {
  const bodies: GetFindingsBody[] = [];
  pages.forEach((page, i) => {
    const token = i === 0 ? undefined : pages[i - 1]?.next;
    onGetFindings(REGION, (body) => body.NextToken === token).reply((_uri, body) => {
      bodies.push((typeof body === 'string' ? JSON.parse(body) : body) as GetFindingsBody);
      return shOk(findingsPage(page.findings, page.next));
    });
  });
  return bodies;
};

/** `count` distinct findings split into pages of 100, as Security Hub pages them. */
const pagesOf = (count: number) => {
  const findings = Array.from({ length: count }, (_, i) =>
    asffFinding({ resourceId: `arn:aws:s3:::bucket-${i}`, region: REGION }),
  );
  const pages: { findings: unknown[]; next?: string }[] = [];
  for (let i = 0; i < count; i += 100) {
    const last = i + 100 >= count;
    pages.push({ findings: findings.slice(i, i + 100), ...(last ? {} : { next: `token-${i + 100}` }) });
  }
  return { findings, pages };
};

const eq = (Value: string) => ({ Value, Comparison: 'EQUALS' });

describe('collectSecurityHubChanges', () => {
  it('when it asks for changes, then it filters on UpdatedAt in the window, active and archived records, this account, region and severities', async () => {
    const bodies = stubPages([{ findings: [], next: 'page-2' }, { findings: [] }]);

    await changes(['critical', 'high']);

    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual({
      Filters: {
        UpdatedAt: [{ Start: '2026-11-01T09:00:00.000Z', End: '2026-11-02T09:00:00.000Z' }],
        RecordState: [eq('ACTIVE'), eq('ARCHIVED')],
        AwsAccountId: [eq(SH_ACCOUNT_ID)],
        Region: [eq(REGION)],
        SeverityLabel: [eq('CRITICAL'), eq('HIGH')],
        ProductArn: [eq(`arn:aws:securityhub:${REGION}::product/aws/securityhub`)],
      },
      MaxResults: 100,
    });
    // No WorkflowStatus or ComplianceStatus filter: resolved, suppressed and passed findings are changes too.
    expect(bodies[1]).toEqual({ ...bodies[0], NextToken: 'page-2' });
  });

  it('when changes span three pages, then every changed finding is returned in order and three calls are counted', async () => {
    const a = asffFinding({ resourceId: 'arn:aws:s3:::a', region: REGION });
    const b = asffFinding({ resourceId: 'arn:aws:s3:::b', region: REGION });
    const c = asffFinding({ resourceId: 'arn:aws:s3:::c', region: REGION });
    stubPages([{ findings: [a], next: 'p2' }, { findings: [b], next: 'p3' }, { findings: [c] }]);

    const result = await changes();

    expect(itemsOf(result).map((i) => i.resourceId)).toEqual(['arn:aws:s3:::a', 'arn:aws:s3:::b', 'arn:aws:s3:::c']);
    expect(result).toMatchObject({ ok: true, calls: 3 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when 500 findings changed since the last run, then it reads them in 5 GetFindings calls', async () => {
    const { pages } = pagesOf(500);
    const bodies = stubPages(pages);

    const result = await changes();

    expect(itemsOf(result)).toHaveLength(500);
    expect(new Set(itemsOf(result).map((i) => i.findingId)).size).toBe(500);
    expect(result).toMatchObject({ ok: true, calls: 5 });
    expect(bodies).toHaveLength(5);
  });

  it.each([
    ['an active, new, failed finding', {}, 'open'],
    ['a notified finding', { Workflow: { Status: 'NOTIFIED' } }, 'open'],
    ['a finding whose check could not run', { Compliance: { Status: 'NOT_AVAILABLE' } }, 'open'],
    ['a finding with a warning', { Compliance: { Status: 'WARNING' } }, 'open'],
    ['a finding without a compliance status (e.g. GuardDuty)', { Compliance: undefined }, 'open'],
    ['a suppressed finding', { Workflow: { Status: 'SUPPRESSED' } }, 'suppressed'],
    ['a finding marked resolved', { Workflow: { Status: 'RESOLVED' } }, 'resolved'],
    ['an archived finding (its resource is gone)', { RecordState: 'ARCHIVED' }, 'resolved'],
    ['a finding whose control now passes', { Compliance: { Status: 'PASSED' } }, 'resolved'],
    [
      'an archived finding that was suppressed',
      { RecordState: 'ARCHIVED', Workflow: { Status: 'SUPPRESSED' } },
      'resolved',
    ],
    [
      'a suppressed finding whose control now passes',
      { Workflow: { Status: 'SUPPRESSED' }, Compliance: { Status: 'PASSED' } },
      'resolved',
    ],
  ] as const)('when the change is %s %j, then the item is %s', async (_case, raw, state) => {
    stubPages([{ findings: [asffFinding({ region: REGION, raw })] }]);

    expect(itemsOf(await changes())[0]?.state).toBe(state);
  });

  it('when a control finding changed, then it becomes a small item with the id and fields /cloudsec check gives it', async () => {
    const raw = asffFinding({
      controlId: 'S3.8',
      region: REGION,
      severity: 'CRITICAL',
      resourceId: 'arn:aws:s3:::public-assets',
    });
    stubPages([{ findings: [raw] }]);

    const [item] = itemsOf(await changes());

    expect(item).toEqual({
      findingId: findingId({
        source: 'securityhub',
        checkId: 'securityhub:S3.8',
        accountId: SH_ACCOUNT_ID,
        region: REGION,
        resourceId: raw.Id,
      }),
      source: 'securityhub',
      checkId: 'securityhub:S3.8',
      service: 'securityhub',
      severity: 'critical',
      accountId: SH_ACCOUNT_ID,
      region: REGION,
      resourceType: 'AwsS3Bucket',
      resourceId: 'arn:aws:s3:::public-assets',
      resourceArn: 'arn:aws:s3:::public-assets',
      title: 'S3 general purpose buckets should block public access',
      message: 'This control checks whether an Amazon S3 general purpose bucket blocks public access.',
      // S3.8 is the Security Hub control of cloudsec's s3_bucket_public_access_blocked check.
      remediationId: 's3_block_public_access',
      state: 'open',
    });
  });

  it('when the same finding is read by /cloudsec check and by a digest, then both name it with the same finding id', async () => {
    const raw = asffFinding({ controlId: 'EC2.19', resourceId: 'sg-0123', region: REGION });
    stubPages([{ findings: [raw] }]);
    const slice = await collectSecurityHubRegion(makeContext(), REGION, { severities: ALL, maxFindings: 10 });
    if (!slice.findings.ok) throw new Error('full collector failed');
    const checkIds = slice.findings.value.map((f) => normalizeSecurityHubFinding(f, () => null).id);
    stubPages([{ findings: [raw] }]);

    const digestIds = itemsOf(await changes()).map((i) => i.findingId);

    expect(digestIds).toEqual(checkIds);
    expect(digestIds).toHaveLength(1);
  });

  it('when a remediation mapping is given, then it decides the Remediate target instead of the catalog', async () => {
    stubPages([{ findings: [asffFinding({ controlId: 'IAM.4', region: REGION })] }]);

    const result = await collectSecurityHubChanges(makeContext(), REGION, {
      since: SINCE,
      until: UNTIL,
      severities: ALL,
      remediationFor: (id) => (id === 'IAM.4' ? 'custom_fix' : null),
    });

    expect(itemsOf(result)[0]?.remediationId).toBe('custom_fix');
  });

  it.each(collectors)(
    'when a finding has no Id, then the %s read fails as malformed rather than dropping it',
    async (_, read) => {
      const kept = asffFinding({ resourceId: 'arn:aws:s3:::kept', region: REGION });
      stubPages([{ findings: [asffFinding({ region: REGION, raw: { Id: undefined } }), kept] }]);

      expect(await read()).toEqual({
        ok: false,
        error: expect.objectContaining({ kind: 'malformed', message: expect.stringContaining('without its Id') }),
      });
    },
  );

  it.each(collectors)(
    'when a page comes without its Findings list, then the %s read fails as malformed, never a partial list',
    async (_, read) => {
      onGetFindings(REGION, (body) => body.NextToken === undefined).reply(
        ...shOk(findingsPage([asffFinding({ region: REGION })], 'page-2')),
      );
      onGetFindings(REGION, (body) => body.NextToken === 'page-2').reply(...shOk({}));

      expect(await read()).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
    },
  );

  it('when no severity is in scope, then nothing is asked and nothing is returned', async () => {
    // No interceptor: any request would fail with a refused connection.
    expect(await changes([])).toEqual({ ok: true, items: [], calls: 0 });
  });
});

describe('collectSecurityHubBaseline', () => {
  it('when it lists the baseline, then it asks for active findings that are new, notified or suppressed and do not pass', async () => {
    const bodies = stubPages([{ findings: [], next: 'page-2' }, { findings: [] }]);

    await baseline(['medium']);

    expect(bodies[0]).toEqual({
      Filters: {
        RecordState: [eq('ACTIVE')],
        WorkflowStatus: [eq('NEW'), eq('NOTIFIED'), eq('SUPPRESSED')],
        ComplianceStatus: [{ Value: 'PASSED', Comparison: 'NOT_EQUALS' }],
        AwsAccountId: [eq(SH_ACCOUNT_ID)],
        Region: [eq(REGION)],
        SeverityLabel: [eq('MEDIUM')],
        ProductArn: [eq(`arn:aws:securityhub:${REGION}::product/aws/securityhub`)],
      },
      MaxResults: 100,
    });
    expect(bodies[1]).toEqual({ ...bodies[0], NextToken: 'page-2' });
  });

  it('when the estate has more findings than /cloudsec check keeps, then the baseline still lists every one', async () => {
    const { findings, pages } = pagesOf(1_250);
    stubPages(pages);

    const result = await baseline();

    expect(itemsOf(result).map((i) => i.resourceId)).toEqual(findings.map((f) => f.Resources[0]?.Id));
    expect(result).toMatchObject({ ok: true, calls: 13 });
  });

  it('when open and suppressed findings are listed, then their states are kept apart', async () => {
    stubPages([
      {
        findings: [
          asffFinding({ resourceId: 'arn:aws:s3:::open', region: REGION }),
          asffFinding({
            resourceId: 'arn:aws:s3:::accepted',
            region: REGION,
            raw: { Workflow: { Status: 'SUPPRESSED' } },
          }),
        ],
      },
    ]);

    expect(itemsOf(await baseline()).map((i) => [i.resourceId, i.state])).toEqual([
      ['arn:aws:s3:::open', 'open'],
      ['arn:aws:s3:::accepted', 'suppressed'],
    ]);
  });

  it('when a page in the middle is throttled once, then the retry continues and the baseline is complete', async () => {
    const { findings, pages } = pagesOf(300);
    onGetFindings(REGION, (body) => body.NextToken === 'token-100').reply(...shThrottled());
    stubPages(pages);

    const result = await baseline();

    expect(itemsOf(result).map((i) => i.resourceId)).toEqual(findings.map((f) => f.Resources[0]?.Id));
    expect(result).toMatchObject({ ok: true, calls: 3 });
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when a later page is refused, then the whole baseline fails rather than returning a partial list', async () => {
    onGetFindings(REGION, (body) => body.NextToken === undefined).reply(
      ...shOk(findingsPage([asffFinding({ region: REGION })], 'page-2')),
    );
    onGetFindings(REGION, (body) => body.NextToken === 'page-2').reply(...shAccessDenied());

    expect(await baseline()).toMatchObject({ ok: false, error: { code: 'AccessDeniedException' } });
  });
});

describe.each(collectors)('collectSecurityHub %s when Security Hub refuses', (_name, collect) => {
  it('when the region is not subscribed to Security Hub, then there is nothing to report (a state, not an error)', async () => {
    onGetFindings(REGION).reply(...shNotSubscribed());

    expect(await collect()).toEqual({ ok: true, items: [], calls: 1 });
  });

  it('when GetFindings is denied, then the result is an error naming securityhub:GetFindings, which the read policy grants', async () => {
    onGetFindings(REGION).reply(...shAccessDenied());

    const result = await collect();

    expect(result).toEqual({
      ok: false,
      error: {
        service: 'securityhub',
        operation: 'GetFindings',
        permission: 'securityhub:GetFindings',
        region: REGION,
        code: 'AccessDeniedException',
        kind: 'access-denied',
        message: expect.stringContaining('not authorized') as unknown,
      },
    });
    expect(READ_PERMISSIONS.securityhub).toContain('securityhub:GetFindings');
  });

  it('when Security Hub refuses with InvalidAccessException for another reason, then it is an error, not an empty region', async () => {
    onGetFindings(REGION).reply(
      ...shError(
        401,
        'InvalidAccessException',
        `Account ${SH_ACCOUNT_ID} is not an administrator for this organization`,
      ),
    );

    expect(await collect()).toMatchObject({ ok: false, error: { code: 'InvalidAccessException' } });
  });
});

/**
 * A digest must not show findings that a member account imported about itself (any account with
 * securityhub:BatchImportFindings can, critical ones included): only allow-listed products are
 * asked for, and an answer holding another product's finding fails the read. A dropped finding
 * would otherwise read as resolved in a baseline.
 */
describe.each(collectors)('%s: findings from products that are not allow-listed', (_name, collect) => {
  const CUSTOM = `arn:aws:securityhub:${REGION}:${SH_ACCOUNT_ID}:product/${SH_ACCOUNT_ID}/default`;

  it('when the answer holds an imported critical finding, then the read fails naming the product instead of listing it', async () => {
    const imported = asffFinding({
      region: REGION,
      severity: 'CRITICAL',
      resourceId: 'arn:aws:s3:::injected',
      raw: { ProductArn: CUSTOM },
    });
    stubPages([{ findings: [asffFinding({ region: REGION }), imported] }]);

    const result = await collect();

    expect(result).toMatchObject({ ok: false, error: { kind: 'malformed', message: expect.stringContaining(CUSTOM) } });
  });
});

describe('allowed products in the digest reads', () => {
  it('when cloudsec.yml allows another product, then both reads ask for it and keep its findings', async () => {
    const inspector = `arn:aws:securityhub:${REGION}::product/aws/inspector`;
    const finding = asffFinding({ region: REGION, resourceId: 'i-0abc', raw: { ProductArn: inspector } });
    const productArns = ['arn:aws:securityhub:*::product/aws/inspector'];
    const first = stubPages([{ findings: [finding] }]);
    const second = stubPages([{ findings: [finding] }]);

    const read = [
      await collectSecurityHubChanges(makeContext(), REGION, {
        since: SINCE,
        until: UNTIL,
        severities: ALL,
        productArns,
      }),
      await collectSecurityHubBaseline(makeContext(), REGION, { severities: ALL, productArns }),
    ];

    expect(read.map((r) => itemsOf(r).length)).toEqual([1, 1]);
    for (const body of [...first, ...second])
      expect(body.Filters?.ProductArn).toEqual([
        eq(`arn:aws:securityhub:${REGION}::product/aws/securityhub`),
        eq(inspector),
      ]);
  });
});
