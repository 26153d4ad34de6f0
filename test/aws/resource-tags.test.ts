/**
 * Resource tags from the answers AWS already sends (EC2 `tagSet`, RDS `TagList`), through the
 * snapshot into findings, where accepted-risk scopes that name tags read them. AWS answers in its
 * wire formats (EC2 query/XML, RDS query/XML); the collectors and checks are the real ones.
 */
import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import type { CollectContext } from '../../src/aws/collectors/context';
import { collectEc2Region } from '../../src/aws/collectors/ec2';
import { collectRdsRegion } from '../../src/aws/collectors/rds';
import { CHECKS } from '../../src/core/checks';
import { evaluateAccount } from '../../src/core/findings';
import {
  Ec2RegionSchema,
  RdsRegionSchema,
  type Ec2Region,
  type Finding,
  type RdsRegion,
  type ResourceRef,
} from '../../src/core/model';
import {
  EC2_ACCOUNT_ID,
  describeInstancesXml,
  describeSecurityGroupRulesXml,
  describeSecurityGroupsXml,
  describeSnapshotsXml,
  ec2Action,
  ec2Endpoint,
  getEbsEncryptionByDefaultXml,
  type InstanceFixture,
  type SgFixture,
  type SnapshotFixture,
} from '../fixtures/aws/ec2';
import {
  defaultAclEntries,
  describeFlowLogsXml,
  describeImagesXml,
  describeNetworkAclsXml,
  describeVpcsXml,
} from '../fixtures/aws/ec2-network';
import {
  RDS_ACCOUNT_ID,
  describeDBClusterSnapshotAttributesXml,
  describeDBClusterSnapshotsXml,
  describeDBInstancesXml,
  describeDBSnapshotAttributesXml,
  describeDBSnapshotsXml,
  rdsHost,
  type DbInstanceWire,
} from '../fixtures/aws/fake-services/rds';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { NOW, anAccount } from '../fixtures/snapshot-builders';

const REGION = 'eu-west-1';

const context = (accountId: string): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1, retryStrategy: retryWithoutWaiting })({
    accountId,
  }),
  accountId,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const valueOf = <T>(fact: { ok: true; value: T } | { ok: false }): T => {
  if (!fact.ok) throw new Error(`expected a known fact, got ${JSON.stringify(fact)}`);
  return fact.value;
};

const checksOf = (service: string) => CHECKS.filter((c) => c.service === service);

/** What an exception could never change: each finding's check, resource and verdict. */
const verdicts = (findings: readonly Finding[]) =>
  findings.map((f) => `${f.checkId}:${f.resource.id}:${f.status}`).sort();

/** The tags of every finding about `resourceId`, one entry per finding (`absent` when unknown). */
const tagsOnFindings = (findings: readonly Finding[], resourceId: string) =>
  findings.filter((f) => f.resource.id === resourceId).map((f) => ('tags' in f.resource ? f.resource.tags : 'absent'));

// ---------------------------------------------------------------- EC2

const SG = 'sg-0web00000000000001';
const VPC = 'vpc-0main000000000001';

interface Ec2Wire {
  groups: SgFixture[];
  snapshots: SnapshotFixture[];
  instances: InstanceFixture[];
  vpcTags?: Record<string, string> | null;
  aclTags?: Record<string, string> | null;
  imageTags?: Record<string, string> | null;
}

/** A misconfigured region: every resource fails a check, so every kind of resource has a failing finding. */
const ec2Wire = (over: Partial<Ec2Wire> = {}): Ec2Wire => ({
  groups: [
    {
      groupId: SG,
      groupName: 'web',
      vpcId: VPC,
      ipPermissions: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: [{ cidrIp: '0.0.0.0/0' }] }],
      tags: { team: 'web', env: 'prod' },
    },
  ],
  snapshots: [
    {
      snapshotId: 'snap-0pub0000000000001',
      volumeId: 'vol-0data000000000001',
      encrypted: false,
      startTime: '2026-05-04T08:15:00.000Z',
      tags: { backup: 'nightly' },
    },
  ],
  instances: [
    {
      instanceId: 'i-0legacy00000000001',
      state: 'running',
      name: 'legacy',
      httpTokens: 'optional',
      tags: { env: 'prod', 'aws:cloudformation:stack-name': 'legacy-stack' },
    },
  ],
  vpcTags: { env: 'prod' },
  aclTags: { tier: 'public' },
  imageTags: { release: '1.2' },
  ...over,
});

/**
 * Answers every call collectEc2Region makes in one region. `mutate` edits an answer's bytes
 * (by operation) before it is sent, as a corrupted answer would arrive.
 */
const stubEc2 = (wire: Ec2Wire, mutate: Partial<Record<string, (body: string) => string>> = {}) => {
  const api = ec2Endpoint(REGION);
  const reply = (operation: string, body: string) => (mutate[operation] ?? ((b: string) => b))(body);
  api
    .post('/', ec2Action('DescribeSecurityGroups'))
    .reply(200, reply('DescribeSecurityGroups', describeSecurityGroupsXml(wire.groups)));
  api.post('/', ec2Action('DescribeSecurityGroupRules')).reply(200, describeSecurityGroupRulesXml([]));
  api
    .post('/', ec2Action('DescribeSnapshots', { 'Owner.1': 'self' }, ['RestorableBy.1']))
    .reply(200, reply('DescribeSnapshots', describeSnapshotsXml(wire.snapshots)));
  api
    .post('/', ec2Action('DescribeSnapshots', { 'Owner.1': 'self', 'RestorableBy.1': 'all' }))
    .reply(200, reply('DescribeSnapshots', describeSnapshotsXml(wire.snapshots)));
  api
    .post('/', ec2Action('DescribeInstances'))
    .reply(200, reply('DescribeInstances', describeInstancesXml([wire.instances])));
  api.post('/', ec2Action('GetEbsEncryptionByDefault')).reply(200, getEbsEncryptionByDefaultXml(false));
  api
    .post('/', ec2Action('DescribeVpcs'))
    .reply(200, reply('DescribeVpcs', describeVpcsXml([{ vpcId: VPC, name: 'main', tags: wire.vpcTags }])));
  api.post('/', ec2Action('DescribeFlowLogs')).reply(200, describeFlowLogsXml([]));
  api.post('/', ec2Action('DescribeNetworkAcls')).reply(
    200,
    reply(
      'DescribeNetworkAcls',
      describeNetworkAclsXml([
        {
          networkAclId: 'acl-0main0000000000001',
          vpcId: VPC,
          isDefault: true,
          entries: defaultAclEntries(),
          tags: wire.aclTags,
        },
      ]),
    ),
  );
  api
    .post('/', ec2Action('DescribeImages', { 'Owner.1': 'self' }))
    .reply(
      200,
      reply(
        'DescribeImages',
        describeImagesXml([{ imageId: 'ami-0release00000001', name: 'release', isPublic: true, tags: wire.imageTags }]),
      ),
    );
  return api;
};

const collectEc2 = async (): Promise<Ec2Region> =>
  // The slice must be storable as-is: it is validated against the shared schema when read back.
  Ec2RegionSchema.parse(await collectEc2Region(context(EC2_ACCOUNT_ID), REGION));

const ec2Findings = (region: Ec2Region): Finding[] =>
  evaluateAccount(
    checksOf('ec2'),
    anAccount({ accountId: EC2_ACCOUNT_ID, regions: [REGION], ec2: { [REGION]: region } }),
    NOW,
  );

describe('resource tags from EC2 answers', () => {
  it('when EC2 lists a tagSet on each resource, then the snapshot holds the tags and every finding about the resource carries them', async () => {
    const api = stubEc2(ec2Wire());
    const region = await collectEc2();
    expect(api.isDone()).toBe(true);

    expect(valueOf(region.securityGroups)[0]?.tags).toEqual({ team: 'web', env: 'prod' });
    expect(valueOf(region.instances)[0]?.tags).toEqual({
      Name: 'legacy',
      env: 'prod',
      'aws:cloudformation:stack-name': 'legacy-stack',
    });

    const findings = ec2Findings(region);
    const expected: Record<string, Record<string, string>> = {
      [SG]: { team: 'web', env: 'prod' },
      'snap-0pub0000000000001': { backup: 'nightly' },
      'i-0legacy00000000001': { Name: 'legacy', env: 'prod', 'aws:cloudformation:stack-name': 'legacy-stack' },
      [VPC]: { Name: 'main', env: 'prod' },
      'acl-0main0000000000001': { tier: 'public' },
      'ami-0release00000001': { release: '1.2' },
    };
    for (const [id, tags] of Object.entries(expected)) {
      const onFindings = tagsOnFindings(findings, id);
      // Every kind of resource fails at least one check here, so its findings are really there.
      expect(findings.some((f) => f.resource.id === id && f.status === 'fail')).toBe(true);
      expect(onFindings).toEqual(onFindings.map(() => tags));
    }
    // Findings about a region-wide setting (EBS default encryption) name no tagged resource.
    const setting = findings.find((f) => f.checkId === 'ec2_ebs_default_encryption');
    expect(setting?.status).toBe('fail');
    expect(setting?.resource).not.toHaveProperty('tags');
  });

  it('when an item has no tagSet element, then its tags are unknown (absent), while an empty tagSet means no tags', async () => {
    stubEc2(
      ec2Wire({
        instances: [
          { instanceId: 'i-0untold000000000001', state: 'running', httpTokens: 'optional', tags: null },
          { instanceId: 'i-0bare00000000000001', state: 'running', httpTokens: 'optional' },
        ],
        vpcTags: null,
      }),
    );
    const region = await collectEc2();
    const findings = ec2Findings(region);

    const [untold, bare] = valueOf(region.instances);
    // EC2 leaves tagSet out of untagged items but may also leave it out of tagged ones: not "no tags".
    expect(untold).not.toHaveProperty('tags');
    expect(bare?.tags).toEqual({});
    expect(valueOf(region.vpcs!)[0]).not.toHaveProperty('tags');
    expect(new Set(tagsOnFindings(findings, 'i-0untold000000000001'))).toEqual(new Set(['absent']));
    expect(new Set(tagsOnFindings(findings, 'i-0bare00000000000001').map((t) => JSON.stringify(t)))).toEqual(
      new Set(['{}']),
    );
    expect(new Set(tagsOnFindings(findings, VPC))).toEqual(new Set(['absent']));
  });

  describe('when a tag item is corrupted', () => {
    const cases: [string, string, (body: string) => string, string][] = [
      [
        'an instance tag without its key',
        'DescribeInstances',
        (b) => b.replace('<key>env</key>', ''),
        'i-0legacy00000000001',
      ],
      [
        'an instance tag without its value',
        'DescribeInstances',
        (b) => b.replace('<value>prod</value>', ''),
        'i-0legacy00000000001',
      ],
      [
        'a security group tag with an empty key',
        'DescribeSecurityGroups',
        (b) => b.replace('<key>team</key>', '<key></key>'),
        SG,
      ],
      [
        'an AMI tag listed twice',
        'DescribeImages',
        (b) => b.replace(/(<item><key>release<\/key>.*?<\/item>)/, '$1$1'),
        'ami-0release00000001',
      ],
      [
        'a network ACL tag item with neither key nor value',
        'DescribeNetworkAcls',
        (b) => b.replace(/<tagSet><item>.*?<\/item>/, '<tagSet><item></item>'),
        'acl-0main0000000000001',
      ],
      [
        'a snapshot tag without its key',
        'DescribeSnapshots',
        (b) => b.replace('<key>backup</key>', ''),
        'snap-0pub0000000000001',
      ],
    ];

    it.each(cases)(
      'when %s, then that resource’s tags are unknown (absent), the other resources keep theirs, and no verdict changes',
      async (_what, operation, corrupt, resourceId) => {
        stubEc2(ec2Wire());
        const intact = ec2Findings(await collectEc2());
        const api = stubEc2(ec2Wire(), { [operation]: corrupt });
        const corrupted = ec2Findings(await collectEc2());
        expect(api.isDone()).toBe(true);

        expect(verdicts(corrupted)).toEqual(verdicts(intact));
        expect(tagsOnFindings(corrupted, resourceId).length).toBeGreaterThan(0);
        expect(new Set(tagsOnFindings(corrupted, resourceId))).toEqual(new Set(['absent']));
        // Every other resource's findings are exactly as before, tags included.
        const others = (fs: Finding[]) => fs.filter((f) => f.resource.id !== resourceId).map((f) => f.resource);
        expect(others(corrupted)).toEqual(others(intact));
      },
    );

    it('when the instance’s Name tag is intact but another of its tags is not, then the instance keeps its name', async () => {
      stubEc2(ec2Wire(), { DescribeInstances: (b) => b.replace('<key>env</key>', '') });
      const [instance] = valueOf((await collectEc2()).instances);
      expect(instance?.name).toBe('legacy');
      expect(instance).not.toHaveProperty('tags');
    });
  });

  it('when a tag key is `__proto__`, then the tags are unknown (absent): the stored snapshot could not keep that key, so the tag set would change silently', async () => {
    stubEc2(ec2Wire({ imageTags: JSON.parse('{"__proto__":"x","release":"1.2"}') as Record<string, string> }));
    const region = await collectEc2();
    const [image] = valueOf(region.images!);
    expect(image?.imageId).toBe('ami-0release00000001');
    expect(image).not.toHaveProperty('tags');
    expect(new Set(tagsOnFindings(ec2Findings(region), 'ami-0release00000001'))).toEqual(new Set(['absent']));
  });
});

// ---------------------------------------------------------------- RDS

type Form = Record<string, string>;
const rdsAction =
  (name: string, fields: Form = {}) =>
  (body: Form) =>
    body.Action === name && Object.entries(fields).every(([k, v]) => body[k] === v);

const TAGS = { team: 'payments', env: 'prod' };

interface RdsWire {
  instances: DbInstanceWire[];
  snapshotTags?: Record<string, string>;
  clusterSnapshotTags?: Record<string, string>;
}

const rdsWire = (over: Partial<RdsWire> = {}): RdsWire => ({
  instances: [
    { id: 'orders-db', region: REGION, publiclyAccessible: true, storageEncrypted: false, tags: TAGS },
    { id: 'untagged-db', region: REGION, tags: {} },
  ],
  snapshotTags: { team: 'payments' },
  clusterSnapshotTags: { team: 'reports' },
  ...over,
});

/** Answers every call collectRdsRegion makes; the manual snapshots are unencrypted and public. */
const stubRds = (wire: RdsWire, mutate: Partial<Record<string, (body: string) => string>> = {}) => {
  const api = nock(rdsHost(REGION));
  const xml = (operation: string, body: string): [number, string, Record<string, string>] => [
    200,
    (mutate[operation] ?? ((b: string) => b))(body),
    { 'content-type': 'text/xml' },
  ];
  api
    .post('/', rdsAction('DescribeDBInstances'))
    .reply(...xml('DescribeDBInstances', describeDBInstancesXml(wire.instances)));
  api.post('/', rdsAction('DescribeDBSnapshots', { SnapshotType: 'manual' })).reply(
    ...xml(
      'DescribeDBSnapshots',
      describeDBSnapshotsXml([
        {
          id: 'orders-before-upgrade',
          sourceId: 'orders-db',
          region: REGION,
          encrypted: false,
          tags: wire.snapshotTags,
        },
      ]),
    ),
  );
  api
    .post('/', rdsAction('DescribeDBClusterSnapshots', { SnapshotType: 'manual' }))
    .reply(
      ...xml(
        'DescribeDBClusterSnapshots',
        describeDBClusterSnapshotsXml([
          { id: 'reports-export', region: REGION, encrypted: false, tags: wire.clusterSnapshotTags },
        ]),
      ),
    );
  api
    .post('/', rdsAction('DescribeDBSnapshotAttributes', { DBSnapshotIdentifier: 'orders-before-upgrade' }))
    .reply(...xml('DescribeDBSnapshotAttributes', describeDBSnapshotAttributesXml('orders-before-upgrade', ['all'])));
  api
    .post('/', rdsAction('DescribeDBClusterSnapshotAttributes', { DBClusterSnapshotIdentifier: 'reports-export' }))
    .reply(
      ...xml('DescribeDBClusterSnapshotAttributes', describeDBClusterSnapshotAttributesXml('reports-export', ['all'])),
    );
  return api;
};

const collectRds = async (): Promise<RdsRegion> =>
  RdsRegionSchema.parse(await collectRdsRegion(context(RDS_ACCOUNT_ID), REGION));

const rdsFindings = (region: RdsRegion): Finding[] =>
  evaluateAccount(
    checksOf('rds'),
    anAccount({ accountId: RDS_ACCOUNT_ID, regions: [REGION], rds: { [REGION]: region } }),
    NOW,
  );

describe('resource tags from RDS answers', () => {
  it('when RDS lists a TagList on instances and manual snapshots, then every finding about them carries the tags, and an empty TagList means no tags', async () => {
    const api = stubRds(rdsWire());
    const region = await collectRds();
    expect(api.isDone()).toBe(true);

    expect(valueOf(region.instances).map((i) => i.tags)).toEqual([TAGS, {}]);
    const findings = rdsFindings(region);
    const expected: Record<string, Record<string, string>> = {
      'orders-db': TAGS,
      'untagged-db': {},
      'orders-before-upgrade': { team: 'payments' },
      'reports-export': { team: 'reports' },
    };
    for (const [id, tags] of Object.entries(expected)) {
      const onFindings = tagsOnFindings(findings, id);
      expect(onFindings.length).toBeGreaterThan(0);
      expect(onFindings).toEqual(onFindings.map(() => tags));
    }
    expect(findings.filter((f) => f.resource.id === 'orders-db').map((f) => f.status)).toContain('fail');
  });

  it('when an answer carries no TagList, then the tags are unknown (absent), not "no tags"', async () => {
    stubRds(
      rdsWire({
        instances: [{ id: 'orders-db', region: REGION, publiclyAccessible: true }],
        snapshotTags: undefined,
      }),
    );
    const findings = rdsFindings(await collectRds());
    expect(new Set(tagsOnFindings(findings, 'orders-db'))).toEqual(new Set(['absent']));
    expect(new Set(tagsOnFindings(findings, 'orders-before-upgrade'))).toEqual(new Set(['absent']));
    expect(tagsOnFindings(findings, 'reports-export')).toEqual([{ team: 'reports' }]);
  });

  const corruptions: [string, string, (body: string) => string, string][] = [
    [
      'an instance tag without its Value',
      'DescribeDBInstances',
      (b) => b.replace('<Value>prod</Value>', ''),
      'orders-db',
    ],
    ['an instance tag without its Key', 'DescribeDBInstances', (b) => b.replace('<Key>team</Key>', ''), 'orders-db'],
    [
      'a snapshot tag listed twice',
      'DescribeDBSnapshots',
      (b) => b.replace(/(<Tag>.*?<\/Tag>)/, '$1$1'),
      'orders-before-upgrade',
    ],
    [
      'a cluster snapshot tag without its Key',
      'DescribeDBClusterSnapshots',
      (b) => b.replace('<Key>team</Key>', ''),
      'reports-export',
    ],
  ];

  it.each(corruptions)(
    'when %s, then that resource’s tags are unknown (absent) and no verdict changes',
    async (_what, operation, corrupt, resourceId) => {
      stubRds(rdsWire());
      const intact = rdsFindings(await collectRds());
      stubRds(rdsWire(), { [operation]: corrupt });
      const corrupted = rdsFindings(await collectRds());

      expect(verdicts(corrupted)).toEqual(verdicts(intact));
      expect(tagsOnFindings(corrupted, resourceId).length).toBeGreaterThan(0);
      expect(new Set(tagsOnFindings(corrupted, resourceId))).toEqual(new Set(['absent']));
      const others = (fs: Finding[]): ResourceRef[] =>
        fs.filter((f) => f.resource.id !== resourceId).map((f) => f.resource);
      expect(others(corrupted)).toEqual(others(intact));
    },
  );
});
