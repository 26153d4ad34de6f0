import { defineCheck, fail, pass, unknownFrom, type CheckResult } from '../define';
import { regionSettingResource } from '../../resources';
import type { AccessAnalyzerFinding, AccessAnalyzerRegion, AccountSnapshot, ResourceRef } from '../../model';

/** Access Analyzer's resource types in the ASFF vocabulary the other findings use. */
const ASFF_TYPE: Record<string, string> = {
  'AWS::S3::Bucket': 'AwsS3Bucket',
  'AWS::S3Express::DirectoryBucket': 'AwsS3Bucket',
  'AWS::IAM::Role': 'AwsIamRole',
  'AWS::IAM::User': 'AwsIamUser',
  'AWS::SQS::Queue': 'AwsSqsQueue',
  'AWS::SNS::Topic': 'AwsSnsTopic',
  'AWS::Lambda::Function': 'AwsLambdaFunction',
  'AWS::Lambda::LayerVersion': 'AwsLambdaLayerVersion',
  'AWS::KMS::Key': 'AwsKmsKey',
  'AWS::SecretsManager::Secret': 'AwsSecretsManagerSecret',
  'AWS::EFS::FileSystem': 'AwsEfsFileSystem',
  'AWS::EC2::Snapshot': 'AwsEc2Snapshot',
  'AWS::ECR::Repository': 'AwsEcrRepository',
  'AWS::RDS::DBSnapshot': 'AwsRdsDbSnapshot',
  'AWS::RDS::DBClusterSnapshot': 'AwsRdsDbClusterSnapshot',
  'AWS::DynamoDB::Table': 'AwsDynamoDbTable',
  'AWS::DynamoDB::Stream': 'AwsDynamoDbStream',
};

/** "S3 bucket", "IAM role", … from `AWS::S3::Bucket`, for messages. */
const typeLabel = (resourceType: string): string => {
  const [, service = '', kind = ''] = resourceType.split('::');
  return `${service} ${kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()}`.trim();
};

/**
 * One resource can be shared with several principals, each its own Access Analyzer finding: the
 * finding id is part of the resource id, so each is reported (and tracked across scans) on its own.
 */
const findingResource = (f: AccessAnalyzerFinding): ResourceRef => ({
  type: ASFF_TYPE[f.resourceType] ?? 'Other',
  id: `${f.resource ?? f.resourceType}#${f.id}`,
  arn: f.resource?.startsWith('arn:') ? f.resource : null,
});

/** `{ AWS: '999999999999' }` → "AWS 999999999999"; a public grant reads "anyone". */
const whoText = (f: AccessAnalyzerFinding): string => {
  const entries = Object.entries(f.principal);
  if (f.isPublic === true && (entries.length === 0 || entries.some(([, v]) => v === '*'))) return 'anyone';
  return entries.length > 0 ? entries.map(([k, v]) => `${k} ${v}`).join(', ') : 'a principal outside the zone of trust';
};

const MAX_ACTIONS_SHOWN = 5;
const actionsText = (actions: readonly string[]): string =>
  actions.length === 0
    ? 'access Access Analyzer did not list'
    : actions.length <= MAX_ACTIONS_SHOWN
      ? actions.join(', ')
      : `${actions.slice(0, MAX_ACTIONS_SHOWN).join(', ')} and ${actions.length - MAX_ACTIONS_SHOWN} more actions`;

const conditionText = (condition: Record<string, string>): string => {
  const entries = Object.entries(condition);
  return entries.length > 0 ? ` when ${entries.map(([k, v]) => `${k} = ${v}`).join(' and ')}` : '';
};

/** `shared-reports` from `arn:aws:s3:::shared-reports`, `deploy` from `…:role/deploy`; other names as given. */
const shortName = (resource: string): string => {
  if (!resource.startsWith('arn:')) return resource;
  const rest = resource.split(':').slice(5).join(':');
  return rest.slice(rest.lastIndexOf('/') + 1) || resource;
};

const judgeFinding = (f: AccessAnalyzerFinding, region: string): CheckResult => {
  const what = f.resource
    ? `${typeLabel(f.resourceType)} ${shortName(f.resource)}`
    : `A resource of type ${f.resourceType}`;
  const grant = `${actionsText(f.actions)}${conditionText(f.condition)}`;
  const message =
    f.isPublic === true
      ? `${what} is public: ${whoText(f)} can use ${grant}`
      : f.isPublic === null
        ? `${what} is reachable by ${whoText(f)} via ${grant}; Access Analyzer did not say whether it is public, so it is reported as if it were`
        : `${what} is reachable by ${whoText(f)} from outside the zone of trust via ${grant}`;
  const result = fail(findingResource(f), region, `${message} (IAM Access Analyzer finding ${f.id}).`, {
    findingId: f.id,
    analyzerArn: f.analyzerArn,
    resource: f.resource,
    resourceType: f.resourceType,
    isPublic: f.isPublic,
    principal: f.principal,
    actions: f.actions,
    condition: f.condition,
    updatedAt: f.updatedAt,
    ...(f.error ? { analysisError: f.error } : {}),
  });
  // Public (or possibly public) access is the worst case: anyone on the internet.
  return f.isPublic === false ? result : { ...result, severity: 'critical' };
};

const judgeRegion = (account: AccountSnapshot, region: string, aa: AccessAnalyzerRegion): CheckResult[] => {
  const resource = regionSettingResource(account, region, 'access-analyzer-findings');
  if (!aa.findings.ok) return [unknownFrom(resource, region, aa.findings.error)];
  const findings = aa.findings.value;
  if (findings === null) {
    return [
      {
        status: 'unknown',
        resource,
        region,
        message: `Could not check: there is no active external-access analyzer in ${region}, so IAM Access Analyzer reports nothing there (see accessanalyzer_analyzer_enabled).`,
        evidence: { analyzer: null },
      },
    ];
  }
  if (findings.active.length === 0) {
    return [
      pass(
        resource,
        region,
        `IAM Access Analyzer reports no active external access to this account's resources in ${region}.`,
        {
          activeFindings: 0,
        },
      ),
    ];
  }
  const results = findings.active.map((f) => judgeFinding(f, region));
  if (!findings.truncated) return results;
  // The findings listed still fail; the note says the list is not the whole story.
  return [
    ...results,
    {
      status: 'unknown',
      resource,
      region,
      message: `Could not check every finding: IAM Access Analyzer has more than ${findings.active.length} active external-access findings in ${region}, and cloudsec lists only the first ${findings.active.length}; see the rest in the IAM console.`,
      evidence: { listed: findings.active.length, truncated: true },
    },
  ];
};

export default defineCheck({
  id: 'accessanalyzer_external_access_resolved',
  service: 'accessanalyzer',
  severity: 'medium',
  title: 'IAM Access Analyzer reports no external access to review',
  failTitle: 'Resource is shared outside the account (IAM Access Analyzer)',
  rationale:
    'Each active IAM Access Analyzer finding is a resource policy that lets a principal outside the zone of trust (another account, a federated user, or anyone) use the resource. Intended sharing should be archived in Access Analyzer; anything else is a leak. Public access is reported as critical.',
  remediationText:
    'Review the finding (IAM console → Access analyzer → Findings): if the access is unintended, remove it from the resource policy named by the finding; if intended, archive the finding (or add an archive rule) so it stops being reported.',
  frameworks: { cis: null, securityHub: null },
  requires: ['accessanalyzer'],
  remediation: null,
  evaluate: ({ account }) =>
    Object.entries(account.accessanalyzer).flatMap(([region, aa]) => judgeRegion(account, region, aa)),
});
