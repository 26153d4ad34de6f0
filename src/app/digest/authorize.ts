import { authorize, describeScope, permissionsOf, rolesOf, scopeOf, type Decision } from '../../core/access/policy';
import { resolveScopeAccounts, type EstateView } from '../../core/account-directory';
import type { AccountRef, Actor, ChannelRef, Permission } from '../../core/access/permissions';
import type { Config } from '../../config';
import type { DigestConfig } from '../../digest-config';

/**
 * `outside`: refused because the digest covers accounts outside the actor's scope. To them the
 * digest is not there (the command answers as for a digest that does not exist).
 */
export type DigestDecision = Decision & { outside?: true };

export interface DigestRequest {
  actor: Actor;
  permission: Permission;
  digest: DigestConfig;
  channel?: ChannelRef | undefined;
}

/**
 * A digest shows every account in its scope, so acting on it needs the permission on each of them:
 * a viewer of staging must not preview the production digest. The accounts are those the account
 * directory (`estate`) says the scope covers. When it cannot say (the organization was never
 * listed with this database, an OU or a name it does not know), or the scope covers no known
 * account, only the permission on every account will do: never the permission on "some account".
 * Refusals name no account outside the asker's scope.
 */
export const authorizeDigest = (request: DigestRequest, estate: EstateView, config: Config): DigestDecision => {
  const { actor, permission, digest } = request;
  const ask = (account?: AccountRef) => authorize({ actor, permission, account, channel: request.channel }, config);
  // Who has no role or not the permission at all, or asks in a refused channel, hears that first.
  const anywhere = ask();
  if (!anywhere.allowed) return anywhere;

  const help = `ask ${config.accessHelp ?? 'a cloudsec admin'}`;
  const onEveryAccount = permissionsOf(actor, config).includes(permission);
  const refuse = (reason: string): Decision => ({ allowed: false, code: 'out-of-scope', reason });
  const covered = resolveScopeAccounts(scopeOf(digest.scope), estate);
  if (!covered.resolved)
    return onEveryAccount
      ? anywhere
      : refuse(
          `cloudsec cannot tell which accounts digest "${digest.name}" covers: ${covered.reason}. ` +
            `Until it can, the digest needs ${permission} on every account — ${help}`,
        );
  if (covered.accounts.length === 0)
    return onEveryAccount
      ? anywhere
      : refuse(
          `digest "${digest.name}" covers no account cloudsec knows of, so it needs ${permission} on every account — ${help}`,
        );

  let last: DigestDecision = anywhere;
  for (const account of covered.accounts) {
    const decision = ask(account);
    if (!decision.allowed) {
      const held = rolesOf(actor, config)
        .filter((g) => g.permissions.includes(permission))
        .map((g) => describeScope(g.scope));
      return {
        ...refuse(
          `digest "${digest.name}" covers accounts outside your scope: it needs ${permission} on every account it covers, ` +
            `and you have it only on ${[...new Set(held)].join('; ')} — ${help}`,
        ),
        outside: true,
      };
    }
    last = decision;
  }
  return last;
};

/** Whether the actor may see the digest at all (read every account it covers): listing and naming it. */
export const digestVisibleTo = (actor: Actor, digest: DigestConfig, estate: EstateView, config: Config): boolean =>
  authorizeDigest({ actor, permission: 'findings:read', digest }, estate, config).allowed;
