import type { CoveragePreview } from '../../../exceptions/coverage';
import type { ExtensionRequest, RiskException } from '../../../exceptions/model';
import { clip, code } from '../../mrkdwn';
import { actions, button, context, section, type Block, type MessagePayload } from '../kit';
import { actorRef, fallbackText, multiline, plural, rawLine, thousands } from '../remediation/format';
import { coverageText, expiryLabel, idRef, personRef, requesterRef, scopeSummary, stamp } from './format';
import { EXCEPTION_ACTION_IDS, SlackExceptionIdSchema, assertExceptionId } from './ids';

/**
 * Direct messages about accepted risks: the owner's reminder before expiry and the loud notice when
 * it expired, and what the requester and the owner are told when it is decided, revoked or
 * cancelled, or an extension is decided. The same message goes to both, so it names both.
 */

/** What moved an exception (the use cases' `ExceptionEvent`). */
export type ExceptionEvent = 'approved' | 'denied' | 'revoked' | 'cancelled' | 'expired';

export interface NoticeContext {
  now: Date;
  coverage?: CoveragePreview | null | undefined;
}

/** The short label of what an exception covers, for the top of a DM. */
const about = (e: RiskException): string => `${idRef(e.id)} · ${scopeSummary(e.scope, 400)}`;

const people = (e: RiskException): string => `Asked by ${requesterRef(e)} · owner ${personRef(e.owner)}`;

const rawAbout = (e: RiskException): string => `${rawLine(e.scope.checks.join(', '), 100)} (${rawLine(e.id, 60)})`;

const noteOf = (e: RiskException): string => (e.decisionNote ? multiline(e.decisionNote, 800, 6) : '');

const extendButton = (e: RiskException) =>
  e.source === 'slack' && SlackExceptionIdSchema.safeParse(e.id).success
    ? button('Extend…', EXCEPTION_ACTION_IDS.extend, e.id, 'primary')
    : undefined;

/**
 * DM to the requester and the owner when an accepted risk is approved, denied, revoked, cancelled
 * or expires. An expiry is loud: the findings it hid are back in every failing list.
 */
export const renderStatusNotice = (
  exception: RiskException,
  event: ExceptionEvent,
  ctx: NoticeContext,
): MessagePayload => {
  const e = exception;
  assertExceptionId(e.id);
  const note = noteOf(e);
  const blocks: Block[] = [];
  let text: string;
  switch (event) {
    case 'approved':
      text = `Accepted risk approved: ${rawAbout(e)}.`;
      blocks.push(
        section(
          `:white_check_mark: *Accepted risk approved* by ${e.approver ? personRef(e.approver) : 'an approver'}: ${about(e)}`,
        ),
        section(
          `Its findings are left out of the failing lists (still counted) until it ${expiryLabel(e.expiresAt, ctx.now)}. ` +
            `Covers ${coverageText(ctx.coverage)}.\n` +
            'The owner is reminded before it expires; a covered finding that gets worse is shown again.',
        ),
      );
      break;
    case 'denied':
      text = `Accepted risk denied: ${rawAbout(e)}.`;
      blocks.push(
        section(
          `:no_entry: *Accepted risk denied* by ${e.approver ? personRef(e.approver) : 'an approver'}: ${about(e)}`,
        ),
        section(`*Why*: ${note || '_(no reason recorded)_'}`),
        context('The findings stay in the failing lists. Fix them, or ask again with a reason that answers this.'),
      );
      break;
    case 'revoked':
      text = `Accepted risk revoked: ${rawAbout(e)}.`;
      blocks.push(
        section(`:heavy_multiplication_x: *Accepted risk revoked*: ${about(e)}`),
        section(`*Why*: ${note || '_(no reason recorded)_'}`),
        context('The findings it hid are shown again in every failing list.'),
      );
      break;
    case 'cancelled':
      text = `Accepted risk request cancelled: ${rawAbout(e)}.`;
      blocks.push(
        section(`:heavy_multiplication_x: *Request cancelled* by the requester: ${about(e)}`),
        ...(note ? [context(`*Note*: ${note}`)] : []),
      );
      break;
    case 'expired': {
      text = `EXPIRED: accepted risk ${rawAbout(e)}; its findings are shown again.`;
      const again =
        e.source === 'config'
          ? `If the risk is still accepted, move ${code('expires:', 20)} of ${code(e.id.replace(/^cfg_/, ''), 80)} in cloudsec.yml ` +
            '(at most exceptions.maxDays ahead), reviewed in git.'
          : 'If the risk is still accepted, ask again with Accept risk… on one of its findings; it needs approval again.';
      blocks.push(
        section(`:rotating_light: *Accepted risk expired* ${stamp(e.expiresAt)}: ${about(e)}`),
        section(
          e.approver === null
            ? 'It expired before anyone approved it, so it never hid anything.'
            : '*Its findings are back in every failing list and digest* until they are fixed or accepted again.',
        ),
        context(again),
      );
      break;
    }
  }
  blocks.push(context(people(e)));
  return { text: fallbackText(text), blocks };
};

/**
 * DM to the owner before an accepted risk expires: when, what it covers, and Extend… (a Slack-made
 * one; `extendable` false or a cloudsec.yml one says to edit the file instead).
 */
export const renderExpiryReminder = (
  exception: RiskException,
  ctx: NoticeContext & { daysLeft: number; extendable: boolean },
): MessagePayload => {
  const e = exception;
  assertExceptionId(e.id);
  const extend = ctx.extendable ? extendButton(e) : undefined;
  const how =
    e.source === 'config'
      ? `To extend it, move ${code('expires:', 20)} of ${code(e.id.replace(/^cfg_/, ''), 80)} in cloudsec.yml.`
      : extend
        ? 'Extend it if the risk is still accepted (it needs approval again), or fix the findings and let it expire.'
        : 'Fix the findings before then, or ask for it again afterwards.';
  return {
    text: fallbackText(`Your accepted risk ${rawAbout(e)} expires in ${plural(ctx.daysLeft, 'day')}.`),
    blocks: [
      section(
        `:hourglass_flowing_sand: *Your accepted risk expires in ${plural(ctx.daysLeft, 'day')}*: ${about(e)}\n` +
          `It ${expiryLabel(e.expiresAt, ctx.now)}; after that its findings are shown again.`,
      ),
      section(`*Reason*: ${multiline(e.reason, 600, 4) || '_(none given)_'}\n*Covers*: ${coverageText(ctx.coverage)}`),
      context(how),
      ...(extend ? [actions(extend)] : []),
    ],
  };
};

/** DM to whoever asked for an extension, and the owner, once it is decided. */
export const renderExtensionNotice = (
  exception: RiskException,
  extension: ExtensionRequest,
  outcome: 'approved' | 'denied',
  ctx: NoticeContext & { reason?: string | null | undefined },
): MessagePayload => {
  const e = exception;
  assertExceptionId(e.id);
  const approved = outcome === 'approved';
  return {
    text: fallbackText(`Extension ${outcome}: accepted risk ${rawAbout(e)}.`),
    blocks: [
      section(
        approved
          ? `:white_check_mark: *Extension approved*: ${about(e)}\nIt now ${expiryLabel(e.expiresAt, ctx.now)}.`
          : `:no_entry: *Extension denied*: ${about(e)}\nIt still ${expiryLabel(e.expiresAt, ctx.now)}; after that its findings are shown again.`,
      ),
      ...(!approved && ctx.reason ? [section(`*Why*: ${multiline(ctx.reason, 800, 6)}`)] : []),
      context(
        `Asked by ${actorRef(extension.requester)} for ${stamp(extension.expiresAt)} · owner ${personRef(e.owner)}`,
      ),
    ],
  };
};

/** What Security Hub did with the findings of an approval, revocation or expiry (the use cases' report). */
export interface SecurityHubReportData {
  status: 'SUPPRESSED' | 'NEW';
  processed: readonly string[];
  failed: readonly { id: string; code: string; message: string }[];
  skipped: string | null;
}

/** Thread reply under the approval card: what Security Hub changed, and what it refused. */
export const renderSecurityHubReply = (exception: RiskException, report: SecurityHubReportData): MessagePayload => {
  const e = exception;
  assertExceptionId(e.id);
  const to = code(report.status, 20);
  const blocks: Block[] = [];
  if (report.skipped !== null) {
    blocks.push(context(`Security Hub: nothing was sent (${clip(report.skipped, 300)}).`));
  } else {
    blocks.push(
      section(
        report.processed.length > 0
          ? `:white_check_mark: *Security Hub*: ${plural(report.processed.length, 'finding')} set to ${to}` +
              (report.status === 'SUPPRESSED' ? ` with a note naming ${idRef(e.id)}.` : '.')
          : `*Security Hub*: no finding was set to ${to}.`,
      ),
    );
    if (report.failed.length > 0) {
      const shown = report.failed
        .slice(0, 5)
        .map((f) => `• ${code(f.id, 160)}: ${code(f.code, 60)} ${clip(f.message, 200)}`);
      blocks.push(
        section(
          `:warning: *${plural(report.failed.length, 'finding')} not changed* (set ${to} in Security Hub by hand):\n` +
            shown.join('\n') +
            (report.failed.length > 5 ? `\n…and ${thousands(report.failed.length - 5)} more (see the audit log).` : ''),
        ),
      );
    }
  }
  return {
    text: fallbackText(
      `Security Hub for accepted risk ${rawLine(e.id, 60)}: ${report.processed.length} set to ${report.status}` +
        (report.failed.length > 0 ? `, ${report.failed.length} not changed.` : '.'),
    ),
    blocks,
  };
};
