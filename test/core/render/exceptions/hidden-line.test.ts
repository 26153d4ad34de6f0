import {
  EXCEPTION_ACTION_IDS,
  acceptRiskButton,
  hiddenLineText,
  parseShowHiddenValue,
  renderHiddenFindings,
  renderHiddenLine,
  resurfacedNote,
} from '../../../../src/core/render/blocks/exceptions';
import type { ExceptedFinding } from '../../../../src/core/exceptions/apply';
import {
  EX_ID,
  FINDING_ID,
  HOSTILE,
  NOW,
  aFinding,
  active,
  allText,
  buttons,
  textOf,
  withinLimits,
  expectEscapedOnce,
} from './builders';

describe('renderHiddenLine', () => {
  it('when accepted risks hide findings, then the line counts them and Show carries the scope key and who asked', () => {
    const block = renderHiddenLine({ hidden: 12, exceptions: 3, scopeKey: 'scope-abc', requestedBy: 'U0ASKER' })!;
    const payload = withinLimits({ text: 'x', blocks: [block] });
    expect(textOf(payload)).toContain(':shield: 12 accepted risks hidden (by 3 exceptions)');
    const [show] = buttons(payload.blocks);
    expect(show).toMatchObject({ action_id: EXCEPTION_ACTION_IDS.showHidden, text: { text: 'Show' } });
    expect(parseShowHiddenValue(show!.value)).toEqual({ s: 'scope-abc', u: 'U0ASKER' });
  });

  it('when nothing is hidden, then there is no line', () => {
    expect(renderHiddenLine({ hidden: 0, exceptions: 0, scopeKey: 's' })).toBeNull();
  });

  it('when one finding is hidden by one exception, then the words are singular', () => {
    expect(hiddenLineText(1, 1)).toBe('1 accepted risk hidden (by 1 exception)');
  });

  it('when the asker is not a Slack user id or the key is too long, then the count stays and the value stays valid', () => {
    const block = renderHiddenLine({ hidden: 2, exceptions: 1, scopeKey: 'k', requestedBy: '<!channel>' })!;
    expect(parseShowHiddenValue(buttons([block])[0]!.value)).toEqual({ s: 'k' });
    const long = renderHiddenLine({ hidden: 2, exceptions: 1, scopeKey: 'k'.repeat(501) })!;
    expect(buttons([long])).toEqual([]);
    expect(textOf({ blocks: [long] })).toContain('2 accepted risks hidden');
  });
});

describe('resurfacedNote', () => {
  it('when a covered finding got worse, then it says why it is shown again and names the exception', () => {
    expect(
      resurfacedNote({
        why: 'severity rose from medium to high since the risk was accepted',
        exception: { id: EX_ID },
      }),
    ).toBe(
      `:arrow_up_small: *Shown again*: severity rose from medium to high since the risk was accepted. Accepted risk \`${EX_ID}\`.`,
    );
  });

  it('when the reason text is hostile, then it is escaped', () => {
    expectEscapedOnce(resurfacedNote({ why: HOSTILE, exception: { id: EX_ID } }));
  });
});

describe('acceptRiskButton', () => {
  it('when the finding id is one cloudsec makes, then the button carries it', () => {
    expect(acceptRiskButton(FINDING_ID)).toMatchObject({
      action_id: EXCEPTION_ACTION_IDS.request,
      value: FINDING_ID,
      text: { text: 'Accept risk…' },
    });
  });

  it('when it is anything else, then there is no button', () => {
    expect(acceptRiskButton('<!channel>')).toBeUndefined();
  });
});

describe('renderHiddenFindings', () => {
  const hidden = (n: number, over: Partial<ExceptedFinding> = {}): ExceptedFinding[] =>
    Array.from({ length: n }, (_, i) => ({
      finding: aFinding({ resource: { type: 'AwsS3Bucket', id: `bucket-${i}`, arn: `arn:aws:s3:::bucket-${i}` } }),
      exception: active(),
      ...over,
    }));

  it('when Show is pressed, then each hidden finding is listed with the exception that hides it, its owner and expiry', () => {
    const payload = withinLimits(renderHiddenFindings(hidden(2), { now: NOW, scopeKey: 'scope-abc' }));
    const text = textOf(payload);
    expect(text).toContain('Findings hidden by accepted risks');
    expect(text).toContain('2 failing findings left out of the failing lists by 1 accepted risk.');
    expect(text).toContain('`bucket-1`');
    expect(text).toContain(
      `:shield: Accepted risk \`${EX_ID}\` · owner <@U0OWNER1> · expires 2026-12-01 12:00 UTC (in 30 days) · Static website bucket`,
    );
    // No Remediate button on hidden findings: they were accepted, and the list is for reading.
    expect(buttons(payload.blocks)).toEqual([]);
  });

  it('when nothing is hidden, then it says so', () => {
    expect(textOf(renderHiddenFindings([], { now: NOW, scopeKey: 's' }))).toContain(
      'No finding is hidden by an accepted risk now.',
    );
  });

  it('when there are many, then it pages with Show carrying the next offset', () => {
    const payload = withinLimits(
      renderHiddenFindings(hidden(45), { now: NOW, scopeKey: 'scope-abc', requestedBy: 'U0ASKER' }),
    );
    const text = textOf(payload);
    const m = text.match(/Showing 1–(\d+) of 45\./);
    expect(m).not.toBeNull();
    const [next] = buttons(payload.blocks);
    expect(next!.action_id).toBe(EXCEPTION_ACTION_IDS.showHidden);
    expect(parseShowHiddenValue(next!.value)).toEqual({ s: 'scope-abc', o: Number(m![1]), u: 'U0ASKER' });
    const last = withinLimits(renderHiddenFindings(hidden(45), { now: NOW, scopeKey: 'scope-abc', offset: 40 }));
    expect(textOf(last)).toContain('Showing 41–45 of 45.');
    expect(buttons(last.blocks)).toEqual([]);
  });

  it('when findings and exceptions carry hostile text, then the list is escaped and within limits', () => {
    const payload = withinLimits(
      renderHiddenFindings(
        hidden(30, {
          finding: aFinding({
            title: HOSTILE,
            message: HOSTILE.repeat(30),
            resource: { type: 'x', id: HOSTILE, arn: null },
          }),
          exception: active({ reason: HOSTILE.repeat(30), owner: { id: HOSTILE } }),
        }),
        { now: NOW, scopeKey: 's' },
      ),
    );
    expectEscapedOnce(allText(payload));
  });
});
