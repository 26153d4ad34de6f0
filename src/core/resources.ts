import type {
  AccountSnapshot,
  CredentialReportRow,
  EbsSnapshot,
  Instance,
  ResourceRef,
  S3Bucket,
  SecurityGroup,
  Trail,
} from './model';

/** Resource references in Security Hub's ASFF vocabulary, so both finding sources read alike. */

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
  g: Pick<SecurityGroup, 'groupId'>,
): ResourceRef => ({
  type: 'AwsEc2SecurityGroup',
  id: g.groupId,
  arn: `arn:${account.partition}:ec2:${region}:${account.accountId}:security-group/${g.groupId}`,
});

export const snapshotResource = (
  account: AccountRef,
  region: string,
  s: Pick<EbsSnapshot, 'snapshotId'>,
): ResourceRef => ({
  type: 'AwsEc2Snapshot',
  id: s.snapshotId,
  arn: `arn:${account.partition}:ec2:${region}::snapshot/${s.snapshotId}`,
});

export const instanceResource = (
  account: AccountRef,
  region: string,
  i: Pick<Instance, 'instanceId'>,
): ResourceRef => ({
  type: 'AwsEc2Instance',
  id: i.instanceId,
  arn: `arn:${account.partition}:ec2:${region}:${account.accountId}:instance/${i.instanceId}`,
});

/** A region-wide setting (EBS default encryption, Security Hub subscription) as a resource. */
export const regionSettingResource = (account: AccountRef, region: string, setting: string): ResourceRef => ({
  type: 'AwsAccount',
  id: `${account.accountId}/${region}/${setting}`,
  arn: null,
});
