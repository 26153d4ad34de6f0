import type { types } from '@slack/bolt';
import {
  renderApprovalCard,
  renderDenyModal,
  renderExpiryReminder,
  renderExtendModal,
  renderExtensionCard,
  renderExtensionNotice,
  renderRequestModal,
  renderSecurityHubReply,
  renderStatusNotice,
  type ExceptionModalView,
} from '../../../../src/core/render/blocks/exceptions';
import type { MessagePayload } from '../../../../src/core/render/blocks';
import type { ExceptionRenderers } from '../../../../src/app/exceptions/ports';
import { EX_ID, FINDING_ID, NOW, aFinding, active, anException, coverage } from './builders';

// Compile-time: the local types must stay assignable to Slack's own (tsc fails otherwise).
const asSlackModal = (v: ExceptionModalView): types.ModalView => v;
const asSlackBlocks = (p: MessagePayload): types.KnownBlock[] => p.blocks;

// Compile-time: the renderers plug into the use cases' ports as they are.
const renderers: ExceptionRenderers = {
  approvalCard: renderApprovalCard,
  extensionCard: renderExtensionCard,
  statusNotice: renderStatusNotice,
  extensionNotice: renderExtensionNotice,
  reminder: renderExpiryReminder,
  securityHubReply: renderSecurityHubReply,
};

describe('accepted-risk Block Kit types', () => {
  it('when modals are rendered, then they are Slack ModalViews', () => {
    const f = aFinding({ id: FINDING_ID });
    const request = renderRequestModal({
      finding: f,
      scope: { accounts: [f.accountId], checks: [f.checkId] },
      coverage: coverage(),
      requesterId: 'U0REQUEST',
      now: NOW,
      maxDays: 90,
    });
    expect(asSlackModal(request).blocks.length).toBeGreaterThan(0);
    expect(asSlackModal(renderDenyModal({ exceptionId: EX_ID })).type).toBe('modal');
    expect(asSlackModal(renderExtendModal({ exception: active(), now: NOW, maxDays: 90 })).type).toBe('modal');
  });

  it('when cards are rendered through the ports, then their blocks are Slack KnownBlocks', () => {
    expect(asSlackBlocks(renderers.approvalCard(anException(), { now: NOW })).length).toBeGreaterThan(0);
    expect(asSlackBlocks(renderers.statusNotice(active(), 'approved', { now: NOW })).length).toBeGreaterThan(0);
  });
});
