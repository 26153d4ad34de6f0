import { recordedActor, recordedFields } from '../../src/app/conversation';
import type { ExceptionAction, ExceptionRefusal } from '../../src/app/exceptions';
import { requestOfScopeKey } from '../../src/app/scan-service';
import { visibleReport } from '../../src/app/visible-report';
import {
  EXCEPTION_ACTION_IDS,
  EXCEPTION_INPUTS,
  parseExceptionButtonValue,
  parseFindingButtonValue,
  parseListPageValue,
  parseRequestModalMetadata,
  parseScopeInputs,
  parseShowHiddenValue,
  renderDenyModal,
  renderExtendDenyModal,
  renderExtendModal,
  renderHiddenFindings,
  renderRequestModal,
  renderRevokeModal,
  type ExceptionModalView,
} from '../../src/core/render/blocks/exceptions';
import type { RiskException } from '../../src/core/exceptions/model';
import { renderErrorMessage } from '../../src/core/render/blocks';
import { accountNamesOf } from '../../src/core/render/blocks/finding';
import { noteMessage, refusalMessage } from '../../src/core/render/blocks/remediation-replies';
import { asModal, openAcceptRiskModal } from '../../src/app/exceptions/request-modal';
import { sendExceptionList } from '../../commands/exceptions';
import { modalOriginOf, modalUpdaterOf, type ActionContext, type ActionHandler } from './action';
import { findingWho } from './alerts';
import { remediationRequestButton } from './remediation';
import { sayStaleButton } from './scope-result';

/**
 * The accepted-risk (exception) buttons: "Accept risk…" on a failing finding, the approval card's
 * Approve / Deny / Revoke / Extend / Approve extension / Deny extension, "Show" under a report's
 * "N accepted risks hidden" line, Next page of `/cloudsec exceptions`, and the scope inputs of the
 * request modal, which count again when Enter is pressed in them. A button's value is read as an id
 * (or a small validated object) and nothing more: the use cases load the exception and authorize
 * again. Every answer is private to the presser; card updates and DMs are the use cases' own.
 */

const workflowInput = (ctx: ActionContext) => ({
  actor: { ...ctx.actor, ...recordedFields(ctx.invocation.actor) },
  channel: ctx.invocation.channel ?? undefined,
});

const tell = (ctx: ActionContext, message: Parameters<ActionContext['responder']['send']>[0]) =>
  ctx.responder.send(message, { visibility: 'ephemeral' });

const refuse = (ctx: ActionContext, refusal: Pick<ExceptionRefusal, 'code' | 'reason'>) =>
  tell(ctx, refusalMessage(refusal));

const day = (iso: string) => iso.slice(0, 10);

/** The exception id a card button carries; null (after saying the button is stale) for anything else. */
const exceptionIdOf = async (ctx: ActionContext): Promise<string | null> => {
  const id = parseExceptionButtonValue(ctx.invocation.value);
  if (!id) await sayStaleButton(ctx);
  return id;
};

/**
 * Buttons that ask for text first (Deny, Revoke, Extend, Deny extension): whether the presser may,
 * and whether the exception can still be moved, is checked before the modal opens, so nobody types a
 * reason for nothing; the submission checks everything again.
 */
const modalButton = (
  actionId: string,
  action: ExceptionAction,
  modal: (exception: RiskException, ctx: ActionContext) => ExceptionModalView,
): ActionHandler => ({
  actionId,
  run: async (ctx) => {
    const exceptionId = await exceptionIdOf(ctx);
    if (!exceptionId) return;
    const check = await ctx.deps.exceptions.check({ ...workflowInput(ctx), exceptionId, action });
    if (!check.ok) return refuse(ctx, check);
    if (!ctx.responder.openModal) return;
    await ctx.responder.openModal(asModal(modal(check.exception, ctx)));
  },
});

export const acceptRiskPress: ActionHandler = {
  actionId: EXCEPTION_ACTION_IDS.request,
  run: async (ctx) => {
    const findingId = parseFindingButtonValue(ctx.invocation.value);
    if (!findingId) return sayStaleButton(ctx);
    await openAcceptRiskModal(ctx.deps, ctx.responder, { ...workflowInput(ctx), findingId });
  },
};

/**
 * The action id and values of the menu a failing finding carries when it offers more than one thing
 * (src/core/render/blocks/finding.ts): an `overflow` element whose options' values are
 * `remediate:<finding id>` and `accept:<finding id>`.
 */
export const FINDING_MENU = {
  actionId: 'finding.menu',
  remediate: (findingId: string) => `remediate:${findingId}`,
  accept: (findingId: string) => `accept:${findingId}`,
} as const;

const MENU_VALUE = /^(remediate|accept|who):(f_[0-9a-f]{16})$/;

/** The finding's menu: Remediate…, Accept risk… and Who did this? go where their own buttons go. */
export const findingMenu: ActionHandler = {
  actionId: FINDING_MENU.actionId,
  run: async (ctx) => {
    const chosen = MENU_VALUE.exec(ctx.invocation.value);
    if (!chosen) return sayStaleButton(ctx);
    const [, what, findingId] = chosen as unknown as [string, 'remediate' | 'accept' | 'who', string];
    const pressed = { ...ctx, invocation: { ...ctx.invocation, value: findingId } };
    if (what === 'remediate') return remediationRequestButton.run(pressed);
    if (what === 'who') return findingWho.run(pressed);
    return acceptRiskPress.run(pressed);
  },
};

export const approveButton: ActionHandler = {
  actionId: EXCEPTION_ACTION_IDS.approve,
  run: async (ctx) => {
    const exceptionId = await exceptionIdOf(ctx);
    if (!exceptionId) return;
    const result = await ctx.deps.exceptions.approve({ ...workflowInput(ctx), exceptionId });
    if (!result.ok) return refuse(ctx, result);
    const sh = result.securityHub;
    const shNote =
      sh && sh.failed.length > 0
        ? ` Security Hub did not suppress ${sh.failed.length} of its findings: see the card's thread.`
        : '';
    await tell(
      ctx,
      noteMessage(
        `Approved: accepted risk ${result.exception.id} is in force until ${day(result.exception.expiresAt)}. ` +
          `The findings it covers leave the failing lists and are counted as accepted risks.${shNote}`,
      ),
    );
  },
};

export const denyButton = modalButton(EXCEPTION_ACTION_IDS.deny, 'deny', (e) => renderDenyModal({ exceptionId: e.id }));

export const revokeButton = modalButton(EXCEPTION_ACTION_IDS.revoke, 'revoke', (e) =>
  renderRevokeModal({ exceptionId: e.id }),
);

export const extendButton = modalButton(EXCEPTION_ACTION_IDS.extend, 'extend', (e, ctx) =>
  renderExtendModal({ exception: e, now: ctx.deps.clock(), maxDays: ctx.deps.config.exceptions.maxDays }),
);

export const approveExtensionButton: ActionHandler = {
  actionId: EXCEPTION_ACTION_IDS.extendApprove,
  run: async (ctx) => {
    const exceptionId = await exceptionIdOf(ctx);
    if (!exceptionId) return;
    const result = await ctx.deps.exceptions.approveExtension({ ...workflowInput(ctx), exceptionId });
    if (!result.ok) return refuse(ctx, result);
    await tell(
      ctx,
      noteMessage(
        `Extension approved: accepted risk ${result.exception.id} now ends ${day(result.exception.expiresAt)}.`,
      ),
    );
  },
};

export const denyExtensionButton = modalButton(EXCEPTION_ACTION_IDS.extendDeny, 'deny-extension', (e) =>
  renderExtendDenyModal({ exceptionId: e.id }),
);

/**
 * "Show" under "N accepted risks hidden": the findings accepted risks hide in that report, as the
 * presser may see them now (their scope, the risks in force now), from the cached scan the report
 * came from (scanned again, narrowed to them, after a restart). Always private: it is their view.
 */
export const showHiddenButton: ActionHandler = {
  actionId: EXCEPTION_ACTION_IDS.showHidden,
  run: async (ctx) => {
    const value = parseShowHiddenValue(ctx.invocation.value);
    const request = value ? requestOfScopeKey(value.s) : null;
    if (!value || !request) return sayStaleButton(ctx);
    const answer = await visibleReport(ctx.deps, {
      actor: ctx.actor,
      permission: 'check:run',
      channel: ctx.invocation.channel ?? undefined,
      request,
      reuse: 'cached',
      record: {
        actor: recordedActor(ctx.invocation.actor),
        action: 'button.press',
        target: `${ctx.invocation.actionId} ${value.s}`,
        requestId: ctx.invocation.requestId,
      },
    });
    if (!answer.ok) return tell(ctx, renderErrorMessage({ title: 'Not allowed', message: answer.reason }));
    await tell(
      ctx,
      renderHiddenFindings(answer.report.excepted, {
        now: ctx.deps.clock(),
        scopeKey: value.s,
        requestedBy: ctx.actor.userId,
        offset: value.o ?? 0,
        names: accountNamesOf(answer.report.accounts),
      }),
    );
  },
};

export const listPageButton: ActionHandler = {
  actionId: EXCEPTION_ACTION_IDS.listPage,
  run: async (ctx) => {
    const value = parseListPageValue(ctx.invocation.value);
    if (!value) return sayStaleButton(ctx);
    await sendExceptionList(ctx.deps, ctx.responder, { ...workflowInput(ctx), filter: value.f, offset: value.o });
  },
};

/** A users_select's or datepicker's current value in a modal's state, when it is a plain string. */
const selected = (
  values: Record<string, Record<string, unknown>>,
  input: { blockId: string; actionId: string },
  key: 'selected_user' | 'selected_date',
): string | null => {
  const state = values[input.blockId]?.[input.actionId];
  const value = state && typeof state === 'object' ? (state as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? value : null;
};

/**
 * Enter in a scope input of the "Accept risk…" modal: the scope as typed is counted again and the
 * modal is updated in place (same block ids, so what was typed stays). A scope that cannot be read,
 * or that the use case refuses, is shown with why instead of a count. Nothing is stored.
 */
export const previewDispatch: ActionHandler = {
  actionId: EXCEPTION_ACTION_IDS.preview,
  run: async (ctx) => {
    const origin = modalOriginOf(ctx.invocation);
    const update = modalUpdaterOf(ctx.responder);
    const metadata = origin ? parseRequestModalMetadata(origin.privateMetadata) : null;
    // Only an open modal dispatches this; anything else has nothing to update.
    if (!origin || !update || !metadata) return;
    const ex = ctx.deps.exceptions;
    const base = { ...workflowInput(ctx), findingId: metadata.findingId };
    const typed = parseScopeInputs(origin.values);
    let problems: string[] = typed.ok ? [] : Object.values(typed.errors);
    let counted = typed.ok ? await ex.preview({ ...base, scope: typed.scope }) : null;
    if (counted && !counted.ok) {
      problems = counted.problems ?? [counted.reason];
      counted = null;
    }
    const shown = counted ?? (await ex.preview(base));
    // The finding is gone or no longer visible: the submission will say so; the modal stays as it is.
    if (!shown.ok) return;
    await update(
      origin,
      asModal(
        renderRequestModal({
          finding: shown.finding,
          scope: counted ? counted.scope : typed.ok ? typed.scope : shown.defaultScope,
          coverage: counted ? counted.coverage : null,
          scopeProblems: problems,
          partial: counted?.partial,
          whyNot: counted ? counted.whyNot : null,
          requesterId: ctx.actor.userId,
          ownerId: selected(origin.values, EXCEPTION_INPUTS.owner, 'selected_user'),
          expiryDate: selected(origin.values, EXCEPTION_INPUTS.expiry, 'selected_date'),
          now: ctx.deps.clock(),
          maxDays: shown.maxDays,
        }),
      ),
    );
  },
};

export const exceptionActionHandlers: ActionHandler[] = [
  acceptRiskPress,
  findingMenu,
  approveButton,
  denyButton,
  revokeButton,
  extendButton,
  approveExtensionButton,
  denyExtensionButton,
  showHiddenButton,
  listPageButton,
  previewDispatch,
];
