import { authorize, scopeCovers, scopeOf, type Decision } from '../../core/policy';
import type { AccountRef, Actor, ChannelRef, Permission } from '../../core/permissions';
import type { Config } from '../../config';
import type { DigestConfig } from '../../digest-config';

/**
 * A digest shows every account in its scope, so acting on it needs the permission on each of
 * them: a viewer of staging must not preview the production digest. The first refusal is the answer.
 */
export const authorizeDigest = (
  request: { actor: Actor; permission: Permission; digest: DigestConfig; channel?: ChannelRef | undefined },
  known: readonly AccountRef[],
  config: Config,
): Decision => {
  const scope = scopeOf(request.digest.scope);
  const covered = known.filter((a) => scopeCovers(scope, a));
  const ask = (account?: AccountRef) =>
    authorize({ actor: request.actor, permission: request.permission, account, channel: request.channel }, config);
  if (covered.length === 0) return ask();
  let last: Decision | null = null;
  for (const account of covered) {
    const decision = ask(account);
    if (!decision.allowed) return decision;
    last = decision;
  }
  return last!;
};
