import { makeClientFactory } from '../../../src/aws/clients';
import { collectEc2Region } from '../../../src/aws/collectors/ec2';
import type { CollectContext } from '../../../src/aws/collectors/context';
import imdsCheck from '../../../src/core/checks/ec2/ec2_instance_imdsv2_required';
import allPortsCheck from '../../../src/core/checks/ec2/ec2_security_group_all_ports_restricted';
import rdpCheck from '../../../src/core/checks/ec2/ec2_security_group_rdp_restricted';
import sshCheck from '../../../src/core/checks/ec2/ec2_security_group_ssh_restricted';
import { evaluateAccount } from '../../../src/core/findings';
import { Ec2RegionSchema, type Ec2Region } from '../../../src/core/model';
import {
  EC2_ACCOUNT_ID,
  describeInstancesXml,
  describeSecurityGroupRulesXml,
  describeSecurityGroupsXml,
  describeSnapshotsXml,
  ec2Action,
  ec2Endpoint,
  ec2Error,
  getEbsEncryptionByDefaultXml,
  htmlPage,
  optInRequired,
  requestLimitExceeded,
  unauthorized,
  withPermissionsOf,
  type SgFixture,
  type SgRuleFixture,
} from '../../fixtures/aws/ec2';
import { ACCOUNT_ID, NOW, anAccount } from '../../fixtures/snapshot-builders';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { stubHealthyEc2Network } from '../../fixtures/aws/ec2-network';

const REGION = 'eu-west-1';
const DEFAULT_SG = 'sg-0a1b2c3d4e5f60001';
const BASTION_SG = 'sg-0a1b2c3d4e5f60002';
const VPC = 'vpc-0f1e2d3c4b5a69788';

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: EC2_ACCOUNT_ID,
  }),
  accountId: EC2_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (region = REGION): Promise<Ec2Region> => {
  const result = await collectEc2Region(makeContext(), region);
  // The slice must be storable as-is: it is validated against the shared schema when read back.
  return Ec2RegionSchema.parse(result);
};

const valueOf = <T>(fact: { ok: true; value: T } | { ok: false }): T => {
  if (!fact.ok) throw new Error(`expected a known fact, got ${JSON.stringify(fact)}`);
  return fact.value;
};

// ---------------------------------------------------------------- a realistic region, call by call

type Call =
  | 'DescribeSecurityGroups'
  | 'DescribeSecurityGroupRules'
  | 'DescribeSnapshots:owned'
  | 'DescribeSnapshots:public'
  | 'DescribeInstances'
  | 'GetEbsEncryptionByDefault';

const RULES_PAGE_TOKEN = 'eyJ2IjoiMiIsInJ1bGVzIjoicGFnZTIifQ==';
const INSTANCES_PAGE_TOKEN = 'eyJ2IjoiMiIsImluc3RhbmNlcyI6InBhZ2UyIn0=';

const GROUPS: SgFixture[] = [
  { groupId: DEFAULT_SG, groupName: 'default', vpcId: VPC, description: 'default VPC security group' },
  { groupId: BASTION_SG, groupName: 'bastion', vpcId: VPC, description: 'SSH bastion' },
];

/** The region's rules as DescribeSecurityGroupRules lists them, over two pages. */
const RULES_PAGE_1: SgRuleFixture[] = [
  {
    ruleId: 'sgr-0000000000000a001',
    groupId: DEFAULT_SG,
    isEgress: false,
    ipProtocol: '-1',
    fromPort: -1,
    toPort: -1,
    referencedGroupId: DEFAULT_SG,
  },
  {
    ruleId: 'sgr-0000000000000a002',
    groupId: DEFAULT_SG,
    isEgress: true,
    ipProtocol: '-1',
    fromPort: -1,
    toPort: -1,
    cidrIpv4: '0.0.0.0/0',
  },
  {
    ruleId: 'sgr-0000000000000b001',
    groupId: BASTION_SG,
    isEgress: false,
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4: '0.0.0.0/0',
    description: 'SSH from anywhere',
  },
];
const RULES_PAGE_2: SgRuleFixture[] = [
  {
    ruleId: 'sgr-0000000000000b002',
    groupId: BASTION_SG,
    isEgress: false,
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv6: '::/0',
  },
  {
    ruleId: 'sgr-0000000000000b003',
    groupId: BASTION_SG,
    isEgress: true,
    ipProtocol: 'tcp',
    fromPort: 443,
    toPort: 443,
    prefixListId: 'pl-63a5400a',
  },
];

/** Stubs every call of a healthy region except `skip`, whose answers the test provides itself. */
const stubRegion = (skip: Call[] = [], region = REGION) => {
  const api = ec2Endpoint(region);
  const stub = (call: Call, add: () => void) => {
    if (!skip.includes(call)) add();
  };

  stub('DescribeSecurityGroups', () =>
    api
      .post('/', ec2Action('DescribeSecurityGroups'))
      .reply(200, describeSecurityGroupsXml(withPermissionsOf(GROUPS, [...RULES_PAGE_1, ...RULES_PAGE_2]))),
  );

  stub('DescribeSecurityGroupRules', () => {
    api
      .post('/', ec2Action('DescribeSecurityGroupRules', {}, ['NextToken']))
      .reply(200, describeSecurityGroupRulesXml(RULES_PAGE_1, RULES_PAGE_TOKEN));
    api
      .post('/', ec2Action('DescribeSecurityGroupRules', { NextToken: RULES_PAGE_TOKEN }))
      .reply(200, describeSecurityGroupRulesXml(RULES_PAGE_2));
  });

  stub('DescribeSnapshots:owned', () =>
    api.post('/', ec2Action('DescribeSnapshots', { 'Owner.1': 'self' }, ['RestorableBy.1'])).reply(
      200,
      describeSnapshotsXml([
        {
          snapshotId: 'snap-0aaaaaaaaaaaaaaa1',
          volumeId: 'vol-0bbbbbbbbbbbbbbb1',
          encrypted: false,
          startTime: '2026-05-04T08:15:00.000Z',
        },
        {
          snapshotId: 'snap-0aaaaaaaaaaaaaaa2',
          volumeId: 'vol-0bbbbbbbbbbbbbbb2',
          encrypted: true,
          startTime: '2026-06-10T21:40:12.000Z',
        },
      ]),
    ),
  );

  stub('DescribeSnapshots:public', () =>
    api.post('/', ec2Action('DescribeSnapshots', { 'Owner.1': 'self', 'RestorableBy.1': 'all' })).reply(
      200,
      describeSnapshotsXml([
        {
          snapshotId: 'snap-0aaaaaaaaaaaaaaa1',
          volumeId: 'vol-0bbbbbbbbbbbbbbb1',
          encrypted: false,
          startTime: '2026-05-04T08:15:00.000Z',
        },
      ]),
    ),
  );

  stub('DescribeInstances', () => {
    api.post('/', ec2Action('DescribeInstances', {}, ['NextToken'])).reply(
      200,
      describeInstancesXml(
        [
          [
            {
              instanceId: 'i-0123456789abcdef0',
              state: 'running',
              name: 'legacy-web',
              httpTokens: 'optional',
              httpEndpoint: 'enabled',
            },
          ],
          [{ instanceId: 'i-0123456789abcdef1', state: 'terminated', name: 'old-batch' }],
        ],
        INSTANCES_PAGE_TOKEN,
      ),
    );
    api.post('/', ec2Action('DescribeInstances', { NextToken: INSTANCES_PAGE_TOKEN })).reply(
      200,
      describeInstancesXml([
        [
          {
            instanceId: 'i-0123456789abcdef2',
            state: 'stopped',
            name: 'api',
            httpTokens: 'required',
            httpEndpoint: 'enabled',
          },
          { instanceId: 'i-0123456789abcdef3', state: 'running', httpTokens: 'required', httpEndpoint: 'disabled' },
        ],
      ]),
    );
  });

  stub('GetEbsEncryptionByDefault', () =>
    api.post('/', ec2Action('GetEbsEncryptionByDefault')).reply(200, getEbsEncryptionByDefaultXml(false)),
  );
  // The network calls (VPCs, flow logs, network ACLs, AMIs), tested in ec2-network.test.ts.
  stubHealthyEc2Network(region);
  return api;
};

describe('collectEc2Region', () => {
  describe('when the region answers every call', () => {
    it('then each security group carries the rules of its own IpPermissions, with the rule ids from both pages', async () => {
      const api = stubRegion();
      const { securityGroups } = await collect();

      expect(valueOf(securityGroups)).toEqual([
        {
          groupId: DEFAULT_SG,
          groupName: 'default',
          vpcId: VPC,
          rules: [
            {
              ruleId: 'sgr-0000000000000a001',
              isEgress: false,
              ipProtocol: '-1',
              // IpPermissions carry no ports for "all protocols"; DescribeSecurityGroupRules says -1.
              fromPort: null,
              toPort: null,
              cidrIpv4: null,
              cidrIpv6: null,
              referencedGroupId: DEFAULT_SG,
              prefixListId: null,
              description: null,
            },
            {
              ruleId: 'sgr-0000000000000a002',
              isEgress: true,
              ipProtocol: '-1',
              fromPort: null,
              toPort: null,
              cidrIpv4: '0.0.0.0/0',
              cidrIpv6: null,
              referencedGroupId: null,
              prefixListId: null,
              description: null,
            },
          ],
          unconfirmedRules: [],
          // The fixture writes an empty <tagSet/>: known, no tags.
          tags: {},
        },
        {
          groupId: BASTION_SG,
          groupName: 'bastion',
          vpcId: VPC,
          rules: [
            {
              ruleId: 'sgr-0000000000000b001',
              isEgress: false,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: '0.0.0.0/0',
              cidrIpv6: null,
              referencedGroupId: null,
              prefixListId: null,
              description: 'SSH from anywhere',
            },
            {
              ruleId: 'sgr-0000000000000b002',
              isEgress: false,
              ipProtocol: 'tcp',
              fromPort: 22,
              toPort: 22,
              cidrIpv4: null,
              cidrIpv6: '::/0',
              referencedGroupId: null,
              prefixListId: null,
              description: null,
            },
            {
              ruleId: 'sgr-0000000000000b003',
              isEgress: true,
              ipProtocol: 'tcp',
              fromPort: 443,
              toPort: 443,
              cidrIpv4: null,
              cidrIpv6: null,
              referencedGroupId: null,
              prefixListId: 'pl-63a5400a',
              description: null,
            },
          ],
          unconfirmedRules: [],
          // The fixture writes an empty <tagSet/>: known, no tags.
          tags: {},
        },
      ]);
      expect(api.isDone()).toBe(true);
    });

    it('then owned snapshots are listed and only the one restorable by everyone is public', async () => {
      stubRegion();
      const { snapshots } = await collect();

      expect(valueOf(snapshots)).toEqual([
        {
          snapshotId: 'snap-0aaaaaaaaaaaaaaa1',
          volumeId: 'vol-0bbbbbbbbbbbbbbb1',
          encrypted: false,
          startTime: '2026-05-04T08:15:00.000Z',
          public: true,
        },
        {
          snapshotId: 'snap-0aaaaaaaaaaaaaaa2',
          volumeId: 'vol-0bbbbbbbbbbbbbbb2',
          encrypted: true,
          startTime: '2026-06-10T21:40:12.000Z',
          public: false,
        },
      ]);
    });

    it('then instances from both pages are listed with their metadata options, terminated ones left out', async () => {
      stubRegion();
      const { instances } = await collect();

      expect(valueOf(instances)).toEqual([
        {
          instanceId: 'i-0123456789abcdef0',
          state: 'running',
          name: 'legacy-web',
          httpTokens: 'optional',
          httpEndpoint: 'enabled',
          publicIp: null,
          instanceProfileArn: null,
          networkInterfaces: null,
          tags: { Name: 'legacy-web' },
        },
        {
          instanceId: 'i-0123456789abcdef2',
          state: 'stopped',
          name: 'api',
          httpTokens: 'required',
          httpEndpoint: 'enabled',
          publicIp: null,
          instanceProfileArn: null,
          networkInterfaces: null,
          tags: { Name: 'api' },
        },
        {
          instanceId: 'i-0123456789abcdef3',
          state: 'running',
          name: null,
          httpTokens: 'required',
          httpEndpoint: 'disabled',
          publicIp: null,
          instanceProfileArn: null,
          networkInterfaces: null,
          tags: {},
        },
      ]);
    });

    it('then EBS encryption by default is reported as AWS gives it', async () => {
      stubRegion(['GetEbsEncryptionByDefault']);
      ec2Endpoint(REGION)
        .post('/', ec2Action('GetEbsEncryptionByDefault'))
        .reply(200, getEbsEncryptionByDefaultXml(true));

      expect((await collect()).ebsEncryptionByDefault).toEqual({ ok: true, value: true });
    });
  });

  describe('when one call is refused with UnauthorizedOperation', () => {
    it.each<[keyof Ec2Region, string, Call, string]>([
      ['securityGroups', 'ec2:DescribeSecurityGroups', 'DescribeSecurityGroups', 'DescribeSecurityGroups'],
      ['snapshots', 'ec2:DescribeSnapshots', 'DescribeSnapshots:public', 'DescribeSnapshots'],
      ['instances', 'ec2:DescribeInstances', 'DescribeInstances', 'DescribeInstances'],
      [
        'ebsEncryptionByDefault',
        'ec2:GetEbsEncryptionByDefault',
        'GetEbsEncryptionByDefault',
        'GetEbsEncryptionByDefault',
      ],
    ])('then only %s is unknown, naming %s (refused: %s)', async (factName, permission, call, action) => {
      stubRegion([call]);
      const body: Record<string, string> = call === 'DescribeSnapshots:public' ? { 'RestorableBy.1': 'all' } : {};
      ec2Endpoint(REGION)
        .post('/', ec2Action(action, body))
        .reply(...unauthorized(action));

      const region = await collect();

      expect(region[factName]).toEqual({
        ok: false,
        error: expect.objectContaining({
          permission,
          kind: 'access-denied',
          code: 'UnauthorizedOperation',
          region: REGION,
        }),
      });
      const others = (Object.keys(region) as (keyof Ec2Region)[]).filter((k) => k !== factName);
      for (const other of others) expect(region[other]?.ok).toBe(true);
    });
  });

  describe('when EC2 throttles a call once', () => {
    it('then the call is retried and its data collected', async () => {
      stubRegion(['DescribeSecurityGroups']);
      const api = ec2Endpoint(REGION);
      api.post('/', ec2Action('DescribeSecurityGroups')).reply(...requestLimitExceeded());
      api
        .post('/', ec2Action('DescribeSecurityGroups'))
        .reply(200, describeSecurityGroupsXml(withPermissionsOf(GROUPS.slice(0, 1), RULES_PAGE_1)));

      const { securityGroups } = await collect();

      expect(valueOf(securityGroups).map((g) => [g.groupId, g.rules.length])).toEqual([[DEFAULT_SG, 2]]);
      expect(api.isDone()).toBe(true);
    });
  });

  describe('when the region is an opt-in region that is not enabled', () => {
    it.each([
      ['OptInRequired', optInRequired()],
      ['AuthFailure', ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials')],
    ])('then every fact is unknown with the region unavailable (%s), and nothing throws', async (code, answer) => {
      ec2Endpoint('ap-east-1')
        .post('/', () => true)
        .times(10)
        .reply(...answer);

      const region = await collect('ap-east-1');

      for (const fact of Object.values(region)) {
        expect(fact).toEqual({
          ok: false,
          error: expect.objectContaining({ code, kind: 'region-unavailable', region: 'ap-east-1' }),
        });
      }
    });
  });

  describe('when DescribeSecurityGroupRules is refused', () => {
    it('then the groups are still judged from their IpPermissions, with no rule ids', async () => {
      stubRegion(['DescribeSecurityGroupRules']);
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeSecurityGroupRules'))
        .reply(...unauthorized('DescribeSecurityGroupRules'));

      const groups = valueOf((await collect()).securityGroups);

      expect(groups.map((g) => [g.groupId, g.rules.map((r) => r.ruleId)])).toEqual([
        [DEFAULT_SG, [null, null]],
        [BASTION_SG, [null, null, null]],
      ]);
    });
  });
});

// ---------------------------------------------------------------- corrupted answers

/** A group open to the world on SSH (IPv4) and RDP (IPv6): whatever AWS answers, it must never pass. */
const ADMIN_SG = 'sg-0a1b2c3d4e5f6aaaa';
const ADMIN_GROUP: SgFixture = { groupId: ADMIN_SG, groupName: 'admin', vpcId: VPC };
const ADMIN_RULES: SgRuleFixture[] = [
  {
    ruleId: 'sgr-0000000000000c001',
    groupId: ADMIN_SG,
    isEgress: false,
    ipProtocol: 'tcp',
    fromPort: 22,
    toPort: 22,
    cidrIpv4: '0.0.0.0/0',
  },
  {
    ruleId: 'sgr-0000000000000c002',
    groupId: ADMIN_SG,
    isEgress: false,
    ipProtocol: 'tcp',
    fromPort: 3389,
    toPort: 3389,
    cidrIpv6: '::/0',
  },
  {
    ruleId: 'sgr-0000000000000c003',
    groupId: ADMIN_SG,
    isEgress: true,
    ipProtocol: '-1',
    fromPort: -1,
    toPort: -1,
    cidrIpv4: '0.0.0.0/0',
  },
];
const ADMIN_GROUPS_XML = describeSecurityGroupsXml(withPermissionsOf([ADMIN_GROUP], ADMIN_RULES));

const WORLD_OPEN_CHECKS = [sshCheck, rdpCheck, allPortsCheck];

/** `check:resource:status` for the world-open checks run on the collected region. */
const verdicts = (region: Ec2Region): string[] =>
  evaluateAccount(WORLD_OPEN_CHECKS, anAccount({ regions: [REGION], ec2: { [REGION]: region } }), NOW).map(
    (f) => `${f.checkId}:${f.resource.id}:${f.status}`,
  );

const ADMIN_FAILS = [
  `ec2_security_group_ssh_restricted:${ADMIN_SG}:fail`,
  `ec2_security_group_rdp_restricted:${ADMIN_SG}:fail`,
  `ec2_security_group_all_ports_restricted:${ADMIN_SG}:pass`,
];

/** Answers the two security-group listings as given; every other call of the region is healthy. */
const stubGroups = (groups: [number, string], rules: [number, string]) => {
  stubRegion(['DescribeSecurityGroups', 'DescribeSecurityGroupRules']);
  const api = ec2Endpoint(REGION);
  api.post('/', ec2Action('DescribeSecurityGroups')).reply(...groups);
  api.post('/', ec2Action('DescribeSecurityGroupRules')).reply(...rules);
  return api;
};

const ingressOf = (region: Ec2Region, groupId: string) =>
  valueOf(region.securityGroups)
    .find((g) => g.groupId === groupId)!
    .rules.filter((r) => !r.isEgress)
    .map((r) => [r.ruleId, r.cidrIpv4 ?? r.cidrIpv6, r.ipProtocol, r.fromPort, r.toPort]);

/** The fact's error, failing the test when the fact is known. */
const errorOf = (fact: Ec2Region[keyof Ec2Region]) => {
  if (!fact || fact.ok) throw new Error(`expected an unknown fact, got ${JSON.stringify(fact)}`);
  return fact.error;
};

describe('collectEc2Region with corrupted answers', () => {
  describe('when the groups’ IpPermissions open SSH and RDP to the world but the rule listing does not back them', () => {
    const withoutGroupId = ADMIN_RULES.map(({ groupId: _groupId, ...rule }) => rule);
    it.each<[string, [number, string]]>([
      ['lists the rules without their GroupId', [200, describeSecurityGroupRulesXml(withoutGroupId)]],
      ['lists no rules at all', [200, describeSecurityGroupRulesXml([])]],
      ['is refused', unauthorized('DescribeSecurityGroupRules')],
      ['answers 200 with an HTML page', [200, htmlPage()]],
    ])(
      'when DescribeSecurityGroupRules %s, then the group fails SSH and RDP from its IpPermissions',
      async (_case, rules) => {
        stubGroups([200, ADMIN_GROUPS_XML], rules);

        const region = await collect();

        expect(ingressOf(region, ADMIN_SG)).toEqual([
          [null, '0.0.0.0/0', 'tcp', 22, 22],
          [null, '::/0', 'tcp', 3389, 3389],
        ]);
        expect(verdicts(region)).toEqual(ADMIN_FAILS);
      },
    );

    it('when the rule listing has the rule with other ports, then the group’s rule has no id and the listed one is kept apart', async () => {
      const moved = ADMIN_RULES.map((r) =>
        r.ruleId === 'sgr-0000000000000c001' ? { ...r, fromPort: 2222, toPort: 2222 } : r,
      );
      stubGroups([200, ADMIN_GROUPS_XML], [200, describeSecurityGroupRulesXml(moved)]);

      const region = await collect();

      expect(ingressOf(region, ADMIN_SG)).toEqual([
        [null, '0.0.0.0/0', 'tcp', 22, 22],
        ['sgr-0000000000000c002', '::/0', 'tcp', 3389, 3389],
      ]);
      const admin = valueOf(region.securityGroups)[0]!;
      expect(admin.unconfirmedRules.map((r) => [r.ruleId, r.fromPort])).toEqual([['sgr-0000000000000c001', 2222]]);
      expect(verdicts(region)).toEqual(ADMIN_FAILS);
    });
  });

  describe('when the rule listing opens SSH that the group’s own IpPermissions do not show', () => {
    it('then the group is unknown for SSH rather than passing, and still passes what both agree on', async () => {
      const groupOnly443 = withPermissionsOf([ADMIN_GROUP], [{ ...ADMIN_RULES[2]! }]);
      stubGroups(
        [200, describeSecurityGroupsXml(groupOnly443)],
        [200, describeSecurityGroupRulesXml([ADMIN_RULES[0]!, ADMIN_RULES[2]!])],
      );

      const region = await collect();

      expect(ingressOf(region, ADMIN_SG)).toEqual([]);
      expect(verdicts(region)).toEqual([
        `ec2_security_group_ssh_restricted:${ADMIN_SG}:unknown`,
        `ec2_security_group_rdp_restricted:${ADMIN_SG}:pass`,
        `ec2_security_group_all_ports_restricted:${ADMIN_SG}:pass`,
      ]);
    });
  });

  describe('when DescribeSecurityGroups answers 200 with something that is not its answer', () => {
    const strip = (xml: string, element: string, nth = 0) => {
      const matches = [...xml.matchAll(new RegExp(`<${element}(?:/>|>.*?</${element}>)`, 'gs'))];
      const m = matches[nth];
      if (!m) throw new Error(`no <${element}> #${nth} in the fixture`);
      return xml.slice(0, m.index) + xml.slice(m.index + m[0].length);
    };
    it.each<[string, string]>([
      ['an HTML page', htmlPage()],
      ['no securityGroupInfo element', strip(ADMIN_GROUPS_XML, 'securityGroupInfo')],
      ['a group without its ipPermissions element', strip(ADMIN_GROUPS_XML, 'ipPermissions')],
      ['a group without its ipPermissionsEgress element', strip(ADMIN_GROUPS_XML, 'ipPermissionsEgress')],
      ['a group without its groupId', strip(ADMIN_GROUPS_XML, 'groupId')],
      ['a permission without its ipProtocol', strip(ADMIN_GROUPS_XML, 'ipProtocol')],
      ['a permission without its ipRanges element', strip(ADMIN_GROUPS_XML, 'ipRanges')],
      ['an address range without its cidrIp', strip(ADMIN_GROUPS_XML, 'cidrIp')],
    ])('when it is %s, then the security groups are unknown as malformed, never passing', async (_case, body) => {
      stubGroups([200, body], [200, describeSecurityGroupRulesXml(ADMIN_RULES)]);

      const region = await collect();

      expect(errorOf(region.securityGroups)).toMatchObject({
        operation: 'DescribeSecurityGroups',
        kind: 'malformed',
        region: REGION,
      });
      expect(verdicts(region)).toEqual(
        WORLD_OPEN_CHECKS.map((c) => `${c.id}:${ACCOUNT_ID}/${REGION}/security-groups:unknown`),
      );
    });

    it('when the region has no security groups at all (an empty list), then that is known, not an error', async () => {
      stubGroups([200, describeSecurityGroupsXml([])], [200, describeSecurityGroupRulesXml([])]);

      expect((await collect()).securityGroups).toEqual({ ok: true, value: [] });
    });

    it('when the second page is an HTML page, then the groups are unknown rather than those of the first page', async () => {
      stubRegion(['DescribeSecurityGroups', 'DescribeSecurityGroupRules']);
      const api = ec2Endpoint(REGION);
      const token = 'eyJ2IjoiMiIsImdyb3VwcyI6InBhZ2UyIn0=';
      api
        .post('/', ec2Action('DescribeSecurityGroups', {}, ['NextToken']))
        .reply(200, describeSecurityGroupsXml(withPermissionsOf(GROUPS, RULES_PAGE_1), token));
      api.post('/', ec2Action('DescribeSecurityGroups', { NextToken: token })).reply(200, htmlPage());
      api.post('/', ec2Action('DescribeSecurityGroupRules')).reply(200, describeSecurityGroupRulesXml(RULES_PAGE_1));

      expect(errorOf((await collect()).securityGroups)).toMatchObject({ kind: 'malformed' });
    });
  });

  describe('when another call answers 200 with an HTML page', () => {
    it.each<[keyof Ec2Region, Call, string]>([
      ['snapshots', 'DescribeSnapshots:owned', 'DescribeSnapshots'],
      ['snapshots', 'DescribeSnapshots:public', 'DescribeSnapshots'],
      ['instances', 'DescribeInstances', 'DescribeInstances'],
      ['ebsEncryptionByDefault', 'GetEbsEncryptionByDefault', 'GetEbsEncryptionByDefault'],
    ])('then %s is unknown as malformed (%s), and the rest is collected', async (factName, call, action) => {
      stubRegion([call]);
      const fields: Record<string, string> = call === 'DescribeSnapshots:public' ? { 'RestorableBy.1': 'all' } : {};
      const absent = call === 'DescribeSnapshots:owned' ? ['RestorableBy.1'] : [];
      ec2Endpoint(REGION)
        .post('/', ec2Action(action, fields, absent))
        .reply(200, htmlPage());

      const region = await collect();

      expect(errorOf(region[factName])).toMatchObject({ operation: action, kind: 'malformed' });
      for (const other of (Object.keys(region) as (keyof Ec2Region)[]).filter((k) => k !== factName)) {
        expect(region[other]?.ok).toBe(true);
      }
    });
  });

  describe('when an answer leaves out a field the verdict depends on', () => {
    it('when GetEbsEncryptionByDefault has no ebsEncryptionByDefault, then the setting is unknown, not off or on', async () => {
      stubRegion(['GetEbsEncryptionByDefault']);
      const body = getEbsEncryptionByDefaultXml(true).replace(
        /<ebsEncryptionByDefault>.*?<\/ebsEncryptionByDefault>/,
        '',
      );
      ec2Endpoint(REGION).post('/', ec2Action('GetEbsEncryptionByDefault')).reply(200, body);

      expect(errorOf((await collect()).ebsEncryptionByDefault)).toMatchObject({ kind: 'malformed' });
    });

    it('when a security group has no groupName, then the groups are unknown (the default group is known by its name) rather than that group left unjudged', async () => {
      stubRegion(['DescribeSecurityGroups']);
      const body = describeSecurityGroupsXml(withPermissionsOf(GROUPS, [...RULES_PAGE_1, ...RULES_PAGE_2])).replace(
        '<groupName>default</groupName>',
        '',
      );
      ec2Endpoint(REGION).post('/', ec2Action('DescribeSecurityGroups')).reply(200, body);

      expect(errorOf((await collect()).securityGroups)).toMatchObject({ kind: 'malformed' });
    });

    it('when a snapshot has no snapshotId, then the snapshots are unknown rather than that one dropped', async () => {
      stubRegion(['DescribeSnapshots:owned']);
      const body = describeSnapshotsXml([
        { snapshotId: 'snap-0aaaaaaaaaaaaaaa1', encrypted: false, startTime: '2026-05-04T08:15:00.000Z' },
      ]).replace(/<snapshotId>.*?<\/snapshotId>/, '');
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeSnapshots', { 'Owner.1': 'self' }, ['RestorableBy.1']))
        .reply(200, body);

      expect(errorOf((await collect()).snapshots)).toMatchObject({ kind: 'malformed' });
    });

    it('when a snapshot has no encrypted flag, then its encryption is unknown (null), not false', async () => {
      stubRegion(['DescribeSnapshots:owned']);
      const body = describeSnapshotsXml([
        { snapshotId: 'snap-0aaaaaaaaaaaaaaa1', encrypted: true, startTime: '2026-05-04T08:15:00.000Z' },
      ]).replace(/<encrypted>.*?<\/encrypted>/, '');
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeSnapshots', { 'Owner.1': 'self' }, ['RestorableBy.1']))
        .reply(200, body);

      expect(valueOf((await collect()).snapshots)).toEqual([
        expect.objectContaining({ snapshotId: 'snap-0aaaaaaaaaaaaaaa1', encrypted: null, public: true }),
      ]);
    });

    it('when a reservation has no instancesSet, then the instances are unknown rather than that reservation dropped', async () => {
      stubRegion(['DescribeInstances']);
      const body = describeInstancesXml([
        [{ instanceId: 'i-0123456789abcdef0', state: 'running', httpTokens: 'optional' }],
      ]).replace(/<instancesSet>.*<\/instancesSet>/s, '');
      ec2Endpoint(REGION).post('/', ec2Action('DescribeInstances')).reply(200, body);

      expect(errorOf((await collect()).instances)).toMatchObject({ kind: 'malformed' });
    });

    it('when an instance has no instanceId, then the instances are unknown rather than that instance dropped', async () => {
      stubRegion(['DescribeInstances']);
      const body = describeInstancesXml([
        [{ instanceId: 'i-0123456789abcdef0', state: 'running', httpTokens: 'optional' }],
      ]).replace(/<instanceId>.*?<\/instanceId>/, '');
      ec2Endpoint(REGION).post('/', ec2Action('DescribeInstances')).reply(200, body);

      expect(errorOf((await collect()).instances)).toMatchObject({ kind: 'malformed' });
    });

    it('when an instance reports no metadata options, then IMDSv2 is unknown for it, neither pass nor fail', async () => {
      stubRegion(['DescribeInstances']);
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeInstances'))
        .reply(200, describeInstancesXml([[{ instanceId: 'i-0123456789abcdef0', state: 'running' }]]));

      const region = await collect();

      expect(valueOf(region.instances)).toEqual([
        expect.objectContaining({ instanceId: 'i-0123456789abcdef0', httpTokens: null, httpEndpoint: null }),
      ]);
      const account = anAccount({ regions: [REGION], ec2: { [REGION]: region } });
      expect(evaluateAccount([imdsCheck], account, NOW).map((f) => f.status)).toEqual(['unknown']);
    });
  });
});
