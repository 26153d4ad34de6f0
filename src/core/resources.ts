import type {
  AccountSnapshot,
  Ami,
  CredentialReportRow,
  EbsSnapshot,
  Ec2Vpc,
  Instance,
  NetworkAcl,
  ResourceRef,
  ResourceTags,
  S3Bucket,
  SecurityGroup,
  Trail,
} from './model';

/**
 * Resource references in Security Hub's ASFF vocabulary, so both finding sources read alike. The
 * EC2 and RDS resources (and only they, for now) carry their tags when the collector read them.
 */

/**
 * `ref` with the resource's tags when its collector read them. Unknown tags (undefined) leave
 * `tags` out of the reference altogether, which is what "not known" means on a finding; known ones
 * are copied, so a finding never shares an object with the snapshot it came from.
 */
export const withTags = (ref: ResourceRef, tags: ResourceTags | undefined): ResourceRef =>
  tags === undefined ? ref : { ...ref, tags: { ...tags } };

export const accountResource = (account: Pick<AccountSnapshot, 'accountId'>): ResourceRef => ({
  type: 'AwsAccount',
  id: account.accountId,
  arn: null,
});

export const iamUserResource = (row: Pick<CredentialReportRow, 'user' | 'arn'>): ResourceRef => ({
  type: 'AwsIamUser',
  id: row.user,
  arn: row.arn,
});

export const iamPolicyResource = (p: { name: string; arn: string }): ResourceRef => ({
  type: 'AwsIamPolicy',
  id: p.name,
  arn: p.arn,
});

export const bucketResource = (b: Pick<S3Bucket, 'name' | 'arn'>): ResourceRef => ({
  type: 'AwsS3Bucket',
  id: b.name,
  arn: b.arn,
});

export const trailResource = (t: Pick<Trail, 'name' | 'arn'>): ResourceRef => ({
  type: 'AwsCloudTrailTrail',
  id: t.name,
  arn: t.arn,
});

type AccountRef = Pick<AccountSnapshot, 'accountId' | 'partition'>;

export const securityGroupResource = (
  account: AccountRef,
  region: string,
  g: Pick<SecurityGroup, 'groupId' | 'tags'>,
): ResourceRef =>
  withTags(
    {
      type: 'AwsEc2SecurityGroup',
      id: g.groupId,
      arn: `arn:${account.partition}:ec2:${region}:${account.accountId}:security-group/${g.groupId}`,
    },
    g.tags,
  );

export const snapshotResource = (
  account: AccountRef,
  region: string,
  s: Pick<EbsSnapshot, 'snapshotId' | 'tags'>,
): ResourceRef =>
  withTags(
    {
      type: 'AwsEc2Snapshot',
      id: s.snapshotId,
      arn: `arn:${account.partition}:ec2:${region}::snapshot/${s.snapshotId}`,
    },
    s.tags,
  );

export const instanceResource = (
  account: AccountRef,
  region: string,
  i: Pick<Instance, 'instanceId' | 'tags'>,
): ResourceRef =>
  withTags(
    {
      type: 'AwsEc2Instance',
      id: i.instanceId,
      arn: `arn:${account.partition}:ec2:${region}:${account.accountId}:instance/${i.instanceId}`,
    },
    i.tags,
  );

export const vpcResource = (account: AccountRef, region: string, v: Pick<Ec2Vpc, 'vpcId' | 'tags'>): ResourceRef =>
  withTags(
    {
      type: 'AwsEc2Vpc',
      id: v.vpcId,
      arn: `arn:${account.partition}:ec2:${region}:${account.accountId}:vpc/${v.vpcId}`,
    },
    v.tags,
  );

export const networkAclResource = (
  account: AccountRef,
  region: string,
  acl: Pick<NetworkAcl, 'networkAclId' | 'tags'>,
): ResourceRef =>
  withTags(
    {
      type: 'AwsEc2NetworkAcl',
      id: acl.networkAclId,
      arn: `arn:${account.partition}:ec2:${region}:${account.accountId}:network-acl/${acl.networkAclId}`,
    },
    acl.tags,
  );

/** AMI ARNs name no account: an image id is unique in its region. */
export const imageResource = (
  account: Pick<AccountSnapshot, 'partition'>,
  region: string,
  i: Pick<Ami, 'imageId' | 'tags'>,
): ResourceRef =>
  withTags(
    { type: 'AwsEc2Image', id: i.imageId, arn: `arn:${account.partition}:ec2:${region}::image/${i.imageId}` },
    i.tags,
  );

/** A region-wide setting (EBS default encryption, Security Hub subscription) as a resource. */
export const regionSettingResource = (account: AccountRef, region: string, setting: string): ResourceRef => ({
  type: 'AwsAccount',
  id: `${account.accountId}/${region}/${setting}`,
  arn: null,
});
