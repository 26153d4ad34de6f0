import type { z } from 'zod';
import type { AccountTarget } from '../../src/aws/accounts';
import type { AccountClients } from '../../src/aws/clients';
import { AccountTargetSchema, sharedPool } from '../../src/aws/collect-target';
import type { ClientPool } from '../../src/aws/estate';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { parseConfig } from '../../src/config';
import { CloudsecError } from '../../src/errors';
import type { AccountDirectoryUpdate } from '../../src/core/account-directory';
import { SERVICES, type AccountSnapshot, type Service } from '../../src/core/model';
import { installFakeAws, type FakeAccount, type FakeAws } from '../fixtures/aws/fake-aws';
import { callerIdentityXml, onSts, stsErrorXml } from '../fixtures/aws/sts';
import { NOW } from '../fixtures/snapshot-builders';

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const TWO_REGIONS = ['eu-west-1', 'us-east-1'];
const ORG_YAML = 'organization:\n  roleName: cloudsec-read\nregions: [us-east-1, eu-west-1]\n';

const account = (id: string, name: string, over: Partial<FakeAccount> = {}): FakeAccount => ({
  id,
  name,
  users: 10,
  buckets: 3,
  regions: TWO_REGIONS,
  ...over,
});

let fake: FakeAws | undefined;
const install = (accounts: FakeAccount[]): FakeAws =>
  (fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 0, accounts }));
afterEach(() => fake?.restore());

/** A source as one replica makes it: the coordinator and each worker have their own. */
const source = (onAccountsResolved?: (update: AccountDirectoryUpdate) => Promise<void>) =>
  makeLiveSnapshotSource({
    config: parseConfig(ORG_YAML, 'cloudsec.yml'),
    homeRegion: 'us-east-1',
    sleep: async () => {},
    clock: () => NOW,
    ...(onAccountsResolved ? { onAccountsResolved } : {}),
  });

/** What a job row stores and a worker reads back. */
const throughJobRow = (target: AccountTarget): AccountTarget =>
  AccountTargetSchema.parse(JSON.parse(JSON.stringify(target)));

const withoutCollectedAt = ({ collectedAt: _, ...rest }: AccountSnapshot) => rest;

describe('targets(): what the coordinator queues', () => {
  it('when the asker may see only some accounts, then only those are listed and nothing is collected', async () => {
    const aws = install([account(MANAGEMENT, 'management'), account(PROD, 'prod'), account(DEV, 'dev')]);
    const updates: AccountDirectoryUpdate[] = [];

    const targets = await source(async (u) => void updates.push(u)).targets({
      services: SERVICES,
      admitAccount: (a) => a.id !== DEV,
    });

    expect(targets).toEqual([
      // Directly under the organization's root: an OU path, empty.
      { accountId: MANAGEMENT, name: 'management', partition: 'aws', ouPath: [] },
      {
        accountId: PROD,
        name: 'prod',
        partition: 'aws',
        ouPath: [],
        roleArn: `arn:aws:iam::${PROD}:role/cloudsec-read`,
      },
    ]);
    // The directory hears of the whole estate, as on every scan, not of the asker's part of it.
    expect(updates.map((u) => u.accounts.map((a) => a.id))).toEqual([[MANAGEMENT, PROD, DEV]]);
    expect(Object.keys(aws.byOperation()).sort()).toEqual(['organizations:ListAccounts', 'sts:GetCallerIdentity']);
    expect(aws.assumeRoleRequests).toEqual([]);
  });

  it('when an account id not in scope is asked for, then it is named as load names it', async () => {
    install([account(MANAGEMENT, 'management'), account(PROD, 'prod')]);
    const request = { services: ['iam'] as Service[], accountIds: [PROD, '999999999999'] };

    const fromTargets = await source()
      .targets(request)
      .catch((e: Error) => e);
    const fromLoad = await source()
      .load(request)
      .catch((e: Error) => e);

    expect(fromTargets).toBeInstanceOf(CloudsecError);
    expect(fromTargets).toMatchObject({
      code: 'usage',
      message: expect.stringMatching(/^Account 999999999999 is not in scope/),
    });
    expect(fromTargets).toEqual(fromLoad);
  });

  it('when account ids are asked for, then only those are listed', async () => {
    install([account(MANAGEMENT, 'management'), account(PROD, 'prod'), account(DEV, 'dev')]);

    const targets = await source().targets({ services: ['iam'], accountIds: [DEV] });

    expect(targets.map((t) => t.accountId)).toEqual([DEV]);
  });
});

describe('collectTarget(): what a worker does with one queued account', () => {
  it('when two accounts are collected, then the organization is not listed and each equals what load collects', async () => {
    const aws = install([account(MANAGEMENT, 'management'), account(PROD, 'prod'), account(DEV, 'dev')]);
    const queued = (await source().targets({ services: SERVICES, accountIds: [MANAGEMENT, PROD] })).map(throughJobRow);
    const loaded = await source().load({ services: SERVICES, accountIds: [MANAGEMENT, PROD] });
    const before = aws.calls.length;

    const worker = source();
    const collected = [];
    for (const target of queued) collected.push(await worker.collectTarget(target, { services: SERVICES }));

    const workerCalls = aws.calls.slice(before);
    expect(workerCalls.filter((c) => c.service === 'organizations')).toEqual([]);
    expect(workerCalls.filter((c) => c.accountId === DEV)).toEqual([]);
    expect(aws.unhandled).toEqual([]);
    expect(collected.map(withoutCollectedAt)).toEqual(loaded.accounts.map(withoutCollectedAt));
    // A whole collection, not an empty one equal to an empty one.
    for (const a of collected) {
      expect(a.access).toEqual({ ok: true, value: true });
      expect(Object.keys(a.ec2 ?? {}).sort()).toEqual(TWO_REGIONS);
    }
  });

  it('when the account refuses AssumeRole, then it comes back unreachable with the reason instead of a throw', async () => {
    install([account(MANAGEMENT, 'management'), account(PROD, 'prod', { refuseAssumeRole: true })]);
    const [prod] = (await source().targets({ services: ['iam'], accountIds: [PROD] })).map(throughJobRow);

    const collected = await source().collectTarget(prod!, { services: ['iam', 's3'] });

    expect(collected.access).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'AccessDenied', kind: 'access-denied' }),
    });
    expect([collected.accountId, collected.accountName, collected.iam]).toEqual([PROD, 'prod', undefined]);
  });

  it('when the request names regions, then only those are collected and DescribeRegions is not called', async () => {
    const aws = install([account(MANAGEMENT, 'management'), account(PROD, 'prod')]);
    const [prod] = await source().targets({ services: ['ec2'], accountIds: [PROD] });

    const collected = await source().collectTarget(prod!, { services: ['ec2'], regions: ['eu-west-1'] });

    expect(Object.keys(collected.ec2 ?? {})).toEqual(['eu-west-1']);
    expect(aws.count({ operation: 'DescribeRegions' })).toBe(0);
  });

  it('when one worker collects the same account for two scans at once, then both collections are whole', async () => {
    const aws = install([account(MANAGEMENT, 'management'), account(PROD, 'prod')]);
    const [prod] = await source().targets({ services: ['iam'], accountIds: [PROD] });
    const worker = source();

    const both = await Promise.all([
      worker.collectTarget(prod!, { services: ['iam', 's3'] }),
      worker.collectTarget(prod!, { services: ['iam', 's3'] }),
    ]);

    expect(both.map((a) => a.access)).toEqual([
      { ok: true, value: true },
      { ok: true, value: true },
    ]);
    expect(both[0]).toEqual(both[1]);
    expect(aws.unhandled).toEqual([]);
  });
});

describe("collectTarget() of an account without a role: the worker's own credentials must be that account's", () => {
  it('when the worker runs with credentials of another account, then the account is unreachable and nothing is read', async () => {
    const aws = install([account(MANAGEMENT, 'management'), account(PROD, 'prod')]);
    // As a coordinator whose credentials were PROD's would have queued it.
    const prodAsCaller: AccountTarget = { accountId: PROD, name: 'prod', partition: 'aws' };

    const collected = await source().collectTarget(prodAsCaller, { services: ['iam', 's3'] });

    expect(collected.access).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'CallerNotTargetAccount', operation: 'GetCallerIdentity' }),
    });
    expect(collected.access.ok === false && collected.access.error.message).toContain(
      `belong to account ${MANAGEMENT}, not ${PROD}`,
    );
    expect(aws.byOperation()).toEqual({ 'sts:GetCallerIdentity': 1 });
  });

  it('when STS cannot say who the worker is, then that collection is unreachable and the next one asks again', async () => {
    const denied = stsErrorXml('AccessDenied', 'not authorized to perform sts:GetCallerIdentity');
    onSts('GetCallerIdentity').reply(403, denied);
    onSts('GetCallerIdentity').reply(200, callerIdentityXml(MANAGEMENT));
    const own: AccountTarget = { accountId: MANAGEMENT, name: 'management', partition: 'aws' };
    const worker = source();

    const first = await worker.collectTarget(own, { services: [] });
    const second = await worker.collectTarget(own, { services: [] });
    // Known now: no third GetCallerIdentity (nock would refuse it, none being left).
    const third = await worker.collectTarget(own, { services: [] });

    expect(first.access).toEqual({ ok: false, error: expect.objectContaining({ code: 'AccessDenied' }) });
    expect([second.access, third.access]).toEqual([
      { ok: true, value: true },
      { ok: true, value: true },
    ]);
  });
});

describe('a pool shared by overlapping collections', () => {
  const fakePool = () => {
    const released: string[] = [];
    const pool: ClientPool = {
      homeRegion: 'us-east-1',
      factory: () => ({}) as AccountClients,
      callerClients: {} as AccountClients,
      clientsOf: () => ({}) as AccountClients,
      release: (t) => void released.push(t.accountId),
    };
    return { pool, released };
  };
  const prod: AccountTarget = {
    accountId: PROD,
    name: 'prod',
    partition: 'aws',
    roleArn: `arn:aws:iam::${PROD}:role/r`,
  };

  it('when two collections hold the same account, then its clients are released only after the second is done', () => {
    const { pool, released } = fakePool();
    const shared = sharedPool(pool);
    shared.clientsOf(prod);
    shared.clientsOf(prod);

    shared.release(prod);
    expect(released).toEqual([]);
    shared.release(prod);
    expect(released).toEqual([PROD]);

    // A later collection starts over.
    shared.clientsOf(prod);
    shared.release(prod);
    expect(released).toEqual([PROD, PROD]);
  });

  it('when the same account is entered through another role, then its leases are counted apart', () => {
    const { pool, released } = fakePool();
    const shared = sharedPool(pool);
    const other = { ...prod, roleArn: `arn:aws:iam::${PROD}:role/other` };
    shared.clientsOf(prod);
    shared.clientsOf(other);

    shared.release(other);

    expect(released).toEqual([PROD]);
  });
});

describe('AccountTargetSchema', () => {
  // Both ways: a field added to AccountTarget and not to the schema (or the reverse) fails the typecheck.
  type Stored = z.infer<typeof AccountTargetSchema>;
  const toStored = (t: AccountTarget): Stored => t;
  const fromStored = (t: Stored): AccountTarget => t;

  const member: AccountTarget = {
    accountId: PROD,
    name: 'prod',
    partition: 'aws',
    roleArn: `arn:aws:iam::${PROD}:role/cloudsec-read`,
    externalId: 'ext-7f3a',
    ou: 'ou-ab12-prodprod',
    ouPath: ['ou-ab12-workload', 'ou-ab12-prodprod'],
  };

  it('when a target goes through a job row, then it reads back unchanged', () => {
    expect(fromStored(throughJobRow(member))).toEqual(member);
    const own = { accountId: MANAGEMENT, name: 'management', partition: 'aws' };
    expect(throughJobRow(toStored(own))).toEqual(own);
  });

  it.each<[string, Record<string, unknown>]>([
    ['a role in another account', { roleArn: `arn:aws:iam::${DEV}:role/cloudsec-read` }],
    ['a role ARN that is not one', { roleArn: 'cloudsec-read' }],
    ['an account id that is not 12 digits', { accountId: '2222' }],
    ['a field this code does not know', { sessionPolicy: '{}' }],
    ['an OU path that is not OU ids', { ouPath: ['Workloads'] }],
    ['no partition', { partition: '' }],
  ])('when a stored target has %s, then it does not read back', (_, change) => {
    expect(AccountTargetSchema.safeParse({ ...member, ...change }).success).toBe(false);
  });

  it('when an external id is stored without a role, then it does not read back', () => {
    const { roleArn: _, ...withoutRole } = member;
    expect(AccountTargetSchema.safeParse(withoutRole).success).toBe(false);
  });
});
