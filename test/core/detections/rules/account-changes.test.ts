import configChanged from '../../../../src/core/detections/rules/config_changed';
import iamPolicyChanged from '../../../../src/core/detections/rules/iam_policy_changed';
import kmsKeyDisabledOrDeleted from '../../../../src/core/detections/rules/kms_key_disabled_or_deleted';
import organizationsChanged from '../../../../src/core/detections/rules/organizations_changed';
import s3BucketPolicyChanged from '../../../../src/core/detections/rules/s3_bucket_policy_changed';
import { matched, record, refused, run, setAt, type Json } from './cis-fixtures';

/** The same record as another event of the same service. */
const as = (eventName: string, requestParameters: Json | null) => (raw: Json) => {
  raw['eventName'] = eventName;
  raw['requestParameters'] = requestParameters;
  raw['responseElements'] = null;
};

describe('iam_policy_changed (CIS 4.4)', () => {
  it('when a managed policy is attached to a role, then the role is the resource and the policy is named', () => {
    const m = matched(iamPolicyChanged, record('iam-attach-role-policy'));
    expect(m.summary).toBe('attached policy `AmazonS3FullAccess` to role `billing-export`');
    expect(m.resource).toEqual({ type: 'AwsIamRole', id: 'billing-export', arn: null, region: 'global' });
    expect(m.details).toEqual(['Policy: arn:aws:iam::aws:policy/AmazonS3FullAccess']);
  });

  it('when an inline policy is written on a user, then it names both', () => {
    const m = matched(iamPolicyChanged, record('iam-put-user-policy'));
    expect(m.summary).toBe('wrote inline policy `allow-ecr-push` on user `build-bot`');
    expect(m.resource).toEqual({ type: 'AwsIamUser', id: 'build-bot', arn: null, region: 'global' });
  });

  it('when a new default version of a managed policy is created, then it says what the policy allows changed', () => {
    const m = matched(iamPolicyChanged, record('iam-create-policy-version'));
    expect(m.summary).toBe('changed what policy `app-runtime` allows: a new version is now its default');
    expect(m.resource).toEqual({
      type: 'AwsIamPolicy',
      id: 'app-runtime',
      arn: 'arn:aws:iam::123456789012:policy/app-runtime',
      region: 'global',
    });
  });

  it.each([
    [
      'DetachGroupPolicy',
      { groupName: 'devs', policyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' },
      'detached policy `ReadOnlyAccess` from group `devs`',
    ],
    [
      'DeleteRolePolicy',
      { roleName: 'app', policyName: 'inline-1' },
      'deleted inline policy `inline-1` from role `app`',
    ],
    [
      'SetDefaultPolicyVersion',
      { policyArn: 'arn:aws:iam::123456789012:policy/p', versionId: 'v2' },
      'made version `v2` the default of policy `p`: what it allows changed',
    ],
    [
      'DeletePolicyVersion',
      { policyArn: 'arn:aws:iam::123456789012:policy/p', versionId: 'v1' },
      'deleted version `v1` of policy `p`',
    ],
  ])('when %s, then the summary reads as the change', (name, params, summary) => {
    expect(matched(iamPolicyChanged, record('iam-put-user-policy', as(name, params))).summary).toBe(summary);
  });

  it('when the record does not name the principal or the policy, then it still alerts and says what it could not read', () => {
    const m = matched(
      iamPolicyChanged,
      record('iam-attach-role-policy', (raw) => (raw['requestParameters'] = null)),
    );
    expect(m.summary).toBe('attached policy (not named in the record) to role the record does not name');
    expect(m.resource.id).toBe('unknown');
    expect(m.details).toEqual([
      expect.stringContaining('requestParameters.policyArn'),
      expect.stringContaining('requestParameters.roleName'),
    ]);
  });

  it('when the call failed, or is another IAM event, then nothing', () => {
    expect(run(iamPolicyChanged, record('iam-attach-role-policy', refused))).toBeNull();
    expect(run(iamPolicyChanged, record('iam-put-user-policy', as('CreateUser', { userName: 'x' })))).toBeNull();
  });
});

describe('kms_key_disabled_or_deleted (CIS 4.7)', () => {
  const key = {
    type: 'AwsKmsKey',
    id: '1234abcd-12ab-34cd-56ef-1234567890ab',
    arn: 'arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab',
    region: 'eu-west-1',
  };

  it('when a key is scheduled for deletion, then a high alert naming the window and the date', () => {
    const m = matched(kmsKeyDisabledOrDeleted, record('kms-schedulekeydeletion'));
    expect(m.summary).toBe(
      'scheduled KMS key `1234abcd-12ab-34cd-56ef-1234567890ab` for deletion in 7 days: once it is deleted, nothing encrypted under it can be decrypted',
    );
    expect(m.resource).toEqual(key);
    expect(m.details).toEqual([
      'Deletion date: May 13, 2024, 12:00:00 AM. CancelKeyDeletion before then keeps the key.',
    ]);
    expect(m.severity).toBeUndefined();
    expect(kmsKeyDisabledOrDeleted.severity).toBe('high');
  });

  it('when a key is disabled, then medium, with the ARN from the record’s resources', () => {
    const m = matched(kmsKeyDisabledOrDeleted, record('kms-disablekey'));
    expect(m.summary).toContain('disabled KMS key `1234abcd-12ab-34cd-56ef-1234567890ab`');
    expect(m.resource).toEqual(key);
    expect(m.severity).toBe('medium');
  });

  it('when the request names the key by ARN and nothing else does, then the id and region come from the ARN', () => {
    const r = record('kms-disablekey', (raw) => {
      delete raw['resources'];
      setAt(raw, 'requestParameters.keyId', 'arn:aws:kms:us-west-2:123456789012:key/mrk-1234');
    });
    expect(matched(kmsKeyDisabledOrDeleted, r).resource).toEqual({
      type: 'AwsKmsKey',
      id: 'mrk-1234',
      arn: 'arn:aws:kms:us-west-2:123456789012:key/mrk-1234',
      region: 'us-west-2',
    });
  });

  it('when the record names no key, then it still alerts and says so', () => {
    const m = matched(
      kmsKeyDisabledOrDeleted,
      record('kms-disablekey', (raw) => {
        raw['requestParameters'] = null;
        delete raw['resources'];
      }),
    );
    expect(m.summary).toContain('KMS key (not named in the record)');
    expect(m.resource).toMatchObject({ id: 'unknown', arn: null });
    expect(m.details).toEqual([expect.stringContaining('requestParameters.keyId')]);
  });
});

describe('s3_bucket_policy_changed (CIS 4.8)', () => {
  it('when a bucket policy is changed, then the bucket is the resource', () => {
    const m = matched(s3BucketPolicyChanged, record('s3-putbucketpolicy'));
    expect(m.summary).toBe('changed the bucket policy of bucket `finance-reports`');
    expect(m.resource).toEqual({
      type: 'AwsS3Bucket',
      id: 'finance-reports',
      arn: 'arn:aws:s3:::finance-reports',
      region: 'eu-west-1',
    });
  });

  it('when replication is pointed at another bucket, then the destination is in the details', () => {
    const m = matched(s3BucketPolicyChanged, record('s3-putbucketreplication'));
    expect(m.details).toEqual(['Objects are now copied to: arn:aws:s3:::exfil-target-bucket']);
  });

  it('when the bucket is not named, then it still alerts', () => {
    const m = matched(
      s3BucketPolicyChanged,
      record('s3-putbucketpolicy', (raw) => setAt(raw, 'requestParameters.bucketName', undefined)),
    );
    expect(m.resource).toMatchObject({ id: 'unknown', arn: null });
    expect(m.details).toEqual([expect.stringContaining('requestParameters.bucketName')]);
  });

  it('when a refused PutBucketPolicy arrives, then nothing', () => {
    expect(run(s3BucketPolicyChanged, record('s3-putbucketpolicy', refused))).toBeNull();
  });
});

describe('config_changed (CIS 4.9)', () => {
  it('when the recorder is stopped, then high, on the region’s recorder setting as the config checks name it', () => {
    const m = matched(configChanged, record('config-stopconfigurationrecorder'));
    expect(m.summary).toBe(
      'stopped AWS Config recorder `default` in eu-west-1: resource changes are no longer recorded',
    );
    expect(m.severity).toBe('high');
    expect(m.resource).toEqual({
      type: 'AwsAccount',
      id: '123456789012/eu-west-1/config-recorder',
      arn: null,
      region: 'eu-west-1',
    });
  });

  it('when the delivery channel is changed, then the new bucket is in the details', () => {
    const m = matched(configChanged, record('config-putdeliverychannel'));
    expect(m.resource.id).toBe('123456789012/eu-west-1/config-delivery-channel');
    expect(m.details).toEqual(['Configuration history now goes to bucket `config-history-archive`.']);
  });
});

describe('organizations_changed (CIS 4.15)', () => {
  it('when an account leaves its organization, then high, on that account', () => {
    const m = matched(organizationsChanged, record('organizations-leave'));
    expect(m.summary).toBe('took this account out of its organization: its guardrails no longer apply');
    expect(m.severity).toBe('high');
    expect(m.resource).toEqual({ type: 'AwsAccount', id: '123456789012', arn: null, region: 'global' });
  });

  it('when a policy is detached from an OU, then high and both are named', () => {
    const m = matched(organizationsChanged, record('organizations-detach-policy'));
    expect(m.summary).toBe('detached policy `p-examplepolicyid111` from target `ou-examplerootid111-exampleouid111`');
    expect(m.severity).toBe('high');
  });

  it('when an account is removed, then the removed account is the resource', () => {
    const m = matched(
      organizationsChanged,
      record('organizations-detach-policy', as('RemoveAccountFromOrganization', { accountId: '210987654321' })),
    );
    expect(m.resource.id).toBe('210987654321');
  });

  it('when an account is created, then medium and named', () => {
    const m = matched(organizationsChanged, record('organizations-create-account'));
    expect(m.summary).toBe('created account `sandbox-7` in the organization');
    expect(m.severity).toBeUndefined();
  });
});
