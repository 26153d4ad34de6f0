import type { Responder } from '../conversation';
import { renderRequestModal } from '../../core/render/blocks/remediation';
import { refusalMessage } from '../../core/render/blocks/remediation-replies';
import type { PreviewResult, RemediationChoice } from './request';

/**
 * Plans the fix (from a fresh collection) and opens the modal that shows the exact calls and asks
 * for a justification; a refusal is told privately instead. One flow for the Remediate button and
 * `/cloudsec remediate <finding-id>`, so both plan, refuse and word the modal alike.
 */
export const openRequestModal = async (
  responder: Responder,
  workflow: { preview(choice: RemediationChoice): Promise<PreviewResult> },
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
