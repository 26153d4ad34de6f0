/**
 * Writes data/demo-account.json: a fictional, deliberately misconfigured two-account estate that
 * makes every check fail at least once (and pass elsewhere), so `npm run demo` shows the whole catalog.
 * Run with `npx ts-node --transpile-only scripts/make-demo-account.ts` after changing checks;
 * test/data/demo-account.test.ts fails when the committed file falls behind.
 */
import fs from 'node:fs';
import path from 'node:path';
import { known, missing, SERVICES, type AccountSnapshot } from '../src/core/model';
import {
  ACCOUNT_ID,
  ALL_BLOCKED,
  NOW,
  aBucket,
  aCisPasswordPolicy,
  aCloudTrailSlice,
  aCredentialRow,
  aDefaultSecurityGroup,
  aRootRow,
  aRule,
  aSecurityGroup,
  aSecurityHubFinding,
  aSecurityHubRegion,
  aSnapshot,
  aTrail,
  accessDenied,
  anAccount,
  anAuthorizationDetails,
  anEbsSnapshot,
  anEc2Region,
  anEgressAllRule,
  anIamSlice,
  anInstance,
  anS3Slice,
  daysAgo,
} from '../test/fixtures/snapshot-builders';
import { extendDemoAccount } from './demo';

const PROD = ACCOUNT_ID;
const STAGING = '222222222222';
const user = (account: string, name: string) => `arn:aws:iam::${account}:user/${name}`;
const ADMINISTRATOR_ACCESS = { name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess' };

const prodIam = anIamSlice({
  credentialReport: known([
    aRootRow({ passwordLastUsed: daysAgo(400) }),
    aCredentialRow({ user: 'alice', arn: user(PROD, 'alice') }),
    aCredentialRow({
      user: 'bob',
      arn: user(PROD, 'bob'),
      mfaActive: false,
      accessKey1Active: false,
      accessKey1LastRotated: null,
      accessKey1LastUsedDate: null,
    }),
    aCredentialRow({
      user: 'carol',
      arn: user(PROD, 'carol'),
      accessKey1LastRotated: daysAgo(200),
      accessKey1LastUsedDate: daysAgo(2),
    }),
    aCredentialRow({
      user: 'dave',
      arn: user(PROD, 'dave'),
      passwordLastUsed: daysAgo(120),
      accessKey1LastRotated: daysAgo(80),
      accessKey1LastUsedDate: daysAgo(75),
    }),
    aCredentialRow({
      user: 'erin',
      arn: user(PROD, 'erin'),
      accessKey2Active: true,
      accessKey2LastRotated: daysAgo(5),
      accessKey2LastUsedDate: daysAgo(1),
    }),
    aCredentialRow({
      user: 'ci-deploy',
      arn: user(PROD, 'ci-deploy'),
      passwordEnabled: false,
      passwordLastUsed: null,
      mfaActive: false,
    }),
  ]),
  authorizationDetails: known(
    anAuthorizationDetails({
      users: [
        ...anAuthorizationDetails().users,
        {
          name: 'frank',
          arn: user(PROD, 'frank'),
          id: 'AIDAFRANK',
          groups: [],
          attachedPolicies: [{ name: 'AmazonS3FullAccess', arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess' }],
          inlinePolicies: [],
        },
        // Admin straight from AWS's managed policy: the first answer to "who is admin?".
        {
          name: 'carol',
          arn: user(PROD, 'carol'),
          id: 'AIDACAROL',
          groups: [],
          attachedPolicies: [ADMINISTRATOR_ACCESS],
          inlinePolicies: [],
        },
        // Admin through a group whose customer-managed policy grants "*:*".
        {
          name: 'dave',
          arn: user(PROD, 'dave'),
          id: 'AIDADAVE',
          groups: ['admins'],
          attachedPolicies: [],
          inlinePolicies: [],
        },
      ],
      groups: [
        ...anAuthorizationDetails().groups,
        {
          name: 'admins',
          arn: `arn:aws:iam::${PROD}:group/admins`,
          id: 'AGPAADMINS',
          attachedPolicies: [{ name: 'legacy-admin', arn: `arn:aws:iam::${PROD}:policy/legacy-admin` }],
          inlinePolicies: [],
        },
      ],
      roles: [
        // A break-glass role (listed in data/demo-cloudsec.yml): reported, at low severity, not silenced.
        {
          name: 'BreakGlass',
          arn: `arn:aws:iam::${PROD}:role/BreakGlass`,
          id: 'AROABREAKGLASS',
          attachedPolicies: [ADMINISTRATOR_ACCESS],
          inlinePolicies: [],
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${PROD}:root` },
                Action: 'sts:AssumeRole',
                Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
              },
            ],
          },
        },
        // Only CodeBuild can assume it, yet it can do anything: reported as a service role.
        {
          name: 'ci-runner',
          arn: `arn:aws:iam::${PROD}:role/ci-runner`,
          id: 'AROACIRUNNER',
          attachedPolicies: [ADMINISTRATOR_ACCESS],
          inlinePolicies: [],
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Principal: { Service: 'codebuild.amazonaws.com' }, Action: 'sts:AssumeRole' },
            ],
          },
        },
      ],
      policies: [
        ...anAuthorizationDetails().policies,
        {
          name: 'legacy-admin',
          arn: `arn:aws:iam::${PROD}:policy/legacy-admin`,
          attachmentCount: 1,
          defaultDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
      ],
      awsManagedPolicies: [
        ...(anAuthorizationDetails().awsManagedPolicies ?? []),
        {
          ...ADMINISTRATOR_ACCESS,
          attachmentCount: 3,
          defaultDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
        },
        {
          name: 'AmazonS3FullAccess',
          arn: 'arn:aws:iam::aws:policy/AmazonS3FullAccess',
          attachmentCount: 1,
          defaultDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['s3:*', 's3-object-lambda:*'], Resource: '*' }],
          },
        },
      ],
    }),
  ),
  passwordPolicy: known(aCisPasswordPolicy({ minimumPasswordLength: 8, passwordReusePrevention: null })),
  virtualMfaDevices: known([
    { serialNumber: `arn:aws:iam::${PROD}:mfa/root-account-mfa-device`, userArn: `arn:aws:iam::${PROD}:root` },
  ]),
});

const stagingIam = anIamSlice({
  credentialReport: known([
    aRootRow({
      arn: `arn:aws:iam::${STAGING}:root`,
      mfaActive: false,
      passwordLastUsed: daysAgo(3),
      accessKey1Active: true,
      accessKey1LastRotated: daysAgo(700),
      accessKey1LastUsedDate: daysAgo(10),
    }),
    aCredentialRow({ user: 'ops', arn: user(STAGING, 'ops') }),
  ]),
  // Staging's own principals: the builder's defaults name the prod account in their ARNs, and a
  // viewer scoped to staging must not see prod's account id anywhere.
  authorizationDetails: known(
    anAuthorizationDetails({
      users: [
        {
          name: 'ops',
          arn: user(STAGING, 'ops'),
          id: 'AIDAOPS',
          groups: ['developers'],
          attachedPolicies: [],
          inlinePolicies: [],
        },
      ],
      groups: anAuthorizationDetails().groups.map((g) => ({ ...g, arn: g.arn.replace(PROD, STAGING) })),
      policies: anAuthorizationDetails().policies.map((p) => ({ ...p, arn: p.arn.replace(PROD, STAGING) })),
    }),
  ),
  passwordPolicy: known(null),
  accountSummary: known({ AccountMFAEnabled: 0, AccountAccessKeysPresent: 1, Users: 1 }),
});

const publicPolicy = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'PublicRead',
      Effect: 'Allow',
      Principal: '*',
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::legacy-public/*',
    },
  ],
};
const tlsOnlyPolicy = (bucket: string) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DenyInsecureTransport',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    },
  ],
});
const secured = (name: string, region = 'us-east-1') =>
  aBucket({ name, region, policy: known(tlsOnlyPolicy(name)), policyStatus: known({ isPublic: false }) });

const prodS3 = anS3Slice({
  accountPublicAccessBlock: known(null),
  buckets: known([
    secured('acme-prod-app-data'),
    aBucket({
      name: 'legacy-public',
      publicAccessBlock: known(null),
      policy: known(publicPolicy),
      policyStatus: known({ isPublic: true }),
      versioning: known({ status: 'Suspended', mfaDelete: false }),
    }),
    aBucket({
      name: 'partner-share',
      region: 'eu-west-1',
      publicAccessBlock: known({ ...ALL_BLOCKED, ignorePublicAcls: false, blockPublicAcls: false }),
      acl: known({
        ownerId: 'owner-canonical-id',
        grants: [
          { granteeType: 'CanonicalUser', granteeId: 'owner-canonical-id', permission: 'FULL_CONTROL' },
          {
            granteeType: 'Group',
            granteeUri: 'http://acs.amazonaws.com/groups/global/AuthenticatedUsers',
            permission: 'READ',
          },
        ],
      }),
    }),
    aBucket({
      name: 'analytics-scratch',
      region: 'eu-west-1',
      encryption: known(null),
      versioning: known({ status: 'Disabled', mfaDelete: false }),
    }),
    aBucket({
      name: 'acme-cloudtrail-logs',
      logging: known(null),
      policy: known(tlsOnlyPolicy('acme-cloudtrail-logs')),
      publicAccessBlock: known(null),
      acl: known({
        ownerId: 'owner-canonical-id',
        grants: [
          { granteeType: 'CanonicalUser', granteeId: 'owner-canonical-id', permission: 'FULL_CONTROL' },
          { granteeType: 'Group', granteeUri: 'http://acs.amazonaws.com/groups/global/AllUsers', permission: 'READ' },
        ],
      }),
    }),
    // Outside prod's configured regions, and AWS's policy status came back unreadable: the bucket is
    // still in scope (S3 is account-wide) and cloudsec's own reading of the policy finds it public.
    aBucket({
      name: 'marketing-assets',
      region: 'ap-southeast-2',
      publicAccessBlock: known(null),
      policyStatus: missing({
        service: 's3',
        operation: 'GetBucketPolicyStatus',
        permission: 's3:GetBucketPolicyStatus',
        region: 'ap-southeast-2',
        code: 'MalformedAnswer',
        kind: 'malformed',
        message: 'GetBucketPolicyStatus answered without <IsPublic>',
      }),
      policy: known({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'PublicAssets',
            Effect: 'Allow',
            Principal: '*',
            Action: 's3:GetObject',
            Resource: 'arn:aws:s3:::marketing-assets/*',
          },
        ],
      }),
    }),
  ]),
});

const stagingS3 = anS3Slice({
  buckets: known([
    secured('acme-staging-artifacts', 'us-west-2'),
    aBucket({
      name: 'acme-staging-trail',
      region: 'us-west-2',
      policy: missing(accessDenied('s3:GetBucketPolicy')),
      policyStatus: missing(accessDenied('s3:GetBucketPolicyStatus')),
    }),
  ]),
});

const prod: AccountSnapshot = anAccount({
  accountId: PROD,
  accountName: 'acme-prod',
  regions: ['us-east-1', 'eu-west-1'],
  iam: prodIam,
  s3: prodS3,
  cloudtrail: aCloudTrailSlice({
    trails: known([
      aTrail({
        name: 'acme-main',
        s3BucketName: 'acme-cloudtrail-logs',
        logFileValidationEnabled: false,
        kmsKeyId: null,
      }),
    ]),
  }),
  ec2: {
    'us-east-1': anEc2Region({
      securityGroups: known([
        aSecurityGroup({
          groupId: 'sg-0bastion',
          groupName: 'bastion',
          rules: [
            aRule({ ruleId: 'sgr-0ssh4world', fromPort: 22, toPort: 22, description: 'ssh from anywhere' }),
            anEgressAllRule(),
          ],
        }),
        aSecurityGroup(),
        aDefaultSecurityGroup({
          rules: [
            aRule({
              ruleId: 'sgr-0defself',
              ipProtocol: '-1',
              fromPort: -1,
              toPort: -1,
              cidrIpv4: null,
              referencedGroupId: 'sg-0default',
            }),
            anEgressAllRule('sgr-0defegress'),
          ],
        }),
      ]),
      snapshots: known([
        anEbsSnapshot(),
        anEbsSnapshot({ snapshotId: 'snap-0public', volumeId: 'vol-0db', encrypted: false, public: true }),
      ]),
      instances: known([
        anInstance(),
        anInstance({ instanceId: 'i-0legacy', name: 'legacy-app', httpTokens: 'optional' }),
      ]),
    }),
    'eu-west-1': anEc2Region({
      securityGroups: known([
        aSecurityGroup({
          groupId: 'sg-0windows',
          groupName: 'windows-admin',
          rules: [
            aRule({ ruleId: 'sgr-0rdp6world', fromPort: 3389, toPort: 3389, cidrIpv4: null, cidrIpv6: '::/0' }),
            anEgressAllRule(),
          ],
        }),
        aDefaultSecurityGroup({ vpcId: 'vpc-0eu' }),
      ]),
      instances: known([]),
      snapshots: known([]),
      ebsEncryptionByDefault: known(false),
    }),
  },
  securityhub: {
    'us-east-1': aSecurityHubRegion({
      findings: known([
        aSecurityHubFinding({ resourceId: 'arn:aws:s3:::legacy-public', updatedAt: daysAgo(1) }),
        aSecurityHubFinding({
          id: `arn:aws:securityhub:us-east-1:${PROD}:security-control/IAM.6/finding/1a2b`,
          generatorId: 'security-control/IAM.6',
          controlId: 'IAM.6',
          title: 'Hardware MFA should be enabled for the root user',
          description:
            'This control checks whether your AWS account is enabled to use a hardware MFA device to sign in with root user credentials.',
          severity: 'critical',
          resourceType: 'AwsAccount',
          resourceId: `AWS::::Account:${PROD}`,
          updatedAt: daysAgo(2),
        }),
        aSecurityHubFinding({
          id: `arn:aws:securityhub:us-east-1:${PROD}:security-control/EC2.19/finding/3c4d`,
          generatorId: 'security-control/EC2.19',
          controlId: 'EC2.19',
          title: 'Security groups should not allow unrestricted access to ports with high risk',
          description:
            'This control checks whether unrestricted incoming traffic for the security groups is accessible to the specified ports that have the highest risk.',
          severity: 'critical',
          resourceType: 'AwsEc2SecurityGroup',
          resourceId: `arn:aws:ec2:us-east-1:${PROD}:security-group/sg-0bastion`,
          updatedAt: daysAgo(3),
        }),
      ]),
    }),
    'eu-west-1': aSecurityHubRegion({ enabled: known(false) }),
  },
});

const staging: AccountSnapshot = anAccount({
  accountId: STAGING,
  accountName: 'acme-staging',
  regions: ['us-east-1', 'us-west-2'],
  iam: stagingIam,
  s3: stagingS3,
  cloudtrail: aCloudTrailSlice({
    trails: known([
      aTrail({
        name: 'staging-trail',
        arn: `arn:aws:cloudtrail:us-west-2:${STAGING}:trail/staging-trail`,
        homeRegion: 'us-west-2',
        s3BucketName: 'acme-staging-trail',
        status: known({ isLogging: false, latestDeliveryError: null }),
        eventSelectors: known({ managementEvents: true, readWriteType: 'WriteOnly' }),
      }),
    ]),
  }),
  ec2: {
    'us-east-1': anEc2Region(),
    'us-west-2': anEc2Region({
      securityGroups: known([
        aSecurityGroup({
          groupId: 'sg-0debug',
          groupName: 'debug-wide-open',
          rules: [aRule({ ruleId: 'sgr-0allopen', ipProtocol: '-1', fromPort: -1, toPort: -1 }), anEgressAllRule()],
        }),
        aDefaultSecurityGroup({ vpcId: 'vpc-0west' }),
      ]),
      instances: known([anInstance({ instanceId: 'i-0batch', name: 'batch-worker', httpTokens: 'optional' })]),
    }),
  },
  securityhub: {
    'us-east-1': aSecurityHubRegion(),
    'us-west-2': {
      enabled: missing(accessDenied('securityhub:GetFindings')),
      findings: missing(accessDenied('securityhub:GetFindings')),
    },
  },
});

export const buildDemoSnapshot = () =>
  aSnapshot([extendDemoAccount('prod', prod), extendDemoAccount('staging', staging)], {
    demo: true,
    generatedAt: NOW.toISOString(),
    // The demo estate holds every service's slice (each group's extension in scripts/demo/).
    services: [...SERVICES],
  });
export const renderDemoSnapshot = () => JSON.stringify(buildDemoSnapshot(), null, 2) + '\n';
export const DEMO_FILE = path.join(__dirname, '..', 'data', 'demo-account.json');

if (require.main === module) {
  fs.writeFileSync(DEMO_FILE, renderDemoSnapshot());
  process.stdout.write(`wrote ${DEMO_FILE}\n`);
}
