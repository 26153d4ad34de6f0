import {
  parseBreakGlassReason,
  parseDenyReason,
  parseJustification,
} from '../../../../src/core/render/blocks/remediation';

const state = (blockId: string, value: string | null) => ({
  values: { [blockId]: { value: { type: 'plain_text_input', value } } },
});

describe('parseJustification', () => {
  it('when a justification is typed, then it comes back trimmed', () => {
    expect(parseJustification(state('justification', '  Audit finding SEC-12, bucket is public.\n'))).toEqual({
      ok: true,
      value: 'Audit finding SEC-12, bucket is public.',
    });
  });

  it('when given view.state.values rather than view.state, then it reads the same field', () => {
    expect(parseJustification(state('justification', 'Audit finding SEC-12.').values)).toEqual({
      ok: true,
      value: 'Audit finding SEC-12.',
    });
    expect(parseDenyReason(state('reason', 'x').values)).toEqual({
      ok: false,
      errors: { reason: 'Please write at least 5 characters (you wrote 1).' },
    });
  });

  it('when it is empty or only spaces, then the error is keyed by the field and asks for a reason', () => {
    for (const value of [null, '', '   \n ']) {
      expect(parseJustification(state('justification', value))).toEqual({
        ok: false,
        errors: { justification: 'Please say why this change is needed.' },
      });
    }
  });

  it('when it is too short or too long, then the error says the limit and what was typed', () => {
    expect(parseJustification(state('justification', 'fix it'))).toEqual({
      ok: false,
      errors: { justification: 'Please write at least 10 characters (you wrote 6).' },
    });
    expect(parseJustification(state('justification', 'a'.repeat(2001)))).toEqual({
      ok: false,
      errors: { justification: 'Please keep it to 2,000 characters (you wrote 2,001).' },
    });
  });

  it('when characters take two UTF-16 units, then they count once, as Slack counts them', () => {
    const emoji = '🔒'.repeat(2000);
    expect(parseJustification(state('justification', emoji))).toEqual({ ok: true, value: emoji });
  });

  it('when the view state is malformed or the field is missing, then it is a field error, not a crash', () => {
    for (const bad of [undefined, null, 'x', { values: 'x' }, { values: {} }, state('other', 'long enough text')]) {
      expect(parseJustification(bad)).toEqual({
        ok: false,
        errors: { justification: 'Please say why this change is needed.' },
      });
    }
  });
});

describe('parseDenyReason and parseBreakGlassReason', () => {
  it('when a deny reason is given, then it is returned; when missing, the error is on the reason field', () => {
    expect(parseDenyReason(state('reason', 'Use CloudFront instead.'))).toEqual({
      ok: true,
      value: 'Use CloudFront instead.',
    });
    expect(parseDenyReason(state('reason', ''))).toEqual({
      ok: false,
      errors: { reason: 'Please give the requester a reason for the denial.' },
    });
  });

  it('when a break-glass reason is too thin, then it is refused with the minimum named', () => {
    expect(parseBreakGlassReason(state('reason', 'urgent'))).toEqual({
      ok: false,
      errors: { reason: 'Please write at least 20 characters (you wrote 6).' },
    });
    expect(parseBreakGlassReason(state('reason', 'INC-42: data leaking, approvers offline'))).toEqual({
      ok: true,
      value: 'INC-42: data leaking, approvers offline',
    });
  });
});
