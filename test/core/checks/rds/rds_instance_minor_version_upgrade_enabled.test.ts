import check from '../../../../src/core/checks/rds/rds_instance_minor_version_upgrade_enabled';
import { known } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { anAccountWithRds, anRdsInstance, anRdsRegion } from '../../../fixtures/builders/rds';
import { ACCOUNT_ID, REGION, denied } from '../../../fixtures/snapshot-builders';

const withInstances = (...instances: ReturnType<typeof anRdsInstance>[]) =>
  anAccountWithRds(anRdsRegion({ instances: known(instances) }));

describe('rds_instance_minor_version_upgrade_enabled', () => {
  it('when automatic minor version upgrades are on, then it passes', () => {
    expect(statuses(run(check, anAccountWithRds()))).toEqual(['orders-db:pass']);
  });

  it('when an instance does not upgrade automatically, then it fails, saying so', () => {
    const result = resultFor(
      run(check, withInstances(anRdsInstance({ id: 'reporting', autoMinorVersionUpgrade: false }))),
      'reporting',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toContain(
      'RDS DB instance reporting (postgres) does not receive minor engine version upgrades',
    );
    expect(result.evidence).toMatchObject({ autoMinorVersionUpgrade: false });
  });

  it('when the instance is an Aurora cluster member with the setting off, then it fails too', () => {
    const result = resultFor(
      run(
        check,
        withInstances(
          anRdsInstance({
            id: 'orders-1',
            engine: 'aurora-postgresql',
            clusterId: 'orders',
            autoMinorVersionUpgrade: false,
          }),
        ),
      ),
      'orders-1',
    );
    expect(result.status).toBe('fail');
    expect(result.evidence).toMatchObject({ clusterId: 'orders' });
  });

  it('when the instance is DocumentDB, then the setting does not apply and it passes, saying why', () => {
    const result = resultFor(
      run(check, withInstances(anRdsInstance({ id: 'catalog-docs', engine: 'docdb', autoMinorVersionUpgrade: false }))),
      'catalog-docs',
    );
    expect(result.status).toBe('pass');
    expect(result.message).toContain('DocumentDB');
    expect(result.evidence).toMatchObject({ notApplicable: true });
  });

  it('when AutoMinorVersionUpgrade was not reported, then the instance is unknown', () => {
    const result = resultFor(run(check, withInstances(anRdsInstance({ autoMinorVersionUpgrade: null }))), 'orders-db');
    expect(result.status).toBe('unknown');
    expect(result.evidence).toMatchObject({ missingField: 'AutoMinorVersionUpgrade' });
  });

  it('when the instances cannot be listed, then the region is unknown, naming the permission', () => {
    const results = run(check, anAccountWithRds(anRdsRegion({ instances: denied('rds:DescribeDBInstances') })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/rds-instances:unknown`]);
    expect(results[0]!.evidence).toMatchObject({ missingPermission: 'rds:DescribeDBInstances' });
  });
});
