import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSecurityHubRegion, type SecurityHubFilter } from '../../../src/aws/collectors/securityhub';
import { collectSecurityHubBaseline } from '../../../src/aws/collectors/securityhub-changes';
import { allowedProductArns } from '../../../src/aws/collectors/securityhub-products';
import { parseConfig } from '../../../src/config';
import {
  SecurityHubRegionSchema,
  type Finding,
  type SecurityHubFinding,
  type SecurityHubRegion,
} from '../../../src/core/model';
import { toAsff } from '../../../src/core/outputs/asff';
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
const ALL_SEVERITIES: SecurityHubFilter = {
  severities: ['critical', 'high', 'medium', 'low', 'informational'],
  maxFindings: 1000,
};

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

const collect = async (filter: SecurityHubFilter = ALL_SEVERITIES): Promise<SecurityHubRegion> =>
  SecurityHubRegionSchema.parse(await collectSecurityHubRegion(makeContext(), REGION, filter));

const findingsOf = (slice: SecurityHubRegion): SecurityHubFinding[] => {
  if (!slice.findings.ok) throw new Error(`expected findings, got ${JSON.stringify(slice.findings)}`);
  return slice.findings.value;
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

const eq = (Value: string) => ({ Value, Comparison: 'EQUALS' });

describe('collectSecurityHubRegion', () => {
  it('when findings span two pages, then every finding is kept in the order Security Hub sorted them', async () => {
    const a = asffFinding({ controlId: 'S3.8', resourceId: 'arn:aws:s3:::a', region: REGION });
    const b = asffFinding({ controlId: 'IAM.4', resourceId: `arn:aws:iam::${SH_ACCOUNT_ID}:root`, region: REGION });
    const c = asffFinding({ controlId: 'EC2.19', resourceId: 'sg-0123', region: REGION });
    stubPages([{ findings: [a, b], next: 'page-2' }, { findings: [c] }]);

    const slice = await collect();

    expect(slice.enabled).toEqual({ ok: true, value: true });
    expect(findingsOf(slice).map((f) => f.id)).toEqual([a.Id, b.Id, c.Id]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it("when it asks for findings, then it filters to active, open, failed findings of this account and region from Security Hub itself, not cloudsec's own, newest first", async () => {
    const bodies = stubPages([{ findings: [], next: 'page-2' }, { findings: [] }]);

    await collect({ severities: ['critical', 'high', 'informational'], maxFindings: 1000 });

    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toEqual({
      Filters: {
        RecordState: [eq('ACTIVE')],
        WorkflowStatus: [eq('NEW'), eq('NOTIFIED')],
        ComplianceStatus: [eq('FAILED')],
        AwsAccountId: [eq(SH_ACCOUNT_ID)],
        Region: [eq(REGION)],
        SeverityLabel: [eq('CRITICAL'), eq('HIGH'), eq('INFORMATIONAL')],
        // Never cloudsec's own imported findings (`cloudsec publish --security-hub`).
        GeneratorId: [{ Value: 'cloudsec/', Comparison: 'PREFIX_NOT_EQUALS' }],
        ProductArn: [eq(`arn:aws:securityhub:${REGION}::product/aws/securityhub`)],
      },
      SortCriteria: [{ Field: 'UpdatedAt', SortOrder: 'desc' }],
      MaxResults: 100,
    });
    expect(bodies[1]).toEqual({ ...bodies[0], NextToken: 'page-2' });
  });

  it('when a control finding arrives in ASFF, then it is normalized into the model', async () => {
    const raw = asffFinding({
      controlId: 'S3.8',
      region: REGION,
      severity: 'CRITICAL',
      resourceId: 'arn:aws:s3:::public-assets',
      updatedAt: '2026-10-30T10:00:00Z',
    });
    stubPages([{ findings: [raw] }]);

    const [finding] = findingsOf(await collect());

    expect(finding).toEqual({
      id: raw.Id,
      productArn: `arn:aws:securityhub:${REGION}::product/aws/securityhub`,
      generatorId: 'security-control/S3.8',
      controlId: 'S3.8',
      title: raw.Title,
      description: raw.Description,
      severity: 'critical',
      accountId: SH_ACCOUNT_ID,
      region: REGION,
      resourceType: 'AwsS3Bucket',
      resourceId: 'arn:aws:s3:::public-assets',
      complianceStatus: 'FAILED',
      workflowStatus: 'NEW',
      updatedAt: '2026-10-30T10:00:00.000Z',
      createdAt: '2026-09-01T10:00:00.000Z',
    });
  });

  it.each([
    ['INFORMATIONAL', 'informational'],
    ['LOW', 'low'],
    ['MEDIUM', 'medium'],
    ['HIGH', 'high'],
    ['CRITICAL', 'critical'],
  ] as const)('when the severity label is %s, then the finding is %s', async (label, severity) => {
    stubPages([{ findings: [asffFinding({ severity: label, region: REGION })] }]);

    expect(findingsOf(await collect())[0]?.severity).toBe(severity);
  });

  it.each([
    [
      'a standard-specific FSBP finding names the control only in ProductFields',
      'IAM.4',
      {
        GeneratorId: 'aws-foundational-security-best-practices/v/1.0.0/IAM.4',
        ProductFields: {
          StandardsArn: 'arn:aws:securityhub:::standards/aws-foundational-security-best-practices/v/1.0.0',
          ControlId: 'IAM.4',
        },
        Compliance: { Status: 'FAILED' },
      },
    ],
    [
      'only the consolidated generator id names the control',
      'EC2.19',
      { GeneratorId: 'security-control/EC2.19', ProductFields: {}, Compliance: { Status: 'FAILED' } },
    ],
    [
      'a CIS v1.4.0 finding carries a CIS rule number as ControlId',
      null,
      {
        GeneratorId: 'cis-aws-foundations-benchmark/v/1.4.0/1.4',
        ProductFields: {
          StandardsArn: 'arn:aws:securityhub:::standards/cis-aws-foundations-benchmark/v/1.4.0',
          ControlId: '1.4',
        },
        Compliance: { Status: 'FAILED' },
      },
    ],
    [
      'a CIS v1.2.0 finding names only its rule',
      null,
      {
        GeneratorId: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0/rule/1.4',
        ProductFields: { RuleId: '1.4' },
        Compliance: { Status: 'FAILED' },
      },
    ],
  ] as const)('when %s, then controlId is %s', async (_case, controlId, raw) => {
    stubPages([{ findings: [asffFinding({ region: REGION, raw })] }]);

    expect(findingsOf(await collect())[0]?.controlId).toBe(controlId);
  });

  it('when the cap is reached mid-way, then paging stops and only the newest findings up to the cap are kept', async () => {
    const [a, b, c, d] = ['a', 'b', 'c', 'd'].map((n) =>
      asffFinding({ resourceId: `arn:aws:s3:::${n}`, region: REGION }),
    );
    // No third page is stubbed: asking for it would fail the call and the test.
    const bodies = stubPages([
      { findings: [a, b], next: 'page-2' },
      { findings: [c, d], next: 'page-3' },
    ]);

    const slice = await collect({ severities: ['high'], maxFindings: 3 });

    expect(findingsOf(slice).map((f) => f.id)).toEqual([a?.Id, b?.Id, c?.Id]);
    expect(bodies.map((body) => body.MaxResults)).toEqual([3, 3]);
  });

  it('when no severity is selected, then no findings are kept but whether the region is enabled is still known', async () => {
    const bodies = stubPages([{ findings: [asffFinding({ region: REGION })], next: 'page-2' }]);

    const slice = await collect({ severities: [], maxFindings: 1000 });

    expect(slice).toEqual({ enabled: { ok: true, value: true }, findings: { ok: true, value: [] } });
    expect(bodies[0]?.Filters).not.toHaveProperty('SeverityLabel');
  });

  it('when the region is not subscribed to Security Hub, then it is disabled with no findings (a state, not an error)', async () => {
    onGetFindings(REGION).reply(...shNotSubscribed());

    expect(await collect()).toEqual({ enabled: { ok: true, value: false }, findings: { ok: true, value: [] } });
  });

  it('when Security Hub refuses for another reason with InvalidAccessException, then both facts are unknown', async () => {
    onGetFindings(REGION).reply(
      ...shError(
        401,
        'InvalidAccessException',
        `Account ${SH_ACCOUNT_ID} is not an administrator for this organization`,
      ),
    );

    const slice = await collect();

    expect(slice.enabled.ok).toBe(false);
    expect(slice.findings).toMatchObject({ ok: false, error: { code: 'InvalidAccessException' } });
  });

  it('when GetFindings is denied, then both facts are unknown and name securityhub:GetFindings', async () => {
    onGetFindings(REGION).reply(...shAccessDenied());

    const slice = await collect();

    const expected = {
      ok: false,
      error: {
        service: 'securityhub',
        operation: 'GetFindings',
        permission: 'securityhub:GetFindings',
        region: REGION,
        code: 'AccessDeniedException',
        kind: 'access-denied',
      },
    };
    expect(slice.enabled).toMatchObject(expected);
    expect(slice.findings).toMatchObject(expected);
  });

  describe('when Security Hub answers with something other than what its API reference documents', () => {
    const expectMalformed = (slice: SecurityHubRegion) => {
      expect(slice.enabled).toMatchObject({ ok: false, error: { kind: 'malformed', code: 'MalformedAnswer' } });
      expect(slice.findings).toMatchObject({ ok: false, error: { kind: 'malformed', code: 'MalformedAnswer' } });
    };

    it('then a page without its Findings list makes the region unknown, not "no findings"', async () => {
      onGetFindings(REGION).reply(...shOk({}));

      expectMalformed(await collect());
    });

    it('then a later page without its Findings list makes the region unknown, not the first page alone', async () => {
      onGetFindings(REGION, (body) => body.NextToken === undefined).reply(
        ...shOk(findingsPage([asffFinding({ region: REGION })], 'page-2')),
      );
      onGetFindings(REGION, (body) => body.NextToken === 'page-2').reply(...shOk({ NextToken: 'page-3' }));

      expectMalformed(await collect());
    });

    it('then a finding without its Id makes the region unknown instead of silently dropping a failure', async () => {
      stubPages([
        { findings: [asffFinding({ region: REGION, raw: { Id: undefined } }), asffFinding({ region: REGION })] },
      ]);

      const slice = await collect();

      expectMalformed(slice);
      expect(slice.findings.ok ? '' : slice.findings.error.message).toContain('without its Id');
    });

    it("then a finding with only a normalized score gets Security Hub's label for that score", async () => {
      stubPages([{ findings: [asffFinding({ region: REGION, raw: { Severity: { Normalized: 75 } } })] }]);

      expect(findingsOf(await collect())[0]?.severity).toBe('high');
    });

    it('then a finding with no severity at all makes the region unknown, not an informational finding', async () => {
      stubPages([{ findings: [asffFinding({ region: REGION, raw: { Severity: undefined } })] }]);

      expectMalformed(await collect());
    });

    it('then an HTML page with status 200 makes the region unknown with the status named, in one line', async () => {
      onGetFindings(REGION).reply(200, '<html><body>Session expired</body></html>', { 'content-type': 'text/html' });

      const slice = await collect();

      expectMalformed(slice);
      const message = slice.findings.ok ? '' : slice.findings.error.message;
      expect(message).toContain('HTTP 200');
      expect(message).not.toMatch(/[\r\n]|Session expired/);
    });
  });

  it('when GetFindings is throttled once, then the retry still collects the findings', async () => {
    onGetFindings(REGION).reply(...shThrottled());
    const finding = asffFinding({ region: REGION });
    stubPages([{ findings: [finding] }]);

    const slice = await collect();

    expect(findingsOf(slice).map((f) => f.id)).toEqual([finding.Id]);
    expect(nock.pendingMocks()).toEqual([]);
  });
});

/**
 * Any account with securityhub:BatchImportFindings can import findings about itself under its own
 * product (`product/<account>/default`), critical ones included. Only findings of allow-listed
 * products are asked for: Security Hub's own, plus `securityhub.productArns` in cloudsec.yml. An
 * answer holding any other product's finding is not the answer to that request: the region is
 * unknown (saying how many, from which product) rather than some findings silently left out.
 */
describe('findings from products that are not allow-listed', () => {
  const SECURITY_HUB = `arn:aws:securityhub:${REGION}::product/aws/securityhub`;
  const CUSTOM = `arn:aws:securityhub:${REGION}:${SH_ACCOUNT_ID}:product/${SH_ACCOUNT_ID}/default`;
  let n = 0;
  const injected = () =>
    asffFinding({
      region: REGION,
      controlId: 'IAM.6',
      resourceId: `arn:aws:iam::${SH_ACCOUNT_ID}:root`,
      severity: 'CRITICAL',
      raw: { ProductArn: CUSTOM, Id: `${CUSTOM}/injected-${++n}` },
    });
  const errorOf = (slice: SecurityHubRegion) => (slice.findings.ok ? null : slice.findings.error);

  it('when Security Hub sends imported critical findings despite the filter, then the region is unknown, naming how many and the product', async () => {
    stubPages([{ findings: [injected(), asffFinding({ region: REGION }), injected()] }]);

    const slice = await collect();

    expect(slice.findings).toMatchObject({ ok: false, error: { kind: 'malformed' } });
    expect(slice.enabled.ok).toBe(false);
    const message = errorOf(slice)?.message ?? '';
    expect(message).toContain('2 findings');
    expect(message).toContain(CUSTOM);
    expect(message).toContain('securityhub.productArns');
  });

  it('when a finding carries no ProductArn, then the region is unknown: where the finding came from cannot be told', async () => {
    stubPages([{ findings: [asffFinding({ region: REGION, raw: { ProductArn: undefined } })] }]);

    const slice = await collect();

    expect(errorOf(slice)).toMatchObject({ kind: 'malformed', message: expect.stringContaining('ProductArn') });
  });

  it('when a foreign finding is also malformed, then the product is what the region is refused for', async () => {
    stubPages([{ findings: [{ ...injected(), Severity: undefined }] }]);

    expect(errorOf(await collect())?.message).toContain(CUSTOM);
  });

  it('when cloudsec.yml allows another product, then its findings are asked for and kept', async () => {
    const guardDuty = asffFinding({
      region: REGION,
      resourceId: 'i-0abc',
      raw: { ProductArn: `arn:aws:securityhub:${REGION}::product/aws/guardduty` },
    });
    const bodies = stubPages([{ findings: [guardDuty, asffFinding({ region: REGION })] }]);

    const slice = await collect({ ...ALL_SEVERITIES, productArns: ['arn:aws:securityhub:*::product/aws/guardduty'] });

    expect(findingsOf(slice)).toHaveLength(2);
    expect(bodies[0]?.Filters?.ProductArn).toEqual([
      eq(SECURITY_HUB),
      eq(`arn:aws:securityhub:${REGION}::product/aws/guardduty`),
    ]);
  });
});

describe('allowedProductArns', () => {
  it('when nothing is configured, then only Security Hub of this partition and region is allowed', () => {
    expect(allowedProductArns('aws', 'eu-west-1')).toEqual(['arn:aws:securityhub:eu-west-1::product/aws/securityhub']);
    expect(allowedProductArns('aws-us-gov', 'us-gov-west-1')).toEqual([
      'arn:aws-us-gov:securityhub:us-gov-west-1::product/aws/securityhub',
    ]);
  });

  it('when products are configured, then * stands for the region and other regions or partitions are left out', () => {
    expect(
      allowedProductArns('aws', 'eu-west-1', [
        'arn:aws:securityhub:*::product/aws/inspector',
        'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
        'arn:aws:securityhub:us-east-1::product/aws/macie',
        'arn:aws-cn:securityhub:*::product/aws/guardduty',
        'arn:aws:securityhub:*::product/aws/securityhub',
      ]),
    ).toEqual([
      'arn:aws:securityhub:eu-west-1::product/aws/securityhub',
      'arn:aws:securityhub:eu-west-1::product/aws/inspector',
      'arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default',
    ]);
  });
});

describe('securityhub.productArns in cloudsec.yml', () => {
  const ACCOUNTS = 'accounts:\n  - id: "111111111111"\n    name: prod\n';

  it('when it is not set, then no product beyond Security Hub itself is allowed', () => {
    expect(parseConfig(ACCOUNTS, 'cloudsec.yml').securityhub.productArns).toEqual([]);
  });

  it('when it lists product ARNs, then they are read', () => {
    const config = parseConfig(
      `${ACCOUNTS}securityhub:\n  productArns: ['arn:aws:securityhub:*::product/aws/guardduty']\n`,
      'cloudsec.yml',
    );
    expect(config.securityhub.productArns).toEqual(['arn:aws:securityhub:*::product/aws/guardduty']);
  });

  it.each([
    ['a finding ARN', 'arn:aws:securityhub:eu-west-1:111111111111:finding/abc'],
    ['a wildcard product', 'arn:aws:securityhub:*::product/*'],
    ['no ARN at all', 'guardduty'],
  ])('when it holds %s, then start-up stops naming the place', (_what, arn) => {
    expect(() => parseConfig(`${ACCOUNTS}securityhub:\n  productArns: ['${arn}']\n`, 'cloudsec.yml')).toThrow(
      /securityhub\.productArns\[0\]/,
    );
  });

  it('when it lists more than Security Hub can filter on at once, then start-up stops', () => {
    const many = Array.from({ length: 20 }, (_, i) => `'arn:aws:securityhub:*::product/aws/p${i}'`).join(', ');
    expect(() => parseConfig(`${ACCOUNTS}securityhub:\n  productArns: [${many}]\n`, 'cloudsec.yml')).toThrow(
      /securityhub\.productArns/,
    );
  });
});

/**
 * cloudsec's own published findings (`cloudsec publish --security-hub`) live in each account's
 * default product. An operator who allows that product for another in-house integration must still
 * never read them back as Security Hub findings: they are cloudsec's checks, reported as such.
 */
describe("cloudsec's own imported findings", () => {
  const DEFAULT_PRODUCT = `arn:aws:securityhub:${REGION}:${SH_ACCOUNT_ID}:product/${SH_ACCOUNT_ID}/default`;
  const ALLOW_OWN_DEFAULT = [`arn:aws:securityhub:*:${SH_ACCOUNT_ID}:product/${SH_ACCOUNT_ID}/default`];

  /** What `cloudsec publish` imported, as GetFindings returns it (Security Hub adds its own fields). */
  const published = (over: Partial<Finding> = {}) => {
    const finding: Finding = {
      id: 'f_00000000000000aa',
      source: 'cloudsec',
      checkId: 'iam_root_access_keys_absent',
      status: 'fail',
      severity: 'critical',
      service: 'iam',
      accountId: SH_ACCOUNT_ID,
      region: REGION,
      resource: { type: 'AwsAccount', id: SH_ACCOUNT_ID, arn: null },
      title: 'Root user has access keys',
      message: `The root user of account ${SH_ACCOUNT_ID} has active access key 1.`,
      evidence: {},
      remediationId: null,
      frameworks: { cis: '1.4', securityHub: 'IAM.4' },
      observedAt: '2026-10-30T10:00:00.000Z',
      ...over,
    };
    const [asff] = toAsff([{ finding }], {
      now: new Date('2026-10-30T10:00:00.000Z'),
      partition: 'aws',
      homeRegion: REGION,
    });
    return {
      ...asff,
      ProductName: 'Default',
      CompanyName: 'Personal',
      WorkflowState: 'NEW',
      Workflow: { Status: 'NEW' },
      ProcessedAt: '2026-10-30T10:00:05.000Z',
    };
  };
  /** Another in-house integration importing under the same default product: the operator wants these. */
  const inHouse = asffFinding({
    region: REGION,
    resourceId: 'arn:aws:s3:::payroll-exports',
    raw: { ProductArn: DEFAULT_PRODUCT, Id: 'inhouse-scanner/finding/1', GeneratorId: 'inhouse-scanner/s3-public' },
  });
  const hub = asffFinding({ region: REGION });

  it('when the own default product is allowed, then GetFindings still asks for no cloudsec generator and any that come are dropped', async () => {
    const bodies = stubPages([{ findings: [published(), inHouse, published({ id: 'f_00000000000000bb' }), hub] }]);

    const slice = await collect({ ...ALL_SEVERITIES, productArns: ALLOW_OWN_DEFAULT });

    expect(bodies[0]?.Filters?.GeneratorId).toEqual([{ Value: 'cloudsec/', Comparison: 'PREFIX_NOT_EQUALS' }]);
    expect(bodies[0]?.Filters?.ProductArn).toContainEqual(eq(DEFAULT_PRODUCT));
    expect(findingsOf(slice).map((f) => f.id)).toEqual([inHouse.Id, hub.Id]);
  });

  it("when a default-product finding carries cloudsec's finding-id field under another generator, then it is dropped too", async () => {
    const renamed = { ...published(), GeneratorId: 'renamed/iam_root_access_keys_absent' };
    stubPages([{ findings: [renamed, inHouse] }]);

    const slice = await collect({ ...ALL_SEVERITIES, productArns: ALLOW_OWN_DEFAULT });

    expect(findingsOf(slice).map((f) => f.id)).toEqual([inHouse.Id]);
  });

  it("when another product's finding merely has a cloudsec-like generator, then it is kept: cloudsec imports only under default products", async () => {
    const guardDuty = asffFinding({
      region: REGION,
      resourceId: 'i-0abc',
      raw: { ProductArn: `arn:aws:securityhub:${REGION}::product/aws/guardduty`, GeneratorId: 'cloudsec/lookalike' },
    });
    stubPages([{ findings: [guardDuty] }]);

    const slice = await collect({ ...ALL_SEVERITIES, productArns: ['arn:aws:securityhub:*::product/aws/guardduty'] });

    expect(findingsOf(slice).map((f) => f.id)).toEqual([guardDuty.Id]);
  });

  it("when a digest reads its baseline, then cloudsec's own findings are not items either", async () => {
    onGetFindings(REGION).reply(...shOk(findingsPage([published(), inHouse, hub])));

    const read = await collectSecurityHubBaseline(makeContext(), REGION, {
      severities: ALL_SEVERITIES.severities,
      productArns: ALLOW_OWN_DEFAULT,
    });

    if (!read.ok) throw new Error(`expected items, got ${JSON.stringify(read.error)}`);
    expect(read.items.map((i) => i.resourceId)).toEqual(['arn:aws:s3:::payroll-exports', 'arn:aws:s3:::public-assets']);
    expect(read.items.some((i) => i.checkId.includes('cloudsec/'))).toBe(false);
  });
});
