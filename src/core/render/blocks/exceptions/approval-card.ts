import type { CoveragePreview } from '../../../exceptions/coverage';
import { isInForce } from '../../../exceptions/lifecycle';
import type { ExtensionRequest, Person, RiskException } from '../../../exceptions/model';
import type { ActorRef } from '../../../remediations/request';
import { fits, MESSAGE_BUDGET } from '../../limits';
import { clip, lineStart } from '../../mrkdwn';
import { ageOf } from '../age';
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
import { actorRef, fallbackText, multiline, rawLine } from '../remediation/format';
import {
  EXCEPTION_STATUS_EMOJI,
  EXCEPTION_STATUS_LABEL,
  SOURCE_LABEL,
  coverageText,
  daysLabel,
  effectiveStatus,
  expiryLabel,
  idRef,
  personRef,
  requesterRef,
  scopeLines,
  scopeSummary,
  stamp,
} from './format';
import { EXCEPTION_ACTION_IDS, SlackExceptionIdSchema, assertExceptionId } from './ids';

/** What the cards need besides the exception; the use cases' `CardContext` fits as it is. */
export interface ExceptionCardContext {
  now: Date;
  /** What the scope covers among the latest findings; the card says "not counted" without it. */
  coverage?: CoveragePreview | null | undefined;
  /** Who revoked it, when the caller knows (the exception itself records only why). */
  revokedBy?: Person | ActorRef | null | undefined;
}

/** Character budgets of the card's free parts; the smaller sets are tried when a card would not fit. */
interface Budgets {
  reason: number;
  note: number;
  scopeField: number;
  extension: number;
}
const SMALLEST: Budgets = { reason: 300, note: 150, scopeField: 80, extension: 150 };
const BUDGETS: readonly Budgets[] = [
  { reason: 2000, note: 600, scopeField: 400, extension: 600 },
  { reason: 1000, note: 300, scopeField: 200, extension: 300 },
  SMALLEST,
];

const who = (p: Person | ActorRef): string => ('kind' in p ? actorRef(p) : personRef(p));

/** Approve/Deny, Revoke/Extend and the extension's buttons only ever carry a Slack-made id. */
const buttonsFor = (e: RiskException, now: Date): Button[] => {
  if (e.source !== 'slack' || !SlackExceptionIdSchema.safeParse(e.id).success) return [];
  const b = (label: string, actionId: string, style?: Button['style']) => button(label, actionId, e.id, style);
  let list: (Button | undefined)[] = [];
  if (e.status === 'pending')
    list = [b('Approve', EXCEPTION_ACTION_IDS.approve, 'primary'), b('Deny', EXCEPTION_ACTION_IDS.deny, 'danger')];
  else if (e.status === 'active' && isInForce(e, now))
    list = e.extension
      ? [
          b('Approve extension', EXCEPTION_ACTION_IDS.extendApprove, 'primary'),
          b('Deny extension', EXCEPTION_ACTION_IDS.extendDeny, 'danger'),
          b('Revoke', EXCEPTION_ACTION_IDS.revoke, 'danger'),
        ]
      : [b('Extend', EXCEPTION_ACTION_IDS.extend), b('Revoke', EXCEPTION_ACTION_IDS.revoke, 'danger')];
  return list.filter((x): x is Button => x !== undefined);
};

const noteOf = (e: RiskException, max: number): string => (e.decisionNote ? clip(e.decisionNote, max) : '');

/** Where the exception stands, in one short paragraph: the first thing anyone reads on the card. */
export const exceptionStatusLine = (e: RiskException, ctx: ExceptionCardContext, noteMax = 600): string => {
  const status = effectiveStatus(e, ctx.now);
  const head = `${EXCEPTION_STATUS_EMOJI[status]} *${EXCEPTION_STATUS_LABEL[status]}*`;
  const note = noteOf(e, noteMax);
  switch (status) {
    case 'pending':
      return (
        `${head} · needs an approver other than ${requesterRef(e)} (permission exception:approve on every account it covers).` +
        `\nIf approved, it ${expiryLabel(e.expiresAt, ctx.now)}.`
      );
    case 'active': {
      const approver = e.approver ? personRef(e.approver) : 'an approver';
      const when = e.decidedAt ? ` ${ageOf(e.decidedAt, ctx.now)}` : '';
      const where = e.source === 'config' ? ' in cloudsec.yml' : '';
      return (
        `${head} · approved by ${approver}${where}${when}.\n` +
        `Its findings are left out of the failing lists (counted, and reachable with Show); it ${expiryLabel(e.expiresAt, ctx.now)}.`
      );
    }
    case 'denied':
      return `${head} by ${e.approver ? personRef(e.approver) : 'an approver'}${note ? `: ${note}` : '.'}`;
    case 'revoked': {
      const by = ctx.revokedBy ? ` by ${who(ctx.revokedBy)}` : '';
      return `${head}${by}${note ? `: ${note}` : '.'}\nThe findings it hid are shown again.`;
    }
    case 'expired':
      // Never approved (its expiry passed while it waited): it hid nothing, so nothing comes back.
      return (
        `${head} ${stamp(e.expiresAt)}${note ? `: ${note}` : '.'}` +
        (e.approver === null ? '\nIt was never approved, so it hid nothing.' : '\nThe findings it hid are shown again.')
      );
    case 'cancelled':
      return `${head} by the requester${note ? `: ${note}` : '.'}`;
  }
};

/** The pending extension, on the exception's own card. */
const extensionBlock = (e: RiskException, ctx: ExceptionCardContext, max: number): Block[] => {
  const x = e.extension;
  if (!x || effectiveStatus(e, ctx.now) !== 'active') return [];
  return [
    section(
      `:hourglass_flowing_sand: *Extension asked* by ${actorRef(x.requester)} ${ageOf(x.requestedAt, ctx.now)}: ` +
        `until ${stamp(x.expiresAt)} (${daysLabel(x.expiresAt, ctx.now)}) instead of ${stamp(e.expiresAt)}.\n` +
        `*Why*: ${multiline(x.reason, max, 6) || '_(none given)_'}`,
    ),
  ];
};

const factFields = (e: RiskException, ctx: ExceptionCardContext): string[] => [
  `*Requested by*\n${requesterRef(e)} ${ageOf(e.createdAt, ctx.now)}`,
  `*Owner*\n${personRef(e.owner)}`,
  `*Accepted until*\n${stamp(e.expiresAt)} (${daysLabel(e.expiresAt, ctx.now)})`,
  `*Covers*\n${coverageText(ctx.coverage)}`,
  `*Source*\n${e.source === 'config' ? 'cloudsec.yml' : 'Slack'}`,
];

const TITLE: Record<RiskException['status'], string> = {
  pending: 'Accepted risk: approval requested',
  active: 'Accepted risk',
  denied: 'Accepted risk: denied',
  revoked: 'Accepted risk: revoked',
  expired: 'Accepted risk: expired',
  cancelled: 'Accepted risk: cancelled',
};

/** Fallback text: what it covers and where it stands, in one escaped line. */
const cardText = (e: RiskException, now: Date, prefix: string): string =>
  fallbackText(
    `${prefix} ${rawLine(e.scope.checks.join(', '), 120)} on ` +
      `${rawLine([...(e.scope.accounts ?? []), ...(e.scope.ous ?? [])].join(', '), 120)}: ` +
      `${EXCEPTION_STATUS_LABEL[effectiveStatus(e, now)]} (${rawLine(e.id, 60)}).`,
  );

/** The first candidate that fits the message budget; the last one is small by construction. */
const firstFitting = (build: (b: Budgets) => MessagePayload): MessagePayload => {
  for (const b of BUDGETS) {
    const payload = build(b);
    if (fits(payload, MESSAGE_BUDGET)) return payload;
  }
  return build(SMALLEST);
};

/**
 * The approval card of an accepted risk, posted to the approvals channel and re-rendered in place at
 * every step: where it stands, who asked and who owns it, what it covers, why, until when, and the
 * buttons that make sense now (Approve/Deny while pending; Extend/Revoke while active; Approve
 * extension/Deny extension/Revoke while an extension waits; none once it is over).
 */
export const renderApprovalCard = (exception: RiskException, ctx: ExceptionCardContext): MessagePayload => {
  const e = exception;
  assertExceptionId(e.id);
  const status = effectiveStatus(e, ctx.now);
  const buttons = buttonsFor(e, ctx.now);
  return firstFitting((b) => ({
    text: cardText(e, ctx.now, 'Accepted risk:'),
    blocks: [
      header(e.status === 'active' && status === 'expired' ? TITLE.expired : TITLE[e.status]),
      section(exceptionStatusLine(e, ctx, b.note)),
      ...extensionBlock(e, ctx, b.extension),
      divider(),
      fieldsSection(factFields(e, ctx)),
      section(`*Scope* (everything given must match)\n${scopeLines(e.scope, b.scopeField).join('\n')}`),
      section(`*Reason*\n${multiline(e.reason, b.reason) || '_(none given)_'}`),
      ...(buttons.length > 0 ? [actions(...buttons)] : []),
      context(`Accepted risk ${idRef(e.id)} · source ${SOURCE_LABEL[e.source]}`),
    ],
  }));
};

/** What became of an extension request (the use cases' `ExtensionOutcome`). */
export type ExtensionOutcome = 'pending' | 'approved' | 'denied' | 'withdrawn';

const EXTENSION_HEAD: Record<ExtensionOutcome, string> = {
  pending: ':hourglass_flowing_sand: *Waiting for approval*',
  approved: ':white_check_mark: *Extension approved*',
  denied: ':no_entry: *Extension denied*',
  withdrawn: ':heavy_multiplication_x: *Withdrawn*',
};

const extensionStatus = (e: RiskException, x: ExtensionRequest, outcome: ExtensionOutcome, now: Date): string => {
  const head = EXTENSION_HEAD[outcome];
  switch (outcome) {
    case 'pending':
      return `${head} · needs an approver other than ${actorRef(x.requester)}. Until then it ${expiryLabel(e.expiresAt, now)}.`;
    case 'approved':
      return `${head}: it now ${expiryLabel(e.expiresAt, now)}.`;
    case 'denied':
      return `${head}: it still ${expiryLabel(e.expiresAt, now)}.`;
    case 'withdrawn':
      return `${head}: the accepted risk is ${EXCEPTION_STATUS_LABEL[effectiveStatus(e, now)].toLowerCase()}, so there is nothing to extend.`;
  }
};

/** Is this extension the one still waiting on the exception (the buttons act on that one)? */
const isWaiting = (e: RiskException, x: ExtensionRequest, now: Date): boolean =>
  e.status === 'active' &&
  isInForce(e, now) &&
  e.extension !== null &&
  e.extension.requestedAt === x.requestedAt &&
  e.extension.expiresAt === x.expiresAt;

/**
 * The card asking approvers to extend an active accepted risk, updated in place when it is decided:
 * from when to when, who asks and why, and what the risk is. Approve/Deny extension while it waits.
 */
export const renderExtensionCard = (
  exception: RiskException,
  extension: ExtensionRequest,
  outcome: ExtensionOutcome,
  ctx: ExceptionCardContext,
): MessagePayload => {
  const e = exception;
  const x = extension;
  assertExceptionId(e.id);
  const buttons =
    outcome === 'pending' && e.source === 'slack' && isWaiting(e, x, ctx.now)
      ? [
          button('Approve extension', EXCEPTION_ACTION_IDS.extendApprove, e.id, 'primary'),
          button('Deny extension', EXCEPTION_ACTION_IDS.extendDeny, e.id, 'danger'),
        ].filter((b): b is Button => b !== undefined)
      : [];
  return firstFitting((b) => ({
    text: cardText(e, ctx.now, `Extension of accepted risk (${outcome}):`),
    blocks: [
      header('Extension of an accepted risk'),
      section(extensionStatus(e, x, outcome, ctx.now)),
      divider(),
      fieldsSection([
        `*Asked by*\n${actorRef(x.requester)} ${ageOf(x.requestedAt, ctx.now)}`,
        `*Owner*\n${personRef(e.owner)}`,
        `*Until*\n${stamp(x.expiresAt)} (${daysLabel(x.expiresAt, ctx.now)})`,
        `*Covers*\n${coverageText(ctx.coverage)}`,
      ]),
      section(`*Why it is still accepted*\n${multiline(x.reason, b.extension * 2) || '_(none given)_'}`),
      section(`*Scope*: ${scopeSummary(e.scope, b.scopeField * 2)}`),
      context(`*First accepted because*: ${lineStart(multiline(e.reason, b.note, 4)) || '_(none given)_'}`),
      ...(buttons.length > 0 ? [actions(...buttons)] : []),
      context(`Accepted risk ${idRef(e.id)}`),
    ],
  }));
};
