import type { Account } from '@aws-sdk/client-organizations';
import { sdk } from './sdk';
import type { AccountClients } from './clients';
import { OU_ID, type AccountDirectoryUpdate, type DirectorySource } from '../core/account-directory';
import { errorDetail, errorName, MalformedAnswerError } from './errors';

/** One account listed in cloudsec.yml. Without `roleArn` it can only be the credentials' own account. */
export interface ListedAccountConfig {
  id: string;
  name: string;
  roleArn?: string;
  externalId?: string;
}

/** Scan every ACTIVE account of the organization by assuming `roleName` in each. */
export interface OrganizationConfig {
  roleName: string;
  externalId?: string;
  /** Default true. The management account is the one named in the organization's account ARNs. */
  includeManagementAccount?: boolean;
}

/** The `accounts` / `organization` part of cloudsec.yml; both absent means "the credentials' own account". */
export interface AccountsConfig {
  accounts?: ListedAccountConfig[];
  organization?: OrganizationConfig;
}

/** One account to scan. Structurally an `AccountAccess`, so it goes straight into the client factory. */
export interface AccountTarget {
  accountId: string;
  name: string;
  /** `aws`, `aws-us-gov` or `aws-cn`, taken from the caller's ARN. */
  partition: string;
  /** Absent: scanned with the caller's own credentials. */
  roleArn?: string;
  externalId?: string;
  /** Innermost organizational unit id (`ou-…`) when Organizations reports the account's path. */
  ou?: string;
  /**
   * Every OU from the root down (the innermost last; empty directly under the root), when
   * Organizations reported one readable path. Absent: the account's place is unknown.
   */
  ouPath?: string[];
}

export interface CallerIdentity {
  accountId: string;
  arn: string;
  partition: string;
}

/**
 * Why no scan can start. Messages are meant for the operator as they stand: they say what to set
 * or grant, and never carry a stack trace.
 * - `credentials`: no credentials found, or AWS rejected them.
 * - `config`: cloudsec.yml asks for something the credentials cannot do or that cannot be right.
 * - `aws`: AWS could not be reached or failed in another way.
 */
export type AccountsError = { kind: 'credentials' | 'config' | 'aws'; message: string };

export type AccountsResult =
  { ok: true; caller: CallerIdentity; accounts: AccountTarget[] } | { ok: false; error: AccountsError };

const fail = (kind: AccountsError['kind'], message: string): AccountsResult => ({
  ok: false,
  error: { kind, message },
});

/** Who cloudsec scans, given the caller's clients (built from the default credentials, no role). */
export const resolveAccounts = async (
  callerClients: AccountClients,
  config: AccountsConfig,
): Promise<AccountsResult> => {
  let caller: CallerIdentity;
  try {
    caller = await getCallerIdentity(callerClients);
  } catch (err) {
    return { ok: false, error: callerIdentityError(err) };
  }

  const listed = config.accounts ?? [];
  for (const account of listed) {
    const problem = listedAccountProblem(account, caller, config.organization);
    if (problem) return fail('config', problem);
  }

  let discovered: AccountTarget[] = [];
  if (config.organization) {
    const org = await listOrganizationAccounts(callerClients, caller, config.organization);
    if (!org.ok) return org;
    discovered = org.accounts;
  } else if (listed.length === 0) {
    return {
      ok: true,
      caller,
      accounts: [{ accountId: caller.accountId, name: caller.accountId, partition: caller.partition }],
    };
  }

  return { ok: true, caller, accounts: mergeListed(discovered, listed, caller, config.organization) };
};

const getCallerIdentity = async (clients: AccountClients): Promise<CallerIdentity> => {
  const out = await clients.sts().send(new sdk.sts.GetCallerIdentityCommand({}));
  if (!out.Account || !out.Arn) throw new Error('GetCallerIdentity returned no account');
  return { accountId: out.Account, arn: out.Arn, partition: out.Arn.split(':')[1] || 'aws' };
};

const WHAT_TO_SET =
  'Set AWS_PROFILE to a profile in ~/.aws/config, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY ' +
  '(plus AWS_SESSION_TOKEN for temporary credentials), or run with --demo to try cloudsec on the bundled demo account.';

/** Errors of the credential provider chain: nothing found, or a profile/SSO session that cannot produce keys. */
const NO_CREDENTIALS = new Set(['CredentialsProviderError', 'ProviderError', 'TokenProviderError']);
const REJECTED = new Set([
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'IncompleteSignature',
]);
const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'TokenRefreshRequired']);

const callerIdentityError = (err: unknown): AccountsError => {
  const code = errorName(err);
  const detail = errorDetail(err);
  if (NO_CREDENTIALS.has(code))
    return { kind: 'credentials', message: `No usable AWS credentials were found (${detail}). ${WHAT_TO_SET}` };
  if (EXPIRED.has(code))
    return {
      kind: 'credentials',
      message: `The AWS credentials have expired (${code}). Refresh them (for SSO profiles: aws sso login). ${WHAT_TO_SET}`,
    };
  if (REJECTED.has(code))
    return { kind: 'credentials', message: `AWS rejected the credentials (${code}: ${detail}). ${WHAT_TO_SET}` };
  return {
    kind: 'aws',
    message: `Could not verify the AWS credentials with sts:GetCallerIdentity (${code}: ${detail}). Check network access to AWS and AWS_REGION.`,
  };
};

const ROLE_ARN = /^arn:[a-z-]+:iam::(\d{12}):role\/.+$/;

const listedAccountProblem = (
  account: ListedAccountConfig,
  caller: CallerIdentity,
  organization: OrganizationConfig | undefined,
): string | null => {
  const label = `account ${account.id} (${account.name})`;
  if (!/^\d{12}$/.test(account.id)) return `${label}: the id must be the 12-digit account number.`;
  if (account.roleArn) {
    // A role in another account would attribute that account's findings to this id.
    const roleAccount = ROLE_ARN.exec(account.roleArn)?.[1];
    if (!roleAccount) return `${label}: roleArn "${account.roleArn}" is not an IAM role ARN.`;
    if (roleAccount !== account.id) return `${label}: roleArn belongs to account ${roleAccount}, not ${account.id}.`;
    return null;
  }
  if (account.id === caller.accountId || organization) return null;
  return `${label} needs a roleArn: only the account of the current credentials (${caller.accountId}) can be scanned without assuming a role.`;
};

/** Listed entries refine discovered accounts (name, role, external id) and add the ones not discovered. */
const mergeListed = (
  discovered: AccountTarget[],
  listed: ListedAccountConfig[],
  caller: CallerIdentity,
  organization: OrganizationConfig | undefined,
): AccountTarget[] => {
  const byId = new Map(discovered.map((t) => [t.accountId, t]));
  for (const account of listed) {
    const found = byId.get(account.id);
    const access = account.roleArn
      ? accessOf(account)
      : found
        ? accessOf(found)
        : organization && account.id !== caller.accountId
          ? orgRole(caller.partition, account.id, organization)
          : {};
    byId.set(account.id, {
      accountId: account.id,
      name: account.name,
      partition: caller.partition,
      ...access,
      ...(found?.ou ? { ou: found.ou } : {}),
      ...(found?.ouPath ? { ouPath: found.ouPath } : {}),
    });
  }
  return [...byId.values()];
};

const accessOf = (a: { roleArn?: string; externalId?: string }) => ({
  ...(a.roleArn ? { roleArn: a.roleArn } : {}),
  ...(a.roleArn && a.externalId ? { externalId: a.externalId } : {}),
});

const orgRole = (partition: string, accountId: string, org: OrganizationConfig) =>
  accessOf({ roleArn: `arn:${partition}:iam::${accountId}:role/${org.roleName}`, externalId: org.externalId });

const listOrganizationAccounts = async (
  clients: AccountClients,
  caller: CallerIdentity,
  org: OrganizationConfig,
): Promise<{ ok: true; accounts: AccountTarget[] } | { ok: false; error: AccountsError }> => {
  const accounts: Account[] = [];
  try {
    for await (const page of sdk.organizations.paginateListAccounts({ client: clients.organizations() }, {})) {
      // A page without its list is not "no accounts": the accounts on it would go unscanned unseen.
      if (!Array.isArray(page.Accounts))
        throw new MalformedAnswerError('organizations:ListAccounts answered a page without its Accounts list');
      for (const a of page.Accounts)
        if (!a.Id) throw new MalformedAnswerError('organizations:ListAccounts listed an account without its Id');
      accounts.push(...page.Accounts);
    }
  } catch (err) {
    return { ok: false, error: listAccountsError(err, caller) };
  }
  const includeManagement = org.includeManagementAccount ?? true;
  return {
    ok: true,
    accounts: accounts.flatMap((a): AccountTarget[] => {
      // `State` replaces the deprecated `Status`; either says whether the account can be entered. With
      // neither, the account is tried rather than left out unseen: if it cannot be entered, its
      // checks report unknown.
      const state = a.State ?? a.Status;
      if (!a.Id || (state !== undefined && state !== 'ACTIVE')) return [];
      if (!includeManagement && managementAccountOf(a) === a.Id) return [];
      const ouPath = ouPathOf(a.Id, a.Paths);
      const ou = ouPath?.[ouPath.length - 1];
      return [
        {
          accountId: a.Id,
          // A label only: an account without a name is still scanned, shown by its id.
          name: a.Name ?? a.Id,
          partition: caller.partition,
          ...(a.Id === caller.accountId ? {} : orgRole(caller.partition, a.Id, org)),
          ...(ou ? { ou } : {}),
          ...(ouPath ? { ouPath } : {}),
        },
      ];
    }),
  };
};

/** Organization account ARNs name the management account: arn:aws:organizations::<management>:account/o-…/<id>. */
const managementAccountOf = (a: Account): string | undefined => a.Arn?.split(':')[4];

/**
 * The OUs on an account's path (`o-…/r-…/ou-…/…/<account id>/`), root first. Undefined unless
 * Organizations gave exactly one path of that shape ending at this account: an OU scope is
 * authorized on this path, so a guess (a missing, second or unreadable path) would grant or hide
 * accounts; unknown instead makes OU scopes fail closed.
 */
const ouPathOf = (accountId: string, paths: string[] | undefined): string[] | undefined => {
  if (!Array.isArray(paths) || paths.length !== 1 || typeof paths[0] !== 'string') return undefined;
  const segments = paths[0].replace(/\/$/, '').split('/');
  const [org, root, ...rest] = segments;
  const account = rest.pop();
  if (!org?.startsWith('o-') || !root?.startsWith('r-') || account !== accountId) return undefined;
  return rest.every((segment) => OU_ID.test(segment)) ? rest : undefined;
};

/** Where discovered accounts come from, as cloudsec.yml asks. */
export const directorySourceOf = (config: AccountsConfig): DirectorySource =>
  config.organization ? 'organization' : (config.accounts?.length ?? 0) > 0 ? 'listed' : 'caller';

/**
 * The account directory for what `resolveAccounts` found. Outside an organization accounts have no
 * OU (`[]`); inside, an account whose path Organizations did not give (or a listed account it did
 * not list) has an unknown one (null).
 */
export const directoryUpdateOf = (
  config: AccountsConfig,
  accounts: readonly AccountTarget[],
): AccountDirectoryUpdate => ({
  source: directorySourceOf(config),
  accounts: accounts.map((a) => ({
    id: a.accountId,
    name: a.name,
    ouPath: a.ouPath ? [...a.ouPath] : config.organization ? null : [],
  })),
});

const listAccountsError = (err: unknown, caller: CallerIdentity): AccountsError => {
  const code = errorName(err);
  if (code === 'AccessDeniedException' || code === 'AccessDenied')
    return {
      kind: 'config',
      message:
        `cloudsec.yml asks to scan the organization, but organizations:ListAccounts was denied for ${caller.arn}. ` +
        'Grant organizations:ListAccounts (it works from the management account or a delegated administrator), ' +
        'or list the accounts under `accounts:` instead.',
    };
  if (code === 'AWSOrganizationsNotInUseException')
    return {
      kind: 'config',
      message:
        `cloudsec.yml asks to scan the organization, but account ${caller.accountId} is not in an AWS Organization, ` +
        'so organizations:ListAccounts has nothing to list. Remove `organization:` or list the accounts under `accounts:`.',
    };
  return {
    kind: 'aws',
    message: `organizations:ListAccounts failed (${code}: ${errorDetail(err)}).`,
  };
};
