import type { Config } from '../config';
import type { AccountAccess } from './clients';
import type { WritePurpose } from './iam-policy';

export type { WritePurpose } from './iam-policy';

/**
 * How cloudsec gets into an account to write. Fixes use the write role (the account's own
 * writeRoleArn, or the organization's writeRoleName); undos use the undo role (undoRoleArn or
 * undoRoleName), which alone may turn a control back off (see `cloudsec iam-policy --undo`). The
 * read role is never used to write, and neither write role stands in for the other.
 */

/** Where a role is configured, for messages that tell people what to set. */
export const ROLE_SETTINGS: Record<WritePurpose, string> = {
  fix: 'accounts[].writeRoleArn or organization.writeRoleName',
  undo: 'accounts[].undoRoleArn or organization.undoRoleName',
};

/** The role for `purpose` in the account; null when none is configured (the write is then refused). */
export const roleAccessFor = (
  config: Config,
  accountId: string,
  purpose: WritePurpose,
  partition = 'aws',
): AccountAccess | null => {
  const listed = config.accounts?.find((a) => a.id === accountId);
  const own = purpose === 'fix' ? listed?.writeRoleArn : listed?.undoRoleArn;
  if (own) return { accountId, roleArn: own, ...(listed?.externalId ? { externalId: listed.externalId } : {}) };
  const org = config.organization;
  const name = purpose === 'fix' ? org?.writeRoleName : org?.undoRoleName;
  if (org && name) {
    return {
      accountId,
      roleArn: `arn:${partition}:iam::${accountId}:role/${name}`,
      ...(org.externalId ? { externalId: org.externalId } : {}),
    };
  }
  return null;
};

/** The role fixes run with. */
export const writeAccessFor = (config: Config, accountId: string, partition = 'aws'): AccountAccess | null =>
  roleAccessFor(config, accountId, 'fix', partition);

/** The role undos run with. */
export const undoAccessFor = (config: Config, accountId: string, partition = 'aws'): AccountAccess | null =>
  roleAccessFor(config, accountId, 'undo', partition);

/** The executor's own message (noWriteRoleMessage) names the write role's settings; this is the undo's. */
export const noUndoRoleMessage = (accountId: string) =>
  `no undo role configured for account ${accountId}: set ${ROLE_SETTINGS.undo} (undo is off without one)`;

/**
 * Why Undo cannot be offered for the account, or null when it can. For the Undo button and the undo
 * request, so nobody has an undo approved that no role could run. Config only (no AWS client), so
 * the use cases can ask it.
 */
export const undoUnavailableReason = (config: Config, accountId: string): string | null =>
  undoAccessFor(config, accountId)
    ? null
    : `Undo is off for account ${accountId}: cloudsec has no undo role there. An admin can set ` +
      `${ROLE_SETTINGS.undo} in cloudsec.yml (its policy: \`cloudsec iam-policy --undo\`).`;
