import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { INTERRUPTED, INTERRUPTED_VERIFIED } from '../../../src/app/remediation/reconcile';
import type { Store } from '../../../src/store/store';
import { recordingMessenger } from '../../fixtures/app';
import {
  describeInstancesXml,
  describeSecurityGroupRulesXml,
  describeSecurityGroupsXml,
  describeSnapshotsXml,
  ec2Error,
  getEbsEncryptionByDefaultXml,
} from '../../fixtures/aws/ec2';
import { assumeRoleXml, callerIdentityXml, stsErrorXml } from '../../fixtures/aws/sts';
import {
  composeCloudsec,
  CRASH_ACCOUNT_ID,
  WRITE_ROLE_ARN,
  type CrashJob,
} from '../../fixtures/remediation-crash-child';
import { NOW } from '../../fixtures/snapshot-builders';
import { manualClock, runTsChild, useTempStores } from '../../fixtures/store';
import {
  describeFlowLogsXml,
  describeImagesXml,
  describeNetworkAclsXml,
  describeVpcsXml,
} from '../../fixtures/aws/ec2-network';

const CHILD = path.join(__dirname, '..', '..', 'fixtures', 'remediation-crash-child.ts');
const AUDIT_KEY = 'crash-reconcile-audit-key-0123456789abcdef';
const RESTARTED_AT = new Date(NOW.getTime() + 60_000);
const WRITE = 'EnableEbsEncryptionByDefault';
/** What AssumeRole hands out for the write role: the write must be signed with it. */
const WRITE_ROLE_KEYS = {
  accessKeyId: 'ASIAWRITEROLEEXAMPLE',
  secretAccessKey: 'Je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY1',
  sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDHqa0AP7r3EXAMPLESESSIONTOKEN',
};

interface AwsRequest {
  /** From the SigV4 credential scope: `sts`, `ec2`. */
  service: string;
  action: string;
  accessKeyId: string;
}

// Answers a repeated write at once, so a re-execution shows up as a second write instead of a hang.
const enableEbsEncryptionXml =
  '<?xml version="1.0" encoding="UTF-8"?>\n<EnableEbsEncryptionByDefaultResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">' +
  '<requestId>7a62c49f-347e-4fc4-9331-6e8eEXAMPLE</requestId><ebsEncryptionByDefault>true</ebsEncryptionByDefault>' +
  '</EnableEbsEncryptionByDefaultResponse>';

/**
 * AWS for one account with no EC2 resources and EBS default encryption off, on 127.0.0.1, answering
 * both processes in the query protocol's wire format. It never answers the first write: the process
 * that sent it is killed while waiting, so the kill always lands after AWS has the write and before the
 * sender can record anything, whatever the machine's speed.
 */
const startFakeAws = async (options: { writeTakesEffect: boolean }) => {
  let ebsEncryptionByDefault = false;
  const requests: AwsRequest[] = [];
  const writes: AwsRequest[] = [];
  const unhandled: string[] = [];
  let writeArrived: (request: AwsRequest) => void = () => undefined;
  const firstWrite = new Promise<AwsRequest>((resolve) => (writeArrived = resolve));

  const answer = (request: AwsRequest, params: Record<string, string>): [number, string] | 'hold' => {
    switch (`${request.service}:${request.action}`) {
      case 'sts:GetCallerIdentity':
        return [200, callerIdentityXml(CRASH_ACCOUNT_ID)];
      case 'sts:AssumeRole':
        return params.RoleArn === WRITE_ROLE_ARN
          ? [200, assumeRoleXml(WRITE_ROLE_ARN, WRITE_ROLE_KEYS)]
          : [403, stsErrorXml('AccessDenied', `not authorized to assume ${params.RoleArn}`)];
      case 'ec2:DescribeSecurityGroups':
        return [200, describeSecurityGroupsXml([])];
      case 'ec2:DescribeSecurityGroupRules':
        return [200, describeSecurityGroupRulesXml([])];
      case 'ec2:DescribeSnapshots':
        return [200, describeSnapshotsXml([])];
      case 'ec2:DescribeInstances':
        return [200, describeInstancesXml([])];
      // The re-check collects the whole EC2 slice: an account without VPCs, ACLs or images.
      case 'ec2:DescribeVpcs':
        return [200, describeVpcsXml([])];
      case 'ec2:DescribeFlowLogs':
        return [200, describeFlowLogsXml([])];
      case 'ec2:DescribeNetworkAcls':
        return [200, describeNetworkAclsXml([])];
      case 'ec2:DescribeImages':
        return [200, describeImagesXml([])];
      case 'ec2:GetEbsEncryptionByDefault':
        return [200, getEbsEncryptionByDefaultXml(ebsEncryptionByDefault)];
      case `ec2:${WRITE}`: {
        const first = writes.length === 0;
        writes.push(request);
        if (options.writeTakesEffect) ebsEncryptionByDefault = true;
        if (!first) return [200, enableEbsEncryptionXml];
        writeArrived(request);
        return 'hold';
      }
      default:
        unhandled.push(`${request.service}:${request.action}`);
        return ec2Error(400, 'InvalidAction', `The action ${request.action} is not valid for this web service.`);
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString()));
      const scope = /Credential=([^/]+)\/[^/]+\/[^/]+\/([^/]+)\//.exec(req.headers.authorization ?? '');
      const request = { service: scope?.[2] ?? '', action: params.Action ?? '', accessKeyId: scope?.[1] ?? '' };
      requests.push(request);
      const reply = answer(request, params);
      if (reply === 'hold') return;
      res.writeHead(reply[0], { 'content-type': 'text/xml' });
      res.end(reply[1]);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    firstWrite,
    unhandled,
    count: (action: string) => requests.filter((r) => r.action === action).length,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
type FakeAws = Awaited<ReturnType<typeof startFakeAws>>;

describe('a cloudsec process killed after sending a remediation write, before recording its answer', () => {
  const stores = useTempStores();
  jest.setTimeout(120_000);
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Runs the child until AWS holds its write, then SIGKILLs it. */
  const crashMidWrite = async (options: { writeTakesEffect: boolean }) => {
    const aws = await startFakeAws(options);
    cleanups.push(aws.close);
    const dbPath = stores.dbPath();
    const job: CrashJob = { dbPath, auditKey: AUDIT_KEY, endpoint: aws.url, now: NOW.toISOString() };
    const child = runTsChild(CHILD, job);
    cleanups.push(() => {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGKILL');
    });

    const first = await Promise.race([
      aws.firstWrite.then((write) => ({ write })),
      child.exited.then((exit) => ({ exit })),
    ]);
    if ('exit' in first) {
      throw new Error(
        `the child exited (${first.exit.code ?? first.exit.signal}) before AWS saw a write:\n${first.exit.stderr}`,
      );
    }
    child.process.kill('SIGKILL');
    expect((await child.exited).signal).toBe('SIGKILL');

    // The write went out with the write role's credentials, not the read ones.
    expect(first.write.accessKeyId).toBe(WRITE_ROLE_KEYS.accessKeyId);
    expect(child.lines().filter((l) => l.startsWith('finished'))).toEqual([]);
    const requestId = (await child.waitForLine((l) => l.startsWith('requested '))).slice('requested '.length);
    return { aws, dbPath, requestId };
  };

  /** The same database and the same fake AWS, opened by a new process composed as main.ts does. */
  const restart = (dbPath: string, aws: FakeAws) => {
    const endpointBefore = process.env.AWS_ENDPOINT_URL;
    process.env.AWS_ENDPOINT_URL = aws.url;
    cleanups.push(() => {
      if (endpointBefore === undefined) delete process.env.AWS_ENDPOINT_URL;
      else process.env.AWS_ENDPOINT_URL = endpointBefore;
    });
    const clock = manualClock(RESTARTED_AT);
    const { store } = stores.open({ path: dbPath, clock, auditKey: AUDIT_KEY });
    const slack = recordingMessenger();
    return { store, slack, cloudsec: composeCloudsec({ store, clock, messenger: slack.messenger }) };
  };

  const expectAuditedReconciliation = async (store: Store, requestId: string, outcome: 'ok' | 'error') => {
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    const entries = await store.listAudit({ requestId });
    // The dead process left its trace before sending, and nothing after: no answer was ever recorded.
    expect(entries.filter((e) => e.action === 'aws.write').map((e) => e.outcome)).toEqual(['started']);
    const reconcile = entries.findIndex((e) => e.action === 'remediation.reconcile');
    expect(entries[reconcile]).toMatchObject({ outcome, actor: { kind: 'system' } });
    expect(entries.slice(reconcile)).toContainEqual(
      expect.objectContaining({
        action: 'remediation.status',
        actor: expect.objectContaining({ kind: 'system' }),
        details: expect.objectContaining({ from: ['executing'], to: outcome === 'ok' ? 'succeeded' : 'failed' }),
      }),
    );
  };

  it('when AWS applied the write, then on restart the request is verified succeeded and the write is not sent again', async () => {
    const { aws, dbPath, requestId } = await crashMidWrite({ writeTakesEffect: true });
    const after = restart(dbPath, aws);
    expect(await after.store.getRequest(requestId)).toMatchObject({ status: 'executing' });
    const readsBefore = aws.count('GetEbsEncryptionByDefault');

    const report = await after.cloudsec.remediation.reconcile();

    expect(report.reconciled).toEqual([
      expect.objectContaining({ id: requestId, status: 'succeeded', reason: INTERRUPTED_VERIFIED }),
    ]);
    expect(await after.store.getRequest(requestId)).toMatchObject({
      status: 'succeeded',
      result: { interrupted: true, verification: expect.objectContaining({ status: 'pass' }) },
    });
    expect(aws.count(WRITE)).toBe(1);
    // Verified from AWS as it is now, not from what the dead process had seen.
    expect(aws.count('GetEbsEncryptionByDefault')).toBeGreaterThan(readsBefore);
    expect(aws.unhandled).toEqual([]);
    await expectAuditedReconciliation(after.store, requestId, 'ok');
    expect(after.slack.posts).toEqual([
      expect.objectContaining({
        threadTs: expect.any(String),
        text: expect.stringContaining('stopped while this request was executing'),
      }),
    ]);
  });

  it('when the write did not take effect, then on restart the request fails as interrupted and is not executed again', async () => {
    const { aws, dbPath, requestId } = await crashMidWrite({ writeTakesEffect: false });
    const after = restart(dbPath, aws);
    expect(await after.store.getRequest(requestId)).toMatchObject({ status: 'executing' });

    const report = await after.cloudsec.remediation.reconcile();

    expect(report.reconciled).toEqual([
      expect.objectContaining({
        id: requestId,
        status: 'failed',
        reason: expect.stringMatching(
          new RegExp(`^${INTERRUPTED} \\(the check fails: EBS encryption by default is off`),
        ),
      }),
    ]);
    expect(report.resumed).toEqual([]);
    expect(aws.count(WRITE)).toBe(1);
    expect(aws.unhandled).toEqual([]);
    await expectAuditedReconciliation(after.store, requestId, 'error');

    // A second start-up finds nothing left to do and still sends nothing.
    expect(await after.cloudsec.remediation.reconcile()).toEqual({ reconciled: [], resumed: [] });
    expect(aws.count(WRITE)).toBe(1);
  });
});
