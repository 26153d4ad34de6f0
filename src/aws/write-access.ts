import type { Config } from '../config';
import type { AccountAccess } from './clients';

/**
 * How cloudsec gets into an account to write: the account's own writeRoleArn, or the
 * organization's writeRoleName. Null when neither is configured: remediation is then refused for
 * that account (the read role is never used to write).
 */
export const writeAccessFor = (config: Config, accountId: string, partition = 'aws'): AccountAccess | null => {
  const listed = config.accounts?.find((a) => a.id === accountId);
  if (listed?.writeRoleArn) {
    return { accountId, roleArn: listed.writeRoleArn, ...(listed.externalId ? { externalId: listed.externalId } : {}) };
  }
  const org = config.organization;
  if (org?.writeRoleName) {
    return {
      accountId,
      roleArn: `arn:${partition}:iam::${accountId}:role/${org.writeRoleName}`,
      ...(org.externalId ? { externalId: org.externalId } : {}),
    };
  }
  return null;
};
