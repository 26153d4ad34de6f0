import type { RemediationRequest, RequestStatus } from '../../../remediations/request';
import { clip, lineStart } from '../../mrkdwn';
import { utcStamp } from '../age';
import { actorList, actorRef, plural, sentence, whenLabel } from './format';
import { readResult } from '../../../remediations/result';

export const STATUS_EMOJI: Record<RequestStatus, string> = {
  pending: ':hourglass_flowing_sand:',
  approved: ':white_check_mark:',
  executing: ':gear:',
  succeeded: ':white_check_mark:',
  failed: ':x:',
  denied: ':no_entry:',
  expired: ':hourglass:',
  no_op: ':information_source:',
  cancelled: ':heavy_multiplication_x:',
};

export const STATUS_LABEL: Record<RequestStatus, string> = {
  pending: 'Waiting for approval',
  approved: 'Approved',
  executing: 'Executing…',
  succeeded: 'Succeeded',
  failed: 'Failed',
  denied: 'Denied',
  expired: 'Expired',
  no_op: 'No change needed',
  cancelled: 'Cancelled',
};

export const DRY_RUN_NOTE =
  ':test_tube: *DRY RUN*: everything happens except the AWS write; nothing was changed in AWS.';

/** Whether the executor recorded a dry run (the AWS writes were skipped). */
export const isDryRunRequest = (r: Pick<RemediationRequest, 'result'>): boolean => {
  const read = readResult(r.result);
  return read.kind === 'ok' && read.result.dryRun;
};

const reasonOf = (r: RemediationRequest, max = 600): string => (r.reason ? clip(r.reason, max) : '');

/** "1 of 2 approvals (<@U1>)". */
export const approvalsLabel = (r: RemediationRequest): string => {
  const who = r.approvals.length > 0 ? ` (${actorList(r.approvals.map((a) => a.approver))})` : '';
  return `${r.approvals.length} of ${plural(r.requiredApprovals, 'approval')}${who}`;
};

const approvedBy = (r: RemediationRequest): string =>
  r.approvals.length > 0 ? `approved by ${actorList(r.approvals.map((a) => a.approver))}` : 'approved';

const verificationLine = (r: RemediationRequest): string | null => {
  const read = readResult(r.result);
  if (read.kind !== 'ok' || read.result.verification === null) return null;
  const v = read.result.verification;
  const detail = v.message ? `: ${sentence(clip(v.message, 300))}` : '.';
  // An undo is verified when the check fails again: the state from before the fix is back.
  if (r.kind === 'undo') {
    if (v.outcome === 'failed') return `Verified: the undo restored the previous state; the check fails again${detail}`;
    if (v.outcome === 'passed') return `Verification: the check still passes; the previous state is not back${detail}`;
    return `Verification: cloudsec could not tell whether the previous state is back${detail}`;
  }
  if (v.outcome === 'passed') return `Verified: the check passes now${detail}`;
  if (v.outcome === 'failed') return `Verification: the check still fails${detail}`;
  return `Verification: cloudsec could not tell whether the check passes${detail}`;
};

/**
 * What happened to the request, in one short mrkdwn paragraph: the first thing anyone reads on the card
 * and in the requester's message.
 */
export const statusLine = (r: RemediationRequest, now: Date): string => {
  const head = `${STATUS_EMOJI[r.status]} *${STATUS_LABEL[r.status]}*`;
  const reason = reasonOf(r);
  const dry = isDryRunRequest(r) ? ' (dry run)' : '';
  switch (r.status) {
    case 'pending': {
      const missing = r.requiredApprovals - r.approvals.length;
      const next =
        missing > 1
          ? ` · needs ${missing} more, from different people`
          : missing === 1 && r.approvals.length > 0
            ? ' · needs one more, from someone else'
            : '';
      const expiry = r.expiresAt ? `\nExpires ${whenLabel(r.expiresAt, now)}.` : '';
      return `${head} · ${approvalsLabel(r)}${next}${expiry}`;
    }
    case 'approved':
      return `${head} · ${approvedBy(r)}; starting now.`;
    case 'executing':
      return `${head} · ${approvedBy(r)}; the calls are being made now.`;
    case 'succeeded': {
      const verified = verificationLine(r);
      return `${head}${dry} · ${approvedBy(r)}${verified ? `\n${verified}` : ''}`;
    }
    case 'failed': {
      const verified = verificationLine(r);
      return (
        `${head}${dry} · ${approvedBy(r)}\n${reason ? lineStart(reason) : 'No reason was recorded.'}` +
        (verified ? `\n${verified}` : '')
      );
    }
    case 'denied':
      return `${head} by ${r.decidedBy ? actorRef(r.decidedBy) : 'an approver'}${reason ? `: ${reason}` : '.'}`;
    case 'expired':
      return (
        `${head} ${r.expiresAt ? `${clip(utcStamp(r.expiresAt), 40)} ` : ''}with ${approvalsLabel(r)}; ` +
        'nothing was changed.'
      );
    case 'no_op':
      // The reason usually says "nothing was changed" itself.
      return `${head}${dry} · ${reason ? sentence(reason) : 'The finding already passed when it was checked again; nothing was changed.'}`;
    case 'cancelled':
      return `${head}${r.decidedBy ? ` by ${actorRef(r.decidedBy)}` : ''}${reason ? `: ${reason}` : '.'}`;
  }
};
