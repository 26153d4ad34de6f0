import { z } from 'zod';
import {
  REMEDIATION_CALLBACK_IDS,
  REMEDIATION_INPUTS,
  RequestIdValueSchema,
  parseBreakGlassReason,
  parseDenyReason,
  parseJustification,
} from '../../src/core/render/blocks/remediation';
import { recordedFields, type ViewSubmissionResult } from '../../src/app/conversation';
import type { RemediationWorkflow, Refusal } from '../../src/app/remediation';
import type { ViewContext, ViewHandler } from './view';
import { UNDO_INPUT, UNDO_SUBMIT } from './undo-modal';
import { noteMessage, refusalMessage, remediationDisabled } from '../../src/core/render/blocks/remediation-replies';

const RequestMetadataSchema = z.object({ f: z.string().regex(/^f_[0-9a-f]{16}$/), r: z.string().min(1) });

const stale = (blockId: string): ViewSubmissionResult => ({
  errors: { [blockId]: 'This dialog is out of date: close it and start again.' },
});

const workflowInput = (ctx: ViewContext) => ({
  actor: { ...ctx.actor, ...recordedFields(ctx.submission.actor) },
});

/** Outcomes of modal work reach the user as a DM (the modal is already closed). */
const tell = async (ctx: ViewContext, result: { ok: true } | Refusal, ok: string): Promise<void> => {
  await ctx.deps.messenger.dm(ctx.actor.userId, result.ok ? noteMessage(ok) : refusalMessage(result));
};

const withWorkflow =
  (handle: (ctx: ViewContext, workflow: RemediationWorkflow) => Promise<ViewSubmissionResult>) =>
  async (ctx: ViewContext): Promise<ViewSubmissionResult> => {
    if (!ctx.deps.remediation) {
      return {
        work: async () => {
          await ctx.deps.messenger.dm(ctx.actor.userId, remediationDisabled());
        },
      };
    }
    return handle(ctx, ctx.deps.remediation);
  };

const requestSubmit: ViewHandler = {
  callbackId: REMEDIATION_CALLBACK_IDS.requestSubmit,
  handle: withWorkflow(async (ctx, workflow) => {
    const justification = parseJustification(ctx.submission.values);
    if (!justification.ok) return { errors: justification.errors };
    let metadata: z.infer<typeof RequestMetadataSchema>;
    try {
      metadata = RequestMetadataSchema.parse(JSON.parse(ctx.submission.privateMetadata));
    } catch {
      return stale('justification');
    }
    // A second modal for the same change, or this submission replayed: the modal stays open and
    // names the open request (as it does a refused permission). Submissions that race past this
    // are told by DM: the store lets one through.
    const check = await workflow.checkRequest({
      ...workflowInput(ctx),
      findingId: metadata.f,
      remediationId: metadata.r,
    });
    if (!check.ok) return { errors: { [REMEDIATION_INPUTS.justification.blockId]: check.reason } };
    return {
      work: async () => {
        const result = await workflow.request({
          ...workflowInput(ctx),
          findingId: metadata.f,
          remediationId: metadata.r,
          justification: justification.value,
        });
        if (!result.ok) await tell(ctx, result, '');
      },
    };
  }),
};

const requestIdFrom = (ctx: ViewContext): string | null => {
  const parsed = RequestIdValueSchema.safeParse(ctx.submission.privateMetadata);
  return parsed.success ? parsed.data : null;
};

const denySubmit: ViewHandler = {
  callbackId: REMEDIATION_CALLBACK_IDS.denySubmit,
  handle: withWorkflow(async (ctx, workflow) => {
    const reason = parseDenyReason(ctx.submission.values);
    if (!reason.ok) return { errors: reason.errors };
    const requestId = requestIdFrom(ctx);
    if (!requestId) return stale('reason');
    return {
      work: async () => {
        const result = await workflow.deny({ ...workflowInput(ctx), requestId, reason: reason.value });
        await tell(ctx, result, `Request ${requestId} denied.`);
      },
    };
  }),
};

const breakGlassSubmit: ViewHandler = {
  callbackId: REMEDIATION_CALLBACK_IDS.breakGlassSubmit,
  handle: withWorkflow(async (ctx, workflow) => {
    const reason = parseBreakGlassReason(ctx.submission.values);
    if (!reason.ok) return { errors: reason.errors };
    const requestId = requestIdFrom(ctx);
    if (!requestId) return stale('reason');
    return {
      work: async () => {
        const result = await workflow.approve({ ...workflowInput(ctx), requestId, breakGlassReason: reason.value });
        await tell(ctx, result, `Break-glass approval of ${requestId} recorded.`);
      },
    };
  }),
};

const undoSubmit: ViewHandler = {
  callbackId: UNDO_SUBMIT,
  handle: withWorkflow(async (ctx, workflow) => {
    const value = ctx.submission.values[UNDO_INPUT.blockId]?.[UNDO_INPUT.actionId]?.value?.trim() ?? '';
    if (value.length < 10) return { errors: { [UNDO_INPUT.blockId]: 'Say why, in at least 10 characters.' } };
    const requestId = requestIdFrom(ctx);
    if (!requestId) return stale(UNDO_INPUT.blockId);
    return {
      work: async () => {
        const result = await workflow.undo({ ...workflowInput(ctx), requestId, justification: value });
        await tell(ctx, result, `Undo of ${requestId} requested; it needs approval like the fix did.`);
      },
    };
  }),
};

export const remediationViewHandlers: ViewHandler[] = [requestSubmit, denySubmit, breakGlassSubmit, undoSubmit];
