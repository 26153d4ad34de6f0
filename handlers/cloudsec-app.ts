import { dispatchCommand } from '../commands';
import { actionHandlers, homeView, viewHandlers } from './index';
import { groupsNamedIn } from '../src/core/access/policy';
import { renderErrorMessage } from '../src/core/render/blocks';
import { isCloudsecError } from '../src/errors';
import type { CloudsecApp } from '../src/app/conversation';
import type { AppDeps } from '../src/app/deps';

/**
 * The surface as one app, which both transports (Slack and the console) drive: commands, buttons,
 * modals, App Home and group-membership events. The surface's own composition (it routes to
 * commands/ and handlers/), so it lives here rather than among the use cases; src/compose.ts wires
 * it to them.
 */
export const makeCloudsecApp = (deps: AppDeps): CloudsecApp => {
  const handlers = actionHandlers();
  const views = viewHandlers();
  return {
    actionIds: handlers.map((h) => h.actionId),
    callbackIds: views.map((v) => v.callbackId),
    handleViewSubmission: async (submission) => {
      const view = views.find((v) => v.callbackId === submission.callbackId);
      if (!view) return { errors: {} };
      const resolution = await deps.groups.resolve(submission.actor.userId, groupsNamedIn(deps.config));
      return view.handle({ submission, actor: { userId: submission.actor.userId, groups: resolution.groups }, deps });
    },
    handleCommand: (invocation, responder) => dispatchCommand(deps, invocation, responder),
    handleAction: async (invocation, responder) => {
      const handler = handlers.find((h) => h.actionId === invocation.actionId);
      if (!handler) {
        await responder.send(
          renderErrorMessage({ title: 'Unknown button', message: 'This button does nothing any more.' }),
          {
            visibility: 'ephemeral',
          },
        );
        return;
      }
      try {
        const resolution = await deps.groups.resolve(invocation.actor.userId, groupsNamedIn(deps.config));
        await handler.run({
          invocation,
          actor: { userId: invocation.actor.userId, groups: resolution.groups },
          responder,
          deps,
        });
      } catch (err) {
        deps.log.error({ err, requestId: invocation.requestId, action: invocation.actionId }, 'action failed');
        await responder
          .send(
            renderErrorMessage({
              title: 'That did not work',
              message: isCloudsecError(err)
                ? err.message
                : `Something went wrong on our side (request ${invocation.requestId}).`,
            }),
            { visibility: 'ephemeral' },
          )
          .catch(() => undefined);
      }
    },
    homeView: (actor) => homeView(deps, actor),
    handleSubteamEvent: (event) => deps.groups.onSubteamEvent(event),
  };
};
