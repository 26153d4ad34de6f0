import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectEc2Region } from '../../../src/aws/collectors/ec2';
import flowLogsCheck from '../../../src/core/checks/ec2/ec2_vpc_flow_logs_enabled';
import imageCheck from '../../../src/core/checks/ec2/ec2_image_not_public';
import exposedCheck from '../../../src/core/checks/ec2/ec2_instance_public_ports_exposed';
import naclCheck from '../../../src/core/checks/ec2/ec2_network_acl_admin_ports_restricted';
import profileCheck from '../../../src/core/checks/ec2/ec2_instance_profile_attached';
import { evaluateAccount } from '../../../src/core/findings';
import { Ec2RegionSchema, type Ec2Region, type Fact } from '../../../src/core/model';
import {
  EC2_ACCOUNT_ID,
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
} from '../../fixtures/aws/ec2';
import {
  activeFlowLog,
  catchAllDenyEntries,
  defaultAclEntries,
  describeFlowLogsXml,
  describeImagesXml,
  describeNetworkAclsXml,
  describeNetworkedInstancesXml,
  describeVpcsXml,
  type NetworkedInstanceFixture,
} from '../../fixtures/aws/ec2-network';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { NOW, anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const VPC = 'vpc-0f1e2d3c4b5a69788';
const SHARED_VPC = 'vpc-0aaaabbbbccccdddd';
const WEB_SG = 'sg-0a1b2c3d4e5f60003';
const FLOW_PAGE_TOKEN = 'eyJ2IjoiMiIsImZsb3dMb2dzIjoicGFnZTIifQ==';
const IMAGES_PAGE_TOKEN = 'eyJ2IjoiMiIsImltYWdlcyI6InBhZ2UyIn0=';

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

const collect = async (region = REGION): Promise<Ec2Region> =>
  // The slice must be storable as-is: it is validated against the shared schema when read back.
  Ec2RegionSchema.parse(await collectEc2Region(makeContext(), region));

const valueOf = <T>(fact: Fact<T> | undefined): T => {
  if (!fact?.ok) throw new Error(`expected a known fact, got ${JSON.stringify(fact)}`);
  return fact.value;
};
const errorOf = <T>(fact: Fact<T> | undefined) => {
  if (!fact || fact.ok) throw new Error(`expected an unknown fact, got ${JSON.stringify(fact)}`);
  return fact.error;
};

// ---------------------------------------------------------------- a realistic region, call by call

type NetworkCall = 'DescribeVpcs' | 'DescribeFlowLogs' | 'DescribeNetworkAcls' | 'DescribeImages' | 'DescribeInstances';

/** A web instance on a public IP (and an Elastic IP on a second interface), and a private worker without a role. */
const INSTANCES: NetworkedInstanceFixture[][] = [
  [
    {
      instanceId: 'i-0123456789abcdef0',
      state: 'running',
      name: 'web',
      publicIp: '203.0.113.10',
      instanceProfileArn: `arn:aws:iam::${EC2_ACCOUNT_ID}:instance-profile/web`,
      interfaces: [
        {
          networkInterfaceId: 'eni-0aaa',
          groupIds: [WEB_SG],
          publicIp: '203.0.113.10',
          ipv6Addresses: ['2001:db8::10'],
        },
        { networkInterfaceId: 'eni-0bbb', groupIds: [WEB_SG], secondaryPublicIps: ['198.51.100.7'] },
      ],
    },
  ],
  [
    {
      instanceId: 'i-0123456789abcdef1',
      state: 'running',
      name: 'worker',
      interfaces: [{ networkInterfaceId: 'eni-0ccc', groupIds: [WEB_SG] }],
    },
  ],
];

/** The calls this file is not about, answered with a healthy region: one web group open on 443. */
const stubTheRest = (skip: NetworkCall[] = [], region = REGION) => {
  const api = ec2Endpoint(region);
  const rules = [
    {
      ruleId: 'sgr-0443',
      groupId: WEB_SG,
      isEgress: false,
      ipProtocol: 'tcp',
      fromPort: 443,
      toPort: 443,
      cidrIpv4: '0.0.0.0/0',
    },
  ];
  api
    .post('/', ec2Action('DescribeSecurityGroups'))
    .reply(
      200,
      describeSecurityGroupsXml(withPermissionsOf([{ groupId: WEB_SG, groupName: 'web', vpcId: VPC }], rules)),
    );
  api.post('/', ec2Action('DescribeSecurityGroupRules')).reply(200, describeSecurityGroupRulesXml(rules));
  api.post('/', ec2Action('DescribeSnapshots')).times(2).reply(200, describeSnapshotsXml([]));
  api.post('/', ec2Action('GetEbsEncryptionByDefault')).reply(200, getEbsEncryptionByDefaultXml(true));
  if (!skip.includes('DescribeInstances'))
    api.post('/', ec2Action('DescribeInstances')).reply(200, describeNetworkedInstancesXml(INSTANCES));
  return api;
};

/** The four network calls of a region that needs attention, over two pages where EC2 would page. */
const stubNetwork = (skip: NetworkCall[] = [], region = REGION) => {
  const api = ec2Endpoint(region);
  const stub = (call: NetworkCall, add: () => void) => {
    if (!skip.includes(call)) add();
  };
  stub('DescribeVpcs', () =>
    api.post('/', ec2Action('DescribeVpcs', { MaxResults: '1000' })).reply(
      200,
      describeVpcsXml([
        { vpcId: VPC, name: 'prod', isDefault: false, cidrBlock: '10.10.0.0/16' },
        { vpcId: 'vpc-0default000000000', isDefault: true, cidrBlock: '172.31.0.0/16' },
        { vpcId: SHARED_VPC, ownerId: '222222222222', name: 'shared-services' },
      ]),
    ),
  );
  stub('DescribeFlowLogs', () => {
    api
      .post('/', ec2Action('DescribeFlowLogs', { MaxResults: '1000' }, ['NextToken']))
      .reply(200, describeFlowLogsXml([activeFlowLog('fl-0prod', VPC, 'REJECT')], FLOW_PAGE_TOKEN));
    api.post('/', ec2Action('DescribeFlowLogs', { NextToken: FLOW_PAGE_TOKEN })).reply(
      200,
      describeFlowLogsXml([
        // The default VPC only has a subnet flow log, and a Transit Gateway flow log has no traffic type.
        activeFlowLog('fl-0subnet', 'subnet-0a1b2c3d', 'ALL'),
        { flowLogId: 'fl-0tgw', resourceId: 'tgw-0123456789abcdef0', status: 'ACTIVE', deliverLogsStatus: 'SUCCESS' },
      ]),
    );
  });
  stub('DescribeNetworkAcls', () =>
    api.post('/', ec2Action('DescribeNetworkAcls')).reply(
      200,
      describeNetworkAclsXml([
        { networkAclId: 'acl-0default', vpcId: 'vpc-0default000000000', isDefault: true, entries: defaultAclEntries() },
        {
          networkAclId: 'acl-0prod',
          vpcId: VPC,
          isDefault: false,
          subnetIds: ['subnet-0a1b2c3d', 'subnet-0e1f2a3b'],
          entries: [
            {
              ruleNumber: 90,
              protocol: '6',
              ruleAction: 'deny',
              egress: false,
              cidrBlock: '0.0.0.0/0',
              portRange: { from: 22, to: 22 },
            },
            {
              ruleNumber: 100,
              protocol: '6',
              ruleAction: 'allow',
              egress: false,
              cidrBlock: '0.0.0.0/0',
              portRange: { from: 0, to: 65535 },
            },
            {
              ruleNumber: 101,
              protocol: '6',
              ruleAction: 'allow',
              egress: false,
              ipv6CidrBlock: '::/0',
              portRange: { from: 443, to: 443 },
            },
            { ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: true, cidrBlock: '0.0.0.0/0' },
            ...catchAllDenyEntries(),
          ],
        },
      ]),
    ),
  );
  stub('DescribeImages', () => {
    api
      .post('/', ec2Action('DescribeImages', { 'Owner.1': 'self', MaxResults: '1000' }, ['NextToken']))
      .reply(
        200,
        describeImagesXml([{ imageId: 'ami-0base', name: 'golden-base', isPublic: false }], IMAGES_PAGE_TOKEN),
      );
    api
      .post('/', ec2Action('DescribeImages', { 'Owner.1': 'self', NextToken: IMAGES_PAGE_TOKEN }))
      .reply(200, describeImagesXml([{ imageId: 'ami-0release', name: 'release-42', isPublic: true }]));
  });
  return api;
};

const stubRegion = (skip: NetworkCall[] = []) => {
  stubTheRest(skip);
  return stubNetwork(skip);
};

const NETWORK_CHECKS = [flowLogsCheck, naclCheck, imageCheck, exposedCheck, profileCheck];
const verdicts = (region: Ec2Region): string[] =>
  evaluateAccount(
    NETWORK_CHECKS,
    anAccount({ accountId: EC2_ACCOUNT_ID, regions: [REGION], ec2: { [REGION]: region } }),
    NOW,
  ).map((f) => `${f.checkId}:${f.resource.id}:${f.status}${f.status === 'fail' ? `:${f.severity}` : ''}`);

describe('collectEc2Region: the network (issue 12)', () => {
  describe('when the region answers every call', () => {
    it('then VPCs, flow logs from both pages, network ACLs and the account’s AMIs from both pages are read as AWS describes them', async () => {
      const api = stubRegion();
      const region = await collect();

      expect(valueOf(region.vpcs)).toEqual([
        {
          vpcId: VPC,
          ownerId: EC2_ACCOUNT_ID,
          isDefault: false,
          cidrBlock: '10.10.0.0/16',
          name: 'prod',
          tags: { Name: 'prod' },
        },
        {
          vpcId: 'vpc-0default000000000',
          ownerId: EC2_ACCOUNT_ID,
          isDefault: true,
          cidrBlock: '172.31.0.0/16',
          name: null,
          tags: {},
        },
        {
          vpcId: SHARED_VPC,
          ownerId: '222222222222',
          isDefault: false,
          cidrBlock: '10.0.0.0/16',
          name: 'shared-services',
          tags: { Name: 'shared-services' },
        },
      ]);
      expect(valueOf(region.flowLogs)).toEqual([
        {
          flowLogId: 'fl-0prod',
          resourceId: VPC,
          status: 'ACTIVE',
          trafficType: 'REJECT',
          destinationType: 's3',
          deliverLogsStatus: 'SUCCESS',
        },
        {
          flowLogId: 'fl-0subnet',
          resourceId: 'subnet-0a1b2c3d',
          status: 'ACTIVE',
          trafficType: 'ALL',
          destinationType: 's3',
          deliverLogsStatus: 'SUCCESS',
        },
        {
          flowLogId: 'fl-0tgw',
          resourceId: 'tgw-0123456789abcdef0',
          status: 'ACTIVE',
          trafficType: null,
          destinationType: 's3',
          deliverLogsStatus: 'SUCCESS',
        },
      ]);
      const [defaultAcl, prodAcl] = valueOf(region.networkAcls);
      expect(defaultAcl).toMatchObject({ networkAclId: 'acl-0default', isDefault: true, subnetIds: [] });
      expect(prodAcl).toMatchObject({
        networkAclId: 'acl-0prod',
        vpcId: VPC,
        subnetIds: ['subnet-0a1b2c3d', 'subnet-0e1f2a3b'],
      });
      expect(prodAcl!.entries.slice(0, 3)).toEqual([
        {
          ruleNumber: 90,
          egress: false,
          protocol: '6',
          ruleAction: 'deny',
          cidrBlock: '0.0.0.0/0',
          ipv6CidrBlock: null,
          fromPort: 22,
          toPort: 22,
        },
        {
          ruleNumber: 100,
          egress: false,
          protocol: '6',
          ruleAction: 'allow',
          cidrBlock: '0.0.0.0/0',
          ipv6CidrBlock: null,
          fromPort: 0,
          toPort: 65535,
        },
        {
          ruleNumber: 101,
          egress: false,
          protocol: '6',
          ruleAction: 'allow',
          cidrBlock: null,
          ipv6CidrBlock: '::/0',
          fromPort: 443,
          toPort: 443,
        },
      ]);
      expect(prodAcl!.entries[3]).toMatchObject({ protocol: '-1', egress: true, fromPort: null, toPort: null });
      expect(valueOf(region.images)).toEqual([
        { imageId: 'ami-0base', name: 'golden-base', state: 'available', public: false, tags: {} },
        { imageId: 'ami-0release', name: 'release-42', state: 'available', public: true, tags: {} },
      ]);
      expect(api.isDone()).toBe(true);
    });

    it('then each instance carries its public addresses, interfaces, groups and instance profile', async () => {
      stubRegion();
      const [web, worker] = valueOf((await collect()).instances);

      expect(web).toMatchObject({
        instanceId: 'i-0123456789abcdef0',
        publicIp: '203.0.113.10',
        instanceProfileArn: `arn:aws:iam::${EC2_ACCOUNT_ID}:instance-profile/web`,
        networkInterfaces: [
          {
            networkInterfaceId: 'eni-0aaa',
            publicIps: ['203.0.113.10'],
            ipv6Addresses: ['2001:db8::10'],
            securityGroupIds: [WEB_SG],
          },
          {
            networkInterfaceId: 'eni-0bbb',
            publicIps: ['198.51.100.7'],
            ipv6Addresses: [],
            securityGroupIds: [WEB_SG],
          },
        ],
      });
      expect(worker).toMatchObject({
        publicIp: null,
        instanceProfileArn: null,
        networkInterfaces: [
          { networkInterfaceId: 'eni-0ccc', publicIps: [], ipv6Addresses: [], securityGroupIds: [WEB_SG] },
        ],
      });
    });

    it('then the network checks judge what was collected', async () => {
      stubRegion();
      expect(verdicts(await collect())).toEqual([
        `ec2_vpc_flow_logs_enabled:${VPC}:pass`,
        // Only a subnet flow log: the VPC as a whole is not recorded. The shared VPC is its owner's.
        'ec2_vpc_flow_logs_enabled:vpc-0default000000000:fail:medium',
        'ec2_network_acl_admin_ports_restricted:acl-0default:fail:medium',
        // 22 is denied first, but 3389 falls through to the allow-all-TCP entry.
        'ec2_network_acl_admin_ports_restricted:acl-0prod:fail:medium',
        'ec2_image_not_public:ami-0base:pass',
        'ec2_image_not_public:ami-0release:fail:critical',
        'ec2_instance_public_ports_exposed:i-0123456789abcdef0:fail:high',
        'ec2_instance_public_ports_exposed:i-0123456789abcdef1:pass',
        'ec2_instance_profile_attached:i-0123456789abcdef0:pass',
        'ec2_instance_profile_attached:i-0123456789abcdef1:fail:low',
      ]);
    });
  });

  describe('when the region has no VPC, flow log, ACL or AMI', () => {
    it('then the empty lists are known to be empty, not unknown', async () => {
      stubTheRest();
      const api = ec2Endpoint(REGION);
      api.post('/', ec2Action('DescribeVpcs')).reply(200, describeVpcsXml([]));
      api.post('/', ec2Action('DescribeFlowLogs')).reply(200, describeFlowLogsXml([]));
      api.post('/', ec2Action('DescribeNetworkAcls')).reply(200, describeNetworkAclsXml([]));
      api.post('/', ec2Action('DescribeImages')).reply(200, describeImagesXml([]));

      const region = await collect();

      for (const fact of [region.vpcs, region.flowLogs, region.networkAcls, region.images])
        expect(fact).toEqual({ ok: true, value: [] });
    });
  });

  describe('when one network call is refused with UnauthorizedOperation', () => {
    it.each<[keyof Ec2Region, NetworkCall]>([
      ['vpcs', 'DescribeVpcs'],
      ['flowLogs', 'DescribeFlowLogs'],
      ['networkAcls', 'DescribeNetworkAcls'],
      ['images', 'DescribeImages'],
    ])('then only %s is unknown, naming ec2:%s', async (factName, action) => {
      stubRegion([action]);
      ec2Endpoint(REGION)
        .post('/', ec2Action(action))
        .reply(...unauthorized(action));

      const region = await collect();

      expect(errorOf(region[factName] as Fact<unknown>)).toMatchObject({
        permission: `ec2:${action}`,
        kind: 'access-denied',
        code: 'UnauthorizedOperation',
        region: REGION,
      });
      const others = (Object.keys(region) as (keyof Ec2Region)[]).filter((k) => k !== factName);
      for (const other of others) expect(region[other]?.ok).toBe(true);
    });
  });

  describe('when EC2 throttles a network call once', () => {
    it('then the call is retried and its data collected', async () => {
      stubRegion(['DescribeNetworkAcls']);
      const api = ec2Endpoint(REGION);
      api.post('/', ec2Action('DescribeNetworkAcls')).reply(...requestLimitExceeded());
      api
        .post('/', ec2Action('DescribeNetworkAcls'))
        .reply(
          200,
          describeNetworkAclsXml([
            { networkAclId: 'acl-0retry', vpcId: VPC, isDefault: true, entries: defaultAclEntries() },
          ]),
        );

      expect(valueOf((await collect()).networkAcls).map((a) => a.networkAclId)).toEqual(['acl-0retry']);
    });

    it('when EC2 keeps throttling, then that list is unknown as throttled', async () => {
      stubRegion(['DescribeImages']);
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeImages'))
        .times(3)
        .reply(...requestLimitExceeded());

      expect(errorOf((await collect()).images)).toMatchObject({ kind: 'throttled', code: 'RequestLimitExceeded' });
    });
  });

  describe('when the region is an opt-in region that is not enabled', () => {
    it('then every network fact is unknown with the region unavailable', async () => {
      ec2Endpoint('ap-east-1')
        .post('/', () => true)
        .times(10)
        .reply(...optInRequired());

      const region = await collect('ap-east-1');

      for (const fact of [region.vpcs, region.flowLogs, region.networkAcls, region.images])
        expect(errorOf(fact as Fact<unknown>)).toMatchObject({ code: 'OptInRequired', kind: 'region-unavailable' });
    });
  });

  describe('when an answer is not what EC2 documents', () => {
    it.each<[keyof Ec2Region, NetworkCall]>([
      ['vpcs', 'DescribeVpcs'],
      ['flowLogs', 'DescribeFlowLogs'],
      ['networkAcls', 'DescribeNetworkAcls'],
      ['images', 'DescribeImages'],
    ])(
      'when %s answers 200 with an HTML page, then it is unknown as malformed, not empty',
      async (factName, action) => {
        stubRegion([action]);
        ec2Endpoint(REGION).post('/', ec2Action(action)).reply(200, htmlPage(), { 'content-type': 'text/html' });

        expect(errorOf((await collect())[factName] as Fact<unknown>)).toMatchObject({ kind: 'malformed' });
      },
    );

    it.each<[string, keyof Ec2Region, NetworkCall, () => string]>([
      ['a page without its vpcSet', 'vpcs', 'DescribeVpcs', () => describeVpcsXml([]).replace('<vpcSet/>', '')],
      [
        'a flow log without its resourceId',
        'flowLogs',
        'DescribeFlowLogs',
        () => describeFlowLogsXml([activeFlowLog('fl-0x', VPC)]).replace(/<resourceId>.*?<\/resourceId>/, ''),
      ],
      [
        'an ACL without its entrySet',
        'networkAcls',
        'DescribeNetworkAcls',
        () =>
          describeNetworkAclsXml([
            { networkAclId: 'acl-0x', vpcId: VPC, isDefault: true, entries: defaultAclEntries() },
          ]).replace(/<entrySet>.*<\/entrySet>/, ''),
      ],
      [
        'an ACL entry without its ruleAction',
        'networkAcls',
        'DescribeNetworkAcls',
        () =>
          describeNetworkAclsXml([
            { networkAclId: 'acl-0x', vpcId: VPC, isDefault: true, entries: defaultAclEntries() },
          ]).replace('<ruleAction>allow</ruleAction>', ''),
      ],
      [
        'an ACL entry whose ruleAction is neither allow nor deny',
        'networkAcls',
        'DescribeNetworkAcls',
        () =>
          describeNetworkAclsXml([
            { networkAclId: 'acl-0x', vpcId: VPC, isDefault: true, entries: defaultAclEntries() },
          ]).replace('<ruleAction>deny</ruleAction>', '<ruleAction>block</ruleAction>'),
      ],
      [
        'an ACL entry without any source range',
        'networkAcls',
        'DescribeNetworkAcls',
        () =>
          describeNetworkAclsXml([
            { networkAclId: 'acl-0x', vpcId: VPC, isDefault: true, entries: defaultAclEntries() },
          ]).replace('<cidrBlock>0.0.0.0/0</cidrBlock>', ''),
      ],
      [
        'a page without its imagesSet',
        'images',
        'DescribeImages',
        () => describeImagesXml([]).replace('<imagesSet/>', ''),
      ],
      // The SDK alone would read these as false: "not public", "inbound".
      [
        'isPublic as neither true nor false',
        'images',
        'DescribeImages',
        () =>
          describeImagesXml([{ imageId: 'ami-0x', isPublic: true }]).replace(
            '<isPublic>true</isPublic>',
            '<isPublic>yes</isPublic>',
          ),
      ],
      [
        'an ACL entry whose egress is neither true nor false',
        'networkAcls',
        'DescribeNetworkAcls',
        () =>
          describeNetworkAclsXml([
            { networkAclId: 'acl-0x', vpcId: VPC, isDefault: true, entries: defaultAclEntries() },
          ]).replace('<egress>true</egress>', '<egress>yes</egress>'),
      ],
      ['an empty body', 'flowLogs', 'DescribeFlowLogs', () => ''],
      ['another XML document', 'vpcs', 'DescribeVpcs', () => describeImagesXml([])],
    ])('when EC2 answers %s, then %s is unknown as malformed', async (_case, factName, action, body) => {
      stubRegion([action]);
      ec2Endpoint(REGION).post('/', ec2Action(action)).reply(200, body());

      expect(errorOf((await collect())[factName] as Fact<unknown>)).toMatchObject({
        kind: 'malformed',
        operation: action,
      });
    });

    it('when an AMI comes without isPublic, then that AMI’s publicity is unknown (null), and the check says unknown', async () => {
      stubRegion(['DescribeImages']);
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeImages'))
        .reply(200, describeImagesXml([{ imageId: 'ami-0x', name: 'x' }]));

      const region = await collect();

      expect(valueOf(region.images)).toEqual([
        { imageId: 'ami-0x', name: 'x', state: 'available', public: null, tags: {} },
      ]);
      expect(verdicts(region)).toContain('ec2_image_not_public:ami-0x:unknown');
    });

    it('when an instance’s interfaces or their groups or IPv6 lists are missing, then that instance’s exposure is unknown; other checks still judge it', async () => {
      stubRegion(['DescribeInstances']);
      const instance = (instanceId: string, over: Partial<NetworkedInstanceFixture>): NetworkedInstanceFixture => ({
        instanceId,
        state: 'running',
        publicIp: '203.0.113.20',
        instanceProfileArn: `arn:aws:iam::${EC2_ACCOUNT_ID}:instance-profile/app`,
        ...over,
      });
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeInstances'))
        .reply(
          200,
          describeNetworkedInstancesXml([
            [
              instance('i-0noenis', {}),
              instance('i-0nogroups', {
                interfaces: [
                  { networkInterfaceId: 'eni-0x', groupIds: [WEB_SG], publicIp: '203.0.113.20', omit: ['groupSet'] },
                ],
              }),
              instance('i-0noipv6', {
                publicIp: undefined,
                interfaces: [{ networkInterfaceId: 'eni-0y', groupIds: [WEB_SG], omit: ['ipv6AddressesSet'] }],
              }),
            ],
          ]),
        );

      const region = await collect();

      expect(
        valueOf(region.instances).map((i) => [
          i.instanceId,
          i.networkInterfaces === null ? null : i.networkInterfaces?.[0],
        ]),
      ).toEqual([
        ['i-0noenis', null],
        [
          'i-0nogroups',
          { networkInterfaceId: 'eni-0x', publicIps: ['203.0.113.20'], ipv6Addresses: [], securityGroupIds: null },
        ],
        ['i-0noipv6', { networkInterfaceId: 'eni-0y', publicIps: [], ipv6Addresses: null, securityGroupIds: [WEB_SG] }],
      ]);
      const found = verdicts(region);
      for (const id of ['i-0noenis', 'i-0nogroups', 'i-0noipv6']) {
        expect(found).toContain(`ec2_instance_public_ports_exposed:${id}:unknown`);
        expect(found).toContain(`ec2_instance_profile_attached:${id}:pass`);
      }
    });

    it('when an instance’s iamInstanceProfile has no arn, then the instance list is unknown as malformed', async () => {
      stubRegion(['DescribeInstances']);
      const body = describeNetworkedInstancesXml([
        [{ instanceId: 'i-0x', state: 'running', instanceProfileArn: 'arn:aws:iam::123456789012:instance-profile/x' }],
      ]).replace(/<arn>.*?<\/arn>/, '');
      ec2Endpoint(REGION).post('/', ec2Action('DescribeInstances')).reply(200, body);

      expect(errorOf((await collect()).instances)).toMatchObject({ kind: 'malformed', operation: 'DescribeInstances' });
    });

    it('when DescribeFlowLogs keeps failing with an internal error, then after the retries the flow logs are unknown, naming the code', async () => {
      stubRegion(['DescribeFlowLogs']);
      ec2Endpoint(REGION)
        .post('/', ec2Action('DescribeFlowLogs'))
        .times(3)
        .reply(...ec2Error(500, 'InternalError', 'An internal error has occurred'));

      expect(errorOf((await collect()).flowLogs)).toMatchObject({
        code: 'InternalError',
        permission: 'ec2:DescribeFlowLogs',
      });
    });
  });
});
