import { z } from 'zod';
import { fact } from './fact';
import { isoDate } from './vocabulary';

/** What cloudsec reads from IAM (account-wide, so collected once, in the global region). */

/** One row of the IAM credential report; dates are ISO strings or null when AWS says N/A / no_information. */
export const CredentialReportRowSchema = z.object({
  user: z.string(),
  arn: z.string(),
  userCreationTime: isoDate.nullable(),
  passwordEnabled: z.boolean(),
  passwordLastUsed: isoDate.nullable(),
  passwordLastChanged: isoDate.nullable(),
  mfaActive: z.boolean(),
  accessKey1Active: z.boolean(),
  accessKey1LastRotated: isoDate.nullable(),
  accessKey1LastUsedDate: isoDate.nullable(),
  accessKey2Active: z.boolean(),
  accessKey2LastRotated: isoDate.nullable(),
  accessKey2LastUsedDate: isoDate.nullable(),
});
export type CredentialReportRow = z.infer<typeof CredentialReportRowSchema>;
/** The credential report names the root user like this. */
export const ROOT_USER = '<root_account>';

export const PolicyDocumentSchema = z.unknown().describe('parsed IAM policy JSON document');

export const InlinePolicySchema = z.object({ name: z.string(), document: PolicyDocumentSchema });
export const AttachedPolicySchema = z.object({ name: z.string(), arn: z.string() });

export const IamPrincipalSchema = z.object({
  name: z.string(),
  arn: z.string(),
  id: z.string(),
  attachedPolicies: z.array(AttachedPolicySchema),
  inlinePolicies: z.array(InlinePolicySchema),
  /** ARN of the managed policy set as the user's or role's permissions boundary; absent when none. */
  permissionsBoundaryArn: z.string().optional(),
});
export const IamUserSchema = IamPrincipalSchema.extend({ groups: z.array(z.string()) });
export type IamUser = z.infer<typeof IamUserSchema>;
export type IamPrincipal = z.infer<typeof IamPrincipalSchema>;
export const IamRoleSchema = IamPrincipalSchema.extend({
  /**
   * The trust policy (AssumeRolePolicyDocument), parsed like any policy document; `null` when AWS sent
   * none. Absent in snapshots written before cloudsec read it: who may assume the role is then unknown.
   */
  trustPolicy: PolicyDocumentSchema.optional(),
});
export type IamRole = z.infer<typeof IamRoleSchema>;

/** A managed policy with its default version's document. */
export const ManagedPolicySchema = z.object({
  name: z.string(),
  arn: z.string(),
  /** `null` when AWS did not say how many principals it is attached to. */
  attachmentCount: z.number().int().nullable(),
  defaultDocument: PolicyDocumentSchema,
});
export type ManagedPolicy = z.infer<typeof ManagedPolicySchema>;

export const AuthorizationDetailsSchema = z.object({
  users: z.array(IamUserSchema),
  groups: z.array(IamPrincipalSchema),
  roles: z.array(IamRoleSchema),
  /** Customer-managed policies, attached or not. */
  policies: z.array(ManagedPolicySchema),
  /**
   * The AWS-managed policies attached to a user, group or role, with their documents. Absent in
   * snapshots written before cloudsec read them: what those attachments grant is then unknown.
   */
  awsManagedPolicies: z.array(ManagedPolicySchema).optional(),
});
export type AuthorizationDetails = z.infer<typeof AuthorizationDetailsSchema>;

export const PasswordPolicySchema = z.object({
  minimumPasswordLength: z.number().int().nullable(),
  requireSymbols: z.boolean(),
  requireNumbers: z.boolean(),
  requireUppercaseCharacters: z.boolean(),
  requireLowercaseCharacters: z.boolean(),
  allowUsersToChangePassword: z.boolean(),
  maxPasswordAge: z.number().int().nullable(),
  passwordReusePrevention: z.number().int().nullable(),
  hardExpiry: z.boolean(),
});
export type PasswordPolicy = z.infer<typeof PasswordPolicySchema>;

export const VirtualMfaDeviceSchema = z.object({ serialNumber: z.string(), userArn: z.string().nullable() });

/** An SSL/TLS certificate stored in IAM (ListServerCertificates); the certificate body is not read. */
export const ServerCertificateSchema = z.object({
  name: z.string(),
  id: z.string(),
  arn: z.string(),
  uploadDate: isoDate.nullable(),
  /** Null when IAM did not say when it expires: the certificate is then reported as unknown. */
  expiration: isoDate.nullable(),
});
export type ServerCertificate = z.infer<typeof ServerCertificateSchema>;

export const IamSliceSchema = z.object({
  credentialReport: fact(z.array(CredentialReportRowSchema)),
  authorizationDetails: fact(AuthorizationDetailsSchema),
  /** `null` value: the account has no password policy (a state, not an error). */
  passwordPolicy: fact(PasswordPolicySchema.nullable()),
  /** GetAccountSummary's SummaryMap (AccountMFAEnabled, AccountAccessKeysPresent, …). */
  accountSummary: fact(z.record(z.string(), z.number())),
  /** Assigned virtual MFA devices; root's virtual device means root MFA is not hardware. */
  virtualMfaDevices: fact(z.array(VirtualMfaDeviceSchema)),
  /**
   * The server certificates stored in IAM. Absent in snapshots written before cloudsec read them: the
   * expired-certificate check then reports unknown ("not collected"), never a pass.
   */
  serverCertificates: fact(z.array(ServerCertificateSchema)).optional(),
});
export type IamSlice = z.infer<typeof IamSliceSchema>;
