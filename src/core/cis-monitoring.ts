import type { MonitoringRequirement } from './metric-filter-pattern';

/**
 * CIS AWS Foundations Benchmark v3.0.0, section 4 (monitoring): for each watched event class, a metric
 * filter on the multi-region trail's log group must match every event of the class, feed an alarm, and
 * that alarm must notify a subscribed SNS topic. This module is the data the 15 checks share: which
 * events each recommendation is about, as a requirement for `coversCisPattern`.
 *
 * `benchmarkPatterns` are the benchmark's own texts (Prowler's transcription of the v3.0.0 audit and
 * remediation steps; whitespace normalised). `requirement.pattern` is what a filter must match; it is the
 * benchmark pattern except where noted (4.1, 4.13), and `allowedNarrowings` are the extra conditions the
 * benchmark itself shows (4.1's exclusions, 4.2's SSO variant) or that cannot exclude a required event
 * because every such event has them (the owning `eventSource` of IAM, CloudTrail and EC2 API calls).
 * 4.16 (Security Hub enabled) is not a metric filter and stays with the securityhub checks.
 */
export interface CisMonitoringControl {
  /** CIS v3.0.0 recommendation id. */
  cis: string;
  /** The cloudsec check that evaluates it (`<service>_<resource>_<condition>`). */
  checkId: string;
  /** The v3.0.0 title without its leading "Ensure", as a desired state. */
  title: string;
  /** CIS profile level. The benchmark marks every 4.1–4.15 item "Manual" in v3.0.0: a cloudsec pass is
   * evidence for an auditor, not the auditor's sign-off. */
  level: 1 | 2;
  /** The Security Hub control (FSBP CloudWatch.N) for the same events; null when there is none. */
  securityHub: string | null;
  /** What the filter watches, for messages ("no alarm watches {events}"). */
  events: string;
  /** The benchmark's pattern text(s), verbatim; every one of them covers `requirement`. */
  benchmarkPatterns: readonly string[];
  requirement: MonitoringRequirement;
}

const eventNames = (names: readonly string[]): string => names.map((n) => `($.eventName = ${n})`).join(' || ');

const ROUTE_TABLE_EVENTS = [
  'CreateRoute',
  'CreateRouteTable',
  'ReplaceRoute',
  'ReplaceRouteTableAssociation',
  'DeleteRouteTable',
  'DeleteRoute',
  'DisassociateRouteTable',
];

/** Conditions every event of the class carries, so adding them to a filter excludes none of its events. */
const source = (service: 'iam' | 'cloudtrail' | 'ec2'): string => `{ $.eventSource = ${service}.amazonaws.com }`;

export const CIS_MONITORING_CONTROLS: readonly CisMonitoringControl[] = [
  {
    cis: '4.1',
    checkId: 'cloudwatch_unauthorized_api_calls_monitored',
    title: 'Unauthorized API calls are monitored',
    level: 2,
    securityHub: 'CloudWatch.2',
    events: 'unauthorized API calls',
    benchmarkPatterns: [
      '{ ($.errorCode = *UnauthorizedOperation) || ($.errorCode = AccessDenied*) || ($.sourceIPAddress!=delivery.logs.amazonaws.com) || ($.eventName!=HeadBucket) }',
    ],
    // v3.0.0 joins all four terms with `||`, so its last term (`eventName != HeadBucket`) alone matches
    // almost every CloudTrail event: read literally, only a filter that pages on nearly everything would
    // comply. We encode the recommendation's intent instead, as other CIS editions and common Terraform
    // modules write it: unauthorized calls are the events whose errorCode ends in
    // `UnauthorizedOperation` or starts with `AccessDenied`; the two `!=` terms are exclusions a filter
    // may AND on (S3 log delivery's own calls and HeadBucket probes), nothing else. The literal v3.0.0
    // text still covers this requirement: its first two disjuncts are exactly it.
    requirement: {
      pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }',
      allowedNarrowings: ['{ $.sourceIPAddress != "delivery.logs.amazonaws.com" }', '{ $.eventName != "HeadBucket" }'],
    },
  },
  {
    cis: '4.2',
    checkId: 'cloudwatch_console_login_without_mfa_monitored',
    title: 'Management console sign-in without MFA is monitored',
    level: 1,
    securityHub: 'CloudWatch.3',
    events: 'console sign-ins without MFA',
    benchmarkPatterns: [
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
      // The benchmark's variant for accounts whose people sign in through IAM Identity Center.
      '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
    ],
    requirement: {
      pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") }',
      allowedNarrowings: ['{ $.userIdentity.type = "IAMUser" }', '{ $.responseElements.ConsoleLogin = "Success" }'],
    },
  },
  {
    cis: '4.3',
    checkId: 'cloudwatch_root_usage_monitored',
    title: "Usage of 'root' account is monitored",
    level: 1,
    securityHub: 'CloudWatch.1',
    events: 'root user activity',
    benchmarkPatterns: [
      '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
    ],
    requirement: {
      pattern:
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
      allowedNarrowings: [],
    },
  },
  {
    cis: '4.4',
    checkId: 'cloudwatch_iam_policy_changes_monitored',
    title: 'IAM policy changes are monitored',
    level: 1,
    securityHub: 'CloudWatch.4',
    events: 'IAM policy changes',
    benchmarkPatterns: [
      '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
    ],
    requirement: {
      pattern:
        '{($.eventName=DeleteGroupPolicy)||($.eventName=DeleteRolePolicy)||($.eventName=DeleteUserPolicy)||($.eventName=PutGroupPolicy)||($.eventName=PutRolePolicy)||($.eventName=PutUserPolicy)||($.eventName=CreatePolicy)||($.eventName=DeletePolicy)||($.eventName=CreatePolicyVersion)||($.eventName=DeletePolicyVersion)||($.eventName=AttachRolePolicy)||($.eventName=DetachRolePolicy)||($.eventName=AttachUserPolicy)||($.eventName=DetachUserPolicy)||($.eventName=AttachGroupPolicy)||($.eventName=DetachGroupPolicy)}',
      allowedNarrowings: [source('iam')],
    },
  },
  {
    cis: '4.5',
    checkId: 'cloudwatch_cloudtrail_changes_monitored',
    title: 'CloudTrail configuration changes are monitored',
    level: 1,
    securityHub: 'CloudWatch.5',
    events: 'CloudTrail configuration changes',
    benchmarkPatterns: [
      '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventName = CreateTrail) || ($.eventName = UpdateTrail) || ($.eventName = DeleteTrail) || ($.eventName = StartLogging) || ($.eventName = StopLogging) }',
      allowedNarrowings: [source('cloudtrail')],
    },
  },
  {
    cis: '4.6',
    checkId: 'cloudwatch_console_auth_failures_monitored',
    title: 'AWS Management Console authentication failures are monitored',
    level: 2,
    securityHub: 'CloudWatch.6',
    events: 'console authentication failures',
    benchmarkPatterns: ['{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }'],
    requirement: {
      pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
      allowedNarrowings: [],
    },
  },
  {
    cis: '4.7',
    checkId: 'cloudwatch_kms_key_deletion_monitored',
    title: 'Disabling or scheduled deletion of customer created CMKs is monitored',
    level: 2,
    securityHub: 'CloudWatch.7',
    events: 'KMS key disabling or scheduled deletion',
    benchmarkPatterns: [
      '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
    ],
    requirement: {
      pattern:
        '{($.eventSource = kms.amazonaws.com) && (($.eventName=DisableKey)||($.eventName=ScheduleKeyDeletion)) }',
      allowedNarrowings: [],
    },
  },
  {
    cis: '4.8',
    checkId: 'cloudwatch_s3_bucket_policy_changes_monitored',
    title: 'S3 bucket policy changes are monitored',
    level: 1,
    securityHub: 'CloudWatch.8',
    events: 'S3 bucket policy changes',
    benchmarkPatterns: [
      '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventSource = s3.amazonaws.com) && (($.eventName = PutBucketAcl) || ($.eventName = PutBucketPolicy) || ($.eventName = PutBucketCors) || ($.eventName = PutBucketLifecycle) || ($.eventName = PutBucketReplication) || ($.eventName = DeleteBucketPolicy) || ($.eventName = DeleteBucketCors) || ($.eventName = DeleteBucketLifecycle) || ($.eventName = DeleteBucketReplication)) }',
      allowedNarrowings: [],
    },
  },
  {
    cis: '4.9',
    checkId: 'cloudwatch_config_changes_monitored',
    title: 'AWS Config configuration changes are monitored',
    level: 2,
    securityHub: 'CloudWatch.9',
    events: 'AWS Config configuration changes',
    benchmarkPatterns: [
      '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventSource = config.amazonaws.com) && (($.eventName=StopConfigurationRecorder)||($.eventName=DeleteDeliveryChannel)||($.eventName=PutDeliveryChannel)||($.eventName=PutConfigurationRecorder)) }',
      allowedNarrowings: [],
    },
  },
  {
    cis: '4.10',
    checkId: 'cloudwatch_security_group_changes_monitored',
    title: 'Security group changes are monitored',
    level: 2,
    securityHub: 'CloudWatch.10',
    events: 'security group changes',
    benchmarkPatterns: [
      '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventName = AuthorizeSecurityGroupIngress) || ($.eventName = AuthorizeSecurityGroupEgress) || ($.eventName = RevokeSecurityGroupIngress) || ($.eventName = RevokeSecurityGroupEgress) || ($.eventName = CreateSecurityGroup) || ($.eventName = DeleteSecurityGroup) }',
      allowedNarrowings: [source('ec2')],
    },
  },
  {
    cis: '4.11',
    checkId: 'cloudwatch_nacl_changes_monitored',
    title: 'Network Access Control Lists (NACL) changes are monitored',
    level: 2,
    securityHub: 'CloudWatch.11',
    events: 'network ACL changes',
    benchmarkPatterns: [
      '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventName = CreateNetworkAcl) || ($.eventName = CreateNetworkAclEntry) || ($.eventName = DeleteNetworkAcl) || ($.eventName = DeleteNetworkAclEntry) || ($.eventName = ReplaceNetworkAclEntry) || ($.eventName = ReplaceNetworkAclAssociation) }',
      allowedNarrowings: [source('ec2')],
    },
  },
  {
    cis: '4.12',
    checkId: 'cloudwatch_network_gateway_changes_monitored',
    title: 'Changes to network gateways are monitored',
    level: 1,
    securityHub: 'CloudWatch.12',
    events: 'network gateway changes',
    benchmarkPatterns: [
      '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventName = CreateCustomerGateway) || ($.eventName = DeleteCustomerGateway) || ($.eventName = AttachInternetGateway) || ($.eventName = CreateInternetGateway) || ($.eventName = DeleteInternetGateway) || ($.eventName = DetachInternetGateway) }',
      allowedNarrowings: [source('ec2')],
    },
  },
  {
    cis: '4.13',
    checkId: 'cloudwatch_route_table_changes_monitored',
    title: 'Route table changes are monitored',
    level: 1,
    securityHub: 'CloudWatch.13',
    events: 'route table changes',
    // The audit and remediation steps print different texts: the audit's leading `eventSource &&` binds
    // to the first disjunct only (`&&` before `||`). Both are accepted: the requirement is the
    // remediation's list, with the audit's `eventSource` guard as an allowed narrowing.
    benchmarkPatterns: [
      `{ ${eventNames(ROUTE_TABLE_EVENTS)} }`,
      `{($.eventSource = ec2.amazonaws.com) && ${eventNames(ROUTE_TABLE_EVENTS)} }`,
    ],
    requirement: { pattern: `{ ${eventNames(ROUTE_TABLE_EVENTS)} }`, allowedNarrowings: [source('ec2')] },
  },
  {
    cis: '4.14',
    checkId: 'cloudwatch_vpc_changes_monitored',
    title: 'VPC changes are monitored',
    level: 1,
    securityHub: 'CloudWatch.14',
    events: 'VPC changes',
    benchmarkPatterns: [
      '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventName = CreateVpc) || ($.eventName = DeleteVpc) || ($.eventName = ModifyVpcAttribute) || ($.eventName = AcceptVpcPeeringConnection) || ($.eventName = CreateVpcPeeringConnection) || ($.eventName = DeleteVpcPeeringConnection) || ($.eventName = RejectVpcPeeringConnection) || ($.eventName = AttachClassicLinkVpc) || ($.eventName = DetachClassicLinkVpc) || ($.eventName = DisableVpcClassicLink) || ($.eventName = EnableVpcClassicLink) }',
      allowedNarrowings: [source('ec2')],
    },
  },
  {
    cis: '4.15',
    checkId: 'cloudwatch_organizations_changes_monitored',
    title: 'AWS Organizations changes are monitored',
    level: 1,
    securityHub: null,
    events: 'AWS Organizations changes',
    benchmarkPatterns: [
      '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
    ],
    requirement: {
      pattern:
        '{ ($.eventSource = organizations.amazonaws.com) && (($.eventName = "AcceptHandshake") || ($.eventName = "AttachPolicy") || ($.eventName = "CreateAccount") || ($.eventName = "CreateOrganizationalUnit") || ($.eventName = "CreatePolicy") || ($.eventName = "DeclineHandshake") || ($.eventName = "DeleteOrganization") || ($.eventName = "DeleteOrganizationalUnit") || ($.eventName = "DeletePolicy") || ($.eventName = "DetachPolicy") || ($.eventName = "DisablePolicyType") || ($.eventName = "EnablePolicyType") || ($.eventName = "InviteAccountToOrganization") || ($.eventName = "LeaveOrganization") || ($.eventName = "MoveAccount") || ($.eventName = "RemoveAccountFromOrganization") || ($.eventName = "UpdatePolicy") || ($.eventName = "UpdateOrganizationalUnit")) }',
      allowedNarrowings: [],
    },
  },
];

/** The control for a CIS id ('4.3'), or undefined. */
export const cisMonitoringControl = (cis: string): CisMonitoringControl | undefined =>
  CIS_MONITORING_CONTROLS.find((c) => c.cis === cis);
