import {
  BLOCK_KIT,
  HOME_BUDGET,
  MESSAGE_BUDGET,
  blockTextLength,
  limitViolations,
} from '../../../src/core/render/limits';

const sectionOf = (text: string) => ({ type: 'section', text: { type: 'mrkdwn', text } });
const aButton = (over: Record<string, unknown> = {}) => ({
  type: 'button',
  text: { type: 'plain_text', text: 'Go' },
  action_id: 'x.go',
  value: 'v',
  ...over,
});

describe('limitViolations', () => {
  it('when a message is small and well formed, then there are no violations', () => {
    const payload = {
      text: 'hello',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Title' } },
        sectionOf('body'),
        { type: 'actions', elements: [aButton()] },
      ],
    };
    expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
  });

  it('when a message has 51 blocks, then the block count is reported; a view may have 100', () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    expect(limitViolations({ text: 't', blocks }, MESSAGE_BUDGET)).toEqual(['51 blocks > 50']);
    expect(limitViolations({ blocks }, HOME_BUDGET)).toEqual([]);
  });

  it('when a section, header, field or button breaks its own limit, then each is named', () => {
    const payload = {
      text: 't',
      blocks: [
        sectionOf('x'.repeat(BLOCK_KIT.sectionText + 1)),
        { type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } },
        { type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) },
        { type: 'actions', elements: [aButton({ value: 'v'.repeat(2001) }), aButton({ action_id: 'a'.repeat(256) })] },
        { type: 'section', text: { type: 'mrkdwn', text: '' } },
      ],
    };
    const v = limitViolations(payload, { ...MESSAGE_BUDGET, maxBlockText: 1e9 });
    expect(v).toEqual([
      'block 0 (section): 3001 > 3000 characters',
      'block 1 (header): 151 > 150 characters',
      'block 2 (section): 11 fields > 10',
      'block 3 (actions) element 0: button value 2001 > 2000',
      'block 3 (actions) element 1: action_id longer than 255',
      'block 4 (section): empty text',
    ]);
  });

  it('when the blocks together carry more text than the budget, then the total is reported', () => {
    const blocks = Array.from({ length: 5 }, () => sectionOf('x'.repeat(2500)));
    expect(blockTextLength(blocks)).toBe(12_500);
    expect(limitViolations({ text: 't', blocks }, MESSAGE_BUDGET)).toEqual(['block text 12500 > 10000']);
  });

  it('when a header carries mrkdwn, then it is reported (Slack requires plain_text)', () => {
    const blocks = [{ type: 'header', text: { type: 'mrkdwn', text: '*x*' } }];
    expect(limitViolations({ text: 't', blocks }, MESSAGE_BUDGET)).toEqual([
      'block 0 (header): header text must be plain_text',
    ]);
  });
});
