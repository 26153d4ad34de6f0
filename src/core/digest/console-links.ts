import { GLOBAL_REGION } from '../model';
import type { DigestItem } from './model';

/**
 * Links from a digest line to the resource in the AWS console. Every link goes through the
 * partition's console host with `?region=` for regional pages, which the console redirects to its
 * regional host; IAM is global and takes no region. Shapes as of 2025:
 *   S3 bucket        /s3/buckets/<name>?region=<r>
 *   S3 account BPA   /s3/settings
 *   IAM              /iam/home#/users/details/<name>, #/roles/details/<name>, #/groups/details/<name>,
 *                    #/policies/details/<url-encoded arn>, #/account_settings (password policy),
 *                    #/security_credentials (the root user's own credentials)
 *   CloudTrail       /cloudtrail/home?region=<home region>#/trails/<arn>
 *   EC2              /ec2/home?region=<r>#SecurityGroup:groupId=…, #SnapshotDetails:snapshotId=…,
 *                    #InstanceDetails:instanceId=…, #Settings:tab=ebsEncryption
 *                    #ImageDetails:imageId=…
 *   VPC              /vpc/home?region=<r>#VpcDetails:VpcId=…, #NetworkAclDetails:networkAclId=…
 *   RDS              /rds/home?region=<r>#database:id=<id>;is-cluster=false, #db-snapshot:id=<id>
 *   EFS              /efs/home?region=<r>#/file-systems/<id>
 *   EKS              /eks/home?region=<r>#/clusters/<name>
 *   GuardDuty        /guardduty/home?region=<r>#/summary
 *   AWS Config       /config/home?region=<r>#/settings (recorder and delivery channel)
 *   Access Analyzer  /access-analyzer/home?region=<r>#/analyzers, #/findings
 *   Security Hub     /securityhub/home?region=<r>#/findings?search=<filters>, each filter
 *                    `Field=\operator\:EQUALS\:value` URL-encoded twice, filters joined by `&` (%26)
 * No page is linked where none is known to exist: IAM server certificates (the IAM console does not
 * list them) and RDS DB cluster snapshots.
 */

export type LinkTarget = Pick<
  DigestItem,
  'resourceType' | 'resourceId' | 'resourceArn' | 'region' | 'accountId' | 'checkId' | 'source'
> & {
  /** Security Hub's own finding id (its ARN), when known: the link then opens exactly that finding. */
  securityHubId?: string;
};

const CONSOLE_HOSTS: Readonly<Record<string, string>> = {
  aws: 'console.aws.amazon.com',
  'aws-us-gov': 'console.amazonaws-us-gov.com',
  'aws-cn': 'console.amazonaws.cn',
};

const enc = encodeURIComponent;

const isRegion = (region: string) => region !== GLOBAL_REGION && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(region);

/** The part after the last `/` of an ARN's resource (names carry no `/`; paths do). */
const nameFromArn = (arn: string | null): string | null => {
  if (!arn) return null;
  const resource = arn.split(':').slice(5).join(':');
  const name = resource.slice(resource.lastIndexOf('/') + 1);
  return name === '' ? null : name;
};

const securityHubSearch = (filters: readonly (readonly [string, string])[]) =>
  filters.map(([field, value]) => `${field}%3D${enc(enc(`\\operator\\:EQUALS\\:${value}`))}`).join('%26');

const SECURITY_HUB_CONTROL = /^securityhub:([A-Za-z][A-Za-z0-9]*\.\d+)$/;

const securityHubUrl = (base: string, item: LinkTarget): string | null => {
  if (!isRegion(item.region)) return null;
  const page = `${base}/securityhub/home?region=${item.region}#/findings?search=`;
  if (item.securityHubId) return page + securityHubSearch([['Id', item.securityHubId]]);
  // Without Security Hub's id, the finding is still one resource under one control or generator.
  const control = SECURITY_HUB_CONTROL.exec(item.checkId)?.[1];
  const generator = item.checkId.replace(/^securityhub:/, '');
  return (
    page +
    securityHubSearch([
      ['AwsAccountId', item.accountId],
      ['ResourceId', item.resourceId],
      control ? ['ComplianceSecurityControlId', control] : ['GeneratorId', generator],
    ])
  );
};

const IAM_SECTIONS: Readonly<Record<string, string>> = { user: 'users', role: 'roles', group: 'groups' };

const iamPage = (section: 'users' | 'roles' | 'groups', name: string) => `/iam/home#/${section}/details/${enc(name)}`;

/** Account-wide settings and region-wide settings (`<account>/<region>/<setting>`) by what failed. */
const accountSettingPath = (item: LinkTarget): string | null => {
  const regionSetting = /^\d{12}\/([^/]+)\/([^/]+)$/.exec(item.resourceId);
  if (regionSetting) {
    const [, region = '', setting] = regionSetting;
    if (!isRegion(region)) return null;
    const ec2 = `/ec2/home?region=${region}#`;
    switch (setting) {
      case 'ebs-default-encryption':
        return `${ec2}Settings:tab=ebsEncryption`;
      case 'security-groups':
        return `${ec2}SecurityGroups:`;
      case 'ebs-snapshots':
        return `${ec2}Snapshots:`;
      case 'instances':
        return `${ec2}Instances:`;
      case 'securityhub':
        return `/securityhub/home?region=${region}`;
      case 'vpcs':
        return `/vpc/home?region=${region}#vpcs:`;
      case 'network-acls':
        return `/vpc/home?region=${region}#acls:`;
      case 'images':
        return `${ec2}Images:`;
      case 'rds-instances':
        return `/rds/home?region=${region}#databases:`;
      case 'rds-snapshots':
      case 'rds-cluster-snapshots':
        return `/rds/home?region=${region}#snapshots-list:`;
      case 'efs-file-systems':
        return `/efs/home?region=${region}#/file-systems`;
      case 'eks-clusters':
        return `/eks/home?region=${region}#/clusters`;
      case 'guardduty':
        return `/guardduty/home?region=${region}#/summary`;
      case 'config-recorder':
      case 'config-delivery-channel':
        return `/config/home?region=${region}#/settings`;
      case 'access-analyzer':
        return `/access-analyzer/home?region=${region}#/analyzers`;
      case 'access-analyzer-findings':
        return `/access-analyzer/home?region=${region}#/findings`;
      default:
        return null;
    }
  }
  if (item.checkId.startsWith('iam_password_policy_')) return '/iam/home#/account_settings';
  if (item.checkId.startsWith('iam_root_')) return '/iam/home#/security_credentials';
  if (item.checkId === 's3_account_public_access_blocked') return '/s3/settings';
  if (item.checkId.startsWith('cloudtrail_')) return '/cloudtrail/home#/trails';
  return null;
};

/**
 * An IAM Access Analyzer finding names the shared resource (`<resource arn>#<finding id>`, whatever
 * its type), but what to review is the finding: the analyzer's findings in its region.
 */
const ACCESS_ANALYZER_FINDINGS = 'accessanalyzer_external_access_resolved';

const resourcePath = (item: LinkTarget): string | null => {
  const regional = isRegion(item.region);
  const id = item.resourceId;
  if (item.checkId === ACCESS_ANALYZER_FINDINGS && item.resourceType !== 'AwsAccount')
    return regional ? `/access-analyzer/home?region=${item.region}#/findings` : null;
  switch (item.resourceType) {
    case 'AwsS3Bucket':
      return `/s3/buckets/${enc(id)}` + (regional ? `?region=${item.region}` : '');
    case 'AwsIamUser':
      // The credential report names the root user so; its page is "my security credentials".
      return id === '<root_account>' ? '/iam/home#/security_credentials' : iamPage('users', id);
    case 'AwsIamAccessKey': {
      // Keys are named `<user>:access_key_<n>`; the key lives on its user's credentials tab.
      const user = nameFromArn(item.resourceArn) ?? id.replace(/:access_key_\d+$/, '');
      return `${iamPage('users', user)}?section=security_credentials`;
    }
    case 'AwsIamRole':
      return iamPage('roles', nameFromArn(item.resourceArn) ?? id);
    case 'AwsIamGroup':
      return iamPage('groups', nameFromArn(item.resourceArn) ?? id);
    case 'AwsIamPolicy': {
      if (item.resourceArn && /^arn:[^:]+:iam::[^:]*:policy\//.test(item.resourceArn))
        return `/iam/home#/policies/details/${enc(item.resourceArn)}`;
      // An inline policy (`<user|role|group>/<principal>/<policy>`) is edited on its principal's page.
      const [kind = '', principal] = id.split('/');
      const section = IAM_SECTIONS[kind];
      return section && principal ? `/iam/home#/${section}/details/${enc(principal)}` : null;
    }
    case 'AwsCloudTrailTrail':
      if (!regional) return '/cloudtrail/home#/trails';
      return `/cloudtrail/home?region=${item.region}#/trails` + (item.resourceArn ? `/${item.resourceArn}` : '');
    case 'AwsEc2SecurityGroup':
      return regional ? `/ec2/home?region=${item.region}#SecurityGroup:groupId=${enc(id)}` : null;
    case 'AwsEc2Snapshot':
      return regional ? `/ec2/home?region=${item.region}#SnapshotDetails:snapshotId=${enc(id)}` : null;
    case 'AwsEc2Instance':
      return regional ? `/ec2/home?region=${item.region}#InstanceDetails:instanceId=${enc(id)}` : null;
    case 'AwsEc2Image':
      return regional ? `/ec2/home?region=${item.region}#ImageDetails:imageId=${enc(id)}` : null;
    case 'AwsEc2Vpc':
      return regional ? `/vpc/home?region=${item.region}#VpcDetails:VpcId=${enc(id)}` : null;
    case 'AwsEc2NetworkAcl':
      return regional ? `/vpc/home?region=${item.region}#NetworkAclDetails:networkAclId=${enc(id)}` : null;
    case 'AwsRdsDbInstance':
      return regional ? `/rds/home?region=${item.region}#database:id=${enc(id)};is-cluster=false` : null;
    case 'AwsRdsDbSnapshot':
      return regional ? `/rds/home?region=${item.region}#db-snapshot:id=${enc(id)}` : null;
    case 'AwsEfsFileSystem':
      return regional ? `/efs/home?region=${item.region}#/file-systems/${enc(id)}` : null;
    case 'AwsEksCluster':
      return regional ? `/eks/home?region=${item.region}#/clusters/${enc(id)}` : null;
    case 'AwsAccount':
      return accountSettingPath(item);
    default:
      return null;
  }
};

/**
 * A console link for a digest line, or null when there is no page that would help (an unknown
 * partition such as an isolated region, a resource type without a page, a regional resource
 * without a region).
 */
export const consoleUrl = (item: LinkTarget, partition: string): string | null => {
  const host = CONSOLE_HOSTS[partition];
  if (!host) return null;
  const base = `https://${host}`;
  try {
    if (item.source === 'securityhub') return securityHubUrl(base, item);
    const path = resourcePath(item);
    return path === null ? null : base + path;
  } catch {
    // encodeURIComponent throws on a lone surrogate: such a name gets no link rather than no digest.
    return null;
  }
};
