import { escapeMrkdwn } from '../mrkdwn';
import { section, type MessagePayload } from './kit';
import { renderErrorMessage } from './status-messages';

/**
 * The short private replies of the remediation workflow, shared by its buttons, its modals and
 * `/cloudsec remediate` / `/cloudsec requests`, so each says a refusal the same way.
 */

/** A refusal of the workflow (src/app/remediation/outcomes.ts `Refusal`): its code picks the title. */
export interface RefusalReply {
  code: string;
  /** Written for the person who asked (it is in the audit log too). */
  reason: string;
}

/** A refusal as the person who pressed the button reads it. */
export const refusalMessage = (refusal: RefusalReply): MessagePayload =>
  renderErrorMessage({
    title:
      refusal.code === 'not-allowed'
        ? 'Not allowed'
        : refusal.code === 'already-requested' || refusal.code === 'undo-exists'
          ? 'Already requested'
          : 'Cannot do that',
    message: refusal.reason,
  });

/** A plain note (an outcome), escaped: nothing in it can format or ping. */
export const noteMessage = (text: string): MessagePayload => ({ text, blocks: [section(escapeMrkdwn(text))] });

export const remediationDisabled = (): MessagePayload =>
  renderErrorMessage({
    title: 'Remediation is not enabled',
    message: 'An admin can turn it on with remediation.enabled in cloudsec.yml.',
  });
