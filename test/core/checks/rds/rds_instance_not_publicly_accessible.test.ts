import check from '../../../../src/core/checks/rds/rds_instance_not_publicly_accessible';
import { known, type Ec2Region, type RdsInstance } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { anAccountWithRds, anRdsInstance, anRdsRegion } from '../../../fixtures/builders/rds';
import {
  ACCOUNT_ID,
  REGION,
  aRule,
  aSecurityGroup,
  anEc2Region,
  anEgressAllRule,
  denied,
} from '../../../fixtures/snapshot-builders';

/** The database's group: PostgreSQL from the app tier's group only. */
const dbGroup = aSecurityGroup({
  groupId: 'sg-0db',
  groupName: 'orders-db',
  rules: [
    aRule({ ruleId: 'sgr-0fromapp', fromPort: 5432, toPort: 5432, cidrIpv4: null, referencedGroupId: 'sg-0app' }),
    anEgressAllRule(),
  ],
});
const worldOnPostgres = aSecurityGroup({
  groupId: 'sg-0wide',
  groupName: 'db-from-anywhere',
  rules: [aRule({ ruleId: 'sgr-0pg', fromPort: 5432, toPort: 5432, cidrIpv4: '0.0.0.0/0' }), anEgressAllRule()],
});
const worldOnHttps = aSecurityGroup({ groupId: 'sg-0web', groupName: 'web' });

const account = (instance: Partial<RdsInstance>, ec2: Partial<Ec2Region> = {}) =>
  anAccountWithRds(anRdsRegion({ instances: known([anRdsInstance(instance)]) }), {
    ec2: { [REGION]: anEc2Region({ securityGroups: known([dbGroup, worldOnPostgres, worldOnHttps]), ...ec2 }) },
  });

const judge = (instance: Partial<RdsInstance>, ec2: Partial<Ec2Region> = {}) =>
  resultFor(run(check, account(instance, ec2)), instance.id ?? 'orders-db');

describe('rds_instance_not_publicly_accessible', () => {
  it('when the instance is not publicly accessible, then it passes', () => {
    expect(statuses(run(check, account({})))).toEqual(['orders-db:pass']);
  });

  it('when the instance is publicly accessible but no group admits the internet on its port, then it fails as high', () => {
    const result = judge({ publiclyAccessible: true, securityGroupIds: ['sg-0db', 'sg-0web'] });
    expect(result.status).toBe('fail');
    // sg-0web admits the world on 443 only: not the database port.
    expect(result.severity).toBeUndefined();
    expect(result.message).toContain(
      'None of its security groups (sg-0db, sg-0web) lets the internet reach port 5432 today',
    );
    expect(result.evidence).toMatchObject({ publiclyAccessible: true, port: 5432, worldOpen: false });
  });

  it('when the instance is publicly accessible and a group admits 0.0.0.0/0 on its port, then it fails as critical, naming the port and the rule', () => {
    const result = judge({ publiclyAccessible: true, securityGroupIds: ['sg-0db', 'sg-0wide'] });
    expect(result.status).toBe('fail');
    expect(result.severity).toBe('critical');
    expect(result.message).toBe(
      'RDS DB instance orders-db (postgres) is publicly accessible: its endpoint resolves to a public address, and its port 5432 is open to the internet (security group db-from-anywhere (sg-0wide) through sgr-0pg (0.0.0.0/0, tcp 5432)): anyone can try to log in to the database.',
    );
    expect(result.evidence).toMatchObject({
      worldOpen: true,
      openGroups: [{ groupId: 'sg-0wide', groupName: 'db-from-anywhere', ruleIds: ['sgr-0pg'] }],
    });
  });

  it('when a group admits ::/0 on every port, then the instance is critical too', () => {
    const allFromV6 = aSecurityGroup({
      groupId: 'sg-0v6',
      groupName: 'ipv6-any',
      rules: [
        aRule({
          ruleId: 'sgr-0v6all',
          ipProtocol: '-1',
          fromPort: null,
          toPort: null,
          cidrIpv4: null,
          cidrIpv6: '::/0',
        }),
      ],
    });
    const result = judge(
      { id: 'mysql-1', engine: 'mysql', port: 3306, publiclyAccessible: true, securityGroupIds: ['sg-0v6'] },
      { securityGroups: known([allFromV6]) },
    );
    expect(result.severity).toBe('critical');
    expect(result.message).toContain('its port 3306 is open to the internet');
    expect(result.message).toContain('::/0, all traffic');
  });

  it('when a group admits the world on another port only, then the instance is not critical', () => {
    const result = judge({ port: 3306, publiclyAccessible: true, securityGroupIds: ['sg-0wide'] });
    expect(result.status).toBe('fail');
    expect(result.severity).toBeUndefined();
  });

  it('when the security groups could not be listed, then it still fails, saying the exposure is unknown and why', () => {
    const result = judge(
      { publiclyAccessible: true, securityGroupIds: ['sg-0wide'] },
      { securityGroups: denied('ec2:DescribeSecurityGroups') },
    );
    expect(result.status).toBe('fail');
    expect(result.severity).toBeUndefined();
    expect(result.message).toContain('Whether the internet can reach its port is unknown');
    expect(result.message).toContain('ec2:DescribeSecurityGroups');
    expect(result.evidence).toMatchObject({ worldOpen: null });
  });

  it('when one of its groups is not in the listing, then the exposure is unknown, not "closed"', () => {
    const result = judge({ publiclyAccessible: true, securityGroupIds: ['sg-0db', 'sg-0elsewhere'] });
    expect(result.evidence).toMatchObject({ worldOpen: null });
    expect(result.message).toContain('sg-0elsewhere is not in the listing');
  });

  it('when the port is not known, then the exposure is unknown', () => {
    const result = judge({ publiclyAccessible: true, port: null, securityGroupIds: ['sg-0wide'] });
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatchObject({ worldOpen: null });
    expect(result.message).toContain('did not report the port');
  });

  it('when its security groups were not listed, then the exposure is unknown', () => {
    const result = judge({ publiclyAccessible: true, securityGroupIds: null });
    expect(result.evidence).toMatchObject({ worldOpen: null });
  });

  it('when PubliclyAccessible was not reported, then the instance is unknown, not passed', () => {
    const result = judge({ publiclyAccessible: null });
    expect(result.status).toBe('unknown');
    expect(result.evidence).toMatchObject({ missingField: 'PubliclyAccessible' });
  });

  it('when the instances cannot be listed, then the region is unknown, naming the permission', () => {
    const results = run(check, anAccountWithRds(anRdsRegion({ instances: denied('rds:DescribeDBInstances') })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/rds-instances:unknown`]);
  });

  it('when the ec2 slice was not collected, then the check is unknown (it needs the security groups)', () => {
    const results = run(check, anAccountWithRds(anRdsRegion(), { ec2: undefined }));
    expect(results.map((r) => r.status)).toEqual(['unknown']);
    expect(results[0]!.evidence).toEqual({ notCollected: ['ec2'] });
  });
});
