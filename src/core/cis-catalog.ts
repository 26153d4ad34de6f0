import { z } from 'zod';
import type { AnyCheck } from './checks/define';

/**
 * The 62 recommendations of CIS AWS Foundations Benchmark v3.0.0, sections 1–5, as data: the README's
 * coverage table joins them with the check catalog (each check's `frameworks.cis`) so that every
 * recommendation shows the checks that evaluate it, or why cloudsec cannot, or that nothing does yet.
 * Check ids are deliberately not listed here: the checks name their CIS id, and one place to say it
 * means the table cannot claim a check that does not exist.
 *
 * Sources (the benchmark PDF itself was not available): ids, titles, `level` and `assessment` from
 * Steampipe's transcription (turbot/steampipe-mod-aws-compliance `cis_v300/section_*.pp|sp`:
 * `cis_level`, `cis_type`); its 22 Level-2 items match the item count of Tenable's "CIS Amazon Web
 * Services Foundations L2 3.0.0" audit. Prowler's transcription (`cis_3.0_aws.json`) disagrees on the
 * Assessment Status of 21 items, noted where they occur; research/issue12.md §1.1 explains why
 * Steampipe's reading is kept. `securityHub` is what Security Hub's own "CIS v3.0.0" standard maps to
 * the recommendation (Security Hub user guide, "Mapping of controls to CIS requirements in each
 * version"), which is not always the control a cloudsec check names (that one may be FSBP-only).
 */

/** A recommendation id: section, then one or two levels ("1.4", "2.1.4"). */
const CIS_ID = /^[1-5](\.\d+){1,2}$/;

/** One sentence, as a table cell shows it: no sentence break inside, a full stop at the end. */
const oneSentence = z
  .string()
  .min(20)
  .refine((s) => s.endsWith('.') && !/[.!?;]\s/.test(s), 'one sentence, ending with a full stop');

export const CisRecommendationSchema = z.strictObject({
  id: z.string().regex(CIS_ID),
  /** The benchmark's title, verbatim. */
  title: z.string().min(10),
  /** CIS profile: 1 (baseline) or 2 (defence in depth, may cost functionality). */
  level: z.union([z.literal(1), z.literal(2)]),
  /**
   * The benchmark's Assessment Status. "Manual" means an auditor must judge, not that no API exists:
   * cloudsec checks many Manual items (all of section 4) whose evidence an API gives.
   */
  assessment: z.enum(['Automated', 'Manual']),
  /** Security Hub controls that its CIS v3.0.0 standard maps to this recommendation; empty when none. */
  securityHub: z.array(z.string().regex(/^[A-Za-z0-9]+\.\d+$/)),
  /** Present only when cloudsec does not automate the recommendation: why no API gives a sound verdict. */
  manualReason: oneSentence.optional(),
});
export type CisRecommendation = z.infer<typeof CisRecommendationSchema>;

export const CIS_BENCHMARK = 'CIS AWS Foundations Benchmark v3.0.0';

type Entry = z.input<typeof CisRecommendationSchema>;
const A = 'Automated' as const;
const M = 'Manual' as const;

// One recommendation per line, like the benchmark's own list (a formatter would spread each over six).
// prettier-ignore
const ENTRIES: Entry[] = [
  // 1 Identity and Access Management
  { id: '1.1', level: 1, assessment: M, securityHub: [], title: 'Maintain current contact details',
    manualReason:
      'The Account Management API returns the contact details (GetContactInformation, GetAlternateContact), but whether they are current and reach more than one person, through an alias or a hunt group rather than one individual, only the organisation can confirm.' },
  { id: '1.2', level: 1, assessment: M, securityHub: ['Account.1'], title: 'Ensure security contact information is registered' },
  { id: '1.3', level: 1, assessment: M, securityHub: [], title: 'Ensure security questions are registered in the AWS account',
    manualReason:
      "Security challenge questions are set by the root user on the console's account page, and no AWS API, the Account Management API included, reads them." },
  { id: '1.4', level: 1, assessment: A, securityHub: ['IAM.4'], title: "Ensure no 'root' user account access key exists" },
  { id: '1.5', level: 1, assessment: A, securityHub: ['IAM.9'], title: "Ensure MFA is enabled for the 'root' user account" },
  // 1.6, 1.7, 1.11: Manual here (and for Cloudaware's v4.0.1 page); Prowler says Automated.
  { id: '1.6', level: 2, assessment: M, securityHub: ['IAM.6'], title: "Ensure hardware MFA is enabled for the 'root' user account" },
  { id: '1.7', level: 1, assessment: M, securityHub: [], title: "Eliminate use of the 'root' user for administrative and daily tasks" },
  { id: '1.8', level: 1, assessment: A, securityHub: ['IAM.15'], title: 'Ensure IAM password policy requires minimum length of 14 or greater' },
  { id: '1.9', level: 1, assessment: A, securityHub: ['IAM.16'], title: 'Ensure IAM password policy prevents password reuse' },
  { id: '1.10', level: 1, assessment: A, securityHub: ['IAM.5'], title: 'Ensure multi-factor authentication (MFA) is enabled for all IAM users that have a console password' },
  { id: '1.11', level: 1, assessment: M, securityHub: [], title: 'Do not setup access keys during initial user setup for all IAM users that have a console password' },
  { id: '1.12', level: 1, assessment: A, securityHub: ['IAM.22'], title: 'Ensure credentials unused for 45 days or greater are disabled' },
  { id: '1.13', level: 1, assessment: A, securityHub: [], title: 'Ensure there is only one active access key available for any single IAM user' },
  { id: '1.14', level: 1, assessment: A, securityHub: ['IAM.3'], title: 'Ensure access keys are rotated every 90 days or less' },
  { id: '1.15', level: 1, assessment: A, securityHub: ['IAM.2'], title: 'Ensure IAM Users Receive Permissions Only Through Groups' },
  // 1.16: Security Hub maps IAM.1 to CIS v1.2.0/v1.4.0 only; for v3.0.0 it lists it "Not supported".
  { id: '1.16', level: 1, assessment: A, securityHub: [], title: 'Ensure IAM policies that allow full "*:*" administrative privileges are not attached' },
  { id: '1.17', level: 1, assessment: A, securityHub: ['IAM.18'], title: 'Ensure a support role has been created to manage incidents with AWS Support' },
  // 1.18: Automated here (and for iCompaas); Prowler says Manual.
  { id: '1.18', level: 2, assessment: A, securityHub: [], title: 'Ensure IAM instance roles are used for AWS resource access from instances' },
  { id: '1.19', level: 1, assessment: A, securityHub: ['IAM.26'], title: 'Ensure that all the expired SSL/TLS certificates stored in AWS IAM are removed' },
  { id: '1.20', level: 1, assessment: A, securityHub: ['IAM.28'], title: 'Ensure that IAM Access analyzer is enabled for all regions' },
  { id: '1.21', level: 2, assessment: M, securityHub: [], title: 'Ensure IAM users are managed centrally via identity federation or AWS Organizations for multi-account environments',
    manualReason:
      'Whether an account should hold local IAM users at all, or give people access only through federation or AWS Organizations, is an organisational decision that no AWS setting records.' },
  { id: '1.22', level: 1, assessment: M, securityHub: ['IAM.27'], title: 'Ensure access to AWSCloudShellFullAccess is restricted' },

  // 2 Storage
  { id: '2.1.1', level: 2, assessment: A, securityHub: ['S3.5'], title: 'Ensure S3 Bucket Policy is set to deny HTTP requests' },
  // 2.1.2: Manual here; Prowler says Automated.
  { id: '2.1.2', level: 2, assessment: M, securityHub: ['S3.20'], title: 'Ensure MFA Delete is enabled on S3 buckets' },
  // 2.1.3: Security Hub lists Macie.1 as "Not supported – manual check" for every CIS version.
  { id: '2.1.3', level: 2, assessment: M, securityHub: [], title: 'Ensure all data in Amazon S3 has been discovered, classified and secured when required',
    manualReason:
      'Whether all S3 data has been discovered, classified and secured as required is a data-governance judgement, and Macie can show that discovery runs but not that its results were acted on.' },
  { id: '2.1.4', level: 1, assessment: A, securityHub: ['S3.1', 'S3.8'], title: "Ensure that S3 Buckets are configured with 'Block public access (bucket settings)'" },
  { id: '2.2.1', level: 1, assessment: A, securityHub: ['EC2.7'], title: 'Ensure EBS Volume Encryption is Enabled in all Regions' },
  { id: '2.3.1', level: 1, assessment: A, securityHub: ['RDS.3'], title: 'Ensure that encryption-at-rest is enabled for RDS Instances' },
  { id: '2.3.2', level: 1, assessment: A, securityHub: ['RDS.13'], title: 'Ensure Auto Minor Version Upgrade feature is Enabled for RDS Instances' },
  { id: '2.3.3', level: 1, assessment: A, securityHub: ['RDS.2'], title: 'Ensure that public access is not given to RDS Instance' },
  // 2.4.1: Manual here; Prowler says Automated.
  { id: '2.4.1', level: 1, assessment: M, securityHub: ['EFS.1'], title: 'Ensure that encryption is enabled for EFS file systems' },

  // 3 Logging
  { id: '3.1', level: 1, assessment: A, securityHub: ['CloudTrail.1'], title: 'Ensure CloudTrail is enabled in all regions' },
  { id: '3.2', level: 2, assessment: A, securityHub: ['CloudTrail.4'], title: 'Ensure CloudTrail log file validation is enabled' },
  { id: '3.3', level: 2, assessment: A, securityHub: ['Config.1'], title: 'Ensure AWS Config is enabled in all regions' },
  { id: '3.4', level: 1, assessment: A, securityHub: ['CloudTrail.7'], title: 'Ensure S3 bucket access logging is enabled on the CloudTrail S3 bucket' },
  { id: '3.5', level: 2, assessment: A, securityHub: ['CloudTrail.2'], title: 'Ensure CloudTrail logs are encrypted at rest using KMS CMKs' },
  { id: '3.6', level: 2, assessment: A, securityHub: ['KMS.4'], title: 'Ensure rotation for customer-created symmetric CMKs is enabled' },
  { id: '3.7', level: 2, assessment: A, securityHub: ['EC2.6'], title: 'Ensure VPC flow logging is enabled in all VPCs' },
  { id: '3.8', level: 2, assessment: A, securityHub: ['S3.22'], title: 'Ensure that Object-level logging for write events is enabled for S3 bucket' },
  { id: '3.9', level: 2, assessment: A, securityHub: ['S3.23'], title: 'Ensure that Object-level logging for read events is enabled for S3 bucket' },

  // 4 Monitoring. 4.1–4.15 are Manual in v3.0.0 (titles "Ensure … is monitored"); Prowler says Automated
  // under the older "Ensure a log metric filter and alarm exist for …" wording. Security Hub lists
  // CloudWatch.1–14 as "Not supported – manual check" for v3.0.0, so none is mapped here.
  { id: '4.1', level: 2, assessment: M, securityHub: [], title: 'Ensure unauthorized API calls are monitored' },
  { id: '4.2', level: 1, assessment: M, securityHub: [], title: 'Ensure management console sign-in without MFA is monitored' },
  { id: '4.3', level: 1, assessment: M, securityHub: [], title: "Ensure usage of 'root' account is monitored" },
  { id: '4.4', level: 1, assessment: M, securityHub: [], title: 'Ensure IAM policy changes are monitored' },
  { id: '4.5', level: 1, assessment: M, securityHub: [], title: 'Ensure CloudTrail configuration changes are monitored' },
  { id: '4.6', level: 2, assessment: M, securityHub: [], title: 'Ensure AWS Management Console authentication failures are monitored' },
  { id: '4.7', level: 2, assessment: M, securityHub: [], title: 'Ensure disabling or scheduled deletion of customer created CMKs is monitored' },
  { id: '4.8', level: 1, assessment: M, securityHub: [], title: 'Ensure S3 bucket policy changes are monitored' },
  { id: '4.9', level: 2, assessment: M, securityHub: [], title: 'Ensure AWS Config configuration changes are monitored' },
  { id: '4.10', level: 2, assessment: M, securityHub: [], title: 'Ensure security group changes are monitored' },
  { id: '4.11', level: 2, assessment: M, securityHub: [], title: 'Ensure Network Access Control Lists (NACL) changes are monitored' },
  { id: '4.12', level: 1, assessment: M, securityHub: [], title: 'Ensure changes to network gateways are monitored' },
  { id: '4.13', level: 1, assessment: M, securityHub: [], title: 'Ensure route table changes are monitored' },
  { id: '4.14', level: 1, assessment: M, securityHub: [], title: 'Ensure VPC changes are monitored' },
  { id: '4.15', level: 1, assessment: M, securityHub: [], title: 'Ensure AWS Organizations changes are monitored' },
  { id: '4.16', level: 2, assessment: A, securityHub: [], title: 'Ensure AWS Security Hub is enabled' },

  // 5 Networking
  { id: '5.1', level: 1, assessment: A, securityHub: ['EC2.21'], title: 'Ensure no Network ACLs allow ingress from 0.0.0.0/0 to remote server administration ports' },
  // 5.2/5.3: EC2.13 and EC2.14 (SSH/RDP, either address family) are "replaced by requirements 5.2 and 5.3".
  { id: '5.2', level: 1, assessment: A, securityHub: ['EC2.53'], title: 'Ensure no security groups allow ingress from 0.0.0.0/0 to remote server administration ports' },
  { id: '5.3', level: 1, assessment: A, securityHub: ['EC2.54'], title: 'Ensure no security groups allow ingress from ::/0 to remote server administration ports' },
  { id: '5.4', level: 2, assessment: A, securityHub: ['EC2.2'], title: 'Ensure the default security group of every VPC restricts all traffic' },
  { id: '5.5', level: 2, assessment: M, securityHub: [], title: 'Ensure routing tables for VPC peering are "least access"',
    manualReason:
      'Whether a peering route is as narrow as it should be depends on which hosts must reach each other, which only the network owners know, so the route tables can be listed but not judged.' },
  { id: '5.6', level: 1, assessment: A, securityHub: ['EC2.8'], title: 'Ensure that EC2 Metadata Service only allows IMDSv2' },
];

export const CisCatalogSchema = z
  .array(CisRecommendationSchema)
  .refine((all) => new Set(all.map((r) => r.id)).size === all.length, 'each CIS id appears once');

/** Every recommendation of sections 1–5, in the benchmark's order; parsed so a malformed entry fails at load. */
export const CIS_CATALOG: readonly CisRecommendation[] = CisCatalogSchema.parse(ENTRIES);

/**
 * The CIS ids a check's `frameworks.cis` names. The rule: one id per check (`'2.1.4'`), which the
 * check contract test enforces today; should a check ever evaluate two recommendations, it names them
 * comma-separated in the benchmark's order (`'5.2, 5.3'`), so findings, exports and stored rows keep a
 * plain string.
 */
export const cisIdsOf = (cis: string | null): string[] => (cis === null ? [] : cis.split(',').map((id) => id.trim()));

/** What the coverage table needs of a check. */
export type CoveringCheck = Pick<AnyCheck, 'id' | 'frameworks' | 'remediation'>;

/**
 * One recommendation's coverage: `checked` when a check evaluates it; else `manual` when the catalog
 * says why none can; else `uncovered`, a gap that must show, never read as covered.
 */
export type CisCoverage = { recommendation: CisRecommendation } & (
  | { status: 'checked'; /** In check-catalog order. */ checks: CoveringCheck[] }
  | { status: 'manual'; reason: string; checks: [] }
  | { status: 'uncovered'; checks: [] }
);

/**
 * Joins the CIS catalog with the check catalog. A check naming an id the benchmark does not have is a
 * typo that would silently drop the check from the table, so it is refused with both names.
 */
export const cisCoverage = (
  checks: readonly CoveringCheck[],
  catalog: readonly CisRecommendation[] = CIS_CATALOG,
): CisCoverage[] => {
  const known = new Set(catalog.map((r) => r.id));
  for (const check of checks)
    for (const id of cisIdsOf(check.frameworks.cis))
      if (!known.has(id))
        throw new Error(`check ${check.id} names CIS id "${id}", which ${CIS_BENCHMARK} does not have`);
  return catalog.map((recommendation): CisCoverage => {
    const covering = checks.filter((c) => cisIdsOf(c.frameworks.cis).includes(recommendation.id));
    if (covering.length > 0) return { recommendation, status: 'checked', checks: covering };
    if (recommendation.manualReason !== undefined)
      return { recommendation, status: 'manual', reason: recommendation.manualReason, checks: [] };
    return { recommendation, status: 'uncovered', checks: [] };
  });
};
