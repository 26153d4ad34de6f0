/**
 * Resource tags on findings: the resource references of EC2 and RDS resources carry the tags their
 * snapshot item holds, whatever check builds the finding; unknown tags stay absent, and snapshots
 * recorded before tags were read still load and evaluate.
 */
import { CHECKS } from '../../src/core/checks';
import { evaluateAccount } from '../../src/core/findings';
import { SnapshotSchema, type Finding } from '../../src/core/model';
import {
  imageResource,
  instanceResource,
  networkAclResource,
  securityGroupResource,
  snapshotResource,
  vpcResource,
  withTags,
} from '../../src/core/resources';
import { rdsInstanceResource, rdsSnapshotResource } from '../../src/core/checks/rds/common/instances';
import { aNetworkAcl, aNetworkRegion, aVpc, anAmi } from '../fixtures/builders/ec2-network';
import { anRdsInstance, anRdsRegion, anRdsSnapshot } from '../fixtures/builders/rds';
import {
  NOW,
  REGION,
  aRule,
  aSecurityGroup,
  aSnapshot,
  anAccount,
  anEbsSnapshot,
  anInstance,
} from '../fixtures/snapshot-builders';

const ACCOUNT = { accountId: '111111111111', partition: 'aws' };
const TAGS = { team: 'payments', env: 'prod' };

const WORLD_SSH = aRule({ ipProtocol: 'tcp', fromPort: 22, toPort: 22, cidrIpv4: '0.0.0.0/0' });

/** An account in which each EC2 and RDS resource, tagged, fails at least one check. */
const taggedAccount = () =>
  anAccount({
    ec2: {
      [REGION]: aNetworkRegion({
        securityGroups: { ok: true, value: [aSecurityGroup({ groupId: 'sg-0web', rules: [WORLD_SSH], tags: TAGS })] },
        snapshots: { ok: true, value: [anEbsSnapshot({ snapshotId: 'snap-0pub', public: true, tags: TAGS })] },
        instances: { ok: true, value: [anInstance({ instanceId: 'i-0old', httpTokens: 'optional', tags: TAGS })] },
        vpcs: { ok: true, value: [aVpc({ vpcId: 'vpc-0main', tags: TAGS })] },
        flowLogs: { ok: true, value: [] },
        images: { ok: true, value: [anAmi({ imageId: 'ami-0pub', public: true, tags: TAGS })] },
        networkAcls: {
          ok: true,
          value: [
            aNetworkAcl({
              networkAclId: 'acl-0open',
              entries: [
                {
                  ruleNumber: 100,
                  egress: false,
                  protocol: '-1',
                  ruleAction: 'allow',
                  cidrBlock: '0.0.0.0/0',
                  ipv6CidrBlock: null,
                  fromPort: null,
                  toPort: null,
                },
              ],
              tags: TAGS,
            }),
          ],
        },
      }),
    },
    rds: {
      [REGION]: anRdsRegion({
        instances: { ok: true, value: [anRdsInstance({ id: 'orders-db', publiclyAccessible: true, tags: TAGS })] },
        snapshots: {
          ok: true,
          value: [
            anRdsSnapshot({
              id: 'orders-snap',
              restore: { ok: true, value: { public: true, accounts: [] } },
              tags: TAGS,
            }),
          ],
        },
      }),
    },
  });

const TAGGED_IDS = ['sg-0web', 'snap-0pub', 'i-0old', 'vpc-0main', 'ami-0pub', 'acl-0open', 'orders-db', 'orders-snap'];

const evaluate = (account = taggedAccount()): Finding[] => evaluateAccount(CHECKS, account, NOW);

describe('resource references with tags', () => {
  it('when a resource’s tags are known, then its reference carries a copy of them; when unknown, then it has no tags at all', () => {
    const refs = [
      securityGroupResource(ACCOUNT, REGION, { groupId: 'sg-0web', tags: TAGS }),
      snapshotResource(ACCOUNT, REGION, { snapshotId: 'snap-0pub', tags: TAGS }),
      instanceResource(ACCOUNT, REGION, { instanceId: 'i-0old', tags: TAGS }),
      vpcResource(ACCOUNT, REGION, { vpcId: 'vpc-0main', tags: TAGS }),
      networkAclResource(ACCOUNT, REGION, { networkAclId: 'acl-0open', tags: TAGS }),
      imageResource(ACCOUNT, REGION, { imageId: 'ami-0pub', tags: TAGS }),
      rdsInstanceResource(ACCOUNT, REGION, { id: 'orders-db', arn: null, tags: TAGS }),
      rdsSnapshotResource(ACCOUNT, REGION, { id: 'orders-snap', arn: null, kind: 'cluster', tags: TAGS }),
    ];
    for (const ref of refs) {
      expect(ref.tags).toEqual(TAGS);
      expect(ref.tags).not.toBe(TAGS);
    }
    expect(instanceResource(ACCOUNT, REGION, { instanceId: 'i-0old' })).toEqual({
      type: 'AwsEc2Instance',
      id: 'i-0old',
      arn: `arn:aws:ec2:${REGION}:111111111111:instance/i-0old`,
    });
    expect(withTags({ type: 'AwsEc2Vpc', id: 'vpc-0main', arn: null }, undefined)).not.toHaveProperty('tags');
    expect(withTags({ type: 'AwsEc2Vpc', id: 'vpc-0main', arn: null }, {})).toEqual({
      type: 'AwsEc2Vpc',
      id: 'vpc-0main',
      arn: null,
      tags: {},
    });
  });

  it('when EC2 and RDS resources carry tags, then every finding about them carries the tags, and findings about other resources have none', () => {
    const findings = evaluate();

    for (const id of TAGGED_IDS) {
      const about = findings.filter((f) => f.resource.id === id);
      expect(about.some((f) => f.status === 'fail')).toBe(true);
      for (const f of about) expect(f.resource.tags).toEqual(TAGS);
    }
    const others = findings.filter((f) => !TAGGED_IDS.includes(f.resource.id));
    expect(others.length).toBeGreaterThan(0);
    for (const f of others) expect(f.resource).not.toHaveProperty('tags');
  });

  it('when a finding’s tags are changed, then the snapshot’s are not (findings share no object with the snapshot)', () => {
    const account = taggedAccount();
    const finding = evaluate(account).find((f) => f.resource.id === 'orders-db');
    finding!.resource.tags!.team = 'someone-else';
    const instances = account.rds![REGION]!.instances;
    expect(instances.ok && instances.value[0]?.tags).toEqual(TAGS);
  });

  it('when the same estate is evaluated with its tags and without them, then every verdict and message is the same', () => {
    const untagged = JSON.parse(JSON.stringify(taggedAccount()), (key: string, value: unknown) =>
      key === 'tags' ? undefined : value,
    ) as ReturnType<typeof taggedAccount>;
    const verdicts = (fs: Finding[]) => fs.map((f) => `${f.checkId}:${f.resource.id}:${f.status}:${f.message}`);

    expect(verdicts(evaluate(untagged))).toEqual(verdicts(evaluate()));
    expect(evaluate(untagged).some((f) => 'tags' in f.resource)).toBe(false);
  });
});

describe('snapshots recorded before tags were read', () => {
  it('when a stored snapshot has no tags on its EC2 and RDS items, then it still loads, and its findings have unknown (absent) tags', () => {
    const stored = JSON.stringify(aSnapshot([taggedAccount()]), (key: string, value: unknown) =>
      key === 'tags' ? undefined : value,
    );
    expect(stored).not.toContain('"tags"');

    const snapshot = SnapshotSchema.parse(JSON.parse(stored));
    const findings = evaluateAccount(CHECKS, snapshot.accounts[0]!, NOW);
    expect(findings.filter((f) => TAGGED_IDS.includes(f.resource.id)).length).toBeGreaterThan(0);
    expect(findings.some((f) => 'tags' in f.resource)).toBe(false);
  });

  it('when a snapshot with tags is stored and read back, then the tags are the same', () => {
    const snapshot = SnapshotSchema.parse(JSON.parse(JSON.stringify(aSnapshot([taggedAccount()]))));
    const findings = evaluateAccount(CHECKS, snapshot.accounts[0]!, NOW);
    for (const id of TAGGED_IDS)
      for (const f of findings.filter((x) => x.resource.id === id)) expect(f.resource.tags).toEqual(TAGS);
  });

  it('when a stored tag value is not text, then the snapshot is refused, not read with a guessed tag', () => {
    const stored = JSON.parse(JSON.stringify(aSnapshot([taggedAccount()])));
    stored.accounts[0].rds[REGION].instances.value[0].tags = { team: 42 };
    expect(SnapshotSchema.safeParse(stored).success).toBe(false);
  });
});
