import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import type { ExecutionResult } from '../../src/aws/executor';
import {
  LOOKUP_PERMISSIONS,
  READ_PERMISSIONS,
  actionForOperation,
  fixPolicyDocument,
  undoPolicyDocument,
  type PolicyDocument,
} from '../../src/aws/permissions';
import { makeRoleExecutor } from '../../src/aws/role-executor';
import type { WritePurpose } from '../../src/aws/write-access';
import { parseConfig } from '../../src/config';
import { REMEDIATIONS } from '../../src/core/remediations';
import type { ApiCall, Remediation } from '../../src/core/remediations/define';
import { ctOk } from '../fixtures/aws/cloudtrail';
import { iamResponse } from '../fixtures/aws/iam';
import { shOk } from '../fixtures/aws/securityhub';
import { assumeRoleXml } from '../fixtures/aws/sts';
import { SAMPLES, planned } from '../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW } from '../fixtures/snapshot-builders';

/**
 * The two write roles' policies against what the executor really sends: every remediation's sample
 * plan runs with the fix role and its undo with the undo role, through the executor, against
 * simulated AWS endpoints that tell operations apart the way AWS does (form `Action`, `X-Amz-Target`,
 * REST method and path) and roles by the key that signed the request. Every operation must be
 * allowed by its role's generated policy, conditions included, and each policy must grant exactly
 * what its role's calls need.
 */

interface WireOperation {
  service: string;
  operation: string;
  /** The access key that signed the request (each role's AssumeRole hands out its own). */
  signedBy: string;
  /**
   * The request's values for the IAM condition keys the policies use, derived from the wire the
   * way the service documents them (see `conditionContext`).
   */
  context: ConditionContext;
}
type ConditionContext = Record<string, string[]>;
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

/**
 * The condition keys of a request, for the operations whose policies have conditions:
 * - EC2 ModifySnapshotAttribute: `ec2:Add/group`, `ec2:Add/userId`, `ec2:Remove/group`,
 *   `ec2:Remove/userId` (the groups and accounts the call adds or removes, whether it names them in
 *   `CreateVolumePermission` or with `OperationType` and `UserGroup.N` / `UserId.N`);
 * - Security Hub BatchUpdateFindings: `securityhub:ASFFSyntaxPath/<field>` for each ASFF field the
 *   request updates (Security Hub user guide, "Configuring access to BatchUpdateFindings").
 */
const conditionContext = (service: string, operation: string, body: unknown): ConditionContext => {
  const context: ConditionContext = {};
  const add = (key: string, value: string) => (context[key] = [...(context[key] ?? []), value]);
  if (service === 'ec2' && operation === 'ModifySnapshotAttribute') {
    const form = new URLSearchParams(String(body));
    const legacy =
      form.get('OperationType') === 'add' ? 'Add' : form.get('OperationType') === 'remove' ? 'Remove' : null;
    for (const [field, value] of form) {
      const canonical = /^CreateVolumePermission\.(Add|Remove)\.\d+\.(Group|UserId)$/.exec(field);
      if (canonical) add(`ec2:${canonical[1]}/${canonical[2] === 'Group' ? 'group' : 'userId'}`, value);
      if (legacy && /^UserGroup\.\d+$/.test(field)) add(`ec2:${legacy}/group`, value);
      if (legacy && /^UserId\.\d+$/.test(field)) add(`ec2:${legacy}/userId`, value);
    }
  }
  if (service === 'securityhub' && operation === 'BatchUpdateFindings') {
    const json = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>;
    const walk = (value: unknown, path: string): void => {
      if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const [k, v] of Object.entries(value)) walk(v, path ? `${path}.${k}` : k);
      } else add(`securityhub:ASFFSyntaxPath/${path}`, String(value));
    };
    const { FindingIdentifiers: _ids, ...updates } = json;
    walk(updates, '');
  }
  return context;
};

const identify = (
  host: string,
  method: string,
  uri: string,
  headers: Record<string, unknown>,
  body: unknown,
): Omit<WireOperation, 'signedBy' | 'context'> | null => {
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

const WRITE_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-write`;
const UNDO_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-undo`;
/** The temporary key AssumeRole hands out for each role. */
const ROLE_KEYS: Record<WritePurpose, string> = { fix: 'ASIAFIXROLEEXAMPLE01', undo: 'ASIAUNDOROLEEXAMPLE1' };
const keyForRole = (roleArn: string) =>
  roleArn === WRITE_ROLE ? ROLE_KEYS.fix : roleArn === UNDO_ROLE ? ROLE_KEYS.undo : 'ASIAUNKNOWNROLE00001';

const answer = (
  op: Omit<WireOperation, 'signedBy' | 'context'>,
  method: string,
  body: unknown,
  keys: KeysByUser,
): Reply => {
  switch (op.service) {
    case 'sts':
      return [
        200,
        assumeRoleXml(new URLSearchParams(String(body)).get('RoleArn') ?? '', {
          accessKeyId: keyForRole(new URLSearchParams(String(body)).get('RoleArn') ?? ''),
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
      const auth = String(this.req.headers['authorization'] ?? '');
      operations.push({
        ...op,
        signedBy: /Credential=([A-Z0-9]+)\//.exec(auth)?.[1] ?? 'unsigned',
        context: conditionContext(op.service, op.operation, body),
      });
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

// ---------------------------------------------------------------- IAM policy evaluation

type Decision = 'allow' | 'explicit-deny' | 'implicit-deny';

/**
 * IAM's evaluation of one identity policy for a request (IAM User Guide, "Policy evaluation logic"):
 * an explicit Deny wins, then any Allow, else the implicit deny. Only the condition operators the
 * generated policies use are known; any other fails the test instead of being skipped.
 */
const decide = (policy: PolicyDocument, action: string, context: ConditionContext): Decision => {
  const conditionHolds = (condition: Record<string, Record<string, string | string[]>> | undefined) =>
    Object.entries(condition ?? {}).every(([operator, keys]) =>
      Object.entries(keys).every(([key, expected]) => {
        const values = context[key];
        const wanted = Array.isArray(expected) ? expected : [expected];
        switch (operator) {
          // A missing key never equals anything.
          case 'StringEquals':
            return values !== undefined && values.every((v) => wanted.includes(v));
          case 'Null':
            return wanted.every((w) => (w === 'true') === (values === undefined));
          default:
            throw new Error(`the test cannot evaluate the condition operator ${operator}`);
        }
      }),
    );
  const applicable = policy.Statement.filter((s) => s.Action.includes(action) && conditionHolds(s.Condition));
  if (applicable.some((s) => s.Effect === 'Deny')) return 'explicit-deny';
  return applicable.some((s) => s.Effect === 'Allow') ? 'allow' : 'implicit-deny';
};

const actionOf = (o: WireOperation) => actionForOperation(o.service, o.operation);

const neededActions = (operations: WireOperation[]) =>
  [...new Set(operations.map(actionOf))].filter((a): a is string => a !== null);

const allowedActions = (policy: PolicyDocument) =>
  new Set(policy.Statement.filter((s) => s.Effect === 'Allow').flatMap((s) => s.Action));

const POLICIES: Record<WritePurpose, PolicyDocument> = { fix: fixPolicyDocument(), undo: undoPolicyDocument() };

// ---------------------------------------------------------------- the runs

interface Run {
  results: ExecutionResult[];
  /** How many calls the plans (or the inverses) have: each must reach the wire once. */
  calls: number;
  operations: WireOperation[];
}

describe('the remediation write policies', () => {
  const runs = new Map<string, Record<WritePurpose, Run>>();
  let unhandled: string[] = [];

  beforeAll(async () => {
    const aws = simulateAws();
    unhandled = aws.unhandled;
    const config = parseConfig(
      [
        'accounts:',
        `  - id: "${ACCOUNT_ID}"`,
        '    name: prod',
        `    writeRoleArn: ${WRITE_ROLE}`,
        `    undoRoleArn: ${UNDO_ROLE}`,
      ].join('\n'),
      'cloudsec.yml',
    );
    const factory = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 });
    const executor = makeRoleExecutor({
      config,
      clientsOf: (access) => factory(access),
      homeRegion: 'us-east-1',
      dryRun: false,
      audit: async () => {},
      clock: () => NOW,
    });
    for (const remediation of REMEDIATIONS) {
      const sample = SAMPLES[remediation.id]?.();
      if (!sample) continue;
      if (sample.account.accountId !== ACCOUNT_ID)
        throw new Error(`${remediation.id}: the sample is in another account`);
      const plan = planned(remediation.plan(sample.finding, sample.account, sample.options));
      const plans: Record<WritePurpose, ApiCall[][]> = {
        fix: [plan.calls],
        undo: inversePlans(remediation, plan.calls, plan.before),
      };
      for (const call of [...plans.fix, ...plans.undo].flat()) {
        if (call.lookup?.select.kind === 'iamAccessKey') {
          const { userName, createdAt } = call.lookup.select;
          aws.keys.set(userName, [{ id: 'AKIAIOSFODNN7EXAMPLE', createDate: createdAt }]);
        }
      }
      const run = async (purpose: WritePurpose): Promise<Run> => {
        const from = aws.operations.length;
        const results: ExecutionResult[] = [];
        for (const calls of plans[purpose]) {
          results.push(
            await executor.execute(calls, {
              accountId: ACCOUNT_ID,
              requestId: `rr_${remediation.id}_${purpose}`,
              actor: { kind: 'system', id: 'write-policy-test' },
              remediationId: remediation.id,
              kind: purpose === 'fix' ? 'remediate' : 'undo',
            }),
          );
        }
        return {
          results,
          calls: plans[purpose].flat().length,
          operations: aws.operations.slice(from).filter((o) => o.service !== 'sts'),
        };
      };
      runs.set(remediation.id, { fix: await run('fix'), undo: await run('undo') });
    }
    nock.cleanAll();
  });

  it('when the catalog is listed, then every remediation has a sample to run', () => {
    expect(REMEDIATIONS.filter((r) => !SAMPLES[r.id])).toEqual([]);
  });

  it.each(
    REMEDIATIONS.flatMap((r) =>
      (['fix', 'undo'] as const).map((purpose) => [r.id, purpose === 'fix' ? 'plan' : 'undo', purpose, r] as const),
    ),
  )(
    "when %s runs its %s, then every operation is sent with its role and allowed by that role's policy",
    (id, _what, purpose, remediation) => {
      const run = runs.get(id)![purpose];
      expect(run.results.filter((r) => !r.ok)).toEqual([]);
      expect(unhandled).toEqual([]);
      // Every call reached the wire: the checks below are not vacuous.
      expect(run.operations).toHaveLength(run.calls);
      expect(run.operations.filter((o) => o.signedBy !== ROLE_KEYS[purpose])).toEqual([]);
      const refused = run.operations.filter((o) => decide(POLICIES[purpose], actionOf(o) ?? '', o.context) !== 'allow');
      expect(refused).toEqual([]);
      // The policies are generated from what each remediation declares, so the declaration must cover its calls.
      const declared = new Set(purpose === 'fix' ? remediation.permissions : remediation.undoPermissions);
      expect(neededActions(run.operations).filter((a) => !declared.has(a))).toEqual([]);
    },
  );

  it.each(['fix', 'undo'] as const)(
    'when the whole catalog has run, then the %s policy grants exactly what its calls needed',
    (purpose) => {
      const needed = [...runs.values()].flatMap((r) => neededActions(r[purpose].operations));
      expect([...allowedActions(POLICIES[purpose])].sort()).toEqual([...new Set(needed)].sort());
    },
  );

  it('when the fix role is handed the undo calls, then it refuses every one that turns a control back off', () => {
    const refused = [...runs.entries()].flatMap(([id, run]) =>
      run.undo.operations
        .filter((o) => decide(POLICIES.fix, actionOf(o) ?? '', o.context) !== 'allow')
        .map((o) => `${id}: ${actionOf(o)}`),
    );
    expect([...new Set(refused)].sort()).toEqual([
      'cloudtrail_start_logging: cloudtrail:StopLogging',
      'ec2_enable_ebs_default_encryption: ec2:DisableEbsEncryptionByDefault',
      'ec2_revoke_world_ingress: ec2:AuthorizeSecurityGroupIngress',
      // Same action as the fix, refused by its condition: it adds the group `all`.
      'ec2_snapshot_make_private: ec2:ModifySnapshotAttribute',
      'iam_set_password_policy: iam:DeleteAccountPasswordPolicy',
      // Same action as the fix, refused by its condition: it sets the workflow status back to NEW.
      'securityhub_update_workflow: securityhub:BatchUpdateFindings',
    ]);
  });

  it('when a snapshot would be shared with one account, then neither role may do it', () => {
    const share = { 'ec2:Add/userId': ['999999999999'] };
    expect(decide(POLICIES.fix, 'ec2:ModifySnapshotAttribute', share)).toBe('explicit-deny');
    expect(decide(POLICIES.undo, 'ec2:ModifySnapshotAttribute', share)).toBe('explicit-deny');
  });

  it.each(['fix', 'undo'] as const)(
    'when the %s policy is printed, then it lists each action once, in order, and reads only what lookups read',
    (purpose) => {
      const policy = POLICIES[purpose];
      const allows = policy.Statement.filter((s) => s.Effect === 'Allow');
      const all = allows.flatMap((s) => s.Action);
      expect(new Set(all).size).toBe(all.length);
      for (const statement of policy.Statement) expect(statement.Action).toEqual([...statement.Action].sort());
      const lookupActions = new Set(Object.values(LOOKUP_PERMISSIONS).flat());
      const reads = all.filter((a) => /^[a-z0-9-]+:(Get|List|Describe|Generate)[A-Z]/.test(a));
      expect(reads.filter((a) => !lookupActions.has(a))).toEqual([]);
      const scanActions = new Set<string>(Object.values(READ_PERMISSIONS).flat());
      expect(all.filter((a) => scanActions.has(a))).toEqual([]);
    },
  );
});
