import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import {
  batchesOf,
  publishToSecurityHub,
  writeRoleClients,
  type PublishReport,
} from '../../src/aws/securityhub-publish';
import { parseConfig } from '../../src/config';
import type { Finding } from '../../src/core/model';
import { toAsff, type AsffFinding } from '../../src/core/outputs/asff';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { securityHubEndpoint, shAccessDenied, shError, shOk, shThrottled } from '../fixtures/aws/securityhub';
import { assumeRoleXml, onSts } from '../fixtures/aws/sts';
import { NOW } from '../fixtures/snapshot-builders';

/**
 * BatchImportFindings is REST-JSON: `POST /findings/import` on securityhub.<region>.amazonaws.com
 * with `{"Findings": [ASFF…]}`; the answer is `{"FailedCount", "SuccessCount", "FailedFindings":
 * [{"Id", "ErrorCode", "ErrorMessage"}]}` (API reference, BatchImportFindings and
 * ImportFindingsError); errors carry `x-amzn-errortype`.
 */

const PROD = '111111111111';
const STAGING = '222222222222';
const WRITE_ROLES: Record<string, string> = {
  [PROD]: `arn:aws:iam::${PROD}:role/cloudsec-write`,
  [STAGING]: `arn:aws:iam::${STAGING}:role/cloudsec-write`,
};
const KEYS: Record<string, string> = { [PROD]: 'ASIAPRODWRITEEXAMPLE', [STAGING]: 'ASIASTAGINGWRITEEXAM' };

const CONFIG = parseConfig(
  [
    'accounts:',
    `  - id: "${PROD}"`,
    '    name: prod',
    `    writeRoleArn: ${WRITE_ROLES[PROD]}`,
    `  - id: "${STAGING}"`,
    '    name: staging',
    `    writeRoleArn: ${WRITE_ROLES[STAGING]}`,
    '  - id: "333333333333"',
    '    name: sandbox',
  ].join('\n'),
  'cloudsec.yml',
);

const deps = () => ({
  clientsFor: writeRoleClients(
    CONFIG,
    makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 2, retryStrategy: retryWithoutWaiting }),
  ),
});

/** Each write role, assumed as often as the clients ask (the credentials are shared per account). */
const stubWriteRoles = () => {
  for (const account of [PROD, STAGING]) {
    onSts('AssumeRole', (body) => body.RoleArn === WRITE_ROLES[account])
      .optionally() // one account's tests never enter the other
      .times(5)
      .reply(
        200,
        assumeRoleXml(WRITE_ROLES[account]!, {
          accessKeyId: KEYS[account]!,
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          sessionToken: 'FwoGZXIvYXdzEXAMPLE',
        }),
      );
  }
};
beforeEach(stubWriteRoles);

const aFinding = (i: number, over: Partial<Finding> = {}): Finding => ({
  id: `f_${i.toString(16).padStart(16, '0')}`,
  source: 'cloudsec',
  checkId: 's3_bucket_public_access_blocked',
  status: 'fail',
  severity: 'high',
  service: 's3',
  accountId: PROD,
  region: 'eu-west-1',
  resource: { type: 'AwsS3Bucket', id: `bucket-${i}`, arn: `arn:aws:s3:::bucket-${i}` },
  title: 'S3 bucket does not block public access',
  message: `Bucket bucket-${i} does not block public access.`,
  evidence: {},
  remediationId: 's3_block_public_access',
  frameworks: { cis: '2.1.4', securityHub: 'S3.8' },
  observedAt: NOW.toISOString(),
  ...over,
});

const asffOf = (findings: Finding[]): AsffFinding[] =>
  toAsff(
    findings.map((finding) => ({ finding })),
    { now: NOW, partition: 'aws', homeRegion: 'us-east-1' },
  );

const many = (n: number, over: Partial<Finding> = {}) => asffOf(Array.from({ length: n }, (_, i) => aFinding(i, over)));

interface ImportRequest {
  region: string;
  ids: string[];
  findings: AsffFinding[];
  /** The access key that signed it (the assumed role's). */
  signedBy: string;
}

type Answer = (ids: string[]) => [number, nock.Body, Record<string, string>];

/** The answer of a healthy Security Hub: every finding imported. */
const allImported: Answer = (ids) => shOk({ FailedCount: 0, SuccessCount: ids.length, FailedFindings: [] });

/** Answers the next `answers.length` imports in `region` in order, recording each request. */
const onImports = (region: string, answers: Answer[]) => {
  const requests: ImportRequest[] = [];
  const scope = nock(securityHubEndpoint(region));
  for (const answer of answers) {
    scope.post('/findings/import').reply(function (_uri, body) {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as { Findings: AsffFinding[] };
      const ids = parsed.Findings.map((f) => f.Id);
      const auth = String(this.req.headers.authorization ?? '');
      requests.push({
        region,
        ids,
        findings: parsed.Findings,
        signedBy: /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? '',
      });
      return answer(ids);
    });
  }
  return requests;
};

const ok = (report: PublishReport) => report.failed.length === 0 && report.unconfirmed.length === 0;

describe('publishToSecurityHub', () => {
  it('when 250 findings of one account and region are published, then they go in 3 calls of at most 100, signed by its write role', async () => {
    const findings = many(250);
    const requests = onImports('eu-west-1', [allImported, allImported, allImported]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(requests.map((r) => r.ids.length)).toEqual([100, 100, 50]);
    expect(requests.flatMap((r) => r.ids)).toEqual(findings.map((f) => f.Id));
    expect(requests.map((r) => r.signedBy)).toEqual([KEYS[PROD], KEYS[PROD], KEYS[PROD]]);
    // What went over the wire is the ASFF toAsff built, field for field.
    expect(requests[0]!.findings[0]).toEqual(JSON.parse(JSON.stringify(findings[0])));
    expect(report).toMatchObject({ sent: 250, succeeded: 250, failed: [], unconfirmed: [] });
    expect(report.batches.map((b) => [b.accountId, b.region, b.batch, b.size, b.succeeded])).toEqual([
      [PROD, 'eu-west-1', 1, 100, 100],
      [PROD, 'eu-west-1', 2, 100, 100],
      [PROD, 'eu-west-1', 3, 50, 50],
    ]);
  });

  it('when findings span accounts and regions, then each account imports its own, in their region, with its own role', async () => {
    const findings = asffOf([
      aFinding(1),
      aFinding(2, { region: 'us-east-1' }),
      aFinding(3, { accountId: STAGING }),
      // Account-wide: imported in the home region.
      aFinding(4, { accountId: STAGING, region: 'global', resource: { type: 'AwsAccount', id: STAGING, arn: null } }),
    ]);
    const euWest = onImports('eu-west-1', [allImported, allImported]);
    const usEast = onImports('us-east-1', [allImported, allImported]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(ok(report)).toBe(true);
    const sent = [...euWest, ...usEast].map((r) => ({
      region: r.region,
      signedBy: r.signedBy,
      accounts: [...new Set(r.findings.map((f) => f.AwsAccountId))],
      products: [...new Set(r.findings.map((f) => f.ProductArn))],
    }));
    expect(sent).toEqual(
      expect.arrayContaining([
        {
          region: 'eu-west-1',
          signedBy: KEYS[PROD],
          accounts: [PROD],
          products: [`arn:aws:securityhub:eu-west-1:${PROD}:product/${PROD}/default`],
        },
        {
          region: 'eu-west-1',
          signedBy: KEYS[STAGING],
          accounts: [STAGING],
          products: [`arn:aws:securityhub:eu-west-1:${STAGING}:product/${STAGING}/default`],
        },
        {
          region: 'us-east-1',
          signedBy: KEYS[PROD],
          accounts: [PROD],
          products: [`arn:aws:securityhub:us-east-1:${PROD}:product/${PROD}/default`],
        },
        {
          region: 'us-east-1',
          signedBy: KEYS[STAGING],
          accounts: [STAGING],
          products: [`arn:aws:securityhub:us-east-1:${STAGING}:product/${STAGING}/default`],
        },
      ]),
    );
    expect(sent).toHaveLength(4);
  });

  it('when a batch partly fails, then only the failed findings are sent once more and what fails again is reported with its code', async () => {
    const findings = many(100);
    const [a, b, c] = [findings[7]!.Id, findings[42]!.Id, findings[99]!.Id];
    const requests = onImports('eu-west-1', [
      () =>
        shOk({
          FailedCount: 3,
          SuccessCount: 97,
          FailedFindings: [
            { Id: a, ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'Concurrent finding updates detected' },
            { Id: b, ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service failure' },
            { Id: c, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' },
          ],
        }),
      () =>
        shOk({
          FailedCount: 1,
          SuccessCount: 2,
          FailedFindings: [{ Id: c, ErrorCode: 'InvalidInput', ErrorMessage: 'Finding does not adhere to ASFF' }],
        }),
    ]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(requests.map((r) => r.ids)).toEqual([findings.map((f) => f.Id), [a, b, c]]);
    expect(report.succeeded).toBe(99);
    expect(report.failed).toEqual([{ id: c, code: 'InvalidInput', message: 'Finding does not adhere to ASFF' }]);
    expect(report.unconfirmed).toEqual([]);
    expect(report.batches[0]).toMatchObject({ retried: 3, succeeded: 99, callError: null });
  });

  it('when the retry fixes every failure, then nothing is reported failed', async () => {
    const findings = many(3);
    onImports('eu-west-1', [
      () =>
        shOk({
          FailedCount: 1,
          SuccessCount: 2,
          FailedFindings: [{ Id: findings[1]!.Id, ErrorCode: 'ConcurrentUpdateError', ErrorMessage: 'busy' }],
        }),
      allImported,
    ]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(report).toMatchObject({ sent: 3, succeeded: 3, failed: [], unconfirmed: [] });
  });

  it('when Security Hub is not enabled in the account, then the findings fail with InvalidAccess after one retry', async () => {
    const findings = many(2);
    const refused = (ids: string[]) =>
      shOk({
        FailedCount: ids.length,
        SuccessCount: 0,
        FailedFindings: ids.map((Id) => ({
          Id,
          ErrorCode: 'InvalidAccess',
          ErrorMessage: `Account ${PROD} is not subscribed to AWS Security Hub`,
        })),
      });
    const requests = onImports('eu-west-1', [refused, refused]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(requests).toHaveLength(2);
    expect(report.succeeded).toBe(0);
    expect(report.failed.map((p) => [p.id, p.code])).toEqual(findings.map((f) => [f.Id, 'InvalidAccess']));
  });

  it('when one batch is refused with AccessDenied, then it is reported with the error name and the other batches are still sent', async () => {
    const findings = many(150);
    const requests = onImports('eu-west-1', [() => shAccessDenied(), allImported]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(requests.map((r) => r.ids.length)).toEqual([100, 50]);
    expect(report.succeeded).toBe(50);
    expect(report.batches[0]!.callError).toMatchObject({ code: 'AccessDeniedException' });
    expect(report.batches[0]!.callError!.message).not.toContain('arn:aws:sts');
    expect(report.failed).toHaveLength(100);
    expect(new Set(report.failed.map((p) => p.code))).toEqual(new Set(['AccessDeniedException']));
    expect(report.batches[1]).toMatchObject({ succeeded: 50, failed: [], callError: null });
  });

  it('when Security Hub stays throttled through the SDK retries, then the batch is reported throttled, not thrown', async () => {
    const findings = many(2);
    // maxAttempts 2: the SDK sends it twice, then gives up.
    onImports('eu-west-1', [() => shThrottled(), () => shThrottled()]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(report.batches[0]!.callError).toMatchObject({ code: 'TooManyRequestsException' });
    expect(report.failed.map((p) => p.code)).toEqual(['TooManyRequestsException', 'TooManyRequestsException']);
    expect(report.succeeded).toBe(0);
  });

  it('when an account has no write role, then nothing is sent for it and its findings name the setting', async () => {
    const findings = asffOf([aFinding(1, { accountId: '333333333333' }), aFinding(2)]);
    onImports('eu-west-1', [allImported]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(report.succeeded).toBe(1);
    expect(report.failed).toEqual([
      {
        id: findings[0]!.Id,
        code: 'NoWriteRole',
        message: expect.stringContaining('accounts[].writeRoleArn or organization.writeRoleName'),
      },
    ]);
  });

  describe('when the answer cannot be trusted, then the batch is "could not confirm", never counted as imported', () => {
    const cases: [string, Answer][] = [
      ['FailedCount is missing', (ids) => shOk({ SuccessCount: ids.length, FailedFindings: [] })],
      ['SuccessCount is missing', () => shOk({ FailedCount: 0 })],
      ['the counts do not add up to the batch', () => shOk({ FailedCount: 0, SuccessCount: 1, FailedFindings: [] })],
      [
        'FailedCount disagrees with the failures listed',
        (ids) => shOk({ FailedCount: 1, SuccessCount: ids.length - 1, FailedFindings: [] }),
      ],
      [
        'a failure names a finding that was not sent',
        (ids) =>
          shOk({
            FailedCount: 1,
            SuccessCount: ids.length - 1,
            FailedFindings: [{ Id: 'cloudsec/other/f_x', ErrorCode: 'InvalidInput', ErrorMessage: 'no' }],
          }),
      ],
      ['the counts are not numbers', (ids) => shOk({ FailedCount: 'none', SuccessCount: String(ids.length) })],
      ['FailedFindings is not a list', (ids) => shOk({ FailedCount: 0, SuccessCount: ids.length, FailedFindings: 7 })],
      ['the body is not JSON', () => [200, '{"FailedCount": 0, "Succ', { 'content-type': 'application/json' }]],
      [
        'a web page answers with 200',
        () => [200, '<html><body>Sign in</body></html>', { 'content-type': 'text/html' }],
      ],
      ['the answer is empty', () => shOk({})],
    ];

    it.each(cases)('%s', async (_case, answer) => {
      const findings = many(3);
      const requests = onImports('eu-west-1', [answer]);

      const report = await publishToSecurityHub(deps(), findings);

      // Not retried: nothing says what failed, and a second import of the same findings proves nothing.
      expect(requests).toHaveLength(1);
      expect(report.succeeded).toBe(0);
      expect(report.failed).toEqual([]);
      expect(report.unconfirmed.map((p) => p.id)).toEqual(findings.map((f) => f.Id));
      expect(report.unconfirmed[0]!.message).not.toBe('');
    });
  });

  it('when a server error comes back, then the findings failed (Security Hub said so), with its code', async () => {
    const findings = many(1);
    onImports('eu-west-1', [
      () => shError(500, 'InternalException', 'Internal server error'),
      () => shError(500, 'InternalException', 'Internal server error'),
    ]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(report.failed.map((p) => p.code)).toEqual(['InternalException']);
  });
});

describe('batchesOf', () => {
  it('when findings are large, then a batch also stays under 6 MB', () => {
    const big = many(30).map((f) => ({ ...f, ProductFields: { ...f.ProductFields, pad: 'x'.repeat(230 * 1024) } }));
    const batches = batchesOf(big);
    expect(batches.length).toBeGreaterThan(1);
    for (const b of batches)
      expect(Buffer.byteLength(JSON.stringify({ Findings: b }))).toBeLessThanOrEqual(6 * 1024 * 1024);
    expect(batches.flat()).toEqual(big);
  });

  it('when a finding is over 240 KB, then it is refused unsent and the rest of its batch goes', async () => {
    const findings = many(3);
    findings[1] = { ...findings[1]!, ProductFields: { pad: 'x'.repeat(250 * 1024) } };
    const requests = onImports('eu-west-1', [allImported]);

    const report = await publishToSecurityHub(deps(), findings);

    expect(requests[0]!.ids).toEqual([findings[0]!.Id, findings[2]!.Id]);
    expect(report.failed).toEqual([{ id: findings[1]!.Id, code: 'FindingTooLarge', message: expect.any(String) }]);
    expect(report.succeeded).toBe(2);
  });
});
