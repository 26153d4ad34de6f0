import type {
  AttachedPermissionsBoundary,
  AttachedPolicy,
  ManagedPolicyDetail,
  PolicyDetail,
} from '@aws-sdk/client-iam';
import type { IamPrincipal, ManagedPolicy } from '../../core/model';
import { MalformedAnswerError } from '../errors';

/** Turns GetAccountAuthorizationDetails entries into the snapshot's principals and policies. */

/**
 * A value AWS always sends (a name, an ARN, a required list). Without it the answer is malformed: the
 * value becomes missing evidence rather than an empty or nameless entry a check would read as "nothing there".
 */
export const required = <T>(value: T | undefined | null, what: string): T => {
  if (value === undefined || value === null || value === '') throw new MalformedAnswerError(`AWS sent ${what}`);
  return value;
};

/**
 * IAM returns policy documents URL-encoded (RFC 3986). A document that does not decode to JSON is
 * kept as text so a check can still show it rather than the scan losing it.
 */
export const decodePolicyDocument = (raw: string | undefined): unknown => {
  if (raw === undefined) return null;
  let text = raw;
  try {
    text = decodeURIComponent(raw);
  } catch {
    // Malformed percent-escapes: the document may already be plain JSON.
  }
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
};

/*
 * Lists inside a principal (attached and inline policies, group memberships) are optional in the API
 * reference, and IAM leaves empty ones out: its own sample answer has no UserPolicyList for a user without
 * inline policies. An absent list therefore means an empty one (`?? []` below); a list with members cannot
 * arrive half-sent. Scalars that identify something (names, ARNs) are required: without them a policy or
 * principal cannot be told apart, so the whole answer is malformed.
 */

const attached = (list: AttachedPolicy[] | undefined, owner: string) =>
  (list ?? []).map((p) => ({
    name: required(p.PolicyName, `a managed policy attached to ${owner} without a PolicyName`),
    arn: required(p.PolicyArn, `a managed policy attached to ${owner} without a PolicyArn`),
  }));

const inline = (list: PolicyDetail[] | undefined, owner: string) =>
  (list ?? []).map((p) => ({
    name: required(p.PolicyName, `an inline policy of ${owner} without a PolicyName`),
    // A missing document stays null: the checks report that policy as unreadable (unknown).
    document: decodePolicyDocument(p.PolicyDocument),
  }));

export const principal = (
  kind: string,
  name: string | undefined,
  arn: string | undefined,
  id: string | undefined,
  attachedPolicies: AttachedPolicy[] | undefined,
  inlinePolicies: PolicyDetail[] | undefined,
  boundary?: AttachedPermissionsBoundary,
): IamPrincipal => {
  const ownName = required(name, `a ${kind} without a name`);
  const owner = `${kind} ${ownName}`;
  return {
    name: ownName,
    arn: required(arn, `${owner} without an Arn`),
    id: required(id, `${owner} without an id`),
    attachedPolicies: attached(attachedPolicies, owner),
    inlinePolicies: inline(inlinePolicies, owner),
    ...(boundary?.PermissionsBoundaryArn ? { permissionsBoundaryArn: boundary.PermissionsBoundaryArn } : {}),
  };
};

export const managedPolicy = (p: ManagedPolicyDetail): ManagedPolicy => {
  const name = required(p.PolicyName, 'a managed policy without a PolicyName');
  // No version list or no default version: the document stays null and checks report it unreadable.
  const versions = p.PolicyVersionList ?? [];
  const defaultVersion =
    versions.find((v) => v.IsDefaultVersion) ?? versions.find((v) => v.VersionId === p.DefaultVersionId);
  return {
    name,
    arn: required(p.Arn, `managed policy ${name} without an Arn`),
    attachmentCount: p.AttachmentCount ?? null,
    defaultDocument: decodePolicyDocument(defaultVersion?.Document),
  };
};
