import type { RemediationRequest } from '../../../remediations/request';
import {
  readResult,
  type CheckState,
  type RecordedCallOutcome,
  type RecordedResult,
} from '../../../remediations/result';
import { MESSAGE_BUDGET } from '../../limits';
import { clip, code, lineStart } from '../../mrkdwn';
import { context, section, type Block, type MessagePayload } from '../kit';
import { largestFitting } from '../paging';
import { compactValue, entriesSummary, fallbackText, plural, sentence } from './format';
import { callTitle } from './plan';
import { DRY_RUN_NOTE, STATUS_EMOJI, STATUS_LABEL } from './status';

/** Most write calls answer nothing; when one does (UpdateTrail, BatchUpdateFindings), its first fields. */
const answerSummary = (output: unknown): string => {
  if (output === null || typeof output !== 'object')
    return output === undefined || output === null ? '' : compactValue(output, 200);
  const record = output as Record<string, unknown>;
  return Object.keys(record).length > 0 ? entriesSummary(record, 4, 60) : '';
};

const answerLine = (c: RecordedCallOutcome): string => {
  switch (c.outcome) {
    case 'ok': {
      const answer = answerSummary(c.output);
      return (
        `:white_check_mark: AWS answered OK${c.awsRequestId ? ` (request id ${code(c.awsRequestId, 80)})` : ''}` +
        (answer ? `: ${answer}` : '.')
      );
    }
    case 'error':
      return `:x: AWS answered ${code(c.error?.code ?? 'an error', 80)}${
        c.error?.message ? `: ${clip(c.error.message, 500)}` : ' (no message)'
      }${c.awsRequestId ? ` (request id ${code(c.awsRequestId, 80)})` : ''}`;
    case 'dry_run':
      return ':test_tube: Not sent: dry run.';
    case 'skipped':
      return ':black_square_button: Not sent: an earlier call did not succeed.';
  }
};

const callBlock = (c: RecordedCallOutcome, i: number, r: RemediationRequest): Block => {
  const planned = r.plan.calls[i];
  const input = c.input ?? planned?.input ?? {};
  const title = callTitle(
    { command: c.command, service: c.service ?? planned?.service ?? '?', region: c.region ?? planned?.region ?? '?' },
    i,
  );
  const summary = entriesSummary(input, 5, 60);
  return section([title, summary ? `Input: ${summary}` : 'Input: (empty)', answerLine(c)].join('\n'));
};

const STATE_WORDS: Record<CheckState['status'], string> = {
  pass: 'passed',
  fail: 'failed',
  unknown: 'could not be decided',
  gone: 'found no resource (it no longer exists)',
  error: 'could not be evaluated',
};

const precheckBlock = (result: RecordedResult): Block[] =>
  result.precheck
    ? [
        context(
          `Before executing, the check ${STATE_WORDS[result.precheck.status]}: ${clip(result.precheck.message, 300) || '-'}`,
        ),
      ]
    : [];

const verificationBlock = (r: RemediationRequest, result: RecordedResult): Block[] => {
  const v = result.verification;
  if (v === null)
    return [
      context(result.dryRun ? 'Verification: not done, as nothing was changed (dry run).' : 'Verification: not done.'),
    ];
  const detail = v.message ? `: ${sentence(clip(v.message, 400))}` : '.';
  // An undo is verified when the check fails again: the state from before the fix is back.
  const line =
    r.kind === 'undo'
      ? v.outcome === 'failed'
        ? `:white_check_mark: *Verified*: the undo restored the previous state; collected again, the check fails as it did before the fix${detail}`
        : v.outcome === 'passed'
          ? `:x: *Not verified*: collected again, the check still passes, so the previous state is not back${detail}`
          : `:grey_question: *Not verified*: cloudsec could not tell whether the previous state is back${detail}`
      : v.outcome === 'passed'
        ? `:white_check_mark: *Verified*: collected again and the check passes${detail}`
        : v.outcome === 'failed'
          ? `:x: *Not verified*: collected again and the check still fails${detail}`
          : `:grey_question: *Not verified*: cloudsec could not tell whether the check passes${detail}`;
  return [section(line)];
};

const securityHubBlock = (result: RecordedResult): Block[] => {
  const s = result.securityHub;
  if (!s) return [];
  const message = clip(s.message, 300);
  switch (s.outcome) {
    case 'ok':
      return [section(`:white_check_mark: *Security Hub*: the source finding was ${sentence(message)}`)];
    case 'dry_run':
      return [context(`Security Hub: dry run, ${sentence(message)}`)];
    case 'skipped':
      return [context(`Security Hub: the source finding was not updated (${message}).`)];
    case 'error':
      return [
        section(
          `:warning: *Security Hub*: marking the source finding RESOLVED failed (${message}); the fix itself stands. ` +
            'Update it in Security Hub.',
        ),
      ];
  }
};

/**
 * The reply in the approval card's thread once a request is finished: every call made, what AWS
 * answered to each, and whether the check passes now. The card itself only carries the status.
 */
export const renderResultReply = (request: RemediationRequest): MessagePayload => {
  const r = request;
  const read = readResult(r.result);
  const dry = read.kind === 'ok' && read.result.dryRun;
  const headline = `${STATUS_EMOJI[r.status]} *Result: ${STATUS_LABEL[r.status]}*${dry ? ' (dry run)' : ''}`;
  const reason = r.reason ? `\n${lineStart(clip(r.reason, 600))}` : '';
  const interrupted =
    read.kind === 'ok' && read.result.interrupted
      ? [
          context(
            ':warning: cloudsec stopped while this request was executing. On restart it checked the resource again ' +
              'instead of repeating the calls.',
          ),
        ]
      : [];
  const head: Block[] = [...(dry ? [context(DRY_RUN_NOTE)] : []), section(`${headline}${reason}`), ...interrupted];
  const text = fallbackText(
    `Result of request ${r.id.slice(0, 60)}: ${STATUS_LABEL[r.status]}${dry ? ' (dry run)' : ''}.`,
  );
  if (read.kind !== 'ok') {
    const why =
      read.kind === 'none'
        ? 'No API call was made.'
        : 'The recorded result could not be read; see the audit log for what was called.';
    return { text, blocks: [...head, section(why)] };
  }
  const calls = read.result.calls;
  const tail = [
    ...verificationBlock(r, read.result),
    ...securityHubBlock(read.result),
    context(`Request ${code(r.id, 60)}`),
  ];
  const build = (n: number): MessagePayload => ({
    text,
    blocks: [
      ...head,
      ...precheckBlock(read.result),
      ...(calls.length === 0
        ? [
            section(
              read.result.interrupted
                ? 'What AWS answered was not recorded before the stop; the audit log has every call that was started.'
                : 'No API call was made.',
            ),
          ]
        : []),
      ...calls.slice(0, n).map((c, i) => callBlock(c, i, r)),
      ...(n < calls.length
        ? [context(`…and ${plural(calls.length - n, 'more call')}: the audit log has every call and answer.`)]
        : []),
      ...tail,
    ],
  });
  return largestFitting(calls.length, build, MESSAGE_BUDGET).payload;
};
