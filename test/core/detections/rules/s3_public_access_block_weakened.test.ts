import detection from '../../../../src/core/detections/rules/s3_public_access_block_weakened';
import { alertOf, fixture, severityOf, withRequest } from './exposure-harness';

describe('s3_public_access_block_weakened', () => {
  it('when a bucket-level call turns two settings off, then it names them and offers the bucket Undo', () => {
    const m = alertOf(detection, fixture('put-bucket-public-access-block-off'));

    expect(m.summary).toBe(
      'turned off Block Public Access on bucket `customer-exports`: BlockPublicAcls, BlockPublicPolicy are now off',
    );
    expect(severityOf(detection, m)).toBe('high');
    expect(m.resource).toEqual({
      type: 'AwsS3Bucket',
      id: 'customer-exports',
      arn: 'arn:aws:s3:::customer-exports',
      region: 'eu-west-1',
    });
    expect(m.undo).toEqual(
      expect.objectContaining({ remediationId: 's3_block_public_access', checkId: 's3_bucket_public_access_blocked' }),
    );
  });

  it('when all four settings stay on, then it does not alert', () => {
    expect(detection.match(fixture('put-bucket-public-access-block-on'))).toBeNull();
  });

  it('when a setting is left out of the request, then it counts as off (S3 takes a missing element as false)', () => {
    const record = withRequest('put-bucket-public-access-block-on', (rp) => {
      delete (rp.PublicAccessBlockConfiguration as Record<string, unknown>).RestrictPublicBuckets;
      return rp;
    });

    const m = alertOf(detection, record);
    expect(m.summary).toContain('RestrictPublicBuckets is now off');
    expect(m.details).toContain(
      'RestrictPublicBuckets (restrict existing public policies): left out of the request, which S3 takes as off',
    );
  });

  it('when a setting holds neither true nor false, then it is read as off and the detail says it could not be read', () => {
    const record = withRequest('put-bucket-public-access-block-on', (rp) => {
      (rp.PublicAccessBlockConfiguration as Record<string, unknown>).BlockPublicPolicy = 'maybe';
      return rp;
    });

    const m = alertOf(detection, record);
    expect(m.summary).toContain('BlockPublicPolicy is now off');
    expect(m.details?.at(-1)).toMatch(/^cloudsec could not read the value of BlockPublicPolicy/);
  });

  it('when the bucket configuration is deleted, then it alerts that the bucket relies on the account settings', () => {
    const m = alertOf(detection, fixture('delete-bucket-public-access-block'));

    expect(m.summary).toMatch(/^removed the Block Public Access settings on bucket `customer-exports`/);
    expect(m.details).toEqual(['The bucket now relies on the account-level settings alone.']);
    expect(m.undo?.remediationId).toBe('s3_block_public_access');
  });

  it('when the account-level settings are turned off, then the resource is the account (global) and Undo is the account remediation', () => {
    const m = alertOf(detection, fixture('put-account-public-access-block-off'));

    expect(m.summary).toBe(
      'turned off Block Public Access for account `111122223333`: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets are now off',
    );
    expect(m.resource).toEqual({ type: 'AwsAccount', id: '111122223333', arn: null, region: 'global' });
    expect(m.undo).toEqual(
      expect.objectContaining({
        remediationId: 's3_account_block_public_access',
        checkId: 's3_account_public_access_blocked',
        resource: m.resource,
      }),
    );
  });

  it('when the account-level configuration is deleted, then it alerts for the account', () => {
    const raw = fixture('put-account-public-access-block-off');
    const m = alertOf(detection, { ...raw, eventName: 'DeleteAccountPublicAccessBlock', requestParameters: null });

    expect(m.summary).toMatch(/^removed the Block Public Access settings for account `111122223333`/);
    expect(m.resource.type).toBe('AwsAccount');
  });

  it('when the configuration cannot be read, then it alerts that the settings could not be read, never silently', () => {
    const m = alertOf(
      detection,
      withRequest('put-bucket-public-access-block-on', (rp) => ({ ...rp, PublicAccessBlockConfiguration: 'on' })),
    );

    expect(m.summary).toContain('cloudsec could not read the new settings from the record: re-check');
    expect(severityOf(detection, m)).toBe('medium');
  });
});
