/**
 * The revoke remediation's calls for rules AWS gave no id for, sent by the real executor through the
 * SDK: what reaches EC2 must be the documented RevokeSecurityGroupIngress / AuthorizeSecurityGroupIngress
 * query parameters naming exactly the offending rules.
 */
import { makeClientFactory } from '../../src/aws/clients';
import { makeExecutor } from '../../src/aws/executor';
import sshCheck from '../../src/core/checks/ec2/ec2_security_group_ssh_restricted';
import { evaluateAccount } from '../../src/core/findings';
import { known } from '../../src/core/model';
import remediation from '../../src/core/remediations/ec2_revoke_world_ingress';
import { ec2Endpoint } from '../fixtures/aws/ec2';
import { assumeRoleXml, onSts } from '../fixtures/aws/sts';
import { planned } from '../fixtures/remediation-builders';
import { ACCOUNT_ID, NOW, REGION, aRule, aSecurityGroup, anAccount, anEc2Region } from '../fixtures/snapshot-builders';

const WRITE_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-write`;
const TEMPORARY = {
  accessKeyId: 'ASIAWRITEROLEEXAMPLE',
  secretAccessKey: 'Je7MtGbClwBF/2Zp9Utk/h3yCo8nvbEXAMPLEKEY1',
  sessionToken: 'FwoGZXIvYXdzEJr//////////wEaDHqa0AP7r3EXAMPLESESSIONTOKEN',
};
const CTX = {
  accountId: ACCOUNT_ID,
  requestId: 'rr_0001',
  remediationId: 'ec2_revoke_world_ingress',
  actor: { kind: 'system' as const, id: 'cloudsec' },
};

/** EC2's answer to both writes: `return` true, as the API reference documents. */
const ec2Ok = (action: string): [number, string] => [
  200,
  `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/">` +
    `<requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><return>true</return></${action}Response>`,
];

const executor = () => {
  const factory = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3 });
  onSts('AssumeRole', (body) => body.RoleArn === WRITE_ROLE).reply(200, assumeRoleXml(WRITE_ROLE, TEMPORARY));
  return makeExecutor({
    clientsFor: (accountId) => factory({ accountId, roleArn: WRITE_ROLE }),
    homeRegion: 'us-east-1',
    dryRun: false,
    audit: async () => {},
    clock: () => NOW,
  });
};

/** Sends `calls` and returns the form fields of the one EC2 request they made. */
const sentForm = async (
  calls: Parameters<ReturnType<typeof executor>['execute']>[0],
  action: string,
  kind: 'remediate' | 'undo' = 'remediate',
) => {
  let body: Record<string, string> = {};
  const scope = ec2Endpoint(REGION)
    .post('/', (b: Record<string, string>) => b.Action === action && ((body = b), true))
    .reply(...ec2Ok(action));
  const result = await executor().execute(calls, { ...CTX, kind });
  expect(result.ok).toBe(true);
  scope.done();
  return body;
};

describe('revoking world-open rules that have no rule id', () => {
  // As collected when DescribeSecurityGroupRules was refused: the rules come from IpPermissions alone.
  const account = anAccount({
    ec2: {
      [REGION]: anEc2Region({
        securityGroups: known([
          aSecurityGroup({
            rules: [
              aRule({ ruleId: null }),
              aRule({ ruleId: null, fromPort: 22, toPort: 22, description: 'admin' }),
              aRule({ ruleId: null, fromPort: 22, toPort: 22, cidrIpv4: null, cidrIpv6: '::/0' }),
            ],
          }),
        ]),
      }),
    },
  });
  const finding = evaluateAccount([sshCheck], account, NOW).find((f) => f.status === 'fail')!;

  it('when the plan runs, then EC2 receives the two SSH rules as IpPermissions and nothing else', async () => {
    const plan = planned(remediation.plan(finding, account));

    expect(await sentForm(plan.calls, 'RevokeSecurityGroupIngress')).toEqual({
      Action: 'RevokeSecurityGroupIngress',
      Version: '2016-11-15',
      GroupId: 'sg-0web',
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '22',
      'IpPermissions.1.ToPort': '22',
      'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
      'IpPermissions.2.IpProtocol': 'tcp',
      'IpPermissions.2.FromPort': '22',
      'IpPermissions.2.ToPort': '22',
      'IpPermissions.2.Ipv6Ranges.1.CidrIpv6': '::/0',
    });
  });

  it('when it is undone, then EC2 receives the same rules to authorize, with their descriptions', async () => {
    const plan = planned(remediation.plan(finding, account));
    const undo = remediation.inverse(plan.calls, JSON.parse(JSON.stringify(plan.before)));
    if (!undo.ok) throw new Error(undo.reason);

    expect(await sentForm(undo.calls, 'AuthorizeSecurityGroupIngress', 'undo')).toEqual({
      Action: 'AuthorizeSecurityGroupIngress',
      Version: '2016-11-15',
      GroupId: 'sg-0web',
      'IpPermissions.1.IpProtocol': 'tcp',
      'IpPermissions.1.FromPort': '22',
      'IpPermissions.1.ToPort': '22',
      'IpPermissions.1.IpRanges.1.CidrIp': '0.0.0.0/0',
      'IpPermissions.1.IpRanges.1.Description': 'admin',
      'IpPermissions.2.IpProtocol': 'tcp',
      'IpPermissions.2.FromPort': '22',
      'IpPermissions.2.ToPort': '22',
      'IpPermissions.2.Ipv6Ranges.1.CidrIpv6': '::/0',
    });
  });
});
