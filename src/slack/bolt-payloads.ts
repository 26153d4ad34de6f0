import type { WebClient } from '@slack/web-api';
import type { ModalView } from '../app/conversation';
import { renderErrorMessage, type MessagePayload } from '../core/render/blocks';
import { isCloudsecError } from '../errors';
import type { Logger } from './logger';
import type { SlackResponder } from './responder';

/**
 * What the Bolt transport (bolt-app.ts) reads out of Slack's payloads and how it answers a crash:
 * small pure-ish helpers, apart from the listener wiring.
 */

/**
 * What an element sends as its value: a button its `value`, an overflow menu or a select the value
 * of the option chosen. Untrusted either way: the app parses it.
 */
export const valueOfAction = (action: unknown): string => {
  const a = (action ?? {}) as { value?: unknown; selected_option?: { value?: unknown } | null };
  if (typeof a.value === 'string') return a.value;
  const chosen = a.selected_option?.value;
  return typeof chosen === 'string' ? chosen : '';
};

/**
 * The open modal an action came from (an input with `dispatch_action`): its id and hash, to update
 * it in place, and what it holds now. Handed to the app as `invocation.modal`, the shape
 * handlers/actions/action.ts reads (ModalOrigin). Null for buttons on messages and in App Home.
 */
export const modalOfAction = (body: unknown) => {
  const view = (body as { view?: Record<string, unknown> | null }).view;
  if (!view || view['type'] !== 'modal' || typeof view['id'] !== 'string') return null;
  const state = view['state'] as { values?: unknown } | undefined;
  return {
    viewId: view['id'],
    ...(typeof view['hash'] === 'string' ? { hash: view['hash'] } : {}),
    privateMetadata: typeof view['private_metadata'] === 'string' ? view['private_metadata'] : '',
    values: (state?.values ?? {}) as Record<string, Record<string, unknown>>,
  };
};

/**
 * A responder that can also replace the modal an action came from (views.update), as
 * handlers/actions/action.ts' ModalUpdater expects. Slack refuses an update whose hash is not the
 * view's latest (`hash_conflict`): a later update won, and that one is left as it is.
 */
export const withModalUpdates = (responder: SlackResponder, client: WebClient, log: Logger): SlackResponder =>
  Object.assign(responder, {
    updateModal: async (origin: { viewId: string; hash?: string }, view: ModalView) => {
      try {
        await client.views.update({
          view_id: origin.viewId,
          ...(origin.hash ? { hash: origin.hash } : {}),
          view: view as unknown as Parameters<WebClient['views']['update']>[0]['view'],
        });
      } catch (err) {
        if ((err as { data?: { error?: unknown } }).data?.error === 'hash_conflict') {
          log.info({ viewId: origin.viewId }, 'modal changed meanwhile; the later update stands');
          return;
        }
        throw err;
      }
    },
  });

/** The first word of the command, for log lines only (metrics labels come from the app's parser). */
export const subcommandOf = (text: string): string => (text.split(/\s+/)[0] ?? '').toLowerCase().slice(0, 32) || 'help';

/** Never a stack trace: what the user can do, and a reference that finds the log lines. */
export const crashMessage = (err: unknown, requestId: string): MessagePayload =>
  isCloudsecError(err) && err.code !== 'internal'
    ? renderErrorMessage({ title: 'cloudsec could not do that', message: err.message })
    : renderErrorMessage({
        title: 'Something went wrong',
        message: `cloudsec hit an unexpected error and could not finish. Reference: ${requestId}`,
        suggestion: 'Try again in a minute. If it keeps happening, give the reference to your cloudsec admin.',
      });
