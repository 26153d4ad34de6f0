import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Logger } from './logger';
import { EVENT_NONCE_TTL_MS, type NonceStore } from './nonces';
import { workspaceRefusal, type InstalledWorkspace } from './workspace';

/**
 * Bolt global middleware, in both modes, before any listener:
 *
 * - A payload from another workspace is dropped (acked where Slack expects an ack, so it does not
 *   retry). In HTTP mode the request guard has already answered such requests with 403; Socket Mode
 *   has no HTTP answer, so this is where it is refused there.
 * - An Events API event runs once per event id. Slack retries an event it thinks was not
 *   delivered (no 200 within 3 seconds, a dropped connection) with `X-Slack-Retry-Num` or
 *   `retry_attempt`: in HTTP mode a retry is a new request, signed afresh, so only the event id
 *   shows it is the same event. If the store cannot say whether the id was seen, the event is
 *   handled: the events cloudsec subscribes to (Home tab, user-group changes) are safe to handle
 *   twice, and dropping a user-group change would leave stale memberships in the role cache.
 * - A slash command, button press or modal submission runs once per trigger id when it comes again
 *   as a retry (`X-Slack-Retry-Num`, Socket Mode's `retry_attempt`): re-signed, it passes the
 *   request guard's replay check, and another replica would answer it a second time. Every trigger
 *   is recorded when first seen; only a retry is dropped (acked, so nobody retries further) when its
 *   trigger was seen, so a first delivery is never refused by this. If the store cannot say, it runs:
 *   what it does is exactly-once in the store anyway (compare-and-set approvals and executions).
 */
export const slackEventGuard = (deps: {
  workspace: InstalledWorkspace;
  nonces: NonceStore;
  clock: () => Date;
  logger: Logger;
}): Middleware<AnyMiddlewareArgs> => {
  return async (args) => {
    const body: unknown = args.body;
    const foreign = workspaceRefusal(body, deps.workspace);
    if (foreign) {
      deps.logger.warn({ reason: foreign }, 'Slack payload from outside the installed workspace dropped');
      if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
      return;
    }
    const eventId =
      (body as { type?: unknown; event_id?: unknown }).type === 'event_callback'
        ? (body as { event_id?: unknown }).event_id
        : undefined;
    const triggerId = (body as { trigger_id?: unknown }).trigger_id;
    if (typeof triggerId === 'string' && triggerId !== '') {
      let first = true;
      try {
        first = await deps.nonces.claimNonce(
          `trigger:${deps.workspace.teamId}:${triggerId}`,
          new Date(deps.clock().getTime() + EVENT_NONCE_TTL_MS),
        );
      } catch (err) {
        deps.logger.warn({ err }, 'could not record a trigger id; handling the interaction anyway');
      }
      const retryNum = args.context.retryNum;
      if (!first && retryNum !== undefined && retryNum > 0) {
        deps.logger.info({ retryNum }, 'interaction already handled; retry ignored');
        if ('ack' in args && typeof args.ack === 'function') await (args.ack as () => Promise<void>)();
        return;
      }
    }
    if (typeof eventId === 'string' && eventId !== '') {
      let first = true;
      try {
        first = await deps.nonces.claimNonce(
          `event:${deps.workspace.teamId}:${eventId}`,
          new Date(deps.clock().getTime() + EVENT_NONCE_TTL_MS),
        );
      } catch (err) {
        deps.logger.warn({ err, eventId }, 'could not record an event id; handling the event anyway');
      }
      if (!first) {
        deps.logger.info({ eventId, retryNum: args.context.retryNum }, 'event already handled; retry ignored');
        return;
      }
    }
    await args.next();
  };
};
