import type { AccountRef } from '../../core/access/permissions';
import type { ChangeActor } from '../../core/detections/actor';
import { matchesPattern } from '../../core/exceptions/pattern';
import type { DetectionsConfig } from '../../core/detections/settings';

/**
 * Where an alert's card goes (config.detections.routing): a staged rule's alerts to the quiet
 * channel (else the default); otherwise the account's own channel, else the channel of its nearest
 * OU (the account directory's OU path, innermost first), else the default. Null: no channel is
 * configured for it, and the alert is stored but not posted.
 */
export const routeAlert = (
  routing: DetectionsConfig['routing'],
  alert: { accountId: string; staged: boolean },
  ouPath: readonly string[] | null | undefined,
): string | null => {
  if (alert.staged) return routing.staged ?? routing.default ?? null;
  const own = routing.accounts[alert.accountId];
  if (own) return own;
  for (const ou of [...(ouPath ?? [])].reverse()) {
    const channel = routing.ous[ou];
    if (channel) return channel;
  }
  return routing.default ?? null;
};

/** The OU path of an account in the directory (null when unknown or outside an organization). */
export const ouPathOf = (accounts: readonly AccountRef[], accountId: string): readonly string[] | null =>
  accounts.find((a) => a.id === accountId)?.ouPath ?? null;

/**
 * The Slack user a caller maps to (config.detections.actors: principal ARN pattern → user), tried
 * on the caller's ARN, then its role's ARN. Null when no pattern matches: cloudsec never guesses.
 */
export const slackUserOfActor = (actors: DetectionsConfig['actors'], actor: ChangeActor): string | null => {
  for (const arn of [actor.arn, actor.roleArn]) {
    if (!arn) continue;
    for (const [pattern, user] of Object.entries(actors)) if (matchesPattern(pattern, arn)) return user;
  }
  return null;
};
