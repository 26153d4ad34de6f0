import type { AccountSnapshot, CollectError, KmsKey, KmsRegion, ResourceRef } from '../../../model';
import { errorText } from '../../../error-text';
import { describeCollectError, unknownFrom, type CheckResult } from '../../define';

/**
 * What both KMS checks share: how a key is named in a finding, and why a key the scan could not read
 * is unknown. KMS authorizes every per-key call against the key's own policy first, so an IAM policy
 * that allows the call is not enough when the key policy does not delegate to IAM: the message says so,
 * or the operator would grant a permission the role already has and see the same unknown again.
 */

export const kmsKeyResource = (key: Pick<KmsKey, 'id' | 'arn'>): ResourceRef => ({
  type: 'AwsKmsKey',
  id: key.id,
  arn: key.arn,
});

/** `KMS key alias/payments (1234abcd-…)`, or `KMS key 1234abcd-…` when no alias names it (or aliases are unknown). */
export const kmsKeyLabel = (region: Pick<KmsRegion, 'aliases'>, key: Pick<KmsKey, 'id'>): string => {
  const names = region.aliases.ok
    ? region.aliases.value.filter((a) => a.targetKeyId === key.id).map((a) => a.name)
    : [];
  return names.length > 0 ? `KMS key ${names.join(', ')} (${key.id})` : `KMS key ${key.id}`;
};

/**
 * `unknown` for a per-key value the scan could not read. A refusal names the permission and where to
 * grant it: the key policy, unless that policy gives the account's IAM policies a say
 * (`arn:aws:iam::<account>:root`).
 */
export const unknownKey = (
  account: Pick<AccountSnapshot, 'accountId' | 'partition'>,
  resource: ResourceRef,
  region: string,
  label: string,
  error: CollectError,
): CheckResult => {
  const result = unknownFrom(resource, region, error);
  if (error.kind !== 'access-denied')
    return {
      ...result,
      message: describeCollectError(error).replace(/^Could not check: /, `Could not check ${label}: `),
    };
  return {
    ...result,
    message:
      `Could not check ${label}: KMS refused ${errorText(error.operation, 80)} (${errorText(error.code, 80)}). ` +
      `KMS asks the key policy first: grant cloudsec's role ${errorText(error.permission, 100)} in the key policy, ` +
      `or let the key policy delegate to IAM ` +
      `(a statement for arn:${account.partition}:iam::${account.accountId}:root) and grant it there.`,
  };
};

/** A value the collector asks for every such key, missing from a snapshot recorded without it. */
export const notCollected = (resource: ResourceRef, region: string, label: string, what: string): CheckResult => ({
  status: 'unknown',
  resource,
  region,
  message: `Could not check ${label}: this snapshot has no ${what} for it; collect again.`,
  evidence: { notCollected: what },
});
