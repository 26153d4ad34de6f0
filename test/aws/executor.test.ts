import nock from 'nock';
import { makeClientFactory, type AccountClients } from '../../src/aws/clients';
import { catalogActions, makeExecutor, type DeclaredActions } from '../../src/aws/executor';
import type { ExecutionReport } from '../../src/core/remediations/execution-port';
import type { AuditActor, AuditInput } from '../../src/core/audit';
import { GLOBAL_REGION } from '../../src/core/model';
import { getRemediation } from '../../src/core/remediations';
import type { AccessKeySelector, ApiCall } from '../../src/core/remediations/define';
import { ec2Endpoint, ec2Error } from '../fixtures/aws/ec2';
import { IAM_ENDPOINT, iamResponse } from '../fixtures/aws/iam';
import { cloudTrailCall, cloudTrailEndpoint, ctOk } from '../fixtures/aws/cloudtrail';
import { bucketEndpoint } from '../fixtures/aws/s3';
import { securityHubEndpoint, shOk } from '../fixtures/aws/securityhub';
import { assumeRoleXml, onSts } from '../fixtures/aws/sts';
import { SAMPLES, planned } from '../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW } from '../fixtures/snapshot-builders';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { answerIfAsked } from '../fixtures/answer-if-asked';

const WRITE_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-write`;
// What AssumeRole hands out: none of it may appear in a result or an audit entry.
const TEMPORARY = {
  accessKeyId: 'ASIAWRITEROLEEXAMPLE',
  secretAccessKey: 'Je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY1',
  sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDHqa0AP7r3EXAMPLESESSIONTOKEN',
};
const APPROVER: AuditActor = { kind: 'slack-user', id: 'U0APPROVER', name: 'Ana' };
/**
 * The generic tests below send plans mixing several services, so they run under a remediation of
 * their own that declares exactly the operations they use. The catalog's own declarations are
 * tested in "operations a remediation does not declare".
 */
const GENERIC = 'generic_test_plan';
const GENERIC_ACTIONS = [
  'ec2:RevokeSecurityGroupIngress',
  'ec2:ModifySnapshotAttribute',
  'ec2:EnableEbsEncryptionByDefault',
  's3:PutBucketPublicAccessBlock',
  's3:PutAccountPublicAccessBlock',
  'securityhub:BatchUpdateFindings',
  'iam:DeleteAccountPasswordPolicy',
  'iam:ListAccessKeys',
  'iam:UpdateAccessKey',
  'iam:UpdateLoginProfile',
];
const genericActions: DeclaredActions = (id, kind) =>
  id === GENERIC && kind === 'remediate' ? GENERIC_ACTIONS : catalogActions(id, kind);
const CTX = {
  accountId: ACCOUNT_ID,
  requestId: 'rr_0001',
  actor: APPROVER,
  remediationId: GENERIC,
  kind: 'remediate' as const,
};
const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';

const EC2_REQUEST_ID = '59dbff89-35bd-4eac-99ed-be587EXAMPLE';
/** An EC2 answer: the request id is both in the body and in the header the SDK reads it from. */
const ec2Ok = (action: string, inner = '<return>true</return>'): [number, string, Record<string, string>] => [
  200,
  `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${EC2_XMLNS}">` +
    `<requestId>${EC2_REQUEST_ID}</requestId>${inner}</${action}Response>`,
  { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': EC2_REQUEST_ID },
];

/** A query-protocol (IAM, EC2) form body as fields. */
const form = (body: unknown) => Object.fromEntries(new URLSearchParams(String(body)));

const listAccessKeysXml = (user: string, keys: { id: string; createDate: string; status?: string }[]) =>
  iamResponse(
    'ListAccessKeys',
    `<UserName>${user}</UserName><AccessKeyMetadata>${keys
      .map(
        (k) =>
          `<member><UserName>${user}</UserName><AccessKeyId>${k.id}</AccessKeyId>` +
          `<Status>${k.status ?? 'Active'}</Status><CreateDate>${k.createDate}</CreateDate></member>`,
      )
      .join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`,
  );

/** An executor on real SDK clients signed by an assumed write role, recording its audit entries. */
const setup = (
  options: {
    dryRun?: boolean;
    writeRole?: boolean;
    audit?: (input: AuditInput) => Promise<void>;
    /** Only what the catalog declares (as in production), not the generic tests' remediation. */
    catalogOnly?: boolean;
  } = {},
) => {
  const factory = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting });
  const audit: AuditInput[] = [];
  // Answered if asked: a plan refused before anything is sent never assumes the write role.
  const sts = answerIfAsked(
    onSts('AssumeRole', (body) => body.RoleArn === WRITE_ROLE),
    200,
    assumeRoleXml(WRITE_ROLE, TEMPORARY),
  );
  const executor = makeExecutor({
    clientsFor: (accountId): AccountClients | null =>
      options.writeRole === false ? null : factory({ accountId, roleArn: WRITE_ROLE }),
    homeRegion: 'us-east-1',
    dryRun: options.dryRun ?? false,
    audit: async (input) => {
      await options.audit?.(input);
      audit.push(input);
    },
    clock: () => NOW,
    ...(options.catalogOnly ? {} : { declaredActions: genericActions }),
  });
  return { executor, audit, sts };
};

/** Records, in order, what reached the wire through the interceptors it answers for. */
const wireLog = () => {
  const order: string[] = [];
  const requests: Record<string, { path: string; headers: Record<string, unknown>; body: unknown }> = {};
  const answer = (name: string, reply: [number, nock.Body, Record<string, string>?]) =>
    function (this: nock.ReplyFnContext, path: string, body: nock.Body) {
      order.push(name);
      requests[name] = { path, headers: { ...this.req.headers }, body };
      return reply;
    };
  return { order, requests, answer };
};

const expectFailure = (result: ExecutionReport) => {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result)}`);
  return result;
};

const revoke: ApiCall = {
  service: 'ec2',
  region: 'eu-west-1',
  command: 'RevokeSecurityGroupIngress',
  input: { GroupId: 'sg-0web', SecurityGroupRuleIds: ['sgr-0ssh', 'sgr-0ssh6'] },
};
const blockBucket: ApiCall = {
  service: 's3',
  region: 'eu-west-1',
  command: 'PutPublicAccessBlock',
  input: {
    Bucket: 'app-data',
    ExpectedBucketOwner: ACCOUNT_ID,
    PublicAccessBlockConfiguration: {
      BlockPublicAcls: true,
      IgnorePublicAcls: true,
      BlockPublicPolicy: true,
      RestrictPublicBuckets: true,
    },
  },
};
const resolveFinding: ApiCall = {
  service: 'securityhub',
  region: 'eu-west-1',
  command: 'BatchUpdateFindings',
  input: {
    FindingIdentifiers: [{ Id: 'arn:aws:securityhub:eu-west-1:111111111111:finding/0f0e', ProductArn: 'arn:p' }],
    Workflow: { Status: 'RESOLVED' },
    Note: { Text: 'Fixed by cloudsec', UpdatedBy: 'slack:U0APPROVER' },
  },
};
const makeSnapshotPrivate: ApiCall = {
  service: 'ec2',
  region: 'eu-west-1',
  command: 'ModifySnapshotAttribute',
  input: {
    SnapshotId: 'snap-0abc',
    Attribute: 'createVolumePermission',
    OperationType: 'remove',
    GroupNames: ['all'],
  },
};
const enableEbsEncryption: ApiCall = {
  service: 'ec2',
  region: 'eu-west-1',
  command: 'EnableEbsEncryptionByDefault',
  input: {},
};

describe('executing a plan', () => {
  it('when every call succeeds, then each is sent in order in its wire format and AWS answers are reported', async () => {
    const { executor, sts } = setup();
    const wire = wireLog();
    const ec2Scope = ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'RevokeSecurityGroupIngress')
      .reply(wire.answer('ec2', ec2Ok('RevokeSecurityGroupIngress')));
    const s3Scope = nock(bucketEndpoint('app-data', 'eu-west-1'))
      .put('/')
      .query({ publicAccessBlock: '' })
      .reply(wire.answer('s3', [200, '', { 'x-amz-request-id': '4442587FB7D0A2F9' }]));
    const shScope = nock(securityHubEndpoint('eu-west-1'))
      .patch('/findings/batchupdate')
      .reply(
        wire.answer(
          'securityhub',
          shOk({
            ProcessedFindings: [{ Id: 'arn:aws:securityhub:eu-west-1:111111111111:finding/0f0e', ProductArn: 'arn:p' }],
            UnprocessedFindings: [],
          }),
        ),
      );

    const result = await executor.execute([revoke, blockBucket, resolveFinding], CTX);

    expect(result.ok).toBe(true);
    expect(wire.order).toEqual(['ec2', 's3', 'securityhub']);
    expect(sts.asked).toBe(1);
    [ec2Scope, s3Scope, shScope].forEach((scope) => scope.done());
    expect(form(wire.requests['ec2']!.body)).toEqual({
      Action: 'RevokeSecurityGroupIngress',
      Version: '2016-11-15',
      GroupId: 'sg-0web',
      'SecurityGroupRuleId.1': 'sgr-0ssh',
      'SecurityGroupRuleId.2': 'sgr-0ssh6',
    });
    expect(wire.requests['s3']!.headers['x-amz-expected-bucket-owner']).toBe(ACCOUNT_ID);
    expect(wire.requests['s3']!.body).toBe(
      '<?xml version="1.0" encoding="UTF-8"?><PublicAccessBlockConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
        '<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true</IgnorePublicAcls>' +
        '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>true</RestrictPublicBuckets>' +
        '</PublicAccessBlockConfiguration>',
    );
    expect(wire.requests['securityhub']!.body).toEqual(resolveFinding.input);
    // Signed by the write role, not the caller's own credentials.
    expect(String(wire.requests['ec2']!.headers['authorization'])).toContain(`Credential=${TEMPORARY.accessKeyId}/`);

    expect(result.calls).toEqual([
      {
        call: revoke,
        input: revoke.input,
        output: { Return: true },
        awsRequestId: EC2_REQUEST_ID,
        dryRun: false,
        at: NOW.toISOString(),
      },
      {
        call: blockBucket,
        input: blockBucket.input,
        output: {},
        awsRequestId: '4442587FB7D0A2F9',
        dryRun: false,
        at: NOW.toISOString(),
      },
      expect.objectContaining({
        call: resolveFinding,
        output: { ProcessedFindings: [expect.objectContaining({ Id: expect.any(String) })], UnprocessedFindings: [] },
        dryRun: false,
      }),
    ]);
  });

  it('when a call is sent, then the result and the plan keep the call exactly as approved', async () => {
    const { executor } = setup();
    nock(bucketEndpoint('app-data', 'eu-west-1')).put('/').query({ publicAccessBlock: '' }).reply(200, '');
    const plan: ApiCall[] = [
      {
        service: 's3',
        region: 'eu-west-1',
        command: 'PutPublicAccessBlock',
        input: { Bucket: 'app-data', PublicAccessBlockConfiguration: { BlockPublicAcls: true } },
      },
    ];
    const approved = structuredClone(plan);

    const result = await executor.execute(plan, CTX);

    // The S3 client writes a ChecksumAlgorithm into the input it is given; what approvers saw must not gain it.
    expect(result.calls.map((c) => c.call)).toEqual(approved);
    expect(plan).toEqual(approved);
  });

  it('when IAM and S3 Control calls say "global", then they go to the global IAM endpoint and the home region', async () => {
    const { executor } = setup();
    const iam = nock(IAM_ENDPOINT)
      .post('/', (body: Record<string, string>) => body.Action === 'DeleteAccountPasswordPolicy')
      .reply(200, iamResponse('DeleteAccountPasswordPolicy', ''));
    const control = nock(`https://${ACCOUNT_ID}.s3-control.us-east-1.amazonaws.com`)
      .delete('/v20180820/configuration/publicAccessBlock')
      .reply(200, '');

    const result = await executor.execute(
      [
        { service: 'iam', region: GLOBAL_REGION, command: 'DeleteAccountPasswordPolicy', input: {} },
        {
          service: 's3control',
          region: GLOBAL_REGION,
          command: 'DeletePublicAccessBlock',
          input: { AccountId: ACCOUNT_ID },
        },
      ],
      CTX,
    );

    expect(result.ok).toBe(true);
    iam.done();
    control.done();
  });
});

describe('the access-key lookup', () => {
  const remediation = getRemediation('iam_deactivate_access_key')!;
  const plan = () => {
    const sample = SAMPLES['iam_deactivate_access_key']!();
    return planned(remediation.plan(sample.finding, sample.account, sample.options)).calls;
  };
  const selectorOf = (calls: ApiCall[]): AccessKeySelector => calls.find((c) => c.lookup)!.lookup!.select;
  const oneSecondLater = (iso: string) => new Date(Date.parse(iso) + 1000).toISOString().replace('.000Z', 'Z');

  it('when ListAccessKeys answers, then UpdateAccessKey deactivates the key created at the reported time', async () => {
    const { executor } = setup();
    const calls = plan();
    const { userName, createdAt } = selectorOf(calls);
    const wire = wireLog();
    const list = nock(IAM_ENDPOINT)
      .post('/', (body: Record<string, string>) => body.Action === 'ListAccessKeys' && body.UserName === userName)
      .reply(
        200,
        listAccessKeysXml(userName, [
          { id: 'AKIANEWERKEYEXAMPLE1', createDate: oneSecondLater(createdAt) },
          { id: 'AKIAREPORTEDEXAMPLE1', createDate: createdAt.replace('.000Z', 'Z') },
        ]),
      );
    const write = nock(IAM_ENDPOINT)
      .post('/', (body: Record<string, string>) => body.Action === 'UpdateAccessKey')
      .reply(wire.answer('update', [200, iamResponse('UpdateAccessKey', '')]));

    const result = await executor.execute(calls, CTX);

    expect(result.ok).toBe(true);
    list.done();
    write.done();
    expect(form(wire.requests['update']!.body)).toEqual({
      Action: 'UpdateAccessKey',
      Version: '2010-05-08',
      UserName: userName,
      AccessKeyId: 'AKIAREPORTEDEXAMPLE1',
      Status: 'Inactive',
    });
    expect(result.calls.map((c) => [c.call.command, c.call.input['AccessKeyId']])).toEqual([
      ['ListAccessKeys', undefined],
      ['UpdateAccessKey', 'AKIAREPORTEDEXAMPLE1'],
    ]);
  });

  it('when the key was replaced since the scan, then nothing is written and the reason is given', async () => {
    const { executor, audit } = setup();
    const calls = plan();
    const { userName, createdAt } = selectorOf(calls);
    nock(IAM_ENDPOINT)
      .post('/', (body: Record<string, string>) => body.Action === 'ListAccessKeys')
      .reply(200, listAccessKeysXml(userName, [{ id: 'AKIANEWERKEYEXAMPLE1', createDate: oneSecondLater(createdAt) }]));
    const write = answerIfAsked(
      nock(IAM_ENDPOINT).post('/', (body: Record<string, string>) => body.Action === 'UpdateAccessKey'),
      200,
      iamResponse('UpdateAccessKey', ''),
    );

    const failure = expectFailure(await executor.execute(calls, CTX));

    expect(failure.failedAt).toBe(0);
    expect(failure.error.code).toBe('LookupFailed');
    expect(failure.error.message).toMatch(/no longer exists/);
    expect(write.asked).toBe(0);
    expect(audit).toEqual([]);
  });
});

describe('a failing call', () => {
  it('when AWS refuses the second call, then the plan stops there with AWS code and message and the third is never sent', async () => {
    const { executor, audit } = setup();
    const denied =
      'You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/cloudsec-write/cloudsec is not authorized to perform: ec2:ModifySnapshotAttribute';
    const first = ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'RevokeSecurityGroupIngress')
      .reply(...ec2Ok('RevokeSecurityGroupIngress'));
    const second = ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'ModifySnapshotAttribute')
      .reply(...ec2Error(403, 'UnauthorizedOperation', denied));
    const third = answerIfAsked(
      ec2Endpoint('eu-west-1').post(
        '/',
        (body: Record<string, string>) => body.Action === 'EnableEbsEncryptionByDefault',
      ),
      ...ec2Ok('EnableEbsEncryptionByDefault', '<ebsEncryptionByDefault>true</ebsEncryptionByDefault>'),
    );

    const failure = expectFailure(await executor.execute([revoke, makeSnapshotPrivate, enableEbsEncryption], CTX));

    expect(failure.failedAt).toBe(1);
    expect(failure.error).toEqual({ code: 'UnauthorizedOperation', message: denied });
    expect(failure.calls.map((c) => c.call.command)).toEqual(['RevokeSecurityGroupIngress']);
    first.done();
    second.done();
    expect(third.asked).toBe(0);
    expect(audit.map((a) => [a.target, a.outcome])).toEqual([
      ['ec2:RevokeSecurityGroupIngress', 'started'],
      ['ec2:RevokeSecurityGroupIngress', 'ok'],
      ['ec2:ModifySnapshotAttribute', 'started'],
      ['ec2:ModifySnapshotAttribute', 'error'],
    ]);
    expect(audit[3]!.details).toMatchObject({ code: 'UnauthorizedOperation', message: denied, step: 1 });
  });

  it('when a write fails with a server error, then it is not sent a second time', async () => {
    const { executor } = setup();
    let sent = 0;
    ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'RevokeSecurityGroupIngress')
      // Enough answers for every attempt the client allows, so a retry would be counted, not refused;
      // optional, since the test is that only one is taken.
      .times(3)
      .optionally()
      .reply(() => {
        sent += 1;
        return ec2Error(503, 'Unavailable', 'The server is overloaded and cannot handle the request.');
      });

    const failure = expectFailure(await executor.execute([revoke], CTX));

    expect(failure.error.code).toBe('Unavailable');
    // The SDK retries a 503 by itself; AWS may have applied the first attempt, so a write gets one.
    expect(sent).toBe(1);
  });

  it('when a write is throttled, then the SDK retries it and the plan goes on', async () => {
    const { executor } = setup();
    const throttled = ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'RevokeSecurityGroupIngress')
      .reply(...ec2Error(503, 'RequestLimitExceeded', 'Request limit exceeded.'));
    const accepted = ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'RevokeSecurityGroupIngress')
      .reply(...ec2Ok('RevokeSecurityGroupIngress'));

    const result = await executor.execute([revoke], CTX);

    expect(result.ok).toBe(true);
    throttled.done();
    accepted.done();
  });
});

describe('dry-run mode', () => {
  it('when dry-run is on, then lookups run, no write is sent, and every write is reported and audited as dry_run', async () => {
    const { executor, audit } = setup({ dryRun: true });
    const sample = SAMPLES['iam_deactivate_access_key']!();
    const calls = planned(getRemediation('iam_deactivate_access_key')!.plan(sample.finding, sample.account)).calls;
    const { userName, createdAt } = calls[0]!.lookup!.select;
    const list = nock(IAM_ENDPOINT)
      .post('/', (body: Record<string, string>) => body.Action === 'ListAccessKeys')
      .reply(200, listAccessKeysXml(userName, [{ id: 'AKIAREPORTEDEXAMPLE1', createDate: createdAt }]));
    const iamWrite = answerIfAsked(
      nock(IAM_ENDPOINT).post('/', (body: Record<string, string>) => body.Action === 'UpdateAccessKey'),
      200,
      iamResponse('UpdateAccessKey', ''),
    );
    const ec2Write = answerIfAsked(ec2Endpoint('eu-west-1').post('/'), ...ec2Ok('RevokeSecurityGroupIngress'));

    const result = await executor.execute([...calls, revoke], CTX);

    expect(result.ok).toBe(true);
    list.done();
    expect(iamWrite.asked).toBe(0);
    expect(ec2Write.asked).toBe(0);
    expect(result.calls.map((c) => [c.call.command, c.dryRun, c.output === null])).toEqual([
      ['ListAccessKeys', false, false],
      ['UpdateAccessKey', true, true],
      ['RevokeSecurityGroupIngress', true, true],
    ]);
    // What would have been written, the looked-up key included.
    expect(result.calls[1]!.input).toEqual({
      UserName: userName,
      Status: 'Inactive',
      AccessKeyId: 'AKIAREPORTEDEXAMPLE1',
    });
    expect(audit.map((a) => [a.target, a.outcome])).toEqual([
      ['iam:UpdateAccessKey', 'dry_run'],
      ['ec2:RevokeSecurityGroupIngress', 'dry_run'],
    ]);
  });
});

describe('the audit trail', () => {
  it('when writes run, then each is bracketed by started and ok entries naming account, region and redacted input', async () => {
    const { executor, audit } = setup();
    ec2Endpoint('eu-west-1')
      .post('/')
      .reply(...ec2Ok('RevokeSecurityGroupIngress'));
    nock(bucketEndpoint('app-data', 'eu-west-1'))
      .put('/')
      .query({ publicAccessBlock: '' })
      .reply(200, '', { 'x-amz-request-id': '4442587FB7D0A2F9' });

    await executor.execute([revoke, blockBucket], CTX);

    expect(audit).toEqual([
      {
        actor: APPROVER,
        action: 'aws.write',
        target: 'ec2:RevokeSecurityGroupIngress',
        outcome: 'started',
        requestId: 'rr_0001',
        details: { account: ACCOUNT_ID, region: 'eu-west-1', step: 0, input: revoke.input },
      },
      {
        actor: APPROVER,
        action: 'aws.write',
        target: 'ec2:RevokeSecurityGroupIngress',
        outcome: 'ok',
        requestId: 'rr_0001',
        details: {
          account: ACCOUNT_ID,
          region: 'eu-west-1',
          step: 0,
          output: { Return: true },
          awsRequestId: EC2_REQUEST_ID,
        },
      },
      expect.objectContaining({ target: 's3:PutPublicAccessBlock', outcome: 'started' }),
      expect.objectContaining({
        target: 's3:PutPublicAccessBlock',
        outcome: 'ok',
        details: expect.objectContaining({ awsRequestId: '4442587FB7D0A2F9' }),
      }),
    ]);
  });

  it('when an input carries a secret, then AWS receives it but neither the audit log nor the result shows it, nor any credential', async () => {
    const { executor, audit } = setup();
    const wire = wireLog();
    nock(IAM_ENDPOINT)
      .post('/', (body: Record<string, string>) => body.Action === 'UpdateLoginProfile')
      .reply(wire.answer('iam', [200, iamResponse('UpdateLoginProfile', '')]));
    const newPassword = 'Correct-Horse-Battery-9';

    const result = await executor.execute(
      [
        {
          service: 'iam',
          region: GLOBAL_REGION,
          command: 'UpdateLoginProfile',
          input: { UserName: 'alice', Password: newPassword, PasswordResetRequired: true },
        },
      ],
      CTX,
    );

    expect(result.ok).toBe(true);
    expect(form(wire.requests['iam']!.body)).toMatchObject({ Password: newPassword });
    expect(audit[0]!.details).toMatchObject({
      input: { UserName: 'alice', Password: '[REDACTED]', PasswordResetRequired: true },
    });
    const recorded = JSON.stringify({ audit, calls: result.calls.map(({ call: _call, ...rest }) => rest) });
    for (const secret of [newPassword, TEMPORARY.secretAccessKey, TEMPORARY.sessionToken, TEMPORARY.accessKeyId]) {
      expect(recorded).not.toContain(secret);
    }
  });

  it('when the audit log cannot be written, then the write is not sent', async () => {
    const { executor } = setup({
      audit: async () => {
        throw new Error('database is locked');
      },
    });
    const write = answerIfAsked(ec2Endpoint('eu-west-1').post('/'), ...ec2Ok('RevokeSecurityGroupIngress'));

    const failure = expectFailure(await executor.execute([revoke], CTX));

    expect(failure.error.code).toBe('AuditFailed');
    expect(failure.error.message).toContain('database is locked');
    expect(write.asked).toBe(0);
  });
  it('when the result of a write cannot be recorded, then the plan stops before the next write', async () => {
    const { executor } = setup({
      audit: async (input) => {
        if (input.outcome === 'ok') throw new Error('disk full');
      },
    });
    const first = ec2Endpoint('eu-west-1')
      .post('/', (body: Record<string, string>) => body.Action === 'RevokeSecurityGroupIngress')
      .reply(...ec2Ok('RevokeSecurityGroupIngress'));
    const second = answerIfAsked(nock(bucketEndpoint('app-data', 'eu-west-1')).put('/').query(true), 200, '');

    const failure = expectFailure(await executor.execute([revoke, blockBucket], CTX));

    first.done();
    expect(second.asked).toBe(0);
    expect(failure.failedAt).toBe(0);
    expect(failure.error.code).toBe('AuditFailed');
    expect(failure.error.message).toContain('AWS applied this call');
    // The write did happen, so the result still says what AWS answered.
    expect(failure.calls.map((c) => c.output)).toEqual([{ Return: true }]);
  });
});

describe('plans that are refused before anything is sent', () => {
  it('when the account has no write role, then nothing is called and the fix is named', async () => {
    const { executor, audit, sts } = setup({ writeRole: false });
    const write = answerIfAsked(ec2Endpoint('eu-west-1').post('/'), ...ec2Ok('RevokeSecurityGroupIngress'));

    const result = await executor.execute([revoke], CTX);

    expect(result).toEqual({
      ok: false,
      failedAt: 0,
      error: {
        code: 'NoWriteRole',
        message: `no write role configured for account ${ACCOUNT_ID}: set accounts[].writeRoleArn or organization.writeRoleName`,
      },
      calls: [],
    });
    expect(write.asked).toBe(0);
    expect(sts.asked).toBe(0);
    expect(audit).toEqual([]);
  });

  it.each([
    ['an operation the service does not have', { ...revoke, command: 'DeleteEverything' }],
    ['a service outside the catalog', { ...revoke, service: 'dynamodb', command: 'DeleteTable' }],
    ['a name that is not an SDK command', { ...revoke, command: 'Constructor' }],
    ["the SDK's base class", { ...revoke, command: '$' }],
  ])(
    'when a later call names %s, then the plan is rejected as UnknownCommand and nothing is sent',
    async (_what, bad) => {
      const { executor, audit } = setup();
      const write = answerIfAsked(ec2Endpoint('eu-west-1').post('/'), ...ec2Ok('RevokeSecurityGroupIngress'));

      const failure = expectFailure(await executor.execute([revoke, blockBucket, bad as ApiCall], CTX));

      expect(failure.failedAt).toBe(2);
      expect(failure.error.code).toBe('UnknownCommand');
      expect(failure.calls).toEqual([]);
      expect(write.asked).toBe(0);
      expect(audit).toEqual([]);
    },
  );

  it('when a write is disguised as a lookup, then the plan is rejected, even in dry-run mode', async () => {
    const { executor } = setup({ dryRun: true });
    const write = answerIfAsked(ec2Endpoint('eu-west-1').post('/'), ...ec2Ok('RevokeSecurityGroupIngress'));
    const disguised: ApiCall = {
      ...revoke,
      lookup: {
        as: 'k',
        select: { kind: 'iamAccessKey', userName: 'alice', keyNumber: 1, createdAt: NOW.toISOString() },
      },
    };

    const failure = expectFailure(await executor.execute([disguised], CTX));

    expect(failure.error.code).toBe('InvalidPlan');
    expect(write.asked).toBe(0);
  });
});

describe('operations a remediation does not declare', () => {
  const TRAIL_ARN = `arn:aws:cloudtrail:us-east-1:${ACCOUNT_ID}:trail/org-trail`;
  const stopLogging: ApiCall = {
    service: 'cloudtrail',
    region: 'us-east-1',
    command: 'StopLogging',
    input: { Name: TRAIL_ARN },
  };
  const startLogging: ApiCall = { ...stopLogging, command: 'StartLogging' };
  const as = (remediationId: string, kind?: 'remediate' | 'undo') => ({
    accountId: ACCOUNT_ID,
    requestId: 'rr_0002',
    actor: APPROVER,
    remediationId,
    ...(kind ? { kind } : {}),
  });
  // Answered if asked: most of these tests check that neither is sent.
  const trail = () => ({
    stop: answerIfAsked(cloudTrailCall(cloudTrailEndpoint('us-east-1'), 'StopLogging'), ...ctOk({})),
    start: answerIfAsked(cloudTrailCall(cloudTrailEndpoint('us-east-1'), 'StartLogging'), ...ctOk({})),
  });

  it('when a fix of cloudtrail_start_logging asks to stop logging, then nothing reaches STS or CloudTrail', async () => {
    const { executor, audit, sts } = setup({ catalogOnly: true });
    const wire = trail();

    const failure = expectFailure(await executor.execute([stopLogging], as('cloudtrail_start_logging', 'remediate')));

    expect(failure).toMatchObject({ failedAt: 0, calls: [], error: { code: 'UndeclaredOperation' } });
    expect(failure.error.message).toContain(
      'cloudtrail:StopLogging is not an operation cloudtrail_start_logging declares',
    );
    expect(wire.stop.asked).toBe(0);
    expect(sts.asked).toBe(0);
    expect(audit).toEqual([]);
  });

  it('when a context names no kind, then the fix’s operations are allowed and the undo’s are not', async () => {
    const { executor } = setup({ catalogOnly: true });
    const wire = trail();

    expect(expectFailure(await executor.execute([stopLogging], as('cloudtrail_start_logging'))).error.code).toBe(
      'UndeclaredOperation',
    );
    expect(wire.stop.asked).toBe(0);
    expect((await executor.execute([startLogging], as('cloudtrail_start_logging'))).ok).toBe(true);
    expect(wire.start.asked).toBe(1);
  });

  it('when an undo asks for its remediation’s own fix, then it is refused: an undo may only send the undo’s operations', async () => {
    const { executor } = setup({ catalogOnly: true });
    const wire = trail();

    const failure = expectFailure(await executor.execute([startLogging], as('cloudtrail_start_logging', 'undo')));

    expect(failure.error.code).toBe('UndeclaredOperation');
    expect(wire.start.asked).toBe(0);
  });

  it('when a declared write is followed by an undeclared one, then not even the declared one is sent', async () => {
    const { executor, audit } = setup({ catalogOnly: true });
    const bucket = answerIfAsked(
      nock(bucketEndpoint('app-data', 'eu-west-1')).put('/').query({ publicAccessBlock: '' }),
      200,
      '',
    );
    const wire = trail();

    const failure = expectFailure(
      await executor.execute([blockBucket, stopLogging], as('s3_block_public_access', 'remediate')),
    );

    expect(failure).toMatchObject({ failedAt: 1, calls: [], error: { code: 'UndeclaredOperation' } });
    expect(bucket.asked).toBe(0);
    expect(wire.stop.asked).toBe(0);
    expect(audit).toEqual([]);
  });

  it.each([
    ['a remediation that is not in the catalog', as('no_such_remediation', 'remediate')],
    ['no remediation at all', { accountId: ACCOUNT_ID, requestId: 'rr_0003', actor: APPROVER } as never],
    ['a kind that is neither fix nor undo', as('cloudtrail_start_logging', 'sideways' as never)],
  ])('when the context names %s, then nothing is sent', async (_what, ctx) => {
    const { executor, sts } = setup({ catalogOnly: true });
    const wire = trail();

    const failure = expectFailure(await executor.execute([startLogging], ctx));

    expect(failure.error.code).toBe('UndeclaredOperation');
    expect(wire.start.asked).toBe(0);
    expect(sts.asked).toBe(0);
  });

  it('when the catalog’s own plan runs under its remediation, then it is sent', async () => {
    const { executor } = setup({ catalogOnly: true });
    const bucket = nock(bucketEndpoint('app-data', 'eu-west-1'))
      .put('/')
      .query({ publicAccessBlock: '' })
      .reply(200, '');

    expect((await executor.execute([blockBucket], as('s3_block_public_access', 'remediate'))).ok).toBe(true);
    bucket.done();
  });
});
