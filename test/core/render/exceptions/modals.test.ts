import {
  EXCEPTION_CALLBACK_IDS,
  exceptionModalViolations,
  parseExceptionModalMetadata,
  renderDenyModal,
  renderExtendDenyModal,
  renderExtendModal,
  renderRevokeModal,
  type ExceptionInputBlock,
  type ExceptionModalView,
} from '../../../../src/core/render/blocks/exceptions';
import type { Block } from '../../../../src/core/render/blocks';
import { EX_ID, NOW, active, daysAfter, visibleText } from './builders';

const checked = (view: ExceptionModalView) => {
  expect(exceptionModalViolations(view)).toEqual([]);
  return view;
};
const inputs = (view: ExceptionModalView) => view.blocks.filter((b): b is ExceptionInputBlock => b.type === 'input');
const textOf = (view: ExceptionModalView) => visibleText(view.blocks.filter((b): b is Block => b.type !== 'input'));

describe('reason modals', () => {
  it.each([
    [renderDenyModal, EXCEPTION_CALLBACK_IDS.denyModal, 'Deny', 'stay in the failing lists'],
    [renderRevokeModal, EXCEPTION_CALLBACK_IDS.revokeModal, 'Revoke', 'shows the findings it hides again'],
    [renderExtendDenyModal, EXCEPTION_CALLBACK_IDS.extendDenyModal, 'Deny extension', 'keeps its current expiry'],
  ])(
    'when %p opens, then it carries only the exception id and asks for a reason',
    (render, callbackId, submit, words) => {
      const view = checked(render({ exceptionId: EX_ID }));
      expect(view.callback_id).toBe(callbackId);
      expect(view.submit.text).toBe(submit);
      expect(parseExceptionModalMetadata(view.private_metadata)).toEqual({ exceptionId: EX_ID });
      expect(textOf(view)).toContain(words);
      expect(inputs(view).map((b) => [b.block_id, b.element.type, b.element.action_id])).toEqual([
        ['reason', 'plain_text_input', 'value'],
      ]);
      expect(inputs(view)[0]!.element).toMatchObject({ min_length: 5, max_length: 1000, multiline: true });
    },
  );

  it('when the id is not a Slack-made exception id, then the modal is not built (a file is changed in git)', () => {
    expect(() => renderRevokeModal({ exceptionId: 'cfg_legacy' })).toThrow(RangeError);
    expect(() => renderDenyModal({ exceptionId: '<!channel>' })).toThrow(RangeError);
  });
});

describe('renderExtendModal', () => {
  it('when opened, then it shows the current expiry and proposes 30 days later, with a reason field', () => {
    const view = checked(renderExtendModal({ exception: active(), now: NOW, maxDays: 90 }));
    expect(view.callback_id).toBe(EXCEPTION_CALLBACK_IDS.extendModal);
    expect(parseExceptionModalMetadata(view.private_metadata)).toEqual({ exceptionId: EX_ID });
    expect(textOf(view)).toContain('It expires 2026-12-01 12:00 UTC (in 30 days).');
    expect(inputs(view).map((b) => [b.block_id, b.element.type])).toEqual([
      ['expiry', 'datepicker'],
      ['reason', 'plain_text_input'],
    ]);
    expect(inputs(view)[0]!.element).toMatchObject({ initial_date: '2026-12-31' });
    expect(inputs(view)[0]!.hint?.text).toContain('At most 90 days: 2027-01-30');
  });

  it('when 30 more days would pass maxDays, then the last day allowed is proposed', () => {
    const view = renderExtendModal({ exception: active({ expiresAt: daysAfter(80) }), now: NOW, maxDays: 90 });
    expect(inputs(view)[0]!.element).toMatchObject({ initial_date: '2027-01-30' });
  });
});
