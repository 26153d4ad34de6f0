import type { ApiCall, Risk } from '../../../remediations/define';
import { bold, clip, code } from '../../mrkdwn';
import { context, divider, section, type Block } from '../kit';
import { riskLabel } from './approval-card';
import { findingBlock, type RemediableFinding } from './finding-summary';
import { plural } from './format';
import { REMEDIATION_CALLBACK_IDS, REMEDIATION_INPUTS, assertRequestId } from './ids';
import { modal, modalViolations, textInput, type ModalView } from './modal-kit';
import { largestAcceptable, notesBlock, planBlocks } from './plan';

/** Lengths of what people type, counted in characters; the view-state parsers enforce the same numbers. */
export const TEXT_LIMITS = {
  justification: { min: 10, max: 2000 },
  denyReason: { min: 5, max: 1000 },
  // Self-approval skips separation of duties: the reason must say why, not just "urgent".
  breakGlassReason: { min: 20, max: 1000 },
} as const;

export interface RequestModalData {
  finding: RemediableFinding;
  remediation: { id: string; title: string; risk: Risk; irreversible?: { reason: string } | null };
  plan: { calls: readonly ApiCall[]; notes: readonly string[] };
  requiredApprovals: number;
  callbackId?: string;
  /** Carried back on submit (the finding id and what else the handler needs); at most 3000 characters. */
  privateMetadata: string;
}

/** Input JSON shared across the shown calls in the modal, which has more room than a message. */
const MODAL_PLAN_JSON_BUDGET = 12_000;

const approversNeeded = (n: number) =>
  `needs ${plural(n, 'approval')} from ${n === 1 ? 'someone other than you' : 'different people, none of them you'}`;

/**
 * The modal behind the Remediate button: what will be fixed, the exact calls (as approvers will see
 * them), the risk, and the justification field. Nothing is stored until it is submitted.
 */
export const renderRequestModal = (data: RequestModalData): ModalView => {
  const { finding, remediation, plan } = data;
  const irreversible = remediation.irreversible
    ? `\n:no_entry_sign: *Cannot be undone*: ${clip(remediation.irreversible.reason, 300)}`
    : '';
  const head: Block[] = [
    section(
      `You are asking to run ${bold(remediation.title, 150) || code(remediation.id, 80)} ` +
        `(${code(remediation.id, 80)}) on:`,
    ),
    findingBlock(finding, { evidenceKeys: 4 }),
    section(`*Risk*: ${riskLabel(remediation.risk)} · ${approversNeeded(data.requiredApprovals)}${irreversible}`),
    divider(),
  ];
  const tail = [
    ...notesBlock(plan.notes),
    textInput({
      blockId: REMEDIATION_INPUTS.justification.blockId,
      actionId: REMEDIATION_INPUTS.justification.actionId,
      label: 'Why is this change needed?',
      hint: `Approvers read this next to the exact calls above. ${TEXT_LIMITS.justification.min} to ${TEXT_LIMITS.justification.max} characters.`,
      placeholder: 'e.g. The bucket holds customer exports; nothing should read it publicly (ticket SEC-123).',
      minLength: TEXT_LIMITS.justification.min,
      maxLength: TEXT_LIMITS.justification.max,
    }),
    context('Nothing runs until it is approved. You will see the request move from pending to done.'),
  ];
  const build = (n: number): ModalView =>
    modal({
      callbackId: data.callbackId ?? REMEDIATION_CALLBACK_IDS.requestSubmit,
      title: 'Request remediation',
      submit: 'Submit request',
      close: 'Cancel',
      privateMetadata: data.privateMetadata,
      blocks: [...head, ...planBlocks(plan.calls, n, MODAL_PLAN_JSON_BUDGET), ...tail],
    });
  return largestAcceptable(plan.calls.length, build, (v) => modalViolations(v).length === 0);
};

/** The Deny button's modal: the reason is required and goes to the requester and the audit log. */
export const renderDenyModal = (data: { requestId: string; callbackId?: string }): ModalView =>
  modal({
    callbackId: data.callbackId ?? REMEDIATION_CALLBACK_IDS.denySubmit,
    title: 'Deny remediation',
    submit: 'Deny',
    close: 'Cancel',
    privateMetadata: assertRequestId(data.requestId),
    blocks: [
      section('Nothing will be changed. The requester sees your reason, and it is kept in the audit log.'),
      textInput({
        blockId: REMEDIATION_INPUTS.denyReason.blockId,
        actionId: REMEDIATION_INPUTS.denyReason.actionId,
        label: 'Why are you denying it?',
        hint: `${TEXT_LIMITS.denyReason.min} to ${TEXT_LIMITS.denyReason.max} characters.`,
        placeholder: 'e.g. This bucket serves the public website; use CloudFront instead.',
        minLength: TEXT_LIMITS.denyReason.min,
        maxLength: TEXT_LIMITS.denyReason.max,
      }),
    ],
  });

/**
 * Shown when break-glass self-approval is allowed and the requester presses Approve on their own
 * request: it says what is being bypassed and who will know, and takes the mandatory reason.
 */
export const renderBreakGlassModal = (data: { requestId: string; callbackId?: string }): ModalView =>
  modal({
    callbackId: data.callbackId ?? REMEDIATION_CALLBACK_IDS.breakGlassSubmit,
    title: 'Break-glass approval',
    submit: 'Approve my own request',
    close: 'Cancel',
    privateMetadata: assertRequestId(data.requestId),
    blocks: [
      section(
        ':rotating_light: *You are approving your own request.* This bypasses separation of duties and is ' +
          'allowed only because break-glass is turned on.',
      ),
      section(
        'Your reason is recorded in the audit log and posted to the approvals channel for everyone to see. ' +
          'Use this only when no other approver can act in time.',
      ),
      textInput({
        blockId: REMEDIATION_INPUTS.breakGlassReason.blockId,
        actionId: REMEDIATION_INPUTS.breakGlassReason.actionId,
        label: 'Why can this not wait for another approver?',
        hint: `Required. ${TEXT_LIMITS.breakGlassReason.min} to ${TEXT_LIMITS.breakGlassReason.max} characters.`,
        placeholder: 'e.g. Incident INC-42: bucket is leaking data now and the other approvers are offline.',
        minLength: TEXT_LIMITS.breakGlassReason.min,
        maxLength: TEXT_LIMITS.breakGlassReason.max,
      }),
    ],
  });
