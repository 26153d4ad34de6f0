import type { ModifyDBInstanceCommandInput } from '@aws-sdk/client-rds';
import { known } from '../../../src/core/model';
import { getRemediation } from '../../../src/core/remediations';
import remediation from '../../../src/core/remediations/rds_instance_make_private';
import { anAccountWithRds, anRdsInstance, anRdsRegion } from '../../fixtures/builders/rds';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';
import { ACCOUNT_ID, REGION, denied } from '../../fixtures/snapshot-builders';

const { finding, account } = SAMPLES.rds_instance_make_private!();
const withInstance = (over: Parameters<typeof anRdsInstance>[0]) =>
  anAccountWithRds(anRdsRegion({ instances: known([anRdsInstance(over)]) }));

describe('rds_instance_make_private', () => {
  it('when an instance is publicly accessible, then the plan turns public access off at once', () => {
    const expected: ModifyDBInstanceCommandInput = {
      DBInstanceIdentifier: 'orders-db',
      PubliclyAccessible: false,
      ApplyImmediately: true,
    };
    const result = planned(remediation.plan(finding, account));
    expect(result.calls).toEqual([{ service: 'rds', region: REGION, command: 'ModifyDBInstance', input: expected }]);
    expect(result.notes?.[0]).toContain('lose their connection');
  });

  it('when undone, then public access is turned back on', () => {
    const result = planned(remediation.plan(finding, account));
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [
        {
          service: 'rds',
          region: REGION,
          command: 'ModifyDBInstance',
          input: { DBInstanceIdentifier: 'orders-db', PubliclyAccessible: true, ApplyImmediately: true },
        },
      ],
    });
  });

  it('is high risk and takes two approvers: clients outside the VPC lose access', () => {
    expect(getRemediation('rds_instance_make_private')).toMatchObject({ risk: 'high', approvals: 2 });
  });

  it('when the finding comes from Security Hub (RDS.2, named by ARN), then the instance is found by its identifier', () => {
    const arn = `arn:aws:rds:${REGION}:${ACCOUNT_ID}:db:orders-db`;
    const fromHub = { ...finding, resource: { type: 'AwsRdsDbInstance', id: arn, arn } };
    expect(planned(remediation.plan(fromHub, account)).calls[0]!.input).toMatchObject({
      DBInstanceIdentifier: 'orders-db',
    });
  });

  it('when the instance is stopped, then the plan warns the approvers that AWS will refuse until it is available', () => {
    const notes = planned(
      remediation.plan(finding, withInstance({ publiclyAccessible: true, status: 'stopped' })),
    ).notes;
    expect(notes).toContain('The instance is stopped; AWS refuses the change until it is available.');
  });

  it('when the instance is already private, then there is nothing to do', () => {
    expect(reasonOf(remediation.plan(finding, withInstance({})))).toMatch(/already not publicly accessible/);
  });

  it('when the snapshot does not say whether it is public, then no plan is made', () => {
    expect(reasonOf(remediation.plan(finding, withInstance({ publiclyAccessible: null })))).toMatch(/collect again/);
  });

  it('when the instance is gone, then no plan is made, naming it', () => {
    expect(reasonOf(remediation.plan(finding, withInstance({ id: 'other-db', publiclyAccessible: true })))).toContain(
      'orders-db',
    );
  });

  it('when the instances could not be listed, then no plan is made, naming the permission', () => {
    const refused = anAccountWithRds(anRdsRegion({ instances: denied('rds:DescribeDBInstances') }));
    expect(reasonOf(remediation.plan(finding, refused))).toContain('rds:DescribeDBInstances');
  });

  it('when the snapshot has no rds data for the region, then no plan is made', () => {
    expect(reasonOf(remediation.plan({ ...finding, region: 'eu-west-3' }, account))).toContain('eu-west-3');
  });
});
