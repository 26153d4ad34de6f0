/**
 * Fail closed, for the RDS collector and the rds checks together: a region where every rds check
 * fails is collected through the real SDK client, then collected again with ONE answer corrupted on
 * the wire in every single way wire-mutations knows (a field left out, a boolean that reads as
 * garbage, an HTML page, an empty body, a body cut short). Whatever the corruption, a failing result
 * may stay failing or become unknown, never pass, and never vanish.
 */
import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectRdsRegion } from '../../../src/aws/collectors/rds';
import type { AnyCheck } from '../../../src/core/checks/define';
import { RDS_CHECKS } from '../../../src/core/checks/rds';
import { RdsRegionSchema, known, type RdsRegion } from '../../../src/core/model';
import {
  RDS_ACCOUNT_ID,
  describeDBClusterSnapshotAttributesXml,
  describeDBClusterSnapshotsXml,
  describeDBInstancesXml,
  describeDBSnapshotAttributesXml,
  describeDBSnapshotsXml,
  rdsErrorXml,
  rdsHost,
} from '../../fixtures/aws/fake-services/rds';
import { mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { run } from '../../fixtures/check-harness';
import { aRule, aSecurityGroup, anAccount, anEc2Region } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';

/** One attempt: a retry would fetch the same corrupted answer again and only make the test slower. */
const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 })({ accountId: RDS_ACCOUNT_ID }),
  accountId: RDS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<RdsRegion> => RdsRegionSchema.parse(await collectRdsRegion(context(), REGION));

/**
 * A region where every rds check fails: a public, unencrypted instance without automatic upgrades
 * whose security group admits the world on its port (critical), and public DB and cluster snapshots.
 * Each answer is then corrupted in every single way wire-mutations knows; whatever the corruption, a
 * failing result may stay failing or become unknown, never pass, and never vanish.
 */
const TRUTH: Record<string, WireAnswer> = {
  DescribeDBInstances: wire(
    describeDBInstancesXml([
      {
        id: 'orders-db',
        region: REGION,
        publiclyAccessible: true,
        storageEncrypted: false,
        autoMinorVersionUpgrade: false,
      },
    ]),
  ),
  DescribeDBSnapshots: wire(describeDBSnapshotsXml([{ id: 'dump', region: REGION, encrypted: false }])),
  DescribeDBSnapshotAttributes: wire(describeDBSnapshotAttributesXml('dump', ['all'])),
  DescribeDBClusterSnapshots: wire(describeDBClusterSnapshotsXml([{ id: 'export', region: REGION, encrypted: false }])),
  DescribeDBClusterSnapshotAttributes: wire(describeDBClusterSnapshotAttributesXml('export', ['all'])),
};

function wire(body: string): WireAnswer {
  return { status: 200, body, headers: { 'content-type': 'text/xml' } };
}

const worldOnPostgres = aSecurityGroup({
  groupId: 'sg-0db',
  rules: [aRule({ ruleId: 'sgr-0pg', fromPort: 5432, toPort: 5432, cidrIpv4: '0.0.0.0/0' })],
});

const verdicts = (rds: RdsRegion) => {
  const account = anAccount({
    accountId: RDS_ACCOUNT_ID,
    regions: [REGION],
    rds: { [REGION]: rds },
    ec2: { [REGION]: anEc2Region({ securityGroups: known([worldOnPostgres]) }) },
  });
  return RDS_CHECKS.flatMap((check: AnyCheck) =>
    run(check, account).map((r) => ({ key: `${check.id} ${r.resource.id}`, status: r.status, region: r.resource.id })),
  );
};

/** Answers each action from `answers` (the reply function gets the raw form body). */
const serve = (answers: Record<string, WireAnswer>) =>
  nock(rdsHost(REGION))
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const a = answers[new URLSearchParams(String(body)).get('Action') ?? ''];
      return a
        ? [a.status, a.body, a.headers]
        : [400, rdsErrorXml('InvalidAction', 'not in this test'), { 'content-type': 'text/xml' }];
    });

/**
 * Dropping one entry of an RDS list (`<DBInstances><DBInstance>`, `<AttributeValues><AttributeValue>`)
 * is an answer about fewer things, which no collector can tell from the truth: wire-mutations knows
 * the `member`/`item` entries of the other query APIs, not RDS's type-named ones, so they are left
 * out here (see wire-mutations' header: "well-formed" mutations).
 */
const RDS_LIST_ENTRY_DROP =
  /^drop .*<(DBInstances|DBSnapshots|DBClusterSnapshots|AttributeValues|VpcSecurityGroups)>\/<(DBInstance|DBSnapshot|DBClusterSnapshot|AttributeValue|VpcSecurityGroupMembership)>(\[\d+\])?$/;

describe('collectRdsRegion on corrupted answers', () => {
  let truth: ReturnType<typeof verdicts>;
  beforeAll(async () => {
    serve(TRUTH);
    truth = verdicts(await collect());
    nock.cleanAll();
  });

  it('when nothing is corrupted, then every rds check fails at least once (the property below has something to protect)', () => {
    expect(new Set(truth.filter((v) => v.status === 'fail').map((v) => v.key.split(' ')[0]))).toEqual(
      new Set(RDS_CHECKS.map((c) => c.id)),
    );
  });

  const cases = Object.entries(TRUTH).flatMap(([operation, answer]) =>
    mutationsOf(answer)
      .filter((m) => m.class === 'corruption' && !RDS_LIST_ENTRY_DROP.test(m.label))
      .map((m) => [`${operation}: ${m.label}`, operation, m] as const),
  );

  it.each(cases)('%s: no failing result passes or vanishes', async (_label, operation, mutation) => {
    serve({ ...TRUTH, [operation]: mutation.apply(TRUTH[operation]!) });
    const after = verdicts(await collect());
    for (const failing of truth.filter((v) => v.status === 'fail')) {
      const [checkId] = failing.key.split(' ');
      const same = after.find((v) => v.key === failing.key);
      // Either the resource is still judged (fail or unknown), or its whole listing is unknown.
      const listingUnknown = after.some((v) => v.key.startsWith(`${checkId} `) && v.status === 'unknown');
      expect({ key: failing.key, status: same?.status ?? (listingUnknown ? 'unknown' : 'vanished') }).toEqual({
        key: failing.key,
        status: expect.stringMatching(/^(fail|unknown)$/),
      });
    }
  });
});
