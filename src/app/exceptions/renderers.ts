import {
  renderApprovalCard,
  renderExpiryReminder,
  renderExtensionCard,
  renderExtensionNotice,
  renderSecurityHubReply,
  renderStatusNotice,
} from '../../core/render/blocks/exceptions';
import type { ExceptionRenderers } from './ports';

/** The Block Kit renderers of src/core/render/blocks/exceptions, as the workflow calls them (Slack and the console). */
export const blockKitRenderers: ExceptionRenderers = {
  approvalCard: renderApprovalCard,
  extensionCard: renderExtensionCard,
  statusNotice: renderStatusNotice,
  extensionNotice: renderExtensionNotice,
  reminder: renderExpiryReminder,
  securityHubReply: renderSecurityHubReply,
};
