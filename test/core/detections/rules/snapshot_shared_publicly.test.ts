import detection from '../../../../src/core/detections/rules/snapshot_shared_publicly';
import { alertOf, fixture, severityOf, withRequest } from './exposure-harness';

describe('snapshot_shared_publicly', () => {
  it('when an EBS snapshot gets createVolumePermission for group all, then it alerts critical with the snapshot Undo', () => {
    const m = alertOf(detection, fixture('modify-snapshot-attribute-public'));

    expect(m.summary).toBe(
      'made EBS snapshot `snap-0a9b8c7d6e5f40312` public: any AWS account can now create a volume from it and read the disk',
    );
    expect(severityOf(detection, m)).toBe('critical');
    expect(m.resource).toEqual({
      type: 'AwsEc2Snapshot',
      id: 'snap-0a9b8c7d6e5f40312',
      arn: 'arn:aws:ec2:eu-west-1::snapshot/snap-0a9b8c7d6e5f40312',
      region: 'eu-west-1',
    });
    expect(m.undo).toEqual(
      expect.objectContaining({
        remediationId: 'ec2_snapshot_make_private',
        checkId: 'ec2_snapshot_not_public',
        resource: m.resource,
      }),
    );
  });

  it('when the snapshot is shared with one named account, or the share is removed, then it does not alert', () => {
    expect(detection.match(fixture('modify-snapshot-attribute-account'))).toBeNull();
    const removed = withRequest('modify-snapshot-attribute-public', (rp) => ({
      ...rp,
      createVolumePermission: { remove: { items: [{ group: 'all' }] } },
    }));
    expect(detection.match(removed)).toBeNull();
  });

  it.each([
    ['createVolumePermission is missing', (rp: Record<string, unknown>) => ({ snapshotId: rp.snapshotId })],
    ['add is a string', (rp: Record<string, unknown>) => ({ ...rp, createVolumePermission: { add: 'all' } })],
  ])('when %s, then it alerts high that the permissions could not be read', (_, change) => {
    const m = alertOf(detection, withRequest('modify-snapshot-attribute-public', change));

    expect(m.summary).toBe(
      'changed who may use EBS snapshot `snap-0a9b8c7d6e5f40312`; cloudsec could not read the new permissions from the record: re-check',
    );
    expect(severityOf(detection, m)).toBe('high');
  });

  it('when an AMI gets launchPermission for group all, then it alerts with the image Undo', () => {
    const m = alertOf(detection, fixture('modify-image-attribute-public'));

    expect(m.summary).toMatch(/^made AMI `ami-0f1e2d3c4b5a69788` public/);
    expect(m.resource.type).toBe('AwsEc2Image');
    expect(m.undo).toEqual(
      expect.objectContaining({ remediationId: 'ec2_image_make_private', checkId: 'ec2_image_not_public' }),
    );
  });

  it('when ModifyImageAttribute changes only the description, then it does not alert', () => {
    const record = withRequest('modify-image-attribute-public', (rp) => ({
      imageId: rp.imageId,
      description: { value: 'golden image' },
    }));

    expect(detection.match(record)).toBeNull();
  });

  it('when an RDS snapshot restore attribute adds all, then it alerts with the RDS Undo and the snapshot ARN', () => {
    const m = alertOf(detection, fixture('modify-db-snapshot-attribute-public'));

    expect(m.summary).toBe(
      'made RDS snapshot `orders-db-2024-05-01` public: any AWS account can now copy it or restore a database from it',
    );
    expect(m.resource).toEqual({
      type: 'AwsRdsDbSnapshot',
      id: 'orders-db-2024-05-01',
      arn: 'arn:aws:rds:eu-west-1:111122223333:snapshot:orders-db-2024-05-01',
      region: 'eu-west-1',
    });
    expect(m.undo).toEqual(
      expect.objectContaining({ remediationId: 'rds_snapshot_make_private', checkId: 'rds_snapshot_not_public' }),
    );
  });

  it('when a cluster snapshot is shared with a named account, then it does not alert; with all, it names the cluster snapshot', () => {
    expect(detection.match(fixture('modify-db-cluster-snapshot-attribute-account'))).toBeNull();
    const m = alertOf(
      detection,
      withRequest('modify-db-cluster-snapshot-attribute-account', (rp) => ({ ...rp, valuesToAdd: ['all'] })),
    );
    expect(m.summary).toMatch(/^made RDS cluster snapshot `billing-aurora-final` public/);
    expect(m.resource.type).toBe('AwsRdsDbClusterSnapshot');
  });

  it('when valuesToAdd is not a list, then it alerts that the permissions could not be read', () => {
    const m = alertOf(
      detection,
      withRequest('modify-db-snapshot-attribute-public', (rp) => ({ ...rp, valuesToAdd: 'all' })),
    );

    expect(m.summary).toContain('could not read the new permissions');
  });
});
