import check from '../../../../src/core/checks/rds/rds_snapshot_not_public';
import { known, missing } from '../../../../src/core/model';
import { run, resultFor, statuses } from '../../../fixtures/check-harness';
import {
  aRestoreAttribute,
  anAccountWithRds,
  anEncryptedRdsSnapshot,
  anRdsRegion,
  anRdsSnapshot,
} from '../../../fixtures/builders/rds';
import { ACCOUNT_ID, REGION, accessDenied, denied } from '../../../fixtures/snapshot-builders';

describe('rds_snapshot_not_public', () => {
  it('when no snapshot is shared publicly, then every snapshot passes (an encrypted one without asking AWS)', () => {
    const results = run(check, anAccountWithRds());
    expect(statuses(results)).toEqual(['orders-db-before-upgrade:pass', 'orders-cluster-final:pass']);
    expect(results[1]!.message).toBe(
      'RDS DB cluster snapshot orders-cluster-final (of orders-cluster) is encrypted, and AWS does not let an encrypted snapshot be shared publicly.',
    );
    expect(results[1]!.resource).toEqual({
      type: 'AwsRdsDbClusterSnapshot',
      id: 'orders-cluster-final',
      arn: `arn:aws:rds:${REGION}:${ACCOUNT_ID}:cluster-snapshot:orders-cluster-final`,
    });
  });

  it('when a DB snapshot is restorable by all accounts, then it fails', () => {
    const region = anRdsRegion({
      snapshots: known([
        anRdsSnapshot({ restore: known(aRestoreAttribute({ public: true, accounts: ['444455556666'] })) }),
      ]),
    });
    const result = resultFor(run(check, anAccountWithRds(region)), 'orders-db-before-upgrade');
    expect(result.status).toBe('fail');
    expect(result.message).toBe(
      'RDS DB snapshot orders-db-before-upgrade (of orders-db) is public: any AWS account can copy it or restore a database from it.',
    );
    expect(result.evidence).toMatchObject({ public: true, sharedWithAccounts: ['444455556666'], encrypted: false });
    expect(result.resource.type).toBe('AwsRdsDbSnapshot');
  });

  it('when a cluster snapshot is public, then it fails as a cluster snapshot', () => {
    const region = anRdsRegion({
      clusterSnapshots: known([
        anRdsSnapshot({ id: 'aurora-export', kind: 'cluster', restore: known(aRestoreAttribute({ public: true })) }),
      ]),
    });
    const result = resultFor(run(check, anAccountWithRds(region)), 'aurora-export');
    expect(result.status).toBe('fail');
    expect(result.message).toMatch(/^RDS DB cluster snapshot aurora-export/);
    expect(result.resource.arn).toBe(`arn:aws:rds:${REGION}:${ACCOUNT_ID}:cluster-snapshot:aurora-export`);
  });

  it('when a snapshot is shared with named accounts only, then it passes, naming them', () => {
    const region = anRdsRegion({
      snapshots: known([anRdsSnapshot({ restore: known(aRestoreAttribute({ accounts: ['444455556666'] })) })]),
    });
    const result = resultFor(run(check, anAccountWithRds(region)), 'orders-db-before-upgrade');
    expect(result.status).toBe('pass');
    expect(result.message).toContain('shared with account 444455556666');
  });

  it("when a snapshot's restore attribute could not be read, then that snapshot is unknown, naming the permission", () => {
    const region = anRdsRegion({
      snapshots: known([anRdsSnapshot({ restore: missing(accessDenied('rds:DescribeDBSnapshotAttributes')) })]),
    });
    const result = resultFor(run(check, anAccountWithRds(region)), 'orders-db-before-upgrade');
    expect(result.status).toBe('unknown');
    expect(result.evidence).toMatchObject({ missingPermission: 'rds:DescribeDBSnapshotAttributes' });
  });

  it('when an unencrypted snapshot has no restore attribute recorded, then it is unknown, not passed', () => {
    const region = anRdsRegion({ snapshots: known([anRdsSnapshot({ encrypted: null, restore: null })]) });
    expect(statuses(run(check, anAccountWithRds(region)))).toContain('orders-db-before-upgrade:unknown');
  });

  it('when the DB snapshots cannot be listed, then that listing is unknown and the cluster snapshots are still judged', () => {
    const region = anRdsRegion({ snapshots: denied('rds:DescribeDBSnapshots') });
    const results = run(check, anAccountWithRds(region));
    expect(statuses(results)).toEqual([`${ACCOUNT_ID}/${REGION}/rds-snapshots:unknown`, 'orders-cluster-final:pass']);
    expect(results[0]!.message).toContain('rds:DescribeDBSnapshots');
  });

  it('when the cluster snapshots cannot be listed, then that listing is unknown', () => {
    const region = anRdsRegion({ clusterSnapshots: denied('rds:DescribeDBClusterSnapshots') });
    expect(statuses(run(check, anAccountWithRds(region)))).toEqual([
      'orders-db-before-upgrade:pass',
      `${ACCOUNT_ID}/${REGION}/rds-cluster-snapshots:unknown`,
    ]);
  });

  it('when there are no manual snapshots, then it yields no results', () => {
    const region = anRdsRegion({ snapshots: known([]), clusterSnapshots: known([]) });
    expect(run(check, anAccountWithRds(region))).toEqual([]);
  });

  it('when an encrypted snapshot is listed, then it passes without a restore attribute', () => {
    const region = anRdsRegion({ snapshots: known([anEncryptedRdsSnapshot()]), clusterSnapshots: known([]) });
    expect(statuses(run(check, anAccountWithRds(region)))).toEqual(['orders-db-nightly-copy:pass']);
  });
});
