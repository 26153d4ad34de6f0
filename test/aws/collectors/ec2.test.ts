import { makeClientFactory } from '../../../src/aws/clients';
import { collectEc2Region } from '../../../src/aws/collectors/ec2';
import type { CollectContext } from '../../../src/aws/collectors/context';
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
  optInRequired,
  requestLimitExceeded,
  unauthorized,
} from '../../fixtures/aws/ec2';

const REGION = 'eu-west-1';
const DEFAULT_SG = 'sg-0a1b2c3d4e5f60001';
const BASTION_SG = 'sg-0a1b2c3d4e5f60002';
const VPC = 'vpc-0f1e2d3c4b5a69788';

const makeContext = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3 })({ accountId: EC2_ACCOUNT_ID }),
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

/** Stubs every call of a healthy region except `skip`, whose answers the test provides itself. */
const stubRegion = (skip: Call[] = [], region = REGION) => {
  const api = ec2Endpoint(region);
  const stub = (call: Call, add: () => void) => {
    if (!skip.includes(call)) add();
  };

  stub('DescribeSecurityGroups', () =>
    api.post('/', ec2Action('DescribeSecurityGroups')).reply(
      200,
      describeSecurityGroupsXml([
        { groupId: DEFAULT_SG, groupName: 'default', vpcId: VPC, description: 'default VPC security group' },
        { groupId: BASTION_SG, groupName: 'bastion', vpcId: VPC, description: 'SSH bastion' },
      ]),
    ),
  );

  stub('DescribeSecurityGroupRules', () => {
    api.post('/', ec2Action('DescribeSecurityGroupRules', {}, ['NextToken'])).reply(
      200,
      describeSecurityGroupRulesXml(
        [
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
        ],
        RULES_PAGE_TOKEN,
      ),
    );
    api.post('/', ec2Action('DescribeSecurityGroupRules', { NextToken: RULES_PAGE_TOKEN })).reply(
      200,
      describeSecurityGroupRulesXml([
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
      ]),
    );
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
  return api;
};

describe('collectEc2Region', () => {
  describe('when the region answers every call', () => {
    it('then each security group carries its own rules, from both pages, with the rule ids', async () => {
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
              fromPort: -1,
              toPort: -1,
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
              fromPort: -1,
              toPort: -1,
              cidrIpv4: '0.0.0.0/0',
              cidrIpv6: null,
              referencedGroupId: null,
              prefixListId: null,
              description: null,
            },
          ],
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
        },
        {
          instanceId: 'i-0123456789abcdef2',
          state: 'stopped',
          name: 'api',
          httpTokens: 'required',
          httpEndpoint: 'enabled',
        },
        {
          instanceId: 'i-0123456789abcdef3',
          state: 'running',
          name: null,
          httpTokens: 'required',
          httpEndpoint: 'disabled',
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
      ['securityGroups', 'ec2:DescribeSecurityGroupRules', 'DescribeSecurityGroupRules', 'DescribeSecurityGroupRules'],
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
      for (const other of others) expect(region[other].ok).toBe(true);
    });
  });

  describe('when EC2 throttles a call once', () => {
    it('then the call is retried and its data collected', async () => {
      stubRegion(['DescribeSecurityGroups']);
      const api = ec2Endpoint(REGION);
      api.post('/', ec2Action('DescribeSecurityGroups')).reply(...requestLimitExceeded());
      api
        .post('/', ec2Action('DescribeSecurityGroups'))
        .reply(200, describeSecurityGroupsXml([{ groupId: DEFAULT_SG, groupName: 'default', vpcId: VPC }]));

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
        .times(6)
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
});
