import { defineCheck, fail, pass, withFact } from '../define';
import { regionSettingResource, snapshotResource } from '../../resources';

export default defineCheck({
  id: 'ec2_snapshot_not_public',
  service: 'ec2',
  severity: 'critical',
  title: 'EBS snapshots are not public',
  failTitle: 'EBS snapshot is public',
  rationale:
    'Any AWS account can create a volume from a public snapshot and read everything on the disk: databases, keys, configuration. Public sharing is almost always a mistake.',
  remediationText:
    'Make the snapshot private (EC2 console → Snapshots → Actions → Snapshot settings → Modify permissions → Private), or run `aws ec2 modify-snapshot-attribute --snapshot-id <id> --attribute createVolumePermission --operation-type remove --group-names all`.',
  frameworks: { cis: null, securityHub: 'EC2.1' },
  requires: ['ec2'],
  remediation: 'ec2_snapshot_make_private',
  evaluate: ({ account }) =>
    Object.entries(account.ec2).flatMap(([region, ec2]) =>
      withFact(ec2.snapshots, regionSettingResource(account, region, 'ebs-snapshots'), region, (snapshots) =>
        snapshots.map((s) => {
          const resource = snapshotResource(account, region, s);
          const evidence = { volumeId: s.volumeId, encrypted: s.encrypted, startTime: s.startTime, public: s.public };
          return s.public
            ? fail(
                resource,
                region,
                `EBS snapshot ${s.snapshotId} is public: any AWS account can create a volume from it.`,
                evidence,
              )
            : pass(resource, region, `EBS snapshot ${s.snapshotId} is not shared publicly.`, evidence);
        }),
      ),
    ),
});
