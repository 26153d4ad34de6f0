import nock from 'nock';
import { MAX_ACCESS_ANALYZER_FINDINGS, collectAccessAnalyzerRegion } from '../../../src/aws/collectors/accessanalyzer';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { AccessAnalyzerRegionSchema, type AccessAnalyzerRegion } from '../../../src/core/model';
import {
  aaAccessDenied,
  aaError,
  aaOk,
  aaThrottled,
  analyzerArn,
  findingJson,
  listAnalyzersJson,
  listFindingsJson,
  type AccessFindingFixture,
} from '../../fixtures/aws/fake-services/accessanalyzer';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import type { Reply } from '../../fixtures/aws/fake-aws-core';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const ENDPOINT = `https://access-analyzer.${REGION}.amazonaws.com`;
const ANALYZER = analyzerArn('account-analyzer', REGION);

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  }),
  accountId: ACCOUNT,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<AccessAnalyzerRegion> =>
  AccessAnalyzerRegionSchema.parse(await collectAccessAnalyzerRegion(makeContext(), REGION));

const listAnalyzers = (reply: Reply) =>
  nock(ENDPOINT)
    .get('/analyzer')
    .query(true)
    .reply(...reply);
/** ListFindings for `analyzer` (and page `token`), recording each request body. */
const listFindings = (reply: Reply, bodies: unknown[] = [], analyzer = ANALYZER, token?: string) =>
  nock(ENDPOINT)
    .post('/finding', (body: Record<string, unknown>) => {
      if (body.analyzerArn !== analyzer || body.nextToken !== token) return false;
      bodies.push(body);
      return true;
    })
    .reply(...reply);

const valueOf = <T>(fact: { ok: true; value: T } | { ok: false }): T => {
  if (!fact.ok) throw new Error(`expected a value, got ${JSON.stringify(fact)}`);
  return fact.value;
};

const SHARED: AccessFindingFixture = { id: 'f-shared' };

describe('collectAccessAnalyzerRegion', () => {
  it('when an account analyzer reports a shared bucket, then the analyzer and the active finding are read', async () => {
    listAnalyzers(aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
    const bodies: unknown[] = [];
    listFindings(aaOk(listFindingsJson([SHARED])), bodies);

    const slice = await collect();

    expect(slice.analyzers).toEqual({
      ok: true,
      value: [{ arn: ANALYZER, name: 'account-analyzer', type: 'ACCOUNT', status: 'ACTIVE', statusReason: null }],
    });
    expect(valueOf(slice.findings)).toEqual({
      active: [
        {
          analyzerArn: ANALYZER,
          id: 'f-shared',
          resource: 'arn:aws:s3:::shared-reports',
          resourceType: 'AWS::S3::Bucket',
          resourceOwnerAccount: ACCOUNT,
          isPublic: false,
          principal: { AWS: '999999999999' },
          actions: ['s3:GetObject', 's3:ListBucket'],
          condition: {},
          error: null,
          updatedAt: '2026-10-30T10:00:00.000Z',
        },
      ],
      truncated: false,
    });
    // Only active findings are asked for.
    expect(bodies).toEqual([{ analyzerArn: ANALYZER, filter: { status: { eq: ['ACTIVE'] } }, maxResults: 100 }]);
  });

  it('when the region has no analyzer, then the list is empty and no findings are asked for', async () => {
    listAnalyzers(aaOk(listAnalyzersJson([])));

    const slice = await collect();

    expect(slice).toEqual({ analyzers: { ok: true, value: [] }, findings: { ok: true, value: null } });
  });

  it('when only unused-access and disabled analyzers exist, then no findings are asked for', async () => {
    listAnalyzers(
      aaOk(
        listAnalyzersJson([
          { name: 'unused', type: 'ACCOUNT_UNUSED_ACCESS', region: REGION },
          {
            name: 'org',
            type: 'ORGANIZATION',
            status: 'DISABLED',
            statusReason: 'AWS_SERVICE_ACCESS_DISABLED',
            region: REGION,
          },
        ]),
      ),
    );

    const slice = await collect();

    expect(valueOf(slice.analyzers).map((a) => [a.name, a.statusReason])).toEqual([
      ['unused', null],
      ['org', 'AWS_SERVICE_ACCESS_DISABLED'],
    ]);
    expect(slice.findings).toEqual({ ok: true, value: null });
  });

  it('when analyzers and findings span pages, then every page is read', async () => {
    nock(ENDPOINT)
      .get('/analyzer')
      .query({ maxResults: '100' })
      .reply(...aaOk(listAnalyzersJson([], 'a2')));
    nock(ENDPOINT)
      .get('/analyzer')
      .query({ maxResults: '100', nextToken: 'a2' })
      .reply(...aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
    listFindings(aaOk(listFindingsJson([{ id: 'f1' }], 'f2')));
    listFindings(aaOk(listFindingsJson([{ id: 'f2' }])), [], ANALYZER, 'f2');

    expect(valueOf((await collect()).findings)!.active.map((f) => f.id)).toEqual(['f1', 'f2']);
  });

  it("when an organization analyzer reports another account's resource, then that finding is left out", async () => {
    listAnalyzers(aaOk(listAnalyzersJson([{ name: 'org', type: 'ORGANIZATION', region: REGION }])));
    listFindings(
      aaOk(listFindingsJson([{ id: 'mine' }, { id: 'theirs', owner: '222222222222' }])),
      [],
      analyzerArn('org', REGION),
    );

    expect(valueOf((await collect()).findings)!.active.map((f) => f.id)).toEqual(['mine']);
  });

  it('when there are more active findings than the cap, then paging stops at the cap and says more exist', async () => {
    listAnalyzers(aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
    const page = (n: number) => Array.from({ length: 100 }, (_, i) => ({ id: `f-${n}-${i}` }));
    // One page past the cap: its first finding is the one that cannot be kept; the page after it is never asked for.
    const pages = MAX_ACCESS_ANALYZER_FINDINGS / 100 + 1;
    for (let n = 0; n < pages; n++) {
      listFindings(aaOk(listFindingsJson(page(n), `p${n + 1}`)), [], ANALYZER, n === 0 ? undefined : `p${n}`);
    }

    const findings = valueOf((await collect()).findings)!;

    expect(findings.active).toHaveLength(MAX_ACCESS_ANALYZER_FINDINGS);
    expect(findings.active.at(-1)!.id).toBe(`f-${pages - 2}-99`);
    expect(findings.truncated).toBe(true);
  });

  it('when ListAnalyzers is refused, then analyzers and findings are unknown naming the permission', async () => {
    listAnalyzers(aaAccessDenied('ListAnalyzers'));

    const slice = await collect();

    expect(slice.analyzers).toEqual({
      ok: false,
      error: expect.objectContaining({
        operation: 'ListAnalyzers',
        permission: 'access-analyzer:ListAnalyzers',
        code: 'AccessDeniedException',
        kind: 'access-denied',
      }),
    });
    expect(slice.findings).toEqual(slice.analyzers);
  });

  it('when ListFindings is refused, then the analyzers are known and the findings unknown', async () => {
    listAnalyzers(aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
    listFindings(aaAccessDenied('ListFindings'));

    const slice = await collect();

    expect(slice.analyzers.ok).toBe(true);
    expect(slice.findings).toMatchObject({ ok: false, error: { permission: 'access-analyzer:ListFindings' } });
  });

  it('when ListFindings answers ValidationException, then the findings are unknown, not empty', async () => {
    listAnalyzers(aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
    listFindings(aaError(400, 'ValidationException', 'Invalid filter.'));

    expect((await collect()).findings).toMatchObject({ ok: false, error: { code: 'ValidationException' } });
  });

  it('when a call is throttled once, then the SDK retries and the analyzers are still read', async () => {
    listAnalyzers(aaThrottled());
    listAnalyzers(aaOk(listAnalyzersJson([])));

    expect((await collect()).analyzers).toEqual({ ok: true, value: [] });
  });

  describe('answers AWS does not document make the value unknown, never "none"', () => {
    it.each<[string, unknown]>([
      ['no analyzers list', {}],
      [
        'an analyzer without its status',
        { analyzers: [{ arn: ANALYZER, name: 'a', type: 'ACCOUNT', createdAt: '2024-01-10T09:00:00Z' }] },
      ],
    ])('when ListAnalyzers answers %s, then the analyzers are unknown', async (_label, body) => {
      listAnalyzers(aaOk(body));

      expect((await collect()).analyzers).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    });

    it.each<[string, unknown]>([
      ['no findings list', {}],
      ['a finding without its resource type', { findings: [{ ...findingJson(SHARED), resourceType: undefined }] }],
      ['a finding without its owner', { findings: [{ ...findingJson(SHARED), resourceOwnerAccount: undefined }] }],
    ])('when ListFindings answers %s, then the findings are unknown', async (_label, body) => {
      listAnalyzers(aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
      listFindings(aaOk(body));

      expect((await collect()).findings).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    });

    it('when a finding does not say whether it is public, then isPublic is null (reported as possibly public), not false', async () => {
      listAnalyzers(aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: REGION }])));
      listFindings(aaOk({ findings: [{ ...findingJson(SHARED), isPublic: undefined }] }));

      expect(valueOf((await collect()).findings)!.active[0]!.isPublic).toBeNull();
    });
  });
});
