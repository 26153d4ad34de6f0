import check from '../../../../src/core/checks/rds/rds_instance_storage_encrypted';
import { known } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import { anAccountWithRds, anRdsInstance, anRdsRegion } from '../../../fixtures/builders/rds';
import { ACCOUNT_ID, REGION, anAccount, denied } from '../../../fixtures/snapshot-builders';

const withInstances = (...instances: ReturnType<typeof anRdsInstance>[]) =>
  anAccountWithRds(anRdsRegion({ instances: known(instances) }));

describe('rds_instance_storage_encrypted', () => {
  it('when the instance is encrypted at rest, then it passes', () => {
    const results = run(check, anAccountWithRds());
    expect(statuses(results)).toEqual(['orders-db:pass']);
    expect(results[0]!.resource).toEqual({
      type: 'AwsRdsDbInstance',
      id: 'orders-db',
      arn: `arn:aws:rds:${REGION}:${ACCOUNT_ID}:db:orders-db`,
    });
  });

  it('when an instance is not encrypted, then it fails, naming it and its engine', () => {
    const result = resultFor(
      run(
        check,
        withInstances(anRdsInstance(), anRdsInstance({ id: 'legacy-mysql', engine: 'mysql', storageEncrypted: false })),
      ),
      'legacy-mysql',
    );
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'RDS DB instance legacy-mysql (mysql) is not encrypted at rest: its storage, backups and snapshots are stored unencrypted.',
    );
    expect(result.evidence).toMatchObject({ engine: 'mysql', storageEncrypted: false });
  });

  it('when DescribeDBInstances did not report StorageEncrypted, then the instance is unknown, not passed', () => {
    const result = resultFor(run(check, withInstances(anRdsInstance({ storageEncrypted: null }))), 'orders-db');
    expect(result.status).toBe('unknown');
    expect(result.message).toContain('did not report StorageEncrypted');
    expect(result.evidence).toMatchObject({ missingField: 'StorageEncrypted' });
  });

  it('when the instances cannot be listed, then the region is unknown, naming the permission', () => {
    const results = run(check, anAccountWithRds(anRdsRegion({ instances: denied('rds:DescribeDBInstances') })));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/rds-instances:unknown`]);
    expect(results[0]!.message).toContain('rds:DescribeDBInstances');
  });

  it('when a region has no instances, then it yields no results', () => {
    expect(run(check, withInstances())).toEqual([]);
  });

  it('when no rds data was collected, then the check is unknown rather than silently passing', () => {
    const results = run(check, anAccount());
    expect(results.map((r) => r.status)).toEqual(['unknown']);
    expect(results[0]!.evidence).toEqual({ notCollected: ['rds'] });
  });

  it('when the instance ARN is missing from the answer, then the finding still names it by a built ARN', () => {
    const [result] = run(check, withInstances(anRdsInstance({ arn: null, storageEncrypted: false })));
    expect(result!.resource.arn).toBe(`arn:aws:rds:${REGION}:${ACCOUNT_ID}:db:orders-db`);
  });
});
