import type { ChangeActor } from '../../core/detections/actor';
import type { DetectionsConfig } from '../../core/detections/settings';
import { slackUserOfActor } from './routing';

/**
 * Who in Slack made a change: "Ask the actor" needs a person to ask. cloudsec never guesses: a
 * principal is mapped in detections.actors, or (detections.lookupByEmail) an SSO or SAML session
 * whose person name is an e-mail address is looked up with users.lookupByEmail.
 */

/** The Slack side (src/slack/user-lookup.ts): users.lookupByEmail. */
export interface PeopleDirectory {
  /** The Slack user with this e-mail address; null when the workspace has none. Throws when Slack fails. */
  userIdByEmail(email: string): Promise<string | null>;
}

/** A plain address, nothing that could be a list or a pattern. */
const EMAIL = /^[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}$/;

export const emailOfActor = (actor: ChangeActor): string | null =>
  (actor.kind === 'sso-user' || actor.kind === 'saml-user') && actor.personName && EMAIL.test(actor.personName)
    ? actor.personName
    : null;

export type PersonFound = { found: true; userId: string; via: 'config' | 'email' } | { found: false; reason: string };

export const findPersonOf = async (
  config: Pick<DetectionsConfig, 'actors' | 'lookupByEmail'>,
  people: PeopleDirectory | null | undefined,
  actor: ChangeActor,
): Promise<PersonFound> => {
  const mapped = slackUserOfActor(config.actors, actor);
  if (mapped) return { found: true, userId: mapped, via: 'config' };
  const email = emailOfActor(actor);
  const mapHint = 'map the principal to a Slack user in detections.actors (cloudsec.yml)';
  if (!config.lookupByEmail || !email) {
    const why =
      email && !config.lookupByEmail
        ? `looking people up by e-mail is off (detections.lookupByEmail); turn it on, or ${mapHint}`
        : mapHint;
    return { found: false, reason: `cloudsec does not know who ${actor.label} is in Slack: ${why}.` };
  }
  if (!people)
    return {
      found: false,
      reason: `cloudsec cannot look ${email} up in Slack here (no Slack directory is connected): ${mapHint}.`,
    };
  let userId: string | null;
  try {
    userId = await people.userIdByEmail(email);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    return { found: false, reason: `Slack could not look ${email} up (${message.slice(0, 200)}); try again later.` };
  }
  return userId
    ? { found: true, userId, via: 'email' }
    : { found: false, reason: `Nobody in this Slack workspace has the address ${email}: ${mapHint}.` };
};
