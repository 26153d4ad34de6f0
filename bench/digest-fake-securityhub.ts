/**
 * A fake Security Hub for bench/digest.ts: a real HTTP server on 127.0.0.1 that the SDK's clients
 * reach through AWS_ENDPOINT_URL, answering GetFindings over an in-memory estate and the two STS
 * calls the feed makes (GetCallerIdentity, AssumeRole), each in its wire format (the fixtures' builders).
 *
 * Like the real service, a request sees only the findings of its signing region, and a member
 * account only its own (the caller is the administrator and sees every account's). GetFindings
 * implements the filters the digest's collectors send, with Security Hub's semantics: values of one
 * field are ORed for positive comparisons and ANDed for negative ones, fields are ANDed. A filter or
 * comparison it does not implement is refused with a 400, so a collector that changed its query
 * shows up as a failed run instead of as a silently wrong figure.
 *
 * Findings are held as small records and rendered to ASFF a page at a time, so the fake's own
 * memory stays out of the way; paging resumes from a position in the estate, so reading every
 * finding costs the fake O(N), not O(N²).
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { asffFinding, findingsPage, shError } from '../test/fixtures/aws/securityhub';
import { assumeRoleXml, callerIdentityXml, stsErrorXml } from '../test/fixtures/aws/sts';

export type SeverityLabel = 'CRITICAL' | 'HIGH' | 'MEDIUM' | 'LOW';
export type RecordState = 'ACTIVE' | 'ARCHIVED';
export type WorkflowStatus = 'NEW' | 'NOTIFIED' | 'SUPPRESSED' | 'RESOLVED';
export type ComplianceStatus = 'FAILED' | 'PASSED' | 'WARNING';

export interface FakeAccount {
  id: string;
  name: string;
  /** Absent for the caller's own account. */
  roleArn?: string;
}

interface StoredFinding {
  id: string;
  account: string;
  region: string;
  control: Control;
  resourceId: string;
  createdAt: string;
  updatedAt: string;
  recordState: RecordState;
  workflow: WorkflowStatus;
  compliance: ComplianceStatus;
}

interface Control {
  id: string;
  severity: SeverityLabel;
  resourceType: string;
  title: string;
  resource: (account: string, region: string, n: number) => string;
}

/** Regional controls with Security Hub's own severities; the weights give a realistic mix of severities. */
const CONTROLS: { control: Control; weight: number }[] = [
  {
    weight: 1,
    control: {
      id: 'EC2.19',
      severity: 'CRITICAL',
      resourceType: 'AwsEc2SecurityGroup',
      title: 'Security groups should not allow unrestricted access to ports with high risk',
      resource: (a, r, n) => `arn:aws:ec2:${r}:${a}:security-group/sg-${hex(n, 17)}`,
    },
  },
  {
    weight: 2,
    control: {
      id: 'S3.8',
      severity: 'HIGH',
      resourceType: 'AwsS3Bucket',
      title: 'S3 general purpose buckets should block public access',
      resource: (a, r, n) => `arn:aws:s3:::bench-${a}-${r}-${n}`,
    },
  },
  {
    weight: 2,
    control: {
      id: 'EC2.8',
      severity: 'HIGH',
      resourceType: 'AwsEc2Instance',
      title: 'EC2 instances should use Instance Metadata Service Version 2 (IMDSv2)',
      resource: (a, r, n) => `arn:aws:ec2:${r}:${a}:instance/i-${hex(n, 17)}`,
    },
  },
  {
    weight: 2,
    control: {
      id: 'RDS.3',
      severity: 'MEDIUM',
      resourceType: 'AwsRdsDbInstance',
      title: 'RDS DB instances should have encryption at-rest enabled',
      resource: (a, r, n) => `arn:aws:rds:${r}:${a}:db:bench-db-${n}`,
    },
  },
  {
    weight: 1,
    control: {
      id: 'S3.9',
      severity: 'MEDIUM',
      resourceType: 'AwsS3Bucket',
      title: 'S3 general purpose buckets should have server access logging enabled',
      resource: (a, r, n) => `arn:aws:s3:::bench-logs-${a}-${r}-${n}`,
    },
  },
  {
    weight: 2,
    control: {
      id: 'S3.13',
      severity: 'LOW',
      resourceType: 'AwsS3Bucket',
      title: 'S3 general purpose buckets should have Lifecycle configurations',
      resource: (a, r, n) => `arn:aws:s3:::bench-data-${a}-${r}-${n}`,
    },
  },
];
const CONTROL_CYCLE: Control[] = CONTROLS.flatMap(({ control, weight }) => Array<Control>(weight).fill(control));

const hex = (n: number, width: number) => n.toString(16).padStart(width, '0');

const PAGE_MAX = 100;
const HOME_REGION = 'us-east-1';

/** One request the fake answered, as the bench counts them. */
export interface FakeCall {
  service: 'securityhub' | 'sts' | 'unknown';
  operation: string;
  account: string;
  region: string;
  /** GetFindings: the UpdatedAt window asked for, when there was one. */
  updatedAt?: { start: string | undefined; end: string | undefined };
  status: number;
}

export interface GroundTruth {
  open: Record<SeverityLabel, number>;
  suppressed: number;
  byAccount: Record<string, { open: Record<SeverityLabel, number>; suppressed: number }>;
}

export interface Mutation {
  resolved: { archived: number; workflowResolved: number; compliancePassed: number };
  suppressed: number;
  added: number;
}

const zero = (): Record<SeverityLabel, number> => ({ CRITICAL: 0, HIGH: 0, MEDIUM: 0, LOW: 0 });

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

type Filter = { Value?: string; Comparison?: string } & { Start?: string; End?: string; DateRange?: unknown };

const STRING_FIELDS: Record<string, (f: StoredFinding) => string> = {
  AwsAccountId: (f) => f.account,
  Region: (f) => f.region,
  SeverityLabel: (f) => f.control.severity,
  RecordState: (f) => f.recordState,
  WorkflowStatus: (f) => f.workflow,
  ComplianceStatus: (f) => f.compliance,
};
const DATE_FIELDS: Record<string, (f: StoredFinding) => string> = {
  UpdatedAt: (f) => f.updatedAt,
  CreatedAt: (f) => f.createdAt,
};

type Predicate = (f: StoredFinding) => boolean;

const stringPredicate = (field: string, filters: Filter[], get: (f: StoredFinding) => string): Predicate => {
  const positive: Predicate[] = [];
  const negative: Predicate[] = [];
  for (const { Value, Comparison } of filters) {
    if (typeof Value !== 'string') throw new Refused(400, 'InvalidInputException', `${field}: Value is required`);
    switch (Comparison) {
      case 'EQUALS':
        positive.push((f) => get(f) === Value);
        break;
      case 'PREFIX':
        positive.push((f) => get(f).startsWith(Value));
        break;
      case 'NOT_EQUALS':
        negative.push((f) => get(f) !== Value);
        break;
      case 'PREFIX_NOT_EQUALS':
        negative.push((f) => !get(f).startsWith(Value));
        break;
      default:
        throw new Refused(
          400,
          'InvalidInputException',
          `fake Security Hub: ${field} ${String(Comparison)} not implemented`,
        );
    }
  }
  return (f) => (positive.length === 0 || positive.some((p) => p(f))) && negative.every((p) => p(f));
};

const datePredicate = (field: string, filters: Filter[], get: (f: StoredFinding) => string): Predicate => {
  const ranges = filters.map(({ Start, End, DateRange }) => {
    if (DateRange !== undefined || (Start === undefined && End === undefined))
      throw new Refused(400, 'InvalidInputException', `fake Security Hub: ${field} supports Start/End only`);
    const start = Start === undefined ? -Infinity : Date.parse(Start);
    const end = End === undefined ? Infinity : Date.parse(End);
    if (Number.isNaN(start) || Number.isNaN(end))
      throw new Refused(400, 'InvalidInputException', `${field}: Start and End must be ISO 8601 timestamps`);
    return { start, end };
  });
  return (f) => {
    const t = Date.parse(get(f));
    return ranges.some((r) => t >= r.start && t <= r.end);
  };
};

const compileFilters = (filters: Record<string, Filter[]>): Predicate => {
  const predicates = Object.entries(filters).map(([field, list]) => {
    if (!Array.isArray(list) || list.length === 0)
      throw new Refused(400, 'InvalidInputException', `${field}: at least one filter is required`);
    const str = STRING_FIELDS[field];
    if (str) return stringPredicate(field, list, str);
    const date = DATE_FIELDS[field];
    if (date) return datePredicate(field, list, date);
    throw new Refused(400, 'InvalidInputException', `fake Security Hub: the ${field} filter is not implemented`);
  });
  return (f) => predicates.every((p) => p(f));
};

/** Who signed, from the SigV4 credential scope: `Credential=<key>/<date>/<region>/<service>/aws4_request`. */
const signerOf = (authorization: string | undefined) => {
  const scope = /Credential=([^/]+)\/[^/]+\/([^/]+)\/([^/]+)\//.exec(authorization ?? '');
  return { key: scope?.[1] ?? '', region: scope?.[2] ?? HOME_REGION, service: scope?.[3] ?? '' };
};

const xmlReply = (status: number, body: string) => ({ status, body, headers: { 'content-type': 'text/xml' } });

export interface FakeSecurityHub {
  url: string;
  /** Replaces the estate: `total` open, failed findings spread evenly over every (account, region). */
  load(total: number, options: { observedBefore: Date }): void;
  /** Applies `counts` changes, spread over every (account, region), stamped from `at` on, one second apart. */
  mutate(counts: { resolve: number; suppress: number; add: number }, at: Date): Mutation;
  /** What Security Hub holds now, for the digest's severities: the figures a correct digest reports. */
  truth(): GroundTruth;
  calls(): readonly FakeCall[];
  resetCalls(): void;
  close(): Promise<void>;
}

export const startFakeSecurityHub = async (options: {
  callerAccountId: string;
  accounts: readonly FakeAccount[];
  regions: readonly string[];
}): Promise<FakeSecurityHub> => {
  const partitionKeys = options.accounts.flatMap((a) => options.regions.map((r) => `${a.id}|${r}`));
  let partitions = new Map<string, StoredFinding[]>();
  let serial = 0;
  let calls: FakeCall[] = [];

  const newFinding = (account: string, region: string, at: string): StoredFinding => {
    const n = serial++;
    const control = CONTROL_CYCLE[n % CONTROL_CYCLE.length]!;
    return {
      id: `arn:aws:securityhub:${region}:${account}:security-control/${control.id}/finding/${hex(n, 8)}-be9c-4d1f-8e2a-${hex(n * 7919, 12).slice(-12)}`,
      account,
      region,
      control,
      resourceId: control.resource(account, region, n),
      createdAt: at,
      updatedAt: at,
      recordState: 'ACTIVE',
      workflow: 'NEW',
      compliance: 'FAILED',
    };
  };

  const toAsff = (f: StoredFinding) =>
    asffFinding({
      controlId: f.control.id,
      region: f.region,
      severity: f.control.severity,
      resourceType: f.control.resourceType,
      resourceId: f.resourceId,
      updatedAt: f.updatedAt,
      raw: {
        Id: f.id,
        AwsAccountId: f.account,
        Title: f.control.title,
        GeneratorId: `security-control/${f.control.id}`,
        CreatedAt: f.createdAt,
        FirstObservedAt: f.createdAt,
        LastObservedAt: f.updatedAt,
        RecordState: f.recordState,
        WorkflowState: f.workflow === 'RESOLVED' ? 'RESOLVED' : f.workflow === 'SUPPRESSED' ? 'SUPPRESSED' : 'NEW',
        Workflow: { Status: f.workflow },
        Compliance: {
          Status: f.compliance,
          SecurityControlId: f.control.id,
          AssociatedStandards: [{ StandardsId: 'standards/aws-foundational-security-best-practices/v/1.0.0' }],
        },
      },
    });

  // AssumeRole hands out `ASIA<account id>`; any other key is the caller's own.
  const accountOfKey = (key: string) => /^ASIA(\d{12})$/.exec(key)?.[1] ?? options.callerAccountId;

  const getFindings = (body: Record<string, unknown>, account: string, region: string) => {
    const filters = (body.Filters ?? {}) as Record<string, Filter[]>;
    if (body.SortCriteria !== undefined)
      throw new Refused(400, 'InvalidInputException', 'fake Security Hub: SortCriteria is not implemented');
    const max = body.MaxResults === undefined ? PAGE_MAX : Number(body.MaxResults);
    if (!Number.isInteger(max) || max < 1 || max > PAGE_MAX)
      throw new Refused(400, 'InvalidInputException', `MaxResults must be between 1 and ${PAGE_MAX}`);
    const matches = compileFilters(filters);
    // A token is only good for the query that issued it, as Security Hub's are.
    const queryKey = createHash('sha256')
      .update(JSON.stringify([account, region, filters]))
      .digest('base64url')
      .slice(0, 16);
    let position = 0;
    if (typeof body.NextToken === 'string' && body.NextToken !== '') {
      const [key, at] = Buffer.from(body.NextToken, 'base64url').toString().split(':');
      if (key !== queryKey || !/^\d+$/.test(at ?? ''))
        throw new Refused(400, 'InvalidInputException', 'The NextToken is not valid for this request');
      position = Number(at);
    }
    // What this signer may see: its region, and its own account unless it is the administrator.
    const visible = partitionKeys
      .filter((k) => k.endsWith(`|${region}`) && (account === options.callerAccountId || k.startsWith(`${account}|`)))
      .map((k) => partitions.get(k)!);
    const page: StoredFinding[] = [];
    let index = 0;
    let next: number | null = null;
    outer: for (const list of visible) {
      if (position >= index + list.length) {
        index += list.length;
        continue;
      }
      for (let i = Math.max(0, position - index); i < list.length; i++) {
        const f = list[i]!;
        if (!matches(f)) continue;
        if (page.length === max) {
          next = index + i;
          break outer;
        }
        page.push(f);
      }
      index += list.length;
    }
    const window = filters.UpdatedAt?.[0];
    return {
      updatedAt: window ? { start: window.Start, end: window.End } : undefined,
      body: JSON.stringify(
        findingsPage(
          page.map(toAsff),
          next === null ? undefined : Buffer.from(`${queryKey}:${next}`).toString('base64url'),
        ),
      ),
    };
  };

  const sts = (params: URLSearchParams, account: string, key: string) => {
    const action = params.get('Action');
    if (action === 'GetCallerIdentity') {
      const arn = key.startsWith('ASIA')
        ? `arn:aws:sts::${account}:assumed-role/cloudsec-read/cloudsec`
        : `arn:aws:iam::${account}:user/cloudsec`;
      return { operation: action, reply: xmlReply(200, callerIdentityXml(account, arn)) };
    }
    if (action === 'AssumeRole') {
      const roleArn = params.get('RoleArn') ?? '';
      const target = options.accounts.find((a) => a.roleArn !== undefined && a.roleArn === roleArn);
      if (!target)
        return {
          operation: action,
          reply: xmlReply(403, stsErrorXml('AccessDenied', `not authorized to perform: sts:AssumeRole on ${roleArn}`)),
        };
      const creds = {
        accessKeyId: `ASIA${target.id}`,
        secretAccessKey: 'bench-secret',
        sessionToken: `bench-${target.id}`,
      };
      return { operation: action, reply: xmlReply(200, assumeRoleXml(roleArn, creds)) };
    }
    return { operation: action ?? '?', reply: xmlReply(400, stsErrorXml('InvalidAction', `no action ${action}`)) };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString();
      const signer = signerOf(req.headers.authorization);
      const account = accountOfKey(signer.key);
      const call: FakeCall = {
        service: 'unknown',
        operation: `${req.method} ${req.url}`,
        account,
        region: signer.region,
        status: 0,
      };
      let reply: { status: number; body: string; headers: Record<string, string> };
      try {
        if (signer.service === 'securityhub' && req.method === 'POST' && req.url === '/findings') {
          call.service = 'securityhub';
          call.operation = 'GetFindings';
          const answer = getFindings(JSON.parse(text || '{}') as Record<string, unknown>, account, signer.region);
          if (answer.updatedAt) call.updatedAt = answer.updatedAt;
          reply = { status: 200, body: answer.body, headers: { 'content-type': 'application/json' } };
        } else if (signer.service === 'sts') {
          call.service = 'sts';
          const answer = sts(new URLSearchParams(text), account, signer.key);
          call.operation = answer.operation;
          reply = answer.reply;
        } else {
          throw new Refused(400, 'UnknownOperationException', `fake: no ${signer.service} ${req.method} ${req.url}`);
        }
      } catch (err) {
        if (!(err instanceof Refused)) throw err;
        const [status, body, headers] = shError(err.status, err.code, err.message);
        reply = { status, body: JSON.stringify(body), headers };
      }
      call.status = reply.status;
      calls.push(call);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  const all = function* () {
    for (const list of partitions.values()) yield* list;
  };

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    load: (total, { observedBefore }) => {
      partitions = new Map(partitionKeys.map((k) => [k, []]));
      serial = 0;
      // Stamped over the 30 days before the first run, one finding per second, oldest first.
      const from = observedBefore.getTime() - 30 * 86_400_000;
      for (let i = 0; i < total; i++) {
        const key = partitionKeys[i % partitionKeys.length]!;
        const [account = '', region = ''] = key.split('|');
        partitions.get(key)!.push(newFinding(account, region, new Date(from + i * 1000).toISOString()));
      }
    },
    mutate: (counts, at) => {
      const result: Mutation = {
        resolved: { archived: 0, workflowResolved: 0, compliancePassed: 0 },
        suppressed: 0,
        added: 0,
      };
      let tick = 0;
      const stamp = () => new Date(at.getTime() + 1000 * tick++).toISOString();
      const lists = partitionKeys.map((k) => partitions.get(k)!);
      // Open findings picked with a stride, so changes are scattered over each partition, never bunched.
      const picked = new Set<StoredFinding>();
      const pick = (n: number): StoredFinding => {
        const list = lists[n % lists.length]!;
        for (let step = 0; step < list.length; step++) {
          const f = list[(Math.floor(n / lists.length) * 7919 + step * 104_729) % list.length]!;
          if (!picked.has(f) && f.recordState === 'ACTIVE' && f.workflow === 'NEW' && f.compliance === 'FAILED') {
            picked.add(f);
            return f;
          }
        }
        throw new Error('no open finding left to change');
      };
      let n = 0;
      for (let i = 0; i < counts.resolve; i++) {
        const f = pick(n++);
        f.updatedAt = stamp();
        if (i % 3 === 0) {
          f.recordState = 'ARCHIVED';
          result.resolved.archived++;
        } else if (i % 3 === 1) {
          f.workflow = 'RESOLVED';
          result.resolved.workflowResolved++;
        } else {
          f.compliance = 'PASSED';
          result.resolved.compliancePassed++;
        }
      }
      for (let i = 0; i < counts.suppress; i++) {
        const f = pick(n++);
        f.workflow = 'SUPPRESSED';
        f.updatedAt = stamp();
        result.suppressed++;
      }
      for (let i = 0; i < counts.add; i++) {
        const key = partitionKeys[n++ % partitionKeys.length]!;
        const [account = '', region = ''] = key.split('|');
        partitions.get(key)!.push(newFinding(account, region, stamp()));
        result.added++;
      }
      return result;
    },
    truth: () => {
      const truth: GroundTruth = { open: zero(), suppressed: 0, byAccount: {} };
      for (const a of options.accounts) truth.byAccount[a.id] = { open: zero(), suppressed: 0 };
      for (const f of all()) {
        if (f.recordState !== 'ACTIVE' || f.compliance === 'PASSED' || f.workflow === 'RESOLVED') continue;
        const account = truth.byAccount[f.account]!;
        if (f.workflow === 'SUPPRESSED') {
          truth.suppressed++;
          account.suppressed++;
        } else {
          truth.open[f.control.severity]++;
          account.open[f.control.severity]++;
        }
      }
      return truth;
    },
    calls: () => calls,
    resetCalls: () => {
      calls = [];
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
