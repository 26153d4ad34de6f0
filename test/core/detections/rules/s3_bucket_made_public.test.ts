import detection from '../../../../src/core/detections/rules/s3_bucket_made_public';
import { alertOf, fixture, severityOf, withRequest } from './exposure-harness';

describe('s3_bucket_made_public', () => {
  describe('PutBucketPolicy', () => {
    it('when the new policy lets "*" read objects, then it alerts critical with the action, the principal and Undo', () => {
      const m = alertOf(detection, fixture('put-bucket-policy-public'));

      expect(m.summary).toBe('made bucket `customer-exports` public: the policy grants `s3:GetObject` to `*`');
      expect(severityOf(detection, m)).toBe('critical');
      expect(m.resource).toEqual({
        type: 'AwsS3Bucket',
        id: 'customer-exports',
        arn: 'arn:aws:s3:::customer-exports',
        region: 'eu-west-1',
      });
      expect(m.details?.[0]).toContain("statement 'PublicRead' lets anyone");
      expect(m.undo).toEqual(
        expect.objectContaining({
          remediationId: 's3_block_public_access',
          checkId: 's3_bucket_not_public_by_policy',
          resource: m.resource,
        }),
      );
    });

    it('when the policy grants write to everyone, then the summary says so', () => {
      const record = withRequest('put-bucket-policy-public', (rp) => {
        const policy = rp.bucketPolicy as { Statement: Record<string, unknown>[] };
        policy.Statement[0]!.Action = ['s3:GetObject', 's3:PutObject'];
        return rp;
      });

      expect(alertOf(detection, record).summary).toMatch(
        /`s3:GetObject`, `s3:PutObject` to `\*`, including write access$/,
      );
    });

    it('when the policy grants only a named account and denies plain HTTP, then it does not alert', () => {
      expect(detection.match(fixture('put-bucket-policy-private'))).toBeNull();
    });

    it('when "*" is narrowed to the organization by a condition, then it does not alert (the checks read it the same way)', () => {
      const record = withRequest('put-bucket-policy-public', (rp) => {
        const policy = rp.bucketPolicy as { Statement: Record<string, unknown>[] };
        policy.Statement[0]!.Condition = { StringEquals: { 'aws:PrincipalOrgID': 'o-abc123def4' } };
        return rp;
      });

      expect(detection.match(record)).toBeNull();
    });

    it('when the record carries the policy as JSON text, then it is read like the object form', () => {
      const record = withRequest('put-bucket-policy-public', (rp) => ({
        ...rp,
        bucketPolicy: JSON.stringify(rp.bucketPolicy),
      }));

      expect(alertOf(detection, record).summary).toContain('grants `s3:GetObject` to `*`');
    });

    it.each([
      ['absent', (rp: Record<string, unknown>) => ({ bucketName: rp.bucketName })],
      ['not a policy', (rp: Record<string, unknown>) => ({ ...rp, bucketPolicy: { Statement: 'everything' } })],
      ['unparseable text', (rp: Record<string, unknown>) => ({ ...rp, bucketPolicy: '{"Statement": [' })],
    ])('when the policy is %s, then it alerts high that the policy could not be read, never silently', (_, change) => {
      const m = alertOf(detection, withRequest('put-bucket-policy-public', change));

      expect(m.summary).toBe(
        'changed the policy of bucket `customer-exports`; cloudsec could not read the new policy from the record: re-check',
      );
      expect(severityOf(detection, m)).toBe('high');
      expect(m.details?.[0]).toMatch(/^cloudsec could not read the new bucket policy/);
      expect(m.undo?.checkId).toBe('s3_bucket_not_public_by_policy');
    });

    it('when the record has no requestParameters at all, then it alerts without a bucket name and offers no Undo', () => {
      const m = alertOf(
        detection,
        withRequest('put-bucket-policy-public', () => null),
      );

      expect(m.summary).toContain('a resource the record does not name');
      expect(m.undo).toBeUndefined();
    });
  });

  describe('PutBucketAcl', () => {
    it('when the canned ACL is public-read, then it alerts critical naming READ to anyone on the internet', () => {
      const m = alertOf(detection, fixture('put-bucket-acl-canned-public-read'));

      expect(m.summary).toBe(
        'made bucket `customer-exports` public: its ACL grants READ to anyone on the internet (AllUsers)',
      );
      expect(severityOf(detection, m)).toBe('critical');
      expect(m.undo).toEqual(
        expect.objectContaining({ remediationId: 's3_block_public_access', checkId: 's3_bucket_not_public_by_acl' }),
      );
    });

    it('when the ACL body grants READ to the AllUsers group, then it alerts', () => {
      expect(alertOf(detection, fixture('put-bucket-acl-allusers-grant')).summary).toContain(
        'READ to anyone on the internet (AllUsers)',
      );
    });

    it('when a grant header gives WRITE to AuthenticatedUsers, then it alerts with write access', () => {
      const record = withRequest('put-bucket-acl-canned-public-read', (rp) => {
        const { 'x-amz-acl': _, ...rest } = rp;
        return { ...rest, 'x-amz-grant-write': ['uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"'] };
      });

      expect(alertOf(detection, record).summary).toMatch(
        /WRITE to any authenticated AWS user .*including write access$/,
      );
    });

    it('when the ACL keeps only the owner, or the canned ACL is private, then it does not alert', () => {
      expect(detection.match(fixture('put-bucket-acl-private'))).toBeNull();
      expect(
        detection.match(
          withRequest('put-bucket-acl-canned-public-read', (rp) => ({ ...rp, 'x-amz-acl': ['private'] })),
        ),
      ).toBeNull();
    });

    it.each([
      ['holds no ACL at all', (rp: Record<string, unknown>) => ({ bucketName: rp.bucketName })],
      ['has an unknown canned ACL', (rp: Record<string, unknown>) => ({ ...rp, 'x-amz-acl': ['everyone-please'] })],
      [
        'has a garbled grant',
        (rp: Record<string, unknown>) => ({
          ...rp,
          'x-amz-acl': undefined,
          AccessControlPolicy: { AccessControlList: { Grant: [{ Permission: 7 }] } },
        }),
      ],
    ])('when the record %s, then it alerts high that the ACL could not be read', (_, change) => {
      const m = alertOf(detection, withRequest('put-bucket-acl-canned-public-read', change));

      expect(m.summary).toContain('cloudsec could not read the new ACL from the record: re-check');
      expect(severityOf(detection, m)).toBe('high');
    });
  });

  it('when the record is another event, then it does not judge it', () => {
    expect(detection.match(fixture('delete-bucket-public-access-block'))).toBeNull();
  });
});
