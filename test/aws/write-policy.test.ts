import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import { makeExecutor, type ExecutionResult } from '../../src/aws/executor';
import {
  LOOKUP_PERMISSIONS,
  READ_PERMISSIONS,
  actionForOperation,
  writePolicyDocument,
} from '../../src/aws/permissions';
import { REMEDIATIONS } from '../../src/core/remediations';
import type { ApiCall, Remediation } from '../../src/core/remediations/define';
import { ctOk } from '../fixtures/aws/cloudtrail';
import { iamResponse } from '../fixtures/aws/iam';
import { shOk } from '../fixtures/aws/securityhub';
import { assumeRoleXml } from '../fixtures/aws/sts';
import { SAMPLES, planned } from '../fixtures/remediation-builders';
import { NOW } from '../fixtures/snapshot-builders';

/**
 * The write role's policy against what the executor really sends: every remediation's sample plan
 * and its undo run through the executor against simulated AWS endpoints that tell operations apart
 * the way AWS does (form `Action`, `X-Amz-Target`, REST method and path), and every operation that
 * reached the wire must be allowed by the generated policy.
 */

interface WireOperation {
  service: string;
  operation: string;
}
type Reply = [number, nock.Body, Record<string, string>];

const HOST =
  /^(?:([a-z0-9-]+)\.)?(iam|sts|s3|s3-control|ec2|cloudtrail|securityhub)(?:\.([a-z0-9-]+))?\.amazonaws\.com$/;

/** REST operations by method and resource, from the S3, S3 Control and Security Hub API references. */
const REST_ROUTES: { service: string; method: string; matches: (url: URL) => boolean; operation: string }[] = [
  {
    service: 's3',
    method: 'PUT',
    matches: (u) => u.searchParams.has('publicAccessBlock'),
    operation: 'PutPublicAccessBlock',
  },
  {
    service: 's3',
    method: 'DELETE',
    matches: (u) => u.searchParams.has('publicAccessBlock'),
    operation: 'DeletePublicAccessBlock',
  },
  { service: 's3', method: 'PUT', matches: (u) => u.searchParams.has('encryption'), operation: 'PutBucketEncryption' },
  {
    service: 's3',
    method: 'DELETE',
    matches: (u) => u.searchParams.has('encryption'),
    operation: 'DeleteBucketEncryption',
  },
  {
    service: 's3control',
    method: 'PUT',
    matches: (u) => u.pathname === '/v20180820/configuration/publicAccessBlock',
    operation: 'PutPublicAccessBlock',
  },
  {
    service: 's3control',
    method: 'DELETE',
    matches: (u) => u.pathname === '/v20180820/configuration/publicAccessBlock',
    operation: 'DeletePublicAccessBlock',
  },
  {
    service: 'securityhub',
    method: 'PATCH',
    matches: (u) => u.pathname === '/findings/batchupdate',
    operation: 'BatchUpdateFindings',
  },
];

const EC2_XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const ec2Ok = (operation: string): Reply => [
  200,
  `<?xml version="1.0" encoding="UTF-8"?>\n<${operation}Response xmlns="${EC2_XMLNS}">` +
    `<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><return>true</return></${operation}Response>`,
  { 'content-type': 'text/xml;charset=UTF-8' },
];

/** Access keys that ListAccessKeys reports, so the plans' lookups find the keys they name. */
type KeysByUser = Map<string, { id: string; createDate: string }[]>;

const listAccessKeysXml = (user: string, keys: { id: string; createDate: string }[]) =>
  iamResponse(
    'ListAccessKeys',
    `<UserName>${user}</UserName><AccessKeyMetadata>${keys
      .map(
        (k) =>
          `<member><UserName>${user}</UserName><AccessKeyId>${k.id}</AccessKeyId>` +
          `<Status>Active</Status><CreateDate>${k.createDate}</CreateDate></member>`,
      )
      .join('')}</AccessKeyMetadata><IsTruncated>false</IsTruncated>`,
  );

const identify = (
  host: string,
  method: string,
  uri: string,
  headers: Record<string, unknown>,
  body: unknown,
): WireOperation | null => {
  const [, , name] = HOST.exec(host) ?? [];
  if (!name) return null;
  const service = name === 's3-control' ? 's3control' : name;
  if (service === 'iam' || service === 'sts' || service === 'ec2') {
    const action = new URLSearchParams(String(body)).get('Action');
    return action ? { service, operation: action } : null;
  }
  if (service === 'cloudtrail') {
    const target = String(headers['x-amz-target'] ?? '');
    return target.startsWith('CloudTrail_20131101.') ? { service, operation: target.split('.')[1]! } : null;
  }
  const url = new URL(uri, `https://${host}`);
  const route = REST_ROUTES.find((r) => r.service === service && r.method === method && r.matches(url));
  return route ? { service, operation: route.operation } : null;
};

const answer = (op: WireOperation, method: string, body: unknown, keys: KeysByUser): Reply => {
  switch (op.service) {
    case 'sts':
      return [
        200,
        assumeRoleXml(new URLSearchParams(String(body)).get('RoleArn') ?? '', {
          accessKeyId: 'ASIAWRITEROLEEXAMPLE',
          secretAccessKey: 'Je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY1',
          sessionToken: 'FwoGZXIvYXdzEXAMPLE',
        }),
        { 'content-type': 'text/xml' },
      ];
    case 'iam': {
      if (op.operation !== 'ListAccessKeys')
        return [200, iamResponse(op.operation, ''), { 'content-type': 'text/xml' }];
      const user = new URLSearchParams(String(body)).get('UserName') ?? '';
      return [200, listAccessKeysXml(user, keys.get(user) ?? []), { 'content-type': 'text/xml' }];
    }
    case 'ec2':
      return ec2Ok(op.operation);
    case 'cloudtrail':
      return ctOk({});
    case 'securityhub':
      return shOk({ ProcessedFindings: [], UnprocessedFindings: [] });
    default:
      // S3 answers a DELETE of a bucket configuration with 204, everything else here with an empty 200.
      return [method === 'DELETE' && op.service === 's3' ? 204 : 200, '', {}];
  }
};

/** One persistent interceptor for every AWS host, recording each operation that reached it. */
const simulateAws = () => {
  const operations: WireOperation[] = [];
  const unhandled: string[] = [];
  const keys: KeysByUser = new Map();
  const scope = nock(/amazonaws\.com/).persist();
  for (const method of ['GET', 'PUT', 'POST', 'DELETE', 'PATCH', 'HEAD']) {
    scope.intercept(/.*/, method).reply(function (uri, body) {
      const host = String(this.req.headers['host'] ?? '');
      const op = identify(host, method, uri, this.req.headers, body);
      if (!op) {
        unhandled.push(`${method} ${host}${uri}`);
        return [400, 'not simulated'];
      }
      operations.push(op);
      return answer(op, method, body, keys);
    });
  }
  return { operations, unhandled, keys };
};

/** The undo from the sample's state and, for each part of it that was set, from "it was not set". */
const inversePlans = (remediation: Remediation, calls: ApiCall[], before: unknown): ApiCall[][] => {
  const record = before as Record<string, unknown>;
  const states = [
    before,
    ...Object.keys(record)
      .filter((k) => record[k] !== null)
      .map((k) => ({ ...record, [k]: null })),
  ];
  const plans = states.flatMap((state) => {
    const inverse = remediation.inverse(calls, state);
    return inverse.ok ? [inverse.calls] : [];
  });
  return [...new Map(plans.map((p) => [JSON.stringify(p), p])).values()];
};

interface Run {
  results: ExecutionResult[];
  calls: number;
  operations: WireOperation[];
}

const granted = new Set(writePolicyDocument().Statement.flatMap((s) => s.Action));
const neededActions = (operations: WireOperation[]) =>
  [...new Set(operations.map((o) => actionForOperation(o.service, o.operation)))].filter(
    (a): a is string => a !== null,
  );

describe('the remediation write policy', () => {
  const runs = new Map<string, Run>();
  let unhandled: string[] = [];

  beforeAll(async () => {
    const aws = simulateAws();
    unhandled = aws.unhandled;
    const factory = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 });
    const executor = makeExecutor({
      clientsFor: (accountId) => factory({ accountId, roleArn: `arn:aws:iam::${accountId}:role/cloudsec-write` }),
      homeRegion: 'us-east-1',
      dryRun: false,
      audit: async () => {},
      clock: () => NOW,
    });
    for (const remediation of REMEDIATIONS) {
      const sample = SAMPLES[remediation.id]?.();
      if (!sample) continue;
      const plan = planned(remediation.plan(sample.finding, sample.account, sample.options));
      const plans = [plan.calls, ...inversePlans(remediation, plan.calls, plan.before)];
      for (const call of plans.flat()) {
        if (call.lookup?.select.kind === 'iamAccessKey') {
          const { userName, createdAt } = call.lookup.select;
          aws.keys.set(userName, [{ id: 'AKIAIOSFODNN7EXAMPLE', createDate: createdAt }]);
        }
      }
      const from = aws.operations.length;
      const results: ExecutionResult[] = [];
      for (const calls of plans) {
        results.push(
          await executor.execute(calls, {
            accountId: sample.account.accountId,
            requestId: `rr_${remediation.id}`,
            actor: { kind: 'system', id: 'write-policy-test' },
          }),
        );
      }
      runs.set(remediation.id, {
        results,
        calls: plans.flat().length,
        operations: aws.operations.slice(from).filter((o) => o.service !== 'sts'),
      });
    }
    nock.cleanAll();
  });

  it('when the catalog is listed, then every remediation has a sample to run', () => {
    expect(REMEDIATIONS.filter((r) => !SAMPLES[r.id])).toEqual([]);
  });

  it.each(REMEDIATIONS.map((r) => [r.id, r] as const))(
    'when %s runs its plan and its undo, then every operation that reaches AWS is allowed by the write policy',
    (id, remediation) => {
      const run = runs.get(id)!;
      expect(run.results.filter((r) => !r.ok)).toEqual([]);
      expect(unhandled).toEqual([]);
      // Every call of the plans reached the wire: the check below is not vacuous.
      expect(run.operations).toHaveLength(run.calls);
      const needed = neededActions(run.operations);
      expect(needed.filter((a) => !granted.has(a))).toEqual([]);
      // The policy is generated from what each remediation declares, so the declaration must cover its calls.
      const declared = new Set([...remediation.permissions, ...remediation.undoPermissions]);
      expect(needed.filter((a) => !declared.has(a))).toEqual([]);
    },
  );

  it('when the whole catalog has run, then the policy grants nothing that was not needed', () => {
    const needed = new Set([...runs.values()].flatMap((r) => neededActions(r.operations)));
    expect([...granted].filter((a) => !needed.has(a))).toEqual([]);
  });

  it('when printed, then it lists each action once, in order, and reads only what lookups read', () => {
    const [writes, lookups] = writePolicyDocument().Statement;
    const all = [...writes!.Action, ...lookups!.Action];
    expect(new Set(all).size).toBe(all.length);
    expect(writes!.Action).toEqual([...writes!.Action].sort());
    expect(writes!.Action.filter((a) => /^[a-z0-9-]+:(Get|List|Describe|Generate)[A-Z]/.test(a))).toEqual([]);
    expect(lookups!.Action).toEqual([...new Set(Object.values(LOOKUP_PERMISSIONS).flat())].sort());
    const scanActions = new Set<string>(Object.values(READ_PERMISSIONS).flat());
    expect(all.filter((a) => scanActions.has(a))).toEqual([]);
  });
});
