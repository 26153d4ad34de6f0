import type { Config } from '../../config';
import { getRemediation } from '../../core/remediations';
import {
  renderApprovalCard,
  renderRequesterStatus,
  renderResultReply,
  type RemediationLabel,
} from '../../core/render/blocks/remediation';
import { renderErrorMessage } from '../../core/render/blocks';
import { isTerminalStatus, type MessageRef, type RemediationRequest } from '../../core/remediations/request';
import type { Messenger } from '../conversation';
import type { AppLogger } from '../deps';
import type { RemediationNotifier } from './ports';

const isFinal = (request: RemediationRequest): boolean => isTerminalStatus(request.status);

/** The approvals channel of a request's account: its own, else the global one. */
const approvalsChannelFor = (config: Config, accountId: string): string | null =>
  config.accounts?.find((a) => a.id === accountId)?.approvalsChannel ?? config.remediation.approvalsChannel ?? null;

const labelOf = (request: RemediationRequest): RemediationLabel => {
  const r = getRemediation(request.remediationId);
  return r
    ? { title: r.title, risk: r.risk, irreversible: r.irreversible }
    : { title: request.remediationId, risk: 'high' };
};

/**
 * Slack side of the workflow: the card in the approvals channel (updated in place), its thread,
 * and DMs to the requester. Failures are logged and swallowed: a Slack outage must not leave a
 * request half-moved (the workflow records every step in the store and the audit log regardless).
 */
export const makeRemediationNotifier = (deps: {
  messenger: Messenger;
  config: Config;
  clock: () => Date;
  dryRun: boolean;
  log: AppLogger;
  /** Records the requester's first DM about a request; answers the one on record (store.rememberRequesterMessage). */
  rememberRequesterMessage: (requestId: string, ref: MessageRef) => Promise<MessageRef | null>;
}): RemediationNotifier => {
  // Requests handed to the notifier may predate the recorded DM; the latest known ref per request is kept here too.
  const requesterDms = new Map<string, MessageRef>();
  const card = (request: RemediationRequest, undoneBy: RemediationRequest | null = null) => {
    const undoUntil =
      request.status === 'succeeded' && request.kind === 'remediate' && request.finishedAt
        ? new Date(Date.parse(request.finishedAt) + deps.config.remediation.undoWindowHours * 3_600_000)
        : null;
    return renderApprovalCard(request, {
      now: deps.clock(),
      remediation: labelOf(request),
      undoUntil: undoUntil && undoUntil > deps.clock() ? undoUntil : null,
      dryRun: deps.dryRun,
      undoneBy: undoneBy && { id: undoneBy.id, finishedAt: undoneBy.finishedAt },
    });
  };
  const guarded = async (what: string, request: RemediationRequest, fn: () => Promise<void>) => {
    try {
      await fn();
    } catch (err) {
      deps.log.warn({ err, requestId: request.id, step: what }, 'could not update Slack about a remediation request');
    }
  };
  /** One DM per request, updated in place as it moves (the DM says so). */
  const tellRequester = async (request: RemediationRequest) => {
    const status = renderRequesterStatus(request, { now: deps.clock(), remediationTitle: labelOf(request).title });
    const known = request.requesterMessage ?? requesterDms.get(request.id);
    // The store holds the DM from now on; the map only bridges requests handed over before it was recorded.
    if (isFinal(request)) requesterDms.delete(request.id);
    if (known) {
      await deps.messenger.update(known, status);
      return;
    }
    const sent = await deps.messenger.dm(request.requester.id, status);
    if (!sent) return;
    const recorded = (await deps.rememberRequesterMessage(request.id, sent)) ?? sent;
    if (!isFinal(request)) requesterDms.set(request.id, recorded);
    // Lost a race with another notification: the recorded DM is the one to keep current.
    if (recorded.ts !== sent.ts || recorded.channel !== sent.channel) await deps.messenger.update(recorded, status);
  };

  return {
    approvalRequested: async (request) => {
      const channel = approvalsChannelFor(deps.config, request.finding.accountId);
      let ref = null;
      await guarded('approval card', request, async () => {
        if (!channel) {
          await deps.messenger.dm(
            request.requester.id,
            renderErrorMessage({
              title: 'No approvals channel',
              message: `Request ${request.id} is stored but no approvers were told: set remediation.approvalsChannel in cloudsec.yml.`,
            }),
          );
          return;
        }
        ref = await deps.messenger.post(channel, card(request));
        await tellRequester(request);
      });
      return ref;
    },
    requestChanged: async (request) =>
      guarded('card update', request, async () => {
        if (request.message) await deps.messenger.update(request.message, card(request));
        await tellRequester(request);
      }),
    resultPosted: async (request) =>
      guarded('result reply', request, async () => {
        const channel = request.message?.channel ?? approvalsChannelFor(deps.config, request.finding.accountId);
        if (!channel) return;
        await deps.messenger.post(channel, renderResultReply(request), {
          ...(request.message ? { threadTs: request.message.ts } : {}),
        });
      }),
    requestUndone: async (original, undo) =>
      guarded('undone card update', original, async () => {
        if (original.message) await deps.messenger.update(original.message, card(original, undo));
      }),
    selfApprovalNotice: async (request, reason) =>
      guarded('self-approval notice', request, async () => {
        const channel = approvalsChannelFor(deps.config, request.finding.accountId);
        if (!channel) return;
        await deps.messenger.post(
          channel,
          renderErrorMessage({
            title: 'Break-glass self-approval',
            message: `${request.requester.id} approved their own request ${request.id} (${labelOf(request).title}). Reason: ${reason}`,
          }),
          request.message ? { threadTs: request.message.ts } : {},
        );
      }),
  };
};
