import type { AppDeps } from '../../src/app/deps';
import type { ActionInvocation, Responder } from '../../src/app/conversation';
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
