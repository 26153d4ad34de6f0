import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { parseConfig } from '../../src/config';
import { SERVICES, type AccountSnapshot, type CollectError, type Service, type Snapshot } from '../../src/core/model';
import { installFakeAws, type FakeAccount, type FakeAws, type FakeEstate } from '../fixtures/aws/fake-aws';
import { NOW } from '../fixtures/snapshot-builders';

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const DEV = '333333333333';
const TWO_REGIONS = ['eu-west-1', 'us-east-1'];

const account = (id: string, name: string, over: Partial<FakeAccount> = {}): FakeAccount => ({
  id,
  name,
  users: 10,
  buckets: 3,
  regions: TWO_REGIONS,
  ...over,
});

const ORGANIZATION = [account(MANAGEMENT, 'management'), account(PROD, 'prod'), account(DEV, 'dev')];

let fake: FakeAws | undefined;
const install = (estate: Partial<FakeEstate> & Pick<FakeEstate, 'accounts'>): FakeAws =>
  (fake = installFakeAws({ callerAccountId: MANAGEMENT, organization: true, latencyMs: 0, ...estate }));
afterEach(() => fake?.restore());

const scan = (
  yaml: string,
  services: readonly Service[] = SERVICES,
  onProgress?: (p: { done: number; total: number; accountId: string }) => void,
): Promise<Snapshot> =>
  makeLiveSnapshotSource({
    config: parseConfig(yaml, 'cloudsec.yml'),
    homeRegion: 'us-east-1',
    sleep: async () => {},
    clock: () => NOW,
  }).load({ services, ...(onProgress ? { onProgress } : {}) });

/** Every `{ ok: false }` fact anywhere in the account's snapshot. */
const missingFacts = (value: unknown): CollectError[] => {
  if (!value || typeof value !== 'object') return [];
  const record = value as Record<string, unknown>;
  if (record.ok === false) return [record.error as CollectError];
  return Object.values(record).flatMap(missingFacts);
};

const byId = (snapshot: Snapshot, id: string): AccountSnapshot => {
  const found = snapshot.accounts.find((a) => a.accountId === id);
  if (!found) throw new Error(`account ${id} is not in the snapshot`);
  return found;
};

const ORG_YAML = 'organization:\n  roleName: cloudsec-read\nregions: [us-east-1, eu-west-1]\n';

describe('makeLiveSnapshotSource against a simulated estate', () => {
  it('when an organization of 3 accounts × 2 regions is scanned, then every slice of every account is collected', async () => {
    const aws = install({ accounts: ORGANIZATION });

    const snapshot = await scan(ORG_YAML);

    expect(snapshot.accounts.map((a) => [a.accountId, a.accountName])).toEqual([
      [MANAGEMENT, 'management'],
      [PROD, 'prod'],
      [DEV, 'dev'],
    ]);
    for (const a of snapshot.accounts) {
      expect(missingFacts(a)).toEqual([]);
      expect(a.warnings).toEqual([]);
      expect(Object.keys(a.ec2 ?? {}).sort()).toEqual(TWO_REGIONS);
      expect(Object.keys(a.securityhub ?? {}).sort()).toEqual(TWO_REGIONS);
      // The issue 12 services: one entry per region for the regional ones, the account's own settings once.
      for (const service of ['rds', 'efs', 'eks', 'guardduty', 'config', 'accessanalyzer'] as const)
        expect([service, Object.keys(a[service] ?? {}).sort()]).toEqual([service, TWO_REGIONS]);
      expect(a.account?.securityContact.ok).toBe(true);
      const report = a.iam?.credentialReport;
      expect(report?.ok && report.value.length).toBe(11); // root and 10 users
      const buckets = a.s3?.buckets.ok ? a.s3.buckets.value : [];
      expect(buckets.map((b) => b.name)).toEqual([0, 1, 2].map((i) => `cs-${a.accountId}-b${i}`));
      // Data is attributed to the account it came from, not mixed up between accounts.
      expect(buckets.every((b) => b.arn.includes(a.accountId))).toBe(true);
      const trails = a.cloudtrail?.trails.ok ? a.cloudtrail.trails.value : [];
      expect(trails.map((t) => t.arn)).toEqual([`arn:aws:cloudtrail:eu-west-1:${a.accountId}:trail/management-events`]);
    }
    // The management account is scanned with the caller's own credentials; the members through their role.
    expect(aws.assumeRoleRequests.map((r) => r.roleArn).sort()).toEqual(
      expect.arrayContaining([PROD, DEV].map((id) => `arn:aws:iam::${id}:role/cloudsec-read`)),
    );
    expect(aws.assumeRoleRequests.some((r) => r.roleArn.includes(MANAGEMENT))).toBe(false);
    expect(aws.unhandled).toEqual([]);
  });

  it('when accounts are listed with a role and external id, then AssumeRole carries that external id', async () => {
    const roleArn = `arn:aws:iam::${PROD}:role/cloudsec-audit`;
    // The fake role refuses AssumeRole without this external id, as a trust-policy condition would.
    const aws = install({
      organization: false,
      accounts: [account(MANAGEMENT, 'management'), account(PROD, 'prod', { externalId: 'ext-7f3a' })],
    });

    const snapshot = await scan(
      `accounts:\n  - id: "${MANAGEMENT}"\n    name: home\n  - id: "${PROD}"\n    name: production\n` +
        `    roleArn: ${roleArn}\n    externalId: ext-7f3a\nregions: [us-east-1]\n`,
    );

    expect(snapshot.accounts.map((a) => [a.accountId, a.accountName])).toEqual([
      [MANAGEMENT, 'home'],
      [PROD, 'production'],
    ]);
    expect(aws.assumeRoleRequests.length).toBeGreaterThan(0);
    expect(aws.assumeRoleRequests.every((r) => r.roleArn === roleArn && r.externalId === 'ext-7f3a')).toBe(true);
    expect(missingFacts(byId(snapshot, PROD))).toEqual([]);
  });

  it('when a member refuses AssumeRole, then that account is unreachable and the others are still collected', async () => {
    install({
      accounts: [
        account(MANAGEMENT, 'management'),
        account(PROD, 'prod', { refuseAssumeRole: true }),
        account(DEV, 'dev'),
      ],
    });

    const snapshot = await scan(ORG_YAML);

    const refused = byId(snapshot, PROD);
    expect(refused.access).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'AccessDenied', kind: 'access-denied' }),
    });
    expect(refused.iam).toBeUndefined();
    for (const id of [MANAGEMENT, DEV]) {
      const a = byId(snapshot, id);
      expect(a.access).toEqual({ ok: true, value: true });
      expect(missingFacts(a)).toEqual([]);
    }
  });

  it('when regions are `all`, then each account’s enabled regions come from its own DescribeRegions', async () => {
    const aws = install({
      accounts: [
        account(MANAGEMENT, 'management', { regions: ['us-east-1', 'eu-west-1'] }),
        account(PROD, 'prod', { regions: ['us-east-1', 'ap-southeast-2', 'eu-central-1'] }),
      ],
    });

    const snapshot = await scan('organization:\n  roleName: cloudsec-read\nregions: all\n', ['ec2']);

    expect(byId(snapshot, MANAGEMENT).regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(byId(snapshot, PROD).regions).toEqual(['ap-southeast-2', 'eu-central-1', 'us-east-1']);
    expect(Object.keys(byId(snapshot, PROD).ec2 ?? {}).sort()).toEqual(['ap-southeast-2', 'eu-central-1', 'us-east-1']);
    for (const id of [MANAGEMENT, PROD]) {
      expect(aws.count({ operation: 'DescribeRegions', accountId: id })).toBe(1);
    }
  });

  it('when only IAM is requested, then no other service is called', async () => {
    const aws = install({ accounts: ORGANIZATION });

    const snapshot = await scan(ORG_YAML, ['iam']);

    expect(snapshot.services).toEqual(['iam']);
    for (const a of snapshot.accounts) {
      expect(a.iam).toBeDefined();
      expect([a.s3, a.ec2, a.cloudtrail, a.securityhub]).toEqual([undefined, undefined, undefined, undefined]);
    }
    const services = new Set(aws.calls.map((c) => c.service));
    expect([...services].sort()).toEqual(['iam', 'organizations', 'sts']);
    expect(aws.count({ service: 'iam' })).toBeGreaterThan(0);
  });

  it('when several accounts are scanned, then progress is reported once per account', async () => {
    install({ accounts: ORGANIZATION });
    const progress: { done: number; total: number; accountId: string }[] = [];

    await scan(ORG_YAML, ['iam'], (p) => progress.push(p));

    expect(progress.map((p) => p.accountId).sort()).toEqual([MANAGEMENT, PROD, DEV].sort());
    expect(progress.map((p) => p.done)).toEqual([1, 2, 3]);
    expect(progress.every((p) => p.total === 3)).toBe(true);
  });

  it('when an account has 1,000 users, then IAM costs the same number of calls as for 10 users', async () => {
    const aws = install({
      accounts: [account(MANAGEMENT, 'management', { users: 1000 }), account(PROD, 'prod', { users: 10 })],
    });

    const snapshot = await scan(ORG_YAML, ['iam']);

    const users = (id: string) => {
      const details = byId(snapshot, id).iam?.authorizationDetails;
      return details?.ok ? details.value.users.length : -1;
    };
    expect([users(MANAGEMENT), users(PROD)]).toEqual([1000, 10]);
    const large = aws.byOperation(MANAGEMENT);
    const small = aws.byOperation(PROD);
    const iamOnly = (counts: Record<string, number>) =>
      Object.fromEntries(Object.entries(counts).filter(([op]) => op.startsWith('iam:')));
    expect(iamOnly(large)).toEqual(iamOnly(small));
    expect(aws.count({ service: 'iam', accountId: MANAGEMENT })).toBe(aws.count({ service: 'iam', accountId: PROD }));
    expect(aws.unhandled).toEqual([]);
  });
});

describe('AWS calls in flight (concurrency.inFlight)', () => {
  // Each reply waits 10 ms, so a scan's calls overlap: without the gate, 3 accounts × 2 regions ×
  // every service put dozens in flight together (the first test shows it).
  const estate = () => install({ accounts: ORGANIZATION, latencyMs: 10 });
  const withInFlight = (n: number) => `${ORG_YAML}concurrency: { inFlight: ${n} }\n`;

  it('when the limit is high, then a scan of 3 accounts puts many calls in flight together', async () => {
    const aws = estate();
    await scan(withInFlight(1000));
    expect(aws.maxInFlight).toBeGreaterThan(10);
  });

  it('when concurrency.inFlight is 3, then no more than 3 calls are in flight at once, and every slice is still collected', async () => {
    const aws = estate();
    const snapshot = await scan(withInFlight(3));
    expect(aws.maxInFlight).toBeLessThanOrEqual(3);
    expect(aws.maxInFlight).toBeGreaterThan(1);
    expect(snapshot.accounts.map((a) => a.accountId)).toEqual([MANAGEMENT, PROD, DEV]);
    for (const a of snapshot.accounts) expect(missingFacts(a)).toEqual([]);
    expect(aws.unhandled).toEqual([]);
  });

  it('when concurrency.inFlight is 1, then members reached through AssumeRole are still collected (a call holding the place does not wait for its credentials behind itself)', async () => {
    const aws = estate();
    const snapshot = await scan(withInFlight(1));
    expect(aws.maxInFlight).toBe(1);
    expect(aws.assumeRoleRequests.length).toBeGreaterThanOrEqual(2);
    for (const a of snapshot.accounts) {
      expect(a.access).toEqual({ ok: true, value: true });
      expect(missingFacts(a)).toEqual([]);
    }
  }, 30_000);
});
