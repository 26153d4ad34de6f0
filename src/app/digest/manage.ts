import type { Config } from '../../config';
import type { EstateView } from '../../core/account-directory';
import type { Actor, ChannelRef, Permission } from '../../core/access/permissions';
import type { DigestConfig } from '../../digest-config';
import type { Store } from '../../store/store';
import { loadEstateView } from '../account-directory';
import { recordedActor, type InvocationActor } from '../conversation';
import { authorizeDigest, digestVisibleTo } from './authorize';
import type { DigestListing, DigestService } from './index';

/**
 * `/cloudsec digest list | preview | now`: which digests someone may see and act on. A digest shows
 * every account it covers, so it is theirs only when they may read each of them (./authorize.ts);
 * the others are not there for them, and asking for one by name reads like asking for one that
 * does not exist.
 */

export interface DigestManageDeps {
  config: Config;
  store: Pick<Store, 'accountDirectory' | 'appendAudit'>;
}

/** The digests the actor may see (those whose every account they may read), with their latest runs. */
export const listDigestsFor = async (
  deps: DigestManageDeps,
  service: Pick<DigestService, 'list'>,
  actor: Actor,
): Promise<{ listing: DigestListing[]; estate: EstateView }> => {
  const estate = await loadEstateView(deps.store, deps.config);
  const listing = await service.list((d) => digestVisibleTo(actor, d, estate, deps.config));
  return { listing, estate };
};

/** `preview` shows a digest only to the asker; `now` posts it to its channel. */
export type DigestAction = 'preview' | 'now';

const PERMISSION: Record<DigestAction, Permission> = { preview: 'findings:read', now: 'digest:manage' };

export type DigestChoice =
  | { ok: true; digest: DigestConfig }
  /** No digest of that name the actor may see (none, or one covering accounts outside their scope). */
  | { ok: false; code: 'unknown'; visible: DigestConfig[] }
  | { ok: false; code: 'not-allowed'; reason: string };

/**
 * The digest named in a command, if the actor may `action` it: they must see it first (read every
 * account it covers), then hold the action's permission on each of them, asked here (`channel`).
 * Every decision on an existing digest is recorded in the audit log.
 */
export const chooseDigest = async (
  deps: DigestManageDeps,
  service: Pick<DigestService, 'find' | 'digests'>,
  ask: { actor: Actor; invocationActor: InvocationActor; name: string; action: DigestAction; channel?: ChannelRef },
): Promise<DigestChoice> => {
  const estate = await loadEstateView(deps.store, deps.config);
  const visible = () => service.digests().filter((d) => digestVisibleTo(ask.actor, d, estate, deps.config));
  const digest = service.find(ask.name);
  if (!digest) return { ok: false, code: 'unknown', visible: visible() };
  const permission = PERMISSION[ask.action];
  // Seeing it comes first: to someone who may not read every account it covers, it is not there.
  const sees = authorizeDigest({ actor: ask.actor, permission: 'findings:read', digest }, estate, deps.config);
  const decision = sees.allowed
    ? authorizeDigest({ actor: ask.actor, permission, digest, channel: ask.channel }, estate, deps.config)
    : sees;
  await deps.store.appendAudit({
    actor: recordedActor(ask.invocationActor),
    action: `digest.${ask.action}`,
    target: `digest:${digest.name}`,
    outcome: decision.allowed ? 'allowed' : 'denied',
    details: { permission, reason: decision.reason },
  });
  if (decision.allowed) return { ok: true, digest };
  return decision.outside
    ? { ok: false, code: 'unknown', visible: visible() }
    : { ok: false, code: 'not-allowed', reason: decision.reason };
};
