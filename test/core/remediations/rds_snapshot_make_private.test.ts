import type {
  ModifyDBClusterSnapshotAttributeCommandInput,
  ModifyDBSnapshotAttributeCommandInput,
} from '@aws-sdk/client-rds';
import rdsSnapshotCheck from '../../../src/core/checks/rds/rds_snapshot_not_public';
import { known, missing } from '../../../src/core/model';
import remediation from '../../../src/core/remediations/rds_snapshot_make_private';
import {
  aRestoreAttribute,
  anAccountWithRds,
  anEncryptedRdsSnapshot,
  anRdsRegion,
  anRdsSnapshot,
} from '../../fixtures/builders/rds';
import { failingFinding } from '../../fixtures/remediation-samples/data-stores';
import { SAMPLES, planned, reasonOf } from '../../fixtures/remediation-builders';
import { ACCOUNT_ID, REGION, accessDenied } from '../../fixtures/snapshot-builders';

const { finding, account } = SAMPLES.rds_snapshot_make_private!();
const PUBLIC = known(aRestoreAttribute({ public: true }));

describe('rds_snapshot_make_private', () => {
  it('when a DB snapshot is public, then the plan removes `all` from its restore attribute and keeps the named accounts', () => {
    const expected: ModifyDBSnapshotAttributeCommandInput = {
      DBSnapshotIdentifier: 'orders-db-before-upgrade',
      AttributeName: 'restore',
      ValuesToRemove: ['all'],
    };
    const result = planned(remediation.plan(finding, account));
    expect(result.calls).toEqual([
      { service: 'rds', region: REGION, command: 'ModifyDBSnapshotAttribute', input: expected },
    ]);
    expect(result.notes).toEqual(['Accounts it is shared with by id keep their access: 444455556666.']);
  });

  it('when undone, then `all` is added back', () => {
    const result = planned(remediation.plan(finding, account));
    const expected: ModifyDBSnapshotAttributeCommandInput = {
      DBSnapshotIdentifier: 'orders-db-before-upgrade',
      AttributeName: 'restore',
      ValuesToAdd: ['all'],
    };
    expect(remediation.inverse(result.calls, result.before)).toEqual({
      ok: true,
      calls: [{ service: 'rds', region: REGION, command: 'ModifyDBSnapshotAttribute', input: expected }],
    });
  });

  it('when a cluster snapshot is public, then the cluster call is planned, and undone with the cluster call', () => {
    const clusterAccount = anAccountWithRds(
      anRdsRegion({
        clusterSnapshots: known([anRdsSnapshot({ id: 'aurora-export', kind: 'cluster', restore: PUBLIC })]),
      }),
    );
    const result = planned(remediation.plan(failingFinding(rdsSnapshotCheck, clusterAccount), clusterAccount));
    const remove: ModifyDBClusterSnapshotAttributeCommandInput = {
      DBClusterSnapshotIdentifier: 'aurora-export',
      AttributeName: 'restore',
      ValuesToRemove: ['all'],
    };
    expect(result.calls).toEqual([
      { service: 'rds', region: REGION, command: 'ModifyDBClusterSnapshotAttribute', input: remove },
    ]);
    expect(remediation.inverse(result.calls, result.before)).toMatchObject({
      ok: true,
      calls: [{ command: 'ModifyDBClusterSnapshotAttribute', input: { ValuesToAdd: ['all'] } }],
    });
  });

  it('when the finding comes from Security Hub (RDS.1, named by ARN), then the snapshot kind is read from the ARN', () => {
    const arn = `arn:aws:rds:${REGION}:${ACCOUNT_ID}:cluster-snapshot:aurora-export`;
    const clusterAccount = anAccountWithRds(
      anRdsRegion({
        clusterSnapshots: known([anRdsSnapshot({ id: 'aurora-export', kind: 'cluster', restore: PUBLIC })]),
      }),
    );
    const fromHub = { ...finding, resource: { type: 'AwsRdsDbClusterSnapshot', id: arn, arn } };
    expect(planned(remediation.plan(fromHub, clusterAccount)).calls[0]!.command).toBe(
      'ModifyDBClusterSnapshotAttribute',
    );
  });

  it('when the snapshot is already private, then there is nothing to do', () => {
    const privateAccount = anAccountWithRds(anRdsRegion());
    expect(reasonOf(remediation.plan(finding, privateAccount))).toMatch(/already not public/);
  });

  it('when the snapshot is encrypted, then it cannot be public and no plan is made', () => {
    const encrypted = anAccountWithRds(
      anRdsRegion({ snapshots: known([anEncryptedRdsSnapshot({ id: 'orders-db-before-upgrade' })]) }),
    );
    expect(reasonOf(remediation.plan(finding, encrypted))).toMatch(/encrypted/);
  });

  it('when who may restore it could not be read, then no plan is made, naming the permission', () => {
    const unread = anAccountWithRds(
      anRdsRegion({
        snapshots: known([anRdsSnapshot({ restore: missing(accessDenied('rds:DescribeDBSnapshotAttributes')) })]),
      }),
    );
    expect(reasonOf(remediation.plan(finding, unread))).toContain('rds:DescribeDBSnapshotAttributes');
  });

  it('when the snapshot is gone, then no plan is made, naming it', () => {
    const gone = anAccountWithRds(anRdsRegion({ snapshots: known([]) }));
    expect(reasonOf(remediation.plan(finding, gone))).toContain('orders-db-before-upgrade');
  });
});
