import type { RemediationRequest } from '../../../remediations/request';
import { bold, clip, code } from '../../mrkdwn';
import { utcStamp } from '../age';
import { context, section, type Block, type MessagePayload } from '../kit';
import { whereLine } from './finding-summary';
import { actorRef, fallbackText, multiline, plural, rawLine } from './format';
import { assertRequestId } from './ids';
import { STATUS_LABEL, isDryRunRequest, statusLine } from './status';
import { problemTitle } from '../../headline';

export interface RequesterStatusOptions {
  now: Date;
  /** The remediation's title from the catalog; the finding's title is shown when absent. */
  remediationTitle?: string;
}

/** How to ask once more: a remediation with the command, an undo with Undo on its original's card. */
const askAgain = (r: RemediationRequest) =>
  r.kind === 'undo'
    ? `Undo on the card of request ${code(r.undoOf ?? 'unknown', 60)} (while its undo window is open)`
    : code(`/cloudsec remediate ${r.finding.id}`, 160);

/** What the requester can do now, in one sentence or two. */
const nextStep = (r: RemediationRequest): string => {
  switch (r.status) {
    case 'pending':
      return (
        (r.approvals.length === 0
          ? 'An approver reviews it in the approvals channel; '
          : 'It has some of its approvals and needs more, each from a different person; ') +
        'this message is updated as it moves, so there is nothing to do until then.' +
        (r.expiresAt
          ? ` If it is not approved by ${clip(utcStamp(r.expiresAt), 40)}, it expires and you can ask again.`
          : '')
      );
    case 'approved':
    case 'executing':
      return 'Nothing to do: cloudsec is making the calls and checks the resource again afterwards.';
    case 'succeeded':
      if (isDryRunRequest(r))
        return 'Nothing changed in AWS (dry run). To apply it for real, an admin must turn dry-run mode off and you must ask again.';
      // After an undo the check fails again: that is what an undo is for.
      return r.kind === 'undo'
        ? 'Nothing to do: the previous state is restored, so the finding fails again as it did before the fix. Ask for a new fix when it can be applied.'
        : 'Nothing to do: the change is made and the check passes. If it breaks something, ask an approver to undo it from the approval card.';
    case 'failed':
      return `Read what AWS answered in the approval card's thread, fix the cause, then ask again with ${askAgain(r)}.`;
    case 'denied':
      return `Talk to ${r.decidedBy ? actorRef(r.decidedBy) : 'the approver'} about the reason; to try again, use ${askAgain(r)} with a justification that answers it.`;
    case 'expired':
      return `It did not get its approvals in time. Ask again with ${askAgain(r)}, and tell an approver it is waiting.`;
    case 'no_op':
      return r.kind === 'undo'
        ? 'Nothing to do: there was nothing to undo (the reason is above).'
        : 'Nothing to do: the finding already passes.';
    case 'cancelled':
      return `Nothing to do. To ask again: ${askAgain(r)}.`;
  }
};

const callsLine = (r: RemediationRequest, max = 6): string => {
  const calls = r.plan.calls;
  if (calls.length === 0) return 'No API calls.';
  const listed = calls
    .slice(0, max)
    .map((c) => `${code(c.command, 60)} (${clip(c.service, 20)}, ${clip(c.region, 30)})`)
    .join(', ');
  return `${plural(calls.length, 'API call')}: ${listed}${calls.length > max ? `, …and ${calls.length - max} more` : ''}`;
};

/**
 * The requester's own view of their request, updated in place as it moves: what they asked for, where
 * it stands, and what (if anything) they should do next.
 */
export const renderRequesterStatus = (request: RemediationRequest, options: RequesterStatusOptions): MessagePayload => {
  assertRequestId(request.id);
  const r = request;
  const what = options.remediationTitle
    ? bold(options.remediationTitle, 150)
    : bold(problemTitle(r.finding), 150) || code(r.finding.checkId, 120);
  const blocks: Block[] = [
    section(
      `${r.kind === 'undo' ? 'Your undo request' : 'Your remediation request'}: ${what || '*remediation*'}\n${whereLine(r.finding)}`,
    ),
    section(statusLine(r, options.now)),
    section(`*Next*: ${nextStep(r)}`),
    context(callsLine(r)),
    context(`*You wrote*: ${multiline(r.justification, 1000, 6) || '_(no justification)_'}`),
    context(`Request ${code(r.id, 60)}`),
  ];
  const text = fallbackText(
    `Your ${r.kind === 'undo' ? 'undo' : 'remediation'} request for ${rawLine(r.finding.resource.id, 200)}: ` +
      `${STATUS_LABEL[r.status]}${isDryRunRequest(r) ? ' (dry run)' : ''}.`,
  );
  // Every part is bounded well below the limits, so the message needs no fitting loop.
  return { text, blocks };
};
