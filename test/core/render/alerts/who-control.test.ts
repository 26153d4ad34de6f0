import { findingSection } from '../../../../src/core/render/blocks/finding';
import { FINDING_WHO_ACTION } from '../../../../src/core/render/blocks/alerts/action-ids';
import { aFinding, aPass } from '../blocks/builders';

const NAMES = new Map<string, string>();
const F_ID = 'f_0123456789abcdef';

describe('"Who did this?" on a finding', () => {
  it('when it is the only control of a failing finding, then it is a button carrying the finding id', () => {
    const block = findingSection(aFinding({ id: F_ID, remediationId: null }), NAMES, {
      remediationEnabled: false,
      whoDidThis: true,
    });
    expect(block.accessory).toMatchObject({ type: 'button', action_id: FINDING_WHO_ACTION, value: F_ID });
  });

  it('when the finding also offers Remediate and Accept risk, then all three share the overflow menu', () => {
    const block = findingSection(aFinding({ id: F_ID }), NAMES, {
      remediationEnabled: true,
      acceptRisk: true,
      whoDidThis: true,
    });
    expect(block.accessory).toMatchObject({
      type: 'overflow',
      action_id: 'finding.menu',
      options: [{ value: `remediate:${F_ID}` }, { value: `accept:${F_ID}` }, { value: `who:${F_ID}` }],
    });
  });

  it('when the option is off or the finding passes, then it is not offered', () => {
    expect(
      findingSection(aFinding({ id: F_ID, remediationId: null }), NAMES, { remediationEnabled: false }).accessory,
    ).toBeUndefined();
    expect(
      findingSection(aPass({ id: F_ID }), NAMES, { remediationEnabled: false, whoDidThis: true }).accessory,
    ).toBeUndefined();
  });
});
