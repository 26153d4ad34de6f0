import {
  known,
  type AccountSnapshot,
  type AuthorizationDetails,
  type Fact,
  type IamSlice,
  type ServerCertificate,
} from '../../src/core/model';
import { anAccessAnalyzerRegion, anAccessFinding, anAnalyzer } from '../../test/fixtures/builders/accessanalyzer';
import { anAccountSlice } from '../../test/fixtures/builders/account';
import { aChannelStatus, aConfigRegion, aRecorder, aRecorderStatus } from '../../test/fixtures/builders/config';
import { aDetector, aGuardDutyRegion } from '../../test/fixtures/builders/guardduty';
import { aCredentialRow, daysAgo, denied, NOW } from '../../test/fixtures/snapshot-builders';
import type { DemoExtension } from '.';

/**
 * The demo estate's detective services (issue 12): GuardDuty, AWS Config, IAM Access Analyzer, the
 * security contact, and the IAM gaps of CIS 1.11, 1.17, 1.19 and 1.22. Every new check fails at least
 * once and passes elsewhere:
 * - prod us-east-1: GuardDuty on with open findings; Config records everything, global types too;
 *   Access Analyzer reports the public `legacy-public` bucket (critical) and a role a vendor account
 *   may assume.
 * - prod eu-west-1: no GuardDuty detector; the Config recorder is stopped and its history deliveries
 *   fail (the bucket is gone); no Access Analyzer.
 * - prod account-wide: a security contact is registered; no role has AWSSupportAccess; an expired
 *   server certificate is still stored; the `admins` group holds AWSCloudShellFullAccess; `henry`
 *   got an access key with his console user and never used it.
 * - staging us-east-1: the GuardDuty detector is suspended; only Security Hub's service-linked
 *   recorder exists and there is no delivery channel; Access Analyzer is on with no finding.
 * - staging us-west-2: the GuardDuty listing was refused (unknown); Config records everything but
 *   the global types, so no region records IAM; only an unused-access analyzer exists.
 * - staging account-wide: no security contact; a support role exists; no server certificates.
 */

type Ids = Pick<AccountSnapshot, 'accountId' | 'partition'>;
const iamArn = (a: Ids, resource: string) => `arn:${a.partition}:iam::${a.accountId}:${resource}`;
const analyzerArn = (a: Ids, region: string, name: string) =>
  `arn:${a.partition}:access-analyzer:${region}:${a.accountId}:analyzer/${name}`;
const inDays = (days: number) => new Date(NOW.getTime() + days * 86_400_000).toISOString();

const map = <T>(fact: Fact<T>, fn: (value: T) => T): Fact<T> => (fact.ok ? known(fn(fact.value)) : fact);

const CLOUDSHELL = { name: 'AWSCloudShellFullAccess', arn: 'arn:aws:iam::aws:policy/AWSCloudShellFullAccess' };
const SUPPORT = { name: 'AWSSupportAccess', arn: 'arn:aws:iam::aws:policy/AWSSupportAccess' };

/** The IAM slice as the base estate has it, with what the detective checks read added. */
const withIam = (
  a: AccountSnapshot,
  add: {
    serverCertificates: ServerCertificate[];
    details: (d: AuthorizationDetails) => AuthorizationDetails;
    users?: ReturnType<typeof aCredentialRow>[];
  },
): IamSlice | undefined =>
  a.iam && {
    ...a.iam,
    serverCertificates: known(add.serverCertificates),
    authorizationDetails: map(a.iam.authorizationDetails, add.details),
    credentialReport: map(a.iam.credentialReport, (rows) => [...rows, ...(add.users ?? [])]),
  };

const certificate = (a: Ids, name: string, expiration: string): ServerCertificate => ({
  name,
  id: `ASCA${name.toUpperCase().replace(/[^A-Z0-9]/g, '')}`,
  arn: iamArn(a, `server-certificate/${name}`),
  uploadDate: daysAgo(900),
  expiration,
});

const prod = (a: AccountSnapshot): AccountSnapshot => ({
  ...a,
  iam: withIam(a, {
    serverCertificates: [certificate(a, 'legacy-www-2023', daysAgo(45)), certificate(a, 'api-2026', inDays(200))],
    details: (d) => ({
      ...d,
      groups: d.groups.map((g) =>
        g.name === 'admins' ? { ...g, attachedPolicies: [...g.attachedPolicies, CLOUDSHELL] } : g,
      ),
      awsManagedPolicies: [
        ...(d.awsManagedPolicies ?? []),
        {
          ...CLOUDSHELL,
          attachmentCount: 1,
          defaultDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['cloudshell:*'], Resource: '*' }],
          },
        },
      ],
    }),
    // A console user created three weeks ago whose access key, made with him, was never used.
    users: [
      aCredentialRow({
        user: 'henry',
        arn: iamArn(a, 'user/henry'),
        userCreationTime: daysAgo(21),
        passwordLastUsed: daysAgo(1),
        passwordLastChanged: daysAgo(21),
        accessKey1LastRotated: daysAgo(21),
        accessKey1LastUsedDate: null,
      }),
    ],
  }),
  guardduty: {
    'us-east-1': aGuardDutyRegion({
      detector: known(
        aDetector({
          id: '6ec4f6a1b2c3d4e5f60718293a4b5c6d',
          findingsBySeverity: known({ critical: 0, high: 2, medium: 3, low: 7 }),
        }),
      ),
    }),
    'eu-west-1': aGuardDutyRegion({ detector: known(null) }),
  },
  config: {
    'us-east-1': aConfigRegion({
      deliveryChannels: known([{ name: 'default', s3BucketName: 'acme-config-history', snsTopicArn: null }]),
    }),
    'eu-west-1': aConfigRegion({
      recorders: known([aRecorder({ includeGlobalResourceTypes: false })]),
      recorderStatuses: known([aRecorderStatus({ recording: false, lastStatus: 'Success' })]),
      deliveryChannels: known([{ name: 'default', s3BucketName: 'acme-config-eu-retired', snsTopicArn: null }]),
      deliveryChannelStatuses: known([
        aChannelStatus({
          history: { lastStatus: 'Failure', lastErrorCode: 'NoSuchBucket', lastAttemptTime: daysAgo(1) },
          snapshot: { lastStatus: 'Failure', lastErrorCode: 'NoSuchBucket', lastAttemptTime: daysAgo(1) },
        }),
      ]),
    }),
  },
  accessanalyzer: {
    'us-east-1': anAccessAnalyzerRegion({
      analyzers: known([anAnalyzer({ arn: analyzerArn(a, 'us-east-1', 'account-analyzer') })]),
      findings: known({
        active: [
          anAccessFinding({
            analyzerArn: analyzerArn(a, 'us-east-1', 'account-analyzer'),
            id: '0f1e2d3c-4b5a-4697-8877-665544332211',
            resource: 'arn:aws:s3:::legacy-public',
            resourceOwnerAccount: a.accountId,
            isPublic: true,
            principal: { AWS: '*' },
            actions: ['s3:GetObject'],
            updatedAt: daysAgo(2),
          }),
          anAccessFinding({
            analyzerArn: analyzerArn(a, 'us-east-1', 'account-analyzer'),
            id: '9a8b7c6d-5e4f-4a3b-9c2d-1e0f99887766',
            resource: iamArn(a, 'role/vendor-audit'),
            resourceType: 'AWS::IAM::Role',
            resourceOwnerAccount: a.accountId,
            isPublic: false,
            principal: { AWS: '444455556666' },
            actions: ['sts:AssumeRole'],
            condition: { 'sts:ExternalId': 'acme-audit' },
            updatedAt: daysAgo(30),
          }),
        ],
        truncated: false,
      }),
    }),
    'eu-west-1': anAccessAnalyzerRegion({ analyzers: known([]), findings: known(null) }),
  },
  account: anAccountSlice(),
});

const staging = (a: AccountSnapshot): AccountSnapshot => ({
  ...a,
  iam: withIam(a, {
    serverCertificates: [],
    details: (d) => ({
      ...d,
      roles: [
        ...d.roles,
        {
          name: 'aws-support',
          arn: iamArn(a, 'role/aws-support'),
          id: 'AROASTAGINGSUPPORT',
          attachedPolicies: [SUPPORT],
          inlinePolicies: [],
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: iamArn(a, 'root') }, Action: 'sts:AssumeRole' }],
          },
        },
      ],
      awsManagedPolicies: [
        ...(d.awsManagedPolicies ?? []),
        {
          ...SUPPORT,
          attachmentCount: 1,
          defaultDocument: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: ['support:*'], Resource: '*' }],
          },
        },
      ],
    }),
  }),
  guardduty: {
    'us-east-1': aGuardDutyRegion({
      detector: known(
        aDetector({
          id: 'a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5',
          status: 'DISABLED',
          findingsBySeverity: known({ critical: 0, high: 0, medium: 1, low: 0 }),
        }),
      ),
    }),
    'us-west-2': { detector: denied('guardduty:ListDetectors') },
  },
  config: {
    'us-east-1': aConfigRegion({
      recorders: known([
        aRecorder({
          name: 'AWSConfigurationRecorderForSecurityHub',
          servicePrincipal: 'securityhub.amazonaws.com',
          recordingScope: 'INTERNAL',
        }),
      ]),
      recorderStatuses: known([aRecorderStatus({ name: 'AWSConfigurationRecorderForSecurityHub' })]),
      deliveryChannels: known([]),
      deliveryChannelStatuses: known([]),
    }),
    'us-west-2': aConfigRegion({
      recorders: known([aRecorder({ includeGlobalResourceTypes: false })]),
      deliveryChannels: known([{ name: 'default', s3BucketName: 'acme-staging-config', snsTopicArn: null }]),
    }),
  },
  accessanalyzer: {
    'us-east-1': anAccessAnalyzerRegion({
      analyzers: known([anAnalyzer({ arn: analyzerArn(a, 'us-east-1', 'account-analyzer') })]),
    }),
    'us-west-2': anAccessAnalyzerRegion({
      analyzers: known([
        anAnalyzer({
          arn: analyzerArn(a, 'us-west-2', 'unused-access'),
          name: 'unused-access',
          type: 'ACCOUNT_UNUSED_ACCESS',
        }),
      ]),
      findings: known(null),
    }),
  },
  account: anAccountSlice({ securityContact: known(null) }),
});

export const detectiveDemo: DemoExtension = { prod, staging };
