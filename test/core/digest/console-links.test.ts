import { consoleUrl, type LinkTarget } from '../../../src/core/digest/console-links';

const ACCOUNT = '111111111111';
const target = (over: Partial<LinkTarget>): LinkTarget => ({
  resourceType: 'AwsAccount',
  resourceId: ACCOUNT,
  resourceArn: null,
  region: 'global',
  accountId: ACCOUNT,
  checkId: 'x',
  source: 'cloudsec',
  ...over,
});

const HUB_ID = `arn:aws:securityhub:eu-west-1:${ACCOUNT}:security-control/S3.8/finding/0f0e-0d0c`;

describe('consoleUrl', () => {
  it.each<[string, Partial<LinkTarget>, string | null]>([
    [
      'an S3 bucket',
      {
        resourceType: 'AwsS3Bucket',
        resourceId: 'app-data',
        resourceArn: 'arn:aws:s3:::app-data',
        region: 'eu-west-1',
      },
      'https://console.aws.amazon.com/s3/buckets/app-data?region=eu-west-1',
    ],
    [
      'an IAM user',
      { resourceType: 'AwsIamUser', resourceId: 'alice', resourceArn: `arn:aws:iam::${ACCOUNT}:user/alice` },
      'https://console.aws.amazon.com/iam/home#/users/details/alice',
    ],
    [
      'the root user from the credential report',
      { resourceType: 'AwsIamUser', resourceId: '<root_account>', resourceArn: `arn:aws:iam::${ACCOUNT}:root` },
      'https://console.aws.amazon.com/iam/home#/security_credentials',
    ],
    [
      'an access key (its user’s credentials tab, the user taken from the ARN even under a path)',
      {
        resourceType: 'AwsIamAccessKey',
        resourceId: 'deploy:access_key_2',
        resourceArn: `arn:aws:iam::${ACCOUNT}:user/ci/deploy`,
      },
      'https://console.aws.amazon.com/iam/home#/users/details/deploy?section=security_credentials',
    ],
    [
      'an IAM role',
      { resourceType: 'AwsIamRole', resourceId: 'admin', resourceArn: `arn:aws:iam::${ACCOUNT}:role/ops/admin` },
      'https://console.aws.amazon.com/iam/home#/roles/details/admin',
    ],
    [
      'a customer-managed policy (its ARN encoded)',
      {
        resourceType: 'AwsIamPolicy',
        resourceId: 'everything',
        resourceArn: `arn:aws:iam::${ACCOUNT}:policy/everything`,
      },
      `https://console.aws.amazon.com/iam/home#/policies/details/arn%3Aaws%3Aiam%3A%3A${ACCOUNT}%3Apolicy%2Feverything`,
    ],
    [
      'an inline policy of a role (the role’s page)',
      {
        resourceType: 'AwsIamPolicy',
        resourceId: 'role/deploy/admin-inline',
        resourceArn: `arn:aws:iam::${ACCOUNT}:role/deploy`,
      },
      'https://console.aws.amazon.com/iam/home#/roles/details/deploy',
    ],
    [
      'the password policy',
      { checkId: 'iam_password_policy_min_length' },
      'https://console.aws.amazon.com/iam/home#/account_settings',
    ],
    ['root MFA', { checkId: 'iam_root_mfa_enabled' }, 'https://console.aws.amazon.com/iam/home#/security_credentials'],
    [
      'account-wide S3 Block Public Access',
      { checkId: 's3_account_public_access_blocked' },
      'https://console.aws.amazon.com/s3/settings',
    ],
    [
      'a CloudTrail trail in its home region',
      {
        resourceType: 'AwsCloudTrailTrail',
        resourceId: 'org-trail',
        resourceArn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`,
        region: 'us-east-1',
        checkId: 'cloudtrail_log_file_validation',
      },
      `https://console.aws.amazon.com/cloudtrail/home?region=us-east-1#/trails/arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/org-trail`,
    ],
    [
      'an account without a multi-region trail (the trails list)',
      { checkId: 'cloudtrail_multi_region_logging' },
      'https://console.aws.amazon.com/cloudtrail/home#/trails',
    ],
    [
      'a security group',
      { resourceType: 'AwsEc2SecurityGroup', resourceId: 'sg-0web', region: 'eu-central-1' },
      'https://console.aws.amazon.com/ec2/home?region=eu-central-1#SecurityGroup:groupId=sg-0web',
    ],
    [
      'a public EBS snapshot',
      { resourceType: 'AwsEc2Snapshot', resourceId: 'snap-0abc', region: 'ap-southeast-2' },
      'https://console.aws.amazon.com/ec2/home?region=ap-southeast-2#SnapshotDetails:snapshotId=snap-0abc',
    ],
    [
      'an instance',
      { resourceType: 'AwsEc2Instance', resourceId: 'i-0abc123', region: 'us-west-2' },
      'https://console.aws.amazon.com/ec2/home?region=us-west-2#InstanceDetails:instanceId=i-0abc123',
    ],
    [
      'EBS default encryption of a region',
      { resourceId: `${ACCOUNT}/eu-west-1/ebs-default-encryption`, checkId: 'ec2_ebs_default_encryption' },
      'https://console.aws.amazon.com/ec2/home?region=eu-west-1#Settings:tab=ebsEncryption',
    ],
    [
      'Security Hub not enabled in a region',
      { resourceId: `${ACCOUNT}/eu-west-1/securityhub`, checkId: 'securityhub_hub_enabled' },
      'https://console.aws.amazon.com/securityhub/home?region=eu-west-1',
    ],
    [
      'a Security Hub finding with its id (double-encoded Id filter)',
      {
        source: 'securityhub',
        checkId: 'securityhub:S3.8',
        resourceType: 'AwsS3Bucket',
        resourceId: 'arn:aws:s3:::legacy',
        region: 'eu-west-1',
        securityHubId: HUB_ID,
      },
      'https://console.aws.amazon.com/securityhub/home?region=eu-west-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A' +
        `arn%253Aaws%253Asecurityhub%253Aeu-west-1%253A${ACCOUNT}%253Asecurity-control%252FS3.8%252Ffinding%252F0f0e-0d0c`,
    ],
    [
      'a Security Hub finding without its id (account, resource and control)',
      {
        source: 'securityhub',
        checkId: 'securityhub:S3.8',
        resourceType: 'AwsS3Bucket',
        resourceId: 'arn:aws:s3:::legacy',
        region: 'eu-west-1',
      },
      'https://console.aws.amazon.com/securityhub/home?region=eu-west-1#/findings?search=' +
        `AwsAccountId%3D%255Coperator%255C%253AEQUALS%255C%253A${ACCOUNT}` +
        '%26ResourceId%3D%255Coperator%255C%253AEQUALS%255C%253Aarn%253Aaws%253As3%253A%253A%253Alegacy' +
        '%26ComplianceSecurityControlId%3D%255Coperator%255C%253AEQUALS%255C%253AS3.8',
    ],
    [
      'a Security Hub finding of a product without a control (generator id)',
      {
        source: 'securityhub',
        checkId: 'securityhub:aws-guardduty/Recon',
        resourceType: 'AwsEc2Instance',
        resourceId: 'i-1',
        region: 'eu-west-1',
      },
      'https://console.aws.amazon.com/securityhub/home?region=eu-west-1#/findings?search=' +
        `AwsAccountId%3D%255Coperator%255C%253AEQUALS%255C%253A${ACCOUNT}` +
        '%26ResourceId%3D%255Coperator%255C%253AEQUALS%255C%253Ai-1' +
        '%26GeneratorId%3D%255Coperator%255C%253AEQUALS%255C%253Aaws-guardduty%252FRecon',
    ],
    ['a resource type without a console page', { resourceType: 'AwsLambdaFunction', resourceId: 'fn' }, null],
    ['an account-level check without a settings page', { checkId: 'iam_user_no_direct_policies' }, null],
    ['a regional resource without a region', { resourceType: 'AwsEc2Instance', resourceId: 'i-1' }, null],
  ])('when the finding is about %s, then it links to that page (or to none)', (_case, over, expected) => {
    expect(consoleUrl(target(over), 'aws')).toBe(expected);
  });

  it.each([
    ['aws-us-gov', 'us-gov-west-1', 'https://console.amazonaws-us-gov.com'],
    ['aws-cn', 'cn-north-1', 'https://console.amazonaws.cn'],
  ])('when the account is in %s, then links use that partition’s console host', (partition, region, host) => {
    expect(consoleUrl(target({ resourceType: 'AwsEc2SecurityGroup', resourceId: 'sg-1', region }), partition)).toBe(
      `${host}/ec2/home?region=${region}#SecurityGroup:groupId=sg-1`,
    );
    expect(consoleUrl(target({ resourceType: 'AwsIamUser', resourceId: 'bob' }), partition)).toBe(
      `${host}/iam/home#/users/details/bob`,
    );
    expect(
      consoleUrl(target({ source: 'securityhub', checkId: 'securityhub:S3.8', region, securityHubId: 'x' }), partition),
    ).toMatch(new RegExp(`^${host.replace(/\./g, '\\.')}/securityhub/home\\?region=${region}#/findings`));
  });

  it('when the partition has no public console (isolated regions), then there is no link', () => {
    expect(consoleUrl(target({ resourceType: 'AwsIamUser', resourceId: 'bob' }), 'aws-iso')).toBeNull();
  });

  it('when a name carries characters that would break a Slack link, then they are encoded', () => {
    const url = consoleUrl(target({ resourceType: 'AwsIamUser', resourceId: 'a|b>c' }), 'aws');

    expect(url).toBe('https://console.aws.amazon.com/iam/home#/users/details/a%7Cb%3Ec');
  });
});
