import { recordedFields, type ViewSubmissionResult } from '../../src/app/conversation';
import type { ExceptionAction, ExceptionRefusal, RequestField, RequestRefusal } from '../../src/app/exceptions';
import {
  EXCEPTION_CALLBACK_IDS,
  EXCEPTION_INPUTS,
  parseDecisionReason,
  parseExceptionModalMetadata,
  parseExtendModal,
  parseRequestModal,
  parseRequestModalMetadata,
} from '../../src/core/render/blocks/exceptions';
import type { MessagePayload } from '../../src/core/render/blocks/kit';
import { plural } from '../../src/core/render/blocks/remediation/format';
import { noteMessage, refusalMessage } from '../../src/core/render/blocks/remediation-replies';
import type { ViewContext, ViewHandler } from './view';

/**
 * Submissions of the accepted-risk modals. Within Slack's 3 s each one parses its fields and asks
 * the use case's quick check, so a problem is shown under the field it is about and the modal stays
 * open; the change itself runs after the answer, and its outcome reaches the person by DM (the modal
 * is closed by then). Nothing in private_metadata is trusted beyond an id.
 */

const REASON = EXCEPTION_INPUTS.reason.blockId;

const stale = (blockId: string): ViewSubmissionResult => ({
  errors: { [blockId]: 'This dialog is out of date: close it and start again.' },
});

const workflowInput = (ctx: ViewContext) => ({
  actor: { ...ctx.actor, ...recordedFields(ctx.submission.actor) },
});

const dm = (ctx: ViewContext, message: MessagePayload) => ctx.deps.messenger.dm(ctx.actor.userId, message);

const day = (iso: string) => iso.slice(0, 10);

/** Which scope input a message of the core's validation is about (`scope.<field>: …`). */
const scopeBlockOf = (message: string): string => {
  const field = /^scope\.(\w+)/.exec(message)?.[1];
  switch (field) {
    case 'checks':
      return EXCEPTION_INPUTS.checks.blockId;
    case 'regions':
      return EXCEPTION_INPUTS.regions.blockId;
    case 'resources':
      return EXCEPTION_INPUTS.resources.blockId;
    case 'tags':
      return EXCEPTION_INPUTS.tags.blockId;
    default:
      return EXCEPTION_INPUTS.accounts.blockId;
  }
};

const FIELD_BLOCKS: Record<Exclude<RequestField, 'scope'>, string> = {
  reason: EXCEPTION_INPUTS.reason.blockId,
  expiresAt: EXCEPTION_INPUTS.expiry.blockId,
  ownerId: EXCEPTION_INPUTS.owner.blockId,
};

/**
 * A refused request as errors under the modal's fields: each field the use case named under its own
 * input; a refusal about the scope as a whole (the asker may not ask for these accounts, it does not
 * cover the finding) under the scope; anything else under the first input, where it is seen first.
 */
export const requestErrors = (refusal: RequestRefusal): Record<string, string> => {
  const errors: Record<string, string> = {};
  const add = (block: string, message: string) => {
    errors[block] = errors[block] ? `${errors[block]} ${message}` : message;
  };
  for (const [field, message] of Object.entries(refusal.fields ?? {}) as [RequestField, string][]) {
    add(field === 'scope' ? scopeBlockOf(message) : FIELD_BLOCKS[field], message);
  }
  if (Object.keys(errors).length > 0) return errors;
  const block =
    refusal.code === 'not-allowed'
      ? EXCEPTION_INPUTS.accounts.blockId
      : refusal.code === 'not-covered'
        ? EXCEPTION_INPUTS.resources.blockId
        : EXCEPTION_INPUTS.checks.blockId;
  return { [block]: refusal.reason };
};

const requestSubmit: ViewHandler = {
  callbackId: EXCEPTION_CALLBACK_IDS.requestModal,
  handle: async (ctx) => {
    const metadata = parseRequestModalMetadata(ctx.submission.privateMetadata);
    if (!metadata) return stale(REASON);
    const parsed = parseRequestModal(ctx.submission.values, ctx.deps.clock(), ctx.deps.config.exceptions.maxDays);
    if (!parsed.ok) return { errors: parsed.errors };
    const input = {
      ...workflowInput(ctx),
      findingId: metadata.findingId,
      ...parsed.input,
      // The picker gives an id; a name is known only when the requester owns the risk themselves.
      ...(parsed.input.ownerId === ctx.actor.userId && ctx.submission.actor.userName
        ? { ownerName: ctx.submission.actor.userName }
        : {}),
    };
    // The scope may have been edited since it was last counted: the request is checked as submitted,
    // and what it covers then is what the card shows approvers and the DM tells the requester.
    const check = await ctx.deps.exceptions.checkRequest(input);
    if (!check.ok) return { errors: requestErrors(check) };
    return {
      work: async () => {
        const result = await ctx.deps.exceptions.request(input);
        if (!result.ok) {
          await dm(ctx, refusalMessage(result));
          return;
        }
        const covers = `It covers ${plural(result.coverage.count, 'failing finding')} you can see now`;
        await dm(
          ctx,
          noteMessage(
            result.posted
              ? `Asked for approval: accepted risk ${result.exception.id}, until ${day(result.exception.expiresAt)}. ` +
                  `${covers}. Nothing is hidden until someone else with exception:approve approves it on the card in the approvals channel.`
              : `Accepted risk ${result.exception.id} is stored, but its approval card could not be posted to Slack. ` +
                  `${covers}. Ask an approver to find it with /cloudsec exceptions pending.`,
          ),
        );
      },
    };
  },
};

/**
 * A modal that acts on one exception with a reason (Deny, Revoke, Deny extension): the reason is
 * read, the exception's id taken from private_metadata, and the use case's gate asked within the
 * 3 s so that a refusal (someone else decided meanwhile, no permission) keeps the modal open.
 */
const reasonSubmit = (
  callbackId: string,
  action: ExceptionAction,
  act: (ctx: ViewContext, input: { exceptionId: string; reason: string }) => Promise<{ ok: true } | ExceptionRefusal>,
  done: (exceptionId: string) => string,
): ViewHandler => ({
  callbackId,
  handle: async (ctx) => {
    const reason = parseDecisionReason(ctx.submission.values);
    if (!reason.ok) return { errors: reason.errors };
    const metadata = parseExceptionModalMetadata(ctx.submission.privateMetadata);
    if (!metadata) return stale(REASON);
    const { exceptionId } = metadata;
    const gate = await ctx.deps.exceptions.check({ ...workflowInput(ctx), exceptionId, action });
    if (!gate.ok) return { errors: { [REASON]: gate.reason } };
    return {
      work: async () => {
        const result = await act(ctx, { exceptionId, reason: reason.value });
        await dm(ctx, result.ok ? noteMessage(done(exceptionId)) : refusalMessage(result));
      },
    };
  },
});

const denySubmit = reasonSubmit(
  EXCEPTION_CALLBACK_IDS.denyModal,
  'deny',
  (ctx, input) => ctx.deps.exceptions.deny({ ...workflowInput(ctx), ...input }),
  (id) => `Accepted risk ${id} denied; the requester and the owner were told why.`,
);

const revokeSubmit = reasonSubmit(
  EXCEPTION_CALLBACK_IDS.revokeModal,
  'revoke',
  (ctx, input) => ctx.deps.exceptions.revoke({ ...workflowInput(ctx), ...input }),
  (id) => `Accepted risk ${id} revoked: the findings it hid are shown again.`,
);

const extendDenySubmit = reasonSubmit(
  EXCEPTION_CALLBACK_IDS.extendDenyModal,
  'deny-extension',
  (ctx, input) => ctx.deps.exceptions.denyExtension({ ...workflowInput(ctx), ...input }),
  (id) => `Extension of accepted risk ${id} denied; it keeps its current expiry.`,
);

/** Extend: a later date and why; the current expiry is the exception's as loaded now. */
const extendSubmit: ViewHandler = {
  callbackId: EXCEPTION_CALLBACK_IDS.extendModal,
  handle: async (ctx) => {
    const metadata = parseExceptionModalMetadata(ctx.submission.privateMetadata);
    if (!metadata) return stale(REASON);
    const { exceptionId } = metadata;
    const gate = await ctx.deps.exceptions.check({ ...workflowInput(ctx), exceptionId, action: 'extend' });
    if (!gate.ok) return { errors: { [REASON]: gate.reason } };
    const parsed = parseExtendModal(
      ctx.submission.values,
      ctx.deps.clock(),
      ctx.deps.config.exceptions.maxDays,
      gate.exception.expiresAt,
    );
    if (!parsed.ok) return { errors: parsed.errors };
    return {
      work: async () => {
        const result = await ctx.deps.exceptions.requestExtension({
          ...workflowInput(ctx),
          exceptionId,
          ...parsed.input,
        });
        await dm(
          ctx,
          result.ok
            ? noteMessage(
                `Extension of accepted risk ${exceptionId} to ${day(parsed.input.expiresAt)} asked for; ` +
                  'someone else with exception:approve must approve it. Until then it ends as before.',
              )
            : refusalMessage(result),
        );
      },
    };
  },
};

export const exceptionViewHandlers: ViewHandler[] = [
  requestSubmit,
  denySubmit,
  revokeSubmit,
  extendSubmit,
  extendDenySubmit,
];
