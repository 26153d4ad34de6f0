import type { WebClient } from '@slack/web-api';
import type { PeopleDirectory } from '../app/detections/alert-people';

/**
 * "Ask the actor" with detections.lookupByEmail: the Slack user of an SSO person's e-mail address
 * (users.lookupByEmail, scopes users:read and users:read.email). Slack's `users_not_found` means
 * nobody has that address: null, never a guess. Other errors are thrown for the use case to report.
 */
export const makeSlackPeopleDirectory = (client: Pick<WebClient, 'users'>): PeopleDirectory => ({
  userIdByEmail: async (email) => {
    try {
      const answer = await client.users.lookupByEmail({ email });
      const user = answer.user;
      // A deactivated account or a bot cannot answer a question.
      if (!user?.id || user.deleted === true || user.is_bot === true) return null;
      return user.id;
    } catch (err) {
      const code = (err as { data?: { error?: unknown } }).data?.error;
      if (code === 'users_not_found') return null;
      throw err;
    }
  },
});
