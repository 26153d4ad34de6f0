import { rdsSnapshotResource } from '../../checks/rds/common/instances';
import { imageResource, snapshotResource } from '../../resources';
import { defineDetection, type AlertResource, type DetectionMatch } from '../define';
import { textAt, type CloudTrailRecord } from '../record';
import { accountRefOf, forEvents, located, undoFor, unreadableDetail } from './exposure/common';
import { ec2Items, isJson, partitionOf, quoted, regionOf, tidy } from './shared/helpers';

const EVENTS = [
  { source: 'ec2.amazonaws.com', names: ['ModifySnapshotAttribute', 'ModifyImageAttribute'] },
  { source: 'rds.amazonaws.com', names: ['ModifyDBSnapshotAttribute', 'ModifyDBClusterSnapshotAttribute'] },
] as const;

/** EC2's group that means "every AWS account", and RDS's value for the same. */
const EVERYONE = 'all';

type Sharing = { status: 'public' } | { status: 'none' } | { status: 'unreadable'; reason: string };

/** EC2 `{"add": {"items": [{"group": "all"}]}}` (a bare list is read too). */
const ec2Sharing = (permission: unknown, name: string): Sharing => {
  if (!isJson(permission)) return { status: 'unreadable', reason: `${name} is not an object` };
  const add = Array.isArray(permission.add) ? permission.add : ec2Items(permission.add);
  if (add === null) return { status: 'unreadable', reason: `${name}.add is not a list of permissions` };
  if (add.some((p) => isJson(p) && p.group === EVERYONE)) return { status: 'public' };
  return add.every(isJson)
    ? { status: 'none' }
    : { status: 'unreadable', reason: `an entry of ${name}.add is not an object` };
};

interface Kind {
  what: string;
  consequence: string;
  remediationId: string;
  checkId: string;
}

const EBS: Kind = {
  what: 'EBS snapshot',
  consequence: 'any AWS account can now create a volume from it and read the disk',
  remediationId: 'ec2_snapshot_make_private',
  checkId: 'ec2_snapshot_not_public',
};
const AMI: Kind = {
  what: 'AMI',
  consequence: 'any AWS account can now launch it and read what the image holds',
  remediationId: 'ec2_image_make_private',
  checkId: 'ec2_image_not_public',
};
const RDS: Kind = {
  what: 'RDS snapshot',
  consequence: 'any AWS account can now copy it or restore a database from it',
  remediationId: 'rds_snapshot_make_private',
  checkId: 'rds_snapshot_not_public',
};

const matchFor = (
  kind: Kind,
  id: string | undefined,
  resource: AlertResource,
  sharing: Sharing,
): DetectionMatch | null => {
  if (sharing.status === 'none') return null;
  const undo = id
    ? undoFor(kind.remediationId, kind.checkId, resource, `Stop sharing ${kind.what} ${id} with every AWS account`)
    : undefined;
  if (sharing.status === 'unreadable') {
    return tidy({
      summary: `changed who may use ${kind.what} ${quoted(id)}; cloudsec could not read the new permissions from the record: re-check`,
      resource,
      severity: 'high',
      details: [unreadableDetail('who the change shares it with', sharing.reason)],
      undo,
    });
  }
  return tidy({ summary: `made ${kind.what} ${quoted(id)} public: ${kind.consequence}`, resource, undo });
};

const ebsSnapshot = (r: CloudTrailRecord): DetectionMatch | null => {
  const rp = r.requestParameters ?? {};
  const id = textAt(rp, 'snapshotId');
  const region = regionOf(r);
  const resource = located(
    snapshotResource({ accountId: '', partition: partitionOf(r) }, region, {
      snapshotId: id ?? 'unknown',
      tags: undefined,
    }),
    region,
  );
  // ModifySnapshotAttribute changes nothing but createVolumePermission, so a record without it is unreadable.
  const sharing =
    rp.createVolumePermission === undefined
      ? ({ status: 'unreadable', reason: 'the record holds no createVolumePermission' } as const)
      : ec2Sharing(rp.createVolumePermission, 'createVolumePermission');
  return matchFor(EBS, id, resource, sharing);
};

const image = (r: CloudTrailRecord): DetectionMatch | null => {
  const rp = r.requestParameters ?? {};
  const id = textAt(rp, 'imageId');
  const attribute = textAt(rp, 'attributeType') ?? textAt(rp, 'attribute');
  // Description, boot mode and other attributes share the call; only launch permission shares the image.
  if (rp.launchPermission === undefined && !/launchPermission/i.test(attribute ?? '')) return null;
  const region = regionOf(r);
  const resource = located(
    imageResource({ partition: partitionOf(r) }, region, { imageId: id ?? 'unknown', tags: undefined }),
    region,
  );
  const sharing =
    rp.launchPermission === undefined
      ? ({ status: 'unreadable', reason: 'the record holds no launchPermission' } as const)
      : ec2Sharing(rp.launchPermission, 'launchPermission');
  return matchFor(AMI, id, resource, sharing);
};

/** Identifiers may be the snapshot's ARN (`arn:aws:rds:<region>:<account>:snapshot:<id>`). */
const rdsTarget = (raw: string | undefined): { id: string | undefined; arn: string | null } => {
  if (raw === undefined || !raw.startsWith('arn:')) return { id: raw, arn: null };
  return { id: raw.split(':').slice(6).join(':'), arn: raw };
};

const rdsSnapshot = (r: CloudTrailRecord): DetectionMatch | null => {
  const rp = r.requestParameters ?? {};
  const cluster = r.eventName === 'ModifyDBClusterSnapshotAttribute';
  const { id, arn } = rdsTarget(textAt(rp, cluster ? 'dBClusterSnapshotIdentifier' : 'dBSnapshotIdentifier'));
  const attribute = textAt(rp, 'attributeName');
  if (attribute !== undefined && attribute !== 'restore') return null;
  const region = regionOf(r);
  const account = accountRefOf(r);
  const kind = cluster ? 'cluster' : 'instance';
  const ref = account
    ? rdsSnapshotResource(account, region, { id: id ?? 'unknown', arn, kind, tags: undefined })
    : { type: cluster ? 'AwsRdsDbClusterSnapshot' : 'AwsRdsDbSnapshot', id: id ?? 'unknown', arn };
  const toAdd = rp.valuesToAdd;
  const sharing: Sharing =
    attribute === undefined
      ? { status: 'unreadable', reason: 'the record holds no attributeName' }
      : Array.isArray(toAdd)
        ? toAdd.includes(EVERYONE)
          ? { status: 'public' }
          : { status: 'none' }
        : toAdd === undefined && Array.isArray(rp.valuesToRemove)
          ? { status: 'none' }
          : { status: 'unreadable', reason: 'valuesToAdd is not a list' };
  return matchFor(
    { ...RDS, what: cluster ? 'RDS cluster snapshot' : 'RDS snapshot' },
    id,
    located(ref, region),
    sharing,
  );
};

export default defineDetection({
  id: 'snapshot_shared_publicly',
  title: 'Snapshot or AMI shared with every AWS account',
  severity: 'critical',
  rationale:
    'A public EBS snapshot, RDS snapshot or AMI can be copied by anyone with an AWS account: whole disks and databases, with whatever secrets and customer data they hold, leave the account without a single read of the original.',
  events: EVENTS,
  // EC2.1 (public EBS snapshots) and RDS.1 (public RDS snapshots) fail; the detection carries one id.
  securityHub: 'EC2.1',
  mitre: { id: 'T1537', name: 'Transfer Data to Cloud Account' },
  remediation: 'ec2_snapshot_make_private',
  match: forEvents(EVENTS, (record) => {
    switch (record.eventName) {
      case 'ModifySnapshotAttribute':
        return ebsSnapshot(record);
      case 'ModifyImageAttribute':
        return image(record);
      default:
        return rdsSnapshot(record);
    }
  }),
});
