import { findingSection } from '../../../../src/core/render/blocks/finding';
import { renderBlocksAsText } from '../../../../src/slack/console-render';
import { aFinding, aPass } from './builders';

const NAMES = new Map<string, string>();
const F_ID = 'f_0123456789abcdef';

describe('the controls on a finding', () => {
  it('when a failing finding can be remediated and accepted, then one overflow menu offers both by id', () => {
    const block = findingSection(aFinding({ id: F_ID }), NAMES, { remediationEnabled: true, acceptRisk: true });

    expect(block.accessory).toMatchObject({
      type: 'overflow',
      action_id: 'finding.menu',
      options: [
        { text: { type: 'plain_text', text: 'Remediate' }, value: `remediate:${F_ID}` },
        { text: { type: 'plain_text', text: 'Accept risk…' }, value: `accept:${F_ID}` },
      ],
    });
  });

  it('when only accepting is possible, then the accessory is the Accept risk button', () => {
    const noFix = findingSection(aFinding({ id: F_ID, remediationId: null }), NAMES, {
      remediationEnabled: true,
      acceptRisk: true,
    });
    const remediationOff = findingSection(aFinding({ id: F_ID }), NAMES, {
      remediationEnabled: false,
      acceptRisk: true,
    });

    for (const block of [noFix, remediationOff])
      expect(block.accessory).toMatchObject({ type: 'button', action_id: 'exception.request', value: F_ID });
  });

  it('when accepting is not offered, then a remediable finding keeps its Remediate button', () => {
    const block = findingSection(aFinding({ id: F_ID }), NAMES, { remediationEnabled: true });
    expect(block.accessory).toMatchObject({ type: 'button', action_id: 'remediation.request', value: F_ID });
  });

  it('when a finding passes, is unknown or has an id no button could carry, then nothing is offered', () => {
    for (const f of [aPass({ id: F_ID }), aFinding({ id: F_ID, status: 'unknown' }), aFinding({ id: 'not-an-id' })]) {
      const block = findingSection(f, NAMES, { remediationEnabled: false, acceptRisk: true });
      expect(block.accessory).toBeUndefined();
    }
  });

  it('when the console shows the overflow menu, then each option is a button of its own with the menu action id', () => {
    const block = findingSection(aFinding({ id: F_ID }), NAMES, { remediationEnabled: true, acceptRisk: true });
    const { text, buttons } = renderBlocksAsText({ blocks: [block] });

    expect(text).toContain('[1] Remediate   [2] Accept risk…');
    expect(buttons).toEqual([
      { number: 1, actionId: 'finding.menu', value: `remediate:${F_ID}`, label: 'Remediate' },
      { number: 2, actionId: 'finding.menu', value: `accept:${F_ID}`, label: 'Accept risk…' },
    ]);
  });
});
