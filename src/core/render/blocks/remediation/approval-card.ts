import type { Risk } from '../../../remediations/define';
import type { RemediationRequest } from '../../../remediations/request';
import { MESSAGE_BUDGET } from '../../limits';
import { clip, code } from '../../mrkdwn';
import { ageOf, utcStamp } from '../age';
import {
  actions,
  button,
  context,
  divider,
  fieldsSection,
  header,
  section,
  type Block,
  type Button,
  type MessagePayload,
} from '../kit';
import { largestFitting } from '../paging';
import { findingBlock } from './finding-summary';
import { actorRef, fallbackText, multiline, rawLine, untilOf, whenLabel } from './format';
import { REMEDIATION_ACTION_IDS, assertRequestId } from './ids';
import { notesBlock, planBlocks } from './plan';
import { DRY_RUN_NOTE, STATUS_LABEL, approvalsLabel, isDryRunRequest, statusLine } from './status';

/** The catalog entry's words for the card; a `Remediation` from the catalog fits as it is. */
export interface RemediationLabel {
  title: string;
  risk: Risk;
  irreversible?: { reason: string } | null;
}

export interface ApprovalCardOptions {
  now: Date;
  remediation: RemediationLabel;
  /** End of the undo window for a succeeded request; null when there is none (or it was never offered). */
  undoUntil?: Date | null;
  /** Dry-run mode is on: label the card before anything ran (a recorded result labels itself). */
  dryRun?: boolean;
  /** The undo that reversed this (succeeded) request: the card says so and offers no Undo. */
  undoneBy?: { id: string; finishedAt: string | null } | null;
}

/** Plan input JSON shared across the shown calls; what is left of the budget goes to everything else. */
const PLAN_JSON_BUDGET = 5000;

export const riskLabel = (risk: Risk): string =>
  risk === 'high' ? ':warning: *High*: can cut off access or break workloads' : 'Low';

const undoOffered = (r: RemediationRequest, o: ApprovalCardOptions): boolean =>
  r.status === 'succeeded' &&
  r.kind === 'remediate' &&
  !o.undoneBy &&
  !o.remediation.irreversible &&
  o.undoUntil instanceof Date &&
  o.undoUntil.getTime() > o.now.getTime();

const cardButtons = (r: RemediationRequest, o: ApprovalCardOptions): Button[] => {
  if (r.status === 'pending')
    return [
      button('Approve', REMEDIATION_ACTION_IDS.approve, r.id, 'primary'),
      button('Deny', REMEDIATION_ACTION_IDS.deny, r.id, 'danger'),
    ].filter((b): b is Button => b !== undefined);
  if (undoOffered(r, o)) {
    const undo = button('Undo', REMEDIATION_ACTION_IDS.undo, r.id);
    return undo ? [undo] : [];
  }
  return [];
};

const factFields = (r: RemediationRequest, o: ApprovalCardOptions): string[] => {
  const irreversible = o.remediation.irreversible
    ? `\n:no_entry_sign: Cannot be undone: ${clip(o.remediation.irreversible.reason, 300)}`
    : '';
  const timing =
    r.status === 'pending'
      ? `*Expires*\n${r.expiresAt ? whenLabel(r.expiresAt, o.now) : 'Does not expire'}`
      : r.finishedAt
        ? `*Finished*\n${ageOf(r.finishedAt, o.now)} (${clip(utcStamp(r.finishedAt), 40)})`
        : `*Updated*\n${ageOf(r.updatedAt, o.now)} (${clip(utcStamp(r.updatedAt), 40)})`;
  return [
    `*Requested by*\n${actorRef(r.requester)} ${ageOf(r.createdAt, o.now)}`,
    `*Risk*\n${riskLabel(o.remediation.risk)}${irreversible}`,
    `*Approvals*\n${approvalsLabel(r)}`,
    timing,
  ];
};

const undoLine = (r: RemediationRequest, o: ApprovalCardOptions): Block[] => {
  if (r.kind === 'undo')
    return [context(`:leftwards_arrow_with_hook: This request undoes request ${code(r.undoOf ?? 'unknown', 60)}.`)];
  if (o.undoneBy) {
    const when = o.undoneBy.finishedAt ? ` ${clip(utcStamp(o.undoneBy.finishedAt), 40)}` : '';
    return [
      context(
        `:leftwards_arrow_with_hook: Undone${when} by request ${code(o.undoneBy.id, 60)}: ` +
          'the state from before this remediation is back.',
      ),
    ];
  }
  if (undoOffered(r, o)) {
    const until = o.undoUntil!.toISOString();
    return [context(`Undo is possible until ${clip(utcStamp(until), 40)} (${untilOf(until, o.now)}).`)];
  }
  return [];
};

/**
 * The approval card in the approvals channel, re-rendered at every step: the status first, then the
 * finding, who asked and why, the exact calls, and the buttons that make sense in this state (Approve and
 * Deny while pending, Undo while a succeeded request can still be undone, none otherwise).
 */
export const renderApprovalCard = (request: RemediationRequest, options: ApprovalCardOptions): MessagePayload => {
  assertRequestId(request.id);
  const r = request;
  const title = options.remediation.title;
  const dry = options.dryRun === true || isDryRunRequest(r);
  const buttons = cardButtons(r, options);
  const head: Block[] = [
    header(`${r.kind === 'undo' ? 'Undo request' : 'Remediation request'}: ${title}`),
    ...(dry ? [context(DRY_RUN_NOTE)] : []),
    section(statusLine(r, options.now)),
    ...undoLine(r, options),
    divider(),
    findingBlock(r.finding),
    fieldsSection(factFields(r, options)),
    section(`*Justification*\n${multiline(r.justification, 2000) || '_(none given)_'}`),
  ];
  const tail: Block[] = [
    ...notesBlock(r.plan.notes),
    ...(buttons.length > 0 ? [actions(...buttons)] : []),
    context(`Request ${code(r.id, 60)} · remediation ${code(r.remediationId, 80)}`),
  ];
  const text = fallbackText(
    `${dry ? '[DRY RUN] ' : ''}${r.kind === 'undo' ? 'Undo request' : 'Remediation request'}: ${rawLine(title, 150)} ` +
      `on ${rawLine(r.finding.resource.id, 200)} (account ${rawLine(r.finding.accountId, 40)}): ` +
      `${STATUS_LABEL[r.status]}.`,
  );
  const build = (n: number): MessagePayload => ({
    text,
    blocks: [...head, ...planBlocks(r.plan.calls, n, PLAN_JSON_BUDGET), ...tail],
  });
  return largestFitting(r.plan.calls.length, build, MESSAGE_BUDGET).payload;
};
