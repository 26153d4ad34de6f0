import { renderErrorMessage, section, type MessagePayload } from '../src/core/render/blocks';
import { escapeMrkdwn } from '../src/core/render/mrkdwn';
import type { Refusal } from '../src/app/remediation';

/** A refusal as the person who pressed the button reads it. */
export const refusalMessage = (refusal: Refusal): MessagePayload =>
  renderErrorMessage({
    title:
      refusal.code === 'not-allowed'
        ? 'Not allowed'
        : refusal.code === 'already-requested' || refusal.code === 'undo-exists'
          ? 'Already requested'
          : 'Cannot do that',
    message: refusal.reason,
  });

export const noteMessage = (text: string): MessagePayload => ({ text, blocks: [section(escapeMrkdwn(text))] });

export const remediationDisabled = (): MessagePayload =>
  renderErrorMessage({
    title: 'Remediation is not enabled',
    message: 'An admin can turn it on with remediation.enabled in cloudsec.yml.',
  });
