import type { AccountSnapshotWith, Fact, RdsSnapshot } from '../../model';
import { regionSettingResource } from '../../resources';
import { defineCheck, fail, pass, unknownFrom, withFact, type CheckResult } from '../define';
import { rdsSnapshotResource } from './common/instances';

const noun = (s: RdsSnapshot) => (s.kind === 'cluster' ? 'RDS DB cluster snapshot' : 'RDS DB snapshot');

const judge =
  (account: AccountSnapshotWith<'rds'>, region: string) =>
  (s: RdsSnapshot): CheckResult => {
    const resource = rdsSnapshotResource(account, region, s);
    const label = `${noun(s)} ${s.id}${s.sourceId ? ` (of ${s.sourceId})` : ''}`;
    const evidence = {
      kind: s.kind,
      sourceId: s.sourceId,
      engine: s.engine,
      encrypted: s.encrypted,
      createdAt: s.createdAt,
    };
    if (s.restore === null) {
      // The collector skips the attribute call only for snapshots AWS says are encrypted.
      return s.encrypted === true
        ? pass(
            resource,
            region,
            `${label} is encrypted, and AWS does not let an encrypted snapshot be shared publicly.`,
            evidence,
          )
        : {
            status: 'unknown',
            resource,
            region,
            message: `Could not check: who may restore ${label} was not collected in this snapshot; collect again.`,
            evidence,
          };
    }
    if (!s.restore.ok) return unknownFrom(resource, region, s.restore.error);
    const { accounts } = s.restore.value;
    const shared = { ...evidence, public: s.restore.value.public, sharedWithAccounts: accounts };
    return s.restore.value.public
      ? fail(resource, region, `${label} is public: any AWS account can copy it or restore a database from it.`, shared)
      : pass(
          resource,
          region,
          accounts.length === 0
            ? `${label} is not shared.`
            : `${label} is not public; it is shared with ${accounts.length === 1 ? 'account' : 'accounts'} ${accounts.join(', ')}.`,
          shared,
        );
  };

/** One listing of a region (DB or DB cluster snapshots): a refused listing is one unknown result. */
const judgeListing = (
  account: AccountSnapshotWith<'rds'>,
  region: string,
  listing: Fact<RdsSnapshot[]>,
  setting: string,
): CheckResult[] =>
  withFact(listing, regionSettingResource(account, region, setting), region, (snapshots) =>
    snapshots.map(judge(account, region)),
  );

export default defineCheck({
  id: 'rds_snapshot_not_public',
  service: 'rds',
  severity: 'critical',
  title: 'RDS snapshots are not public',
  failTitle: 'RDS snapshot is public',
  rationale:
    'Any AWS account can copy a public DB snapshot or restore a database from it, and read every row: customer data, password hashes, secrets kept in tables. Public sharing is almost always a mistake.',
  remediationText:
    'Make the snapshot private (RDS console → Snapshots → Actions → Share snapshot → DB snapshot visibility: Private), or run `aws rds modify-db-snapshot-attribute --db-snapshot-identifier <id> --attribute-name restore --values-to-remove all` (for a cluster snapshot, `aws rds modify-db-cluster-snapshot-attribute --db-cluster-snapshot-identifier <id> --attribute-name restore --values-to-remove all`).',
  frameworks: { cis: null, securityHub: 'RDS.1' },
  requires: ['rds'],
  remediation: 'rds_snapshot_make_private',
  evaluate: ({ account }) =>
    Object.entries(account.rds).flatMap(([region, rds]) => [
      ...judgeListing(account, region, rds.snapshots, 'rds-snapshots'),
      ...judgeListing(account, region, rds.clusterSnapshots, 'rds-cluster-snapshots'),
    ]),
});
