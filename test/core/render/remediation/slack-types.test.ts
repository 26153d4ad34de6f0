import type { types } from '@slack/bolt';
import {
  renderApprovalCard,
  renderDenyModal,
  renderRequestModal,
  type ModalView,
} from '../../../../src/core/render/blocks/remediation';
import type { MessagePayload } from '../../../../src/core/render/blocks';
import { NOW, REQUEST_ID, S3_BLOCK, aRequest } from './builders';

// Compile-time: the local types must stay assignable to Slack's own (tsc fails otherwise).
const asSlackModal = (v: ModalView): types.ModalView => v;
const asSlackBlocks = (p: MessagePayload): types.KnownBlock[] => p.blocks;

describe('remediation Block Kit types', () => {
  it('when modals are rendered, then they are Slack ModalViews', () => {
    const request = aRequest();
    expect(asSlackModal(renderDenyModal({ requestId: REQUEST_ID })).type).toBe('modal');
    const modal = renderRequestModal({
      finding: request.finding,
      remediation: { id: 'r', ...S3_BLOCK },
      plan: request.plan,
      requiredApprovals: 1,
      privateMetadata: 'f',
    });
    expect(asSlackModal(modal).blocks.length).toBeGreaterThan(0);
  });

  it('when an approval card is rendered, then its blocks are Slack KnownBlocks', () => {
    expect(asSlackBlocks(renderApprovalCard(aRequest(), { now: NOW, remediation: S3_BLOCK })).length).toBeGreaterThan(
      0,
    );
  });
});
