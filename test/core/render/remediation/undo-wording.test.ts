/**
 * How an undo reads, and sentences that end once: a succeeded undo restored the previous state (the
 * check failing again is what it is for), the original's card stops offering Undo once it is
 * undone, and no status, reason or finding message ending in a full stop reads "off..".
 */
import {
  renderApprovalCard,
  renderRequesterStatus,
  renderResultReply,
} from '../../../../src/core/render/blocks/remediation';
import { sentence } from '../../../../src/core/render/blocks/remediation/format';
import { REQUEST_STATUSES, type RemediationRequest } from '../../../../src/core/remediations/request';
import { buttons, visibleText } from '../blocks/builders';
import { APPROVER, NOW, S3_BLOCK, aRequest, approvedBy, minutesAfter, minutesBefore, okResult } from './builders';

const ORIGINAL_ID = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const UNDO_ID = '11111111-2222-4333-8444-555555555555';
const FAILS_AGAIN = 'Bucket acme-logs does not block public access: blockPublicAcls off.';

const anUndo = (verification: { outcome: 'passed' | 'failed' | 'unknown'; message: string | null }) =>
  aRequest({
    id: UNDO_ID,
    kind: 'undo',
    undoOf: ORIGINAL_ID,
    status: 'succeeded',
    approvals: approvedBy(APPROVER),
    finishedAt: minutesBefore(1),
    result: okResult({ verification }),
  });

const everything = (r: RemediationRequest): string =>
  [
    visibleText(renderApprovalCard(r, { now: NOW, remediation: S3_BLOCK }).blocks),
    visibleText(renderRequesterStatus(r, { now: NOW, remediationTitle: S3_BLOCK.title }).blocks),
    visibleText(renderResultReply(r).blocks),
  ].join('\n');

describe('a succeeded undo', () => {
  it('when the check fails again after the undo, then the reply, card and requester all read that the previous state is restored', () => {
    const text = everything(anUndo({ outcome: 'failed', message: FAILS_AGAIN }));

    expect(text).not.toMatch(/still fails/);
    expect(text).not.toMatch(/Not verified/);
    expect(text).toContain(
      ':white_check_mark: *Verified*: the undo restored the previous state; collected again, the check fails as it did before the fix: ' +
        FAILS_AGAIN,
    );
    expect(text).toContain(`Verified: the undo restored the previous state; the check fails again: ${FAILS_AGAIN}`);
    expect(text).toContain('the previous state is restored');
    expect(text).not.toContain('the check passes');
  });

  it('when the check still passes after the undo, then it is not verified: the previous state is not back', () => {
    const text = visibleText(renderResultReply(anUndo({ outcome: 'passed', message: 'all four settings on' })).blocks);

    expect(text).toContain(
      ':x: *Not verified*: collected again, the check still passes, so the previous state is not back',
    );
  });

  it('when the original’s undo succeeded, then its card says it was undone by that request and offers no Undo, even within the window', () => {
    const original = aRequest({
      id: ORIGINAL_ID,
      status: 'succeeded',
      approvals: approvedBy(APPROVER),
      finishedAt: minutesBefore(30),
      result: okResult(),
    });
    const options = { now: NOW, remediation: S3_BLOCK, undoUntil: new Date(minutesAfter(60)) };

    const before = renderApprovalCard(original, options);
    const after = renderApprovalCard(original, { ...options, undoneBy: { id: UNDO_ID, finishedAt: minutesBefore(1) } });

    expect(buttons(before.blocks).map((b) => b.action_id)).toEqual(['remediation.undo']);
    expect(buttons(after.blocks)).toEqual([]);
    const text = visibleText(after.blocks);
    expect(text).toContain(`Undone 2026-11-01 11:59 UTC by request \`${UNDO_ID}\``);
    expect(text).not.toContain('Undo is possible until');
  });
});

describe('sentences end once', () => {
  const reasons = ['The check already passes: nothing was changed.', 'DRY RUN: no AWS call was made.', null];

  it.each(
    REQUEST_STATUSES.flatMap((status) => (['remediate', 'undo'] as const).map((kind) => [status, kind] as const)),
  )(
    'when the request is %s (%s) and its messages end in a full stop, then nothing reads ".." or "the check is fail"',
    (status, kind) => {
      for (const reason of reasons) {
        for (const outcome of ['passed', 'failed', 'unknown'] as const) {
          const r = aRequest({
            status,
            kind,
            undoOf: kind === 'undo' ? ORIGINAL_ID : null,
            reason,
            approvals: approvedBy(APPROVER),
            finishedAt: status === 'pending' ? null : minutesBefore(1),
            result: okResult({
              precheck: { status: 'fail', message: FAILS_AGAIN },
              verification: { outcome, message: FAILS_AGAIN },
              securityHub: { outcome: 'ok', message: 'marked RESOLVED with a note.', call: null },
            }),
          });
          const text = everything(r);
          expect(text.replace(/\.\.\./g, '')).not.toMatch(/\.\./);
          expect(text).not.toMatch(/the check is (fail|pass|unknown)/);
        }
      }
    },
  );

  it('when text already ends a sentence, then sentence() leaves it; otherwise it adds one full stop', () => {
    expect(sentence('off.')).toBe('off.');
    expect(sentence('really?  ')).toBe('really?');
    expect(sentence('cut…')).toBe('cut…');
    expect(sentence('off')).toBe('off.');
    expect(sentence('')).toBe('');
  });
});
