import type { Responder } from '../src/app/conversation';
import type { RemediationWorkflow, RemediationChoice } from '../src/app/remediation';
import { renderRequestModal } from '../src/core/render/blocks/remediation';
import { refusalMessage } from './remediation-replies';

/**
 * Plans the fix (from a fresh collection) and opens the modal that shows the exact calls and asks
 * for a justification. Shared by the Remediate button and `/cloudsec remediate <finding-id>`.
 */
export const openRequestModal = async (
  responder: Responder,
  workflow: RemediationWorkflow,
  choice: RemediationChoice & { findingId: string },
): Promise<void> => {
  const preview = await workflow.preview(choice);
  if (!preview.ok) {
    await responder.send(refusalMessage(preview), { visibility: 'ephemeral' });
    return;
  }
  if (!responder.openModal) return;
  await responder.openModal(
    renderRequestModal({
      finding: preview.finding,
      remediation: {
        id: preview.remediation.id,
        title: preview.remediation.title,
        risk: preview.remediation.risk,
        irreversible: preview.remediation.irreversible,
      },
      plan: preview.plan,
      requiredApprovals: preview.requiredApprovals,
      privateMetadata: JSON.stringify({ f: choice.findingId, r: preview.remediation.id }),
    }),
  );
};
