/**
 * Fail closed, for the EC2 network answers (issue 12): an estate in which every network check fails
 * is collected through the real SDK client, then again with ONE answer corrupted on the wire (every
 * single field left out or garbled, an HTML page, an empty body, a body cut short: wire-mutations.ts).
 * No failing check may pass or vanish; it stays `fail` or becomes `unknown`.
 */
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectEc2Region } from '../../../src/aws/collectors/ec2';
import flowLogsCheck from '../../../src/core/checks/ec2/ec2_vpc_flow_logs_enabled';
import imageCheck from '../../../src/core/checks/ec2/ec2_image_not_public';
import exposedCheck from '../../../src/core/checks/ec2/ec2_instance_public_ports_exposed';
import naclCheck from '../../../src/core/checks/ec2/ec2_network_acl_admin_ports_restricted';
import profileCheck from '../../../src/core/checks/ec2/ec2_instance_profile_attached';
import { evaluateAccount } from '../../../src/core/findings';
import { Ec2RegionSchema, type Ec2Region } from '../../../src/core/model';
import {
  EC2_ACCOUNT_ID,
  describeSecurityGroupRulesXml,
  describeSecurityGroupsXml,
  describeSnapshotsXml,
  ec2Action,
  ec2Endpoint,
  getEbsEncryptionByDefaultXml,
  withPermissionsOf,
} from '../../fixtures/aws/ec2';
import { exposedEstateNetwork } from '../../fixtures/aws/ec2-network';
import { mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { NOW, anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';
const NETWORK_CHECKS = [flowLogsCheck, naclCheck, imageCheck, exposedCheck, profileCheck];

/** One attempt: a retry would fetch the same corrupted answer again. */
const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 })({ accountId: EC2_ACCOUNT_ID }),
  accountId: EC2_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

const collect = async (): Promise<Ec2Region> => Ec2RegionSchema.parse(await collectEc2Region(context(), REGION));

describe('collectEc2Region: one corrupted network answer never turns a failing network check into a passing or vanished one', () => {
  const SG = 'sg-0web';
  const network = exposedEstateNetwork({ securityGroupId: SG }).home;
  const rules = [
    {
      ruleId: 'sgr-0ssh',
      groupId: SG,
      isEgress: false,
      ipProtocol: 'tcp',
      fromPort: 22,
      toPort: 22,
      cidrIpv4: '0.0.0.0/0',
    },
    {
      ruleId: 'sgr-0rdp6',
      groupId: SG,
      isEgress: false,
      ipProtocol: 'tcp',
      fromPort: 3389,
      toPort: 3389,
      cidrIpv6: '::/0',
    },
  ];
  /** Serves the region with `answers` for the network calls; the rest as a region with one world-open group. */
  const serve = (answers: Record<keyof typeof network, WireAnswer>) => {
    const api = ec2Endpoint(REGION);
    api
      .post('/', ec2Action('DescribeSecurityGroups'))
      .reply(
        200,
        describeSecurityGroupsXml(withPermissionsOf([{ groupId: SG, groupName: 'web', vpcId: 'vpc-0main' }], rules)),
      );
    api.post('/', ec2Action('DescribeSecurityGroupRules')).reply(200, describeSecurityGroupRulesXml(rules));
    api.post('/', ec2Action('DescribeSnapshots')).times(2).reply(200, describeSnapshotsXml([]));
    api.post('/', ec2Action('GetEbsEncryptionByDefault')).reply(200, getEbsEncryptionByDefaultXml(true));
    for (const [action, answer] of Object.entries(answers))
      api.post('/', ec2Action(action)).reply(answer.status, answer.body, answer.headers);
  };
  const wire = (body: string): WireAnswer => ({
    status: 200,
    body,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
  });
  const TRUE = Object.fromEntries(Object.entries(network).map(([k, body]) => [k, wire(body)])) as Record<
    keyof typeof network,
    WireAnswer
  >;
  const judged = (region: Ec2Region) =>
    evaluateAccount(
      NETWORK_CHECKS,
      anAccount({ accountId: EC2_ACCOUNT_ID, regions: [REGION], ec2: { [REGION]: region } }),
      NOW,
    );

  it('when every answer is the true one, then each network check fails at least once', async () => {
    serve(TRUE);
    const failing = new Set(
      judged(await collect())
        .filter((f) => f.status === 'fail')
        .map((f) => f.checkId),
    );
    expect([...failing].sort()).toEqual(NETWORK_CHECKS.map((c) => c.id).sort());
  });

  it.each(Object.keys(network) as (keyof typeof network)[])(
    'when any single field of %s is dropped or garbled, or the answer is an HTML page, an empty body or cut short, then every failure stays a failure or becomes unknown',
    async (action) => {
      serve(TRUE);
      const truth = judged(await collect()).filter((f) => f.status === 'fail');
      const mutations = mutationsOf(TRUE[action]).filter((m) => m.class === 'corruption');
      expect(mutations.length).toBeGreaterThan(0);
      const problems: string[] = [];
      for (const mutation of mutations) {
        serve({ ...TRUE, [action]: mutation.apply(TRUE[action]) });
        const now = judged(await collect());
        for (const f of truth) {
          const after = now.find((n) => n.id === f.id);
          const unknownForIt = now.some(
            (n) =>
              n.status === 'unknown' &&
              n.checkId === f.checkId &&
              (n.resource.id === f.resource.id || n.resource.type === 'AwsAccount'),
          );
          if (after?.status === 'pass' || (!after && !unknownForIt))
            problems.push(`${mutation.label}: ${f.checkId} on ${f.resource.id} ${after ? 'passes' : 'vanished'}`);
        }
      }
      expect(problems).toEqual([]);
    },
  );
});
