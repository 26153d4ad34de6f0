import { type ModalView, type Responder } from '../conversation';
import type { ChannelRef } from '../../core/access/permissions';
import { renderRequestModal, type ExceptionModalView } from '../../core/render/blocks/exceptions';
import { refusalMessage } from '../../core/render/blocks/remediation-replies';
import type { ExceptionWorkflow, WorkflowActor } from './index';

/**
 * The accepted-risk modals are Block Kit modals with more kinds of input than remediation's
 * (pre-filled and dispatching text inputs, a user picker, a date picker); the transports send any
 * modal as it is. A test keeps ExceptionModalView assignable to Slack's own ModalView type.
 */
export const asModal = (view: ExceptionModalView): ModalView => view as unknown as ModalView;

export interface AcceptRiskInput {
  actor: WorkflowActor;
  channel?: ChannelRef | undefined;
  findingId: string;
}

/**
 * "Accept risk…" on a failing finding, and `/cloudsec accept <finding-id>`: the use case previews
 * the finding's own scope (what it covers now, whether the asker may ask for it) and the modal opens
 * pre-filled; a refusal is told privately instead, so nobody types a reason for nothing. The
 * submission checks everything again (handlers/views/exceptions.ts).
 */
export const openAcceptRiskModal = async (
  deps: { exceptions: ExceptionWorkflow; clock: () => Date },
  responder: Responder,
  input: AcceptRiskInput,
): Promise<void> => {
  const preview = await deps.exceptions.preview(input);
  if (!preview.ok) {
    await responder.send(refusalMessage(preview), { visibility: 'ephemeral' });
    return;
  }
  if (preview.finding.status !== 'fail') {
    await responder.send(
      refusalMessage({
        code: 'not-failing',
        reason:
          preview.finding.status === 'pass'
            ? 'This finding passes now: there is no risk to accept.'
            : 'cloudsec could not tell whether this finding fails: only a failing finding can be accepted as a risk.',
      }),
      { visibility: 'ephemeral' },
    );
    return;
  }
  if (!preview.mayRequest) {
    await responder.send(
      refusalMessage({ code: 'not-allowed', reason: preview.whyNot ?? 'You may not ask for this.' }),
      {
        visibility: 'ephemeral',
      },
    );
    return;
  }
  if (!responder.openModal) return;
  await responder.openModal(
    asModal(
      renderRequestModal({
        finding: preview.finding,
        scope: preview.scope,
        coverage: preview.coverage,
        partial: preview.partial,
        whyNot: preview.whyNot,
        requesterId: input.actor.userId,
        now: deps.clock(),
        maxDays: preview.maxDays,
      }),
    ),
  );
};
