import { z } from 'zod';
import type { AppDeps } from '../../src/app/deps';
import type { ActionInvocation, ModalView, Responder } from '../../src/app/conversation';
import type { Actor } from '../../src/core/access/permissions';

export interface ActionContext {
  invocation: ActionInvocation;
  actor: Actor;
  responder: Responder;
  deps: AppDeps;
}

/** A button handler: `value` is untrusted input, parsed with zod and re-authorized inside. */
export interface ActionHandler {
  actionId: string;
  run(ctx: ActionContext): Promise<void>;
}

// ---------------------------------------------------------------- actions inside an open modal

/**
 * An element inside an open modal that dispatches actions (an input with `dispatch_action`) sends a
 * `block_actions` payload that carries the view, not a message: its id and hash (to update it in
 * place), its private_metadata and its state. A transport that can update modals passes them as
 * `invocation.modal` and gives the responder an `updateModal` (src/slack/bolt-app.ts does; the
 * console has no dispatching inputs). Everything in it is as untrusted as a button's value.
 *
 * Kept beside the handlers rather than in src/app/conversation.ts because only the accepted-risk
 * preview uses it so far; the shapes are the contract with src/slack/bolt-app.ts.
 */
export interface ModalOrigin {
  viewId: string;
  /** Slack's hash of the view as it was when the action fired: an update against an older one is refused. */
  hash?: string | undefined;
  privateMetadata: string;
  /** Slack's view.state.values. */
  values: Record<string, Record<string, unknown>>;
}

const ModalOriginSchema = z.object({
  viewId: z.string().min(1).max(64),
  hash: z.string().max(200).optional(),
  privateMetadata: z.string().max(3000),
  values: z.record(z.string(), z.record(z.string(), z.unknown())),
});

/** The modal the action came from, when it came from one (and the transport said so). */
export const modalOriginOf = (invocation: ActionInvocation): ModalOrigin | null => {
  const parsed = ModalOriginSchema.safeParse((invocation as { modal?: unknown }).modal);
  return parsed.success ? parsed.data : null;
};

/** Replaces the open modal the action came from (views.update), when the transport can. */
export type ModalUpdater = (origin: Pick<ModalOrigin, 'viewId' | 'hash'>, view: ModalView) => Promise<void>;

export const modalUpdaterOf = (responder: Responder): ModalUpdater | null => {
  const update = (responder as { updateModal?: unknown }).updateModal;
  return typeof update === 'function' ? (update.bind(responder) as ModalUpdater) : null;
};
