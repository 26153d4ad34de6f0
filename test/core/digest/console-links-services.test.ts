/**
 * Console links for the resources and region-wide settings the issue 12 checks report (VPCs,
 * network ACLs, AMIs, RDS, EFS, EKS, GuardDuty, AWS Config, IAM Access Analyzer). The older
 * resource types are in console-links.test.ts.
 */
import { consoleUrl, type LinkTarget } from '../../../src/core/digest/console-links';

const ACCOUNT = '111111111111';
const R = 'eu-west-1';
const target = (over: Partial<LinkTarget>): LinkTarget => ({
  resourceType: 'AwsAccount',
  resourceId: ACCOUNT,
  resourceArn: null,
  region: R,
  accountId: ACCOUNT,
  checkId: 'x',
  source: 'cloudsec',
  ...over,
});
const HOST = 'https://console.aws.amazon.com';
const setting = (name: string, checkId = 'x') =>
  target({ resourceId: `${ACCOUNT}/${R}/${name}`, checkId, resourceType: 'AwsAccount' });

describe('consoleUrl for the issue 12 services', () => {
  it.each<[string, Partial<LinkTarget>, string]>([
    ['a VPC', { resourceType: 'AwsEc2Vpc', resourceId: 'vpc-0a1b' }, `/vpc/home?region=${R}#VpcDetails:VpcId=vpc-0a1b`],
    [
      'a network ACL',
      { resourceType: 'AwsEc2NetworkAcl', resourceId: 'acl-0c2d' },
      `/vpc/home?region=${R}#NetworkAclDetails:networkAclId=acl-0c2d`,
    ],
    [
      'an AMI',
      { resourceType: 'AwsEc2Image', resourceId: 'ami-0e3f' },
      `/ec2/home?region=${R}#ImageDetails:imageId=ami-0e3f`,
    ],
    [
      'an RDS DB instance',
      { resourceType: 'AwsRdsDbInstance', resourceId: 'orders-db' },
      `/rds/home?region=${R}#database:id=orders-db;is-cluster=false`,
    ],
    [
      'an RDS DB snapshot',
      { resourceType: 'AwsRdsDbSnapshot', resourceId: 'orders-db-before-upgrade' },
      `/rds/home?region=${R}#db-snapshot:id=orders-db-before-upgrade`,
    ],
    [
      'an EFS file system',
      { resourceType: 'AwsEfsFileSystem', resourceId: 'fs-0123456789abcdef0' },
      `/efs/home?region=${R}#/file-systems/fs-0123456789abcdef0`,
    ],
    [
      'an EKS cluster (by name)',
      { resourceType: 'AwsEksCluster', resourceId: 'platform' },
      `/eks/home?region=${R}#/clusters/platform`,
    ],
  ])('when the finding is about %s, then the link opens its page in its region', (_what, over, path) => {
    expect(consoleUrl(target(over), 'aws')).toBe(HOST + path);
  });

  it.each<[string, string]>([
    ['guardduty', `/guardduty/home?region=${R}#/summary`],
    ['config-recorder', `/config/home?region=${R}#/settings`],
    ['config-delivery-channel', `/config/home?region=${R}#/settings`],
    ['access-analyzer', `/access-analyzer/home?region=${R}#/analyzers`],
    ['access-analyzer-findings', `/access-analyzer/home?region=${R}#/findings`],
    ['vpcs', `/vpc/home?region=${R}#vpcs:`],
    ['network-acls', `/vpc/home?region=${R}#acls:`],
    ['images', `/ec2/home?region=${R}#Images:`],
    ['rds-instances', `/rds/home?region=${R}#databases:`],
    ['rds-snapshots', `/rds/home?region=${R}#snapshots-list:`],
    ['efs-file-systems', `/efs/home?region=${R}#/file-systems`],
    ['eks-clusters', `/eks/home?region=${R}#/clusters`],
  ])('when a region-wide %s result fails, then the link opens its console page in that region', (name, path) => {
    expect(consoleUrl(setting(name), 'aws')).toBe(HOST + path);
  });

  it("when an IAM Access Analyzer finding names a shared bucket, then the link opens the analyzer's findings, not a bucket page built from the finding id", () => {
    const finding = target({
      checkId: 'accessanalyzer_external_access_resolved',
      resourceType: 'AwsS3Bucket',
      resourceId: 'arn:aws:s3:::shared-reports#b7e1c2d3-0000-4000-8000-000000000001',
      resourceArn: 'arn:aws:s3:::shared-reports',
    });
    expect(consoleUrl(finding, 'aws')).toBe(`${HOST}/access-analyzer/home?region=${R}#/findings`);
  });

  it('when a regional resource has no region, or has no known console page, then there is no link', () => {
    expect(
      consoleUrl(target({ resourceType: 'AwsRdsDbInstance', resourceId: 'orders-db', region: 'global' }), 'aws'),
    ).toBeNull();
    expect(
      consoleUrl(
        target({ resourceType: 'AwsIamServerCertificate', resourceId: 'legacy-cert', region: 'global' }),
        'aws',
      ),
    ).toBeNull();
    expect(
      consoleUrl(target({ resourceType: 'AwsRdsDbClusterSnapshot', resourceId: 'orders-cluster-final' }), 'aws'),
    ).toBeNull();
    // AWS Config's account-wide result (global resource types) has no region to open.
    expect(consoleUrl(target({ resourceId: `${ACCOUNT}/global/config-global-resources` }), 'aws')).toBeNull();
  });

  it('when an id holds characters a URL fragment cannot carry, then they are encoded', () => {
    expect(consoleUrl(target({ resourceType: 'AwsEksCluster', resourceId: 'a b#c' }), 'aws')).toBe(
      `${HOST}/eks/home?region=${R}#/clusters/a%20b%23c`,
    );
  });
});
