import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import { writeRoleClients } from '../../src/aws/securityhub-publish';
import { setWorkflow, type WorkflowTarget } from '../../src/aws/securityhub-workflow';
import { parseConfig } from '../../src/config';
import { normalizeSecurityHubFinding } from '../../src/core/findings';
import type { Finding } from '../../src/core/model';
import { asffIdentifier } from '../../src/core/outputs/asff';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { securityHubEndpoint, shAccessDenied, shOk } from '../fixtures/aws/securityhub';
import { assumeRoleXml, onSts } from '../fixtures/aws/sts';
import { NOW } from '../fixtures/snapshot-builders';

/**
 * BatchUpdateFindings is REST-JSON: `PATCH /findings/batchupdate` with `{"FindingIdentifiers":
 * [{"Id", "ProductArn"}], "Workflow": {"Status"}, "Note": {"Text", "UpdatedBy"}}`; the answer is
 * `{"ProcessedFindings": [{"Id", "ProductArn"}], "UnprocessedFindings": [{"FindingIdentifier",
 * "ErrorCode", "ErrorMessage"}]}` (API reference, BatchUpdateFindings).
 */

const PROD = '111111111111';
const STAGING = '222222222222';
const ROLE = (account: string) => `arn:aws:iam::${account}:role/cloudsec-write`;
const KEYS: Record<string, string> = { [PROD]: 'ASIAPRODWRITEEXAMPLE', [STAGING]: 'ASIASTAGINGWRITEEXAM' };

const CONFIG = parseConfig(
  [
    'accounts:',
    `  - id: "${PROD}"`,
    '    name: prod',
    `    writeRoleArn: ${ROLE(PROD)}`,
    `  - id: "${STAGING}"`,
    '    name: staging',
    `    writeRoleArn: ${ROLE(STAGING)}`,
    '  - id: "333333333333"',
    '    name: sandbox',
  ].join('\n'),
  'cloudsec.yml',
);

const deps = (updatedBy?: string) => ({
  clientsFor: writeRoleClients(
    CONFIG,
    makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1, retryStrategy: retryWithoutWaiting }),
  ),
  ...(updatedBy ? { updatedBy } : {}),
});

beforeEach(() => {
  for (const account of [PROD, STAGING]) {
    onSts('AssumeRole', (body) => body.RoleArn === ROLE(account))
      .optionally() // most tests enter one account only
      .times(3)
      .reply(
        200,
        assumeRoleXml(ROLE(account), {
          accessKeyId: KEYS[account]!,
          secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
          sessionToken: 'FwoGZXIvYXdzEXAMPLE',
        }),
      );
  }
});

/** A Security Hub control finding as `/cloudsec check` holds it: its ASFF Id and product in the evidence. */
const aHubFinding = (i: number, account = PROD, region = 'eu-west-1'): Finding =>
  normalizeSecurityHubFinding(
    {
      id: `arn:aws:securityhub:${region}:${account}:security-control/S3.8/finding/${i.toString().padStart(8, '0')}`,
      productArn: `arn:aws:securityhub:${region}::product/aws/securityhub`,
      generatorId: 'security-control/S3.8',
      controlId: 'S3.8',
      title: 'S3 general purpose buckets should block public access',
      description: 'This control checks whether an Amazon S3 general purpose bucket blocks public access.',
      severity: 'high',
      accountId: account,
      region,
      resourceType: 'AwsS3Bucket',
      resourceId: `arn:aws:s3:::bucket-${i}`,
      complianceStatus: 'FAILED',
      workflowStatus: 'NEW',
      updatedAt: NOW.toISOString(),
      createdAt: NOW.toISOString(),
    },
    () => null,
  );

/** What accepted risks pass: the Security Hub identity kept in the finding's evidence. */
const targetOf = (f: Finding): WorkflowTarget => ({
  id: f.evidence.securityHubId as string,
  productArn: f.evidence.productArn as string,
  accountId: f.accountId,
  region: f.region,
});

interface UpdateBody {
  FindingIdentifiers: { Id: string; ProductArn: string }[];
  Workflow: { Status: string };
  Note: { Text: string; UpdatedBy: string };
}
interface UpdateRequest {
  region: string;
  body: UpdateBody;
  signedBy: string;
}
type Answer = (ids: UpdateBody['FindingIdentifiers']) => [number, nock.Body, Record<string, string>];

const allProcessed: Answer = (ids) => shOk({ ProcessedFindings: ids, UnprocessedFindings: [] });

const onUpdates = (region: string, answers: Answer[]) => {
  const requests: UpdateRequest[] = [];
  const scope = nock(securityHubEndpoint(region));
  for (const answer of answers) {
    scope.patch('/findings/batchupdate').reply(function (_uri, raw) {
      const body = (typeof raw === 'string' ? JSON.parse(raw) : raw) as UpdateBody;
      const auth = String(this.req.headers.authorization ?? '');
      requests.push({ region, body, signedBy: /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? '' });
      return answer(body.FindingIdentifiers);
    });
  }
  return requests;
};

const NOTE = 'Accepted risk ex_7f3a (owner Dana Reyes, until 2027-01-31): static website assets, public by design.';

describe('setWorkflow', () => {
  it('when 150 Security Hub findings are suppressed, then 2 calls of at most 100 carry the status and the note, signed by the write role', async () => {
    const targets = Array.from({ length: 150 }, (_, i) => targetOf(aHubFinding(i)));
    const requests = onUpdates('eu-west-1', [allProcessed, allProcessed]);

    const results = await setWorkflow(deps(), targets, 'SUPPRESSED', NOTE);

    expect(requests.map((r) => r.body.FindingIdentifiers.length)).toEqual([100, 50]);
    expect(requests.flatMap((r) => r.body.FindingIdentifiers)).toEqual(
      targets.map((t) => ({ Id: t.id, ProductArn: t.productArn })),
    );
    for (const r of requests) {
      expect(r.body.Workflow).toEqual({ Status: 'SUPPRESSED' });
      expect(r.body.Note).toEqual({ Text: NOTE, UpdatedBy: 'cloudsec' });
      expect(r.signedBy).toBe(KEYS[PROD]);
    }
    expect(results.map((r) => r.outcome)).toEqual(targets.map(() => 'processed'));
    expect(results.map((r) => r.id)).toEqual(targets.map((t) => t.id));
  });

  it('when the exception ends, then the findings are set back to NEW, saying who', async () => {
    const targets = [targetOf(aHubFinding(1))];
    const requests = onUpdates('eu-west-1', [allProcessed]);

    const results = await setWorkflow(deps('cloudsec exceptions'), targets, 'NEW', 'Accepted risk ex_7f3a expired.');

    expect(requests[0]!.body).toMatchObject({
      Workflow: { Status: 'NEW' },
      Note: { Text: 'Accepted risk ex_7f3a expired.', UpdatedBy: 'cloudsec exceptions' },
    });
    expect(results).toEqual([{ ...targets[0], outcome: 'processed' }]);
  });

  it("when findings are in two accounts and regions, then each goes to its region with its account's role", async () => {
    const prod = targetOf(aHubFinding(1));
    const staging = targetOf(aHubFinding(2, STAGING, 'us-east-1'));
    // A finding cloudsec published itself is named the way asffIdentifier says.
    const own = asffIdentifier(
      { id: 'f_00000000000000aa', checkId: 'iam_root_access_keys_absent', accountId: STAGING, region: 'global' },
      { partition: 'aws', homeRegion: 'us-east-1' },
    );
    const euWest = onUpdates('eu-west-1', [allProcessed]);
    const usEast = onUpdates('us-east-1', [allProcessed]);

    const results = await setWorkflow(deps(), [prod, staging, own], 'SUPPRESSED', NOTE);

    expect(euWest.map((r) => [r.signedBy, r.body.FindingIdentifiers.map((i) => i.Id)])).toEqual([
      [KEYS[PROD], [prod.id]],
    ]);
    expect(usEast.map((r) => [r.signedBy, r.body.FindingIdentifiers])).toEqual([
      [
        KEYS[STAGING],
        [
          { Id: staging.id, ProductArn: staging.productArn },
          {
            Id: 'cloudsec/iam_root_access_keys_absent/f_00000000000000aa',
            ProductArn: `arn:aws:securityhub:us-east-1:${STAGING}:product/${STAGING}/default`,
          },
        ],
      ],
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['processed', 'processed', 'processed']);
  });

  it('when Security Hub cannot update some findings, then those are unprocessed with its code, and only the transient ones are tried again', async () => {
    const [gone, busy, fine] = [1, 2, 3].map((i) => targetOf(aHubFinding(i)));
    const requests = onUpdates('eu-west-1', [
      () =>
        shOk({
          ProcessedFindings: [{ Id: fine!.id, ProductArn: fine!.productArn }],
          UnprocessedFindings: [
            {
              FindingIdentifier: { Id: gone!.id, ProductArn: gone!.productArn },
              ErrorCode: 'FindingNotFound',
              ErrorMessage: 'Finding Identifier does not exist',
            },
            {
              FindingIdentifier: { Id: busy!.id, ProductArn: busy!.productArn },
              ErrorCode: 'ConcurrentUpdateError',
              ErrorMessage: 'Concurrent finding updates detected',
            },
          ],
        }),
      allProcessed,
    ]);

    const results = await setWorkflow(deps(), [gone!, busy!, fine!], 'SUPPRESSED', NOTE);

    expect(requests.map((r) => r.body.FindingIdentifiers.map((i) => i.Id))).toEqual([
      [gone!.id, busy!.id, fine!.id],
      [busy!.id],
    ]);
    expect(results).toEqual([
      { ...gone, outcome: 'unprocessed', code: 'FindingNotFound', message: 'Finding Identifier does not exist' },
      { ...busy, outcome: 'processed' },
      { ...fine, outcome: 'processed' },
    ]);
  });

  it('when the write role is refused, then every finding of the call is unprocessed with the error name', async () => {
    const targets = [targetOf(aHubFinding(1)), targetOf(aHubFinding(2))];
    onUpdates('eu-west-1', [() => shAccessDenied()]);

    const results = await setWorkflow(deps(), targets, 'SUPPRESSED', NOTE);

    expect(results.map((r) => [r.outcome, 'code' in r ? r.code : null])).toEqual([
      ['unprocessed', 'AccessDeniedException'],
      ['unprocessed', 'AccessDeniedException'],
    ]);
  });

  it('when the account has no write role, then nothing is sent and the setting is named', async () => {
    const results = await setWorkflow(deps(), [targetOf(aHubFinding(1, '333333333333'))], 'SUPPRESSED', NOTE);

    expect(results).toEqual([
      expect.objectContaining({
        outcome: 'unprocessed',
        code: 'NoWriteRole',
        message: expect.stringContaining('writeRoleArn'),
      }),
    ]);
  });

  it.each([
    ['UnprocessedFindings is missing', (ids: UpdateBody['FindingIdentifiers']) => shOk({ ProcessedFindings: ids })],
    ['the answer is empty', () => shOk({})],
    ['the lists are not lists', () => shOk({ ProcessedFindings: 'all', UnprocessedFindings: null })],
    ['a web page answers with 200', () => [200, '<html>Sign in</html>', { 'content-type': 'text/html' }]],
  ] as [string, Answer][])('when %s, then every finding is unconfirmed, never processed', async (_case, answer) => {
    const targets = [targetOf(aHubFinding(1)), targetOf(aHubFinding(2))];
    onUpdates('eu-west-1', [answer]);

    const results = await setWorkflow(deps(), targets, 'SUPPRESSED', NOTE);

    expect(results.map((r) => r.outcome)).toEqual(['unconfirmed', 'unconfirmed']);
  });

  it('when the answer leaves a finding out, or names it twice, then that finding is unconfirmed', async () => {
    const [a, b, c] = [1, 2, 3].map((i) => targetOf(aHubFinding(i)));
    onUpdates('eu-west-1', [
      () =>
        shOk({
          ProcessedFindings: [
            { Id: a!.id, ProductArn: a!.productArn },
            { Id: c!.id, ProductArn: c!.productArn },
          ],
          UnprocessedFindings: [
            {
              FindingIdentifier: { Id: c!.id, ProductArn: c!.productArn },
              ErrorCode: 'InvalidInput',
              ErrorMessage: 'x',
            },
          ],
        }),
    ]);

    const results = await setWorkflow(deps(), [a!, b!, c!], 'SUPPRESSED', NOTE);

    expect(results.map((r) => r.outcome)).toEqual(['processed', 'unconfirmed', 'unconfirmed']);
  });

  it('when a finding is named twice, then it is sent once and both get its result', async () => {
    const t = targetOf(aHubFinding(1));
    const requests = onUpdates('eu-west-1', [allProcessed]);

    const results = await setWorkflow(deps(), [t, t], 'SUPPRESSED', NOTE);

    expect(requests[0]!.body.FindingIdentifiers).toHaveLength(1);
    expect(results.map((r) => r.outcome)).toEqual(['processed', 'processed']);
  });

  it('when the note is blank, then nothing is sent', async () => {
    const results = await setWorkflow(deps(), [targetOf(aHubFinding(1))], 'SUPPRESSED', '   ');

    expect(results).toEqual([expect.objectContaining({ outcome: 'unprocessed', code: 'InvalidInput' })]);
  });

  it("when the note is longer than Security Hub's 512 characters, then it is cut to 512", async () => {
    const requests = onUpdates('eu-west-1', [allProcessed]);

    await setWorkflow(deps(), [targetOf(aHubFinding(1))], 'SUPPRESSED', 'x'.repeat(600));

    expect(requests[0]!.body.Note.Text).toHaveLength(512);
  });
});
