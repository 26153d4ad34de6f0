import { ACTION_IDS } from '../../src/core/render/blocks';
import {
  REMEDIATION_ACTION_IDS,
  REMEDIATION_CALLBACK_IDS,
  RequestIdValueSchema,
  renderBreakGlassModal,
  renderDenyModal,
} from '../../src/core/render/blocks/remediation';
import { sentence } from '../../src/core/render/blocks/remediation/format';
import { renderUndoModal } from '../views/undo-modal';
import type { ActionContext, ActionHandler } from './action';
import { openRequestModal } from '../../src/app/remediation/request-modal';
import { pressApprove } from '../../src/app/remediation/approve-press';
import { noteMessage, refusalMessage, remediationDisabled } from '../../src/core/render/blocks/remediation-replies';
import { sayStaleButton } from './scope-result';
import { recordedFields } from '../../src/app/conversation';

const workflowInput = (ctx: ActionContext) => ({
  actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
  channel: ctx.invocation.channel ?? undefined,
});

/** Loads nothing from the button but an id; the use cases load the request and authorize again. */
const requestIdOf = (ctx: ActionContext): string | null => {
  const parsed = RequestIdValueSchema.safeParse(ctx.invocation.value);
  return parsed.success ? parsed.data : null;
};

const withWorkflow =
  (run: (ctx: ActionContext, workflow: NonNullable<ActionContext['deps']['remediation']>) => Promise<void>) =>
  async (ctx: ActionContext) => {
    if (!ctx.deps.remediation) {
      await ctx.responder.send(remediationDisabled(), { visibility: 'ephemeral' });
      return;
    }
    await run(ctx, ctx.deps.remediation);
  };

export const remediationRequestButton: ActionHandler = {
  actionId: ACTION_IDS.remediationRequest,
  run: withWorkflow(async (ctx, workflow) => {
    const findingId = ctx.invocation.value;
    if (!/^f_[0-9a-f]{16}$/.test(findingId)) return sayStaleButton(ctx);
    await openRequestModal(ctx.responder, workflow, { ...workflowInput(ctx), findingId });
  }),
};

export const remediationApproveButton: ActionHandler = {
  actionId: REMEDIATION_ACTION_IDS.approve,
  run: withWorkflow(async (ctx, workflow) => {
    const requestId = requestIdOf(ctx);
    if (!requestId) return sayStaleButton(ctx);
    const press = await pressApprove(
      ctx.deps,
      workflow,
      { ...workflowInput(ctx), requestId },
      { canAskReason: ctx.responder.openModal !== undefined },
    );
    // Break-glass: the requester may approve only with a reason, asked for in a modal.
    if (press.kind === 'ask-break-glass-reason') {
      await ctx.responder.openModal?.(renderBreakGlassModal({ requestId }));
      return;
    }
    const result = press.result;
    if (!result.ok) {
      await ctx.responder.send(refusalMessage(result), { visibility: 'ephemeral' });
      return;
    }
    await ctx.responder.send(
      noteMessage(
        result.outcome === 'recorded'
          ? `Approval recorded; ${result.approvalsMissing} more needed.`
          : `Approved. Status: ${result.request.status}${result.request.reason ? ` — ${sentence(result.request.reason)}` : '.'}`,
      ),
      { visibility: 'ephemeral' },
    );
  }),
};

// Deny and Undo ask for text in a modal: whether the person may do it, and whether the request can
// still be denied or undone, is checked first and answered privately, so nobody types a reason for
// nothing. The submission checks everything again.

export const remediationDenyButton: ActionHandler = {
  actionId: REMEDIATION_ACTION_IDS.deny,
  run: withWorkflow(async (ctx, workflow) => {
    const requestId = requestIdOf(ctx);
    if (!requestId) return sayStaleButton(ctx);
    const check = await workflow.checkDeny({ ...workflowInput(ctx), requestId });
    if (!check.ok) {
      await ctx.responder.send(refusalMessage(check), { visibility: 'ephemeral' });
      return;
    }
    if (!ctx.responder.openModal) return;
    await ctx.responder.openModal(renderDenyModal({ requestId, callbackId: REMEDIATION_CALLBACK_IDS.denySubmit }));
  }),
};

export const remediationUndoButton: ActionHandler = {
  actionId: REMEDIATION_ACTION_IDS.undo,
  run: withWorkflow(async (ctx, workflow) => {
    const requestId = requestIdOf(ctx);
    if (!requestId) return sayStaleButton(ctx);
    const check = await workflow.checkUndo({ ...workflowInput(ctx), requestId });
    if (!check.ok) {
      await ctx.responder.send(refusalMessage(check), { visibility: 'ephemeral' });
      return;
    }
    if (!ctx.responder.openModal) return;
    await ctx.responder.openModal(renderUndoModal({ requestId }));
  }),
};

export const remediationActionHandlers = [
  remediationRequestButton,
  remediationApproveButton,
  remediationDenyButton,
  remediationUndoButton,
];
