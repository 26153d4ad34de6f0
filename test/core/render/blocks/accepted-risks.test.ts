import {
  renderCheckMessage,
  renderFindingsMessage,
  renderHomeView,
  type Block,
  type SectionBlock,
} from '../../../../src/core/render/blocks';
import { EXCEPTION_ACTION_IDS, parseShowHiddenValue } from '../../../../src/core/render/blocks/exceptions';
import { HOME_BUDGET, MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import type { AcceptedRisksView } from '../../../../src/core/render/blocks/check-message';
import { aCheckData, aFinding, aPass, buttons, NOW, visibleText } from './builders';

// What accepted risks change in the check, findings and App Home messages: a hidden line with Show,
// the "shown again" note on a resurfaced finding, and a warning when some could not be read.

const note = {
  id: 'cfg_legacy-website',
  source: 'config' as const,
  reason: 'r',
  owner: 'Dana',
  expiresAt: '2026-12-01',
};
const accepted = (over: Partial<AcceptedRisksView> = {}): AcceptedRisksView => ({
  hidden: 12,
  exceptions: [
    { ...note, hides: 10 },
    { ...note, id: 'ex_0123456789abcdef01234567', source: 'slack', hides: 2 },
  ],
  resurfaced: [],
  problems: [],
  ...over,
});
const OPTIONS = { now: NOW, remediationEnabled: true, scopeKey: 's3:*:*', requestedBy: 'U0ASKER' };

const showButton = (blocks: readonly Block[]) =>
  buttons(blocks).find((b) => b.action_id === EXCEPTION_ACTION_IDS.showHidden);

describe('renderCheckMessage with accepted risks', () => {
  it('when findings are hidden, then the message says how many, by how many exceptions, with a Show button carrying the scope key', () => {
    const m = renderCheckMessage(aCheckData([aFinding()], { acceptedRisks: accepted() }), OPTIONS);

    expect(limitViolations(m, MESSAGE_BUDGET)).toEqual([]);
    expect(visibleText(m.blocks)).toContain('12 accepted risks hidden (by 2 exceptions)');
    expect(parseShowHiddenValue(showButton(m.blocks)?.value)).toEqual({ s: 's3:*:*', u: 'U0ASKER' });
    expect(m.text).toContain('12 accepted risks hidden');
  });

  it('when nothing is hidden, then there is no hidden line and no Show button', () => {
    const m = renderCheckMessage(
      aCheckData([aFinding()], { acceptedRisks: accepted({ hidden: 0, exceptions: [] }) }),
      OPTIONS,
    );

    expect(visibleText(m.blocks)).not.toContain('hidden');
    expect(showButton(m.blocks)).toBeUndefined();
  });

  it('when every failure is hidden, then it does not claim that all checks pass', () => {
    const m = renderCheckMessage(aCheckData([aPass()], { acceptedRisks: accepted() }), OPTIONS);

    const text = visibleText(m.blocks);
    expect(text).toContain('Nothing failing but accepted risks');
    expect(text).not.toContain('pass.');
  });

  it('when a finding is shown again under an accepted risk, then its section says why, and names the risk', () => {
    const worse = aFinding({ severity: 'critical' });
    const m = renderCheckMessage(
      aCheckData([worse, aFinding()], {
        acceptedRisks: accepted({
          resurfaced: [
            {
              findingId: worse.id,
              exception: note,
              why: 'severity rose from medium to critical since the risk was accepted',
            },
          ],
        }),
      }),
      OPTIONS,
    );

    const sections = m.blocks.filter((b): b is SectionBlock => b.type === 'section' && !!b.text);
    const annotated = sections.filter((b) => b.text!.text.includes('Shown again'));
    expect(annotated).toHaveLength(1);
    expect(annotated[0]!.text!.text).toContain('severity rose from medium to critical');
    expect(annotated[0]!.text!.text).toContain('cfg_legacy-website');
  });

  it('when stored accepted risks could not be read, then the message warns that their findings are shown', () => {
    const m = renderCheckMessage(
      aCheckData([aFinding()], {
        acceptedRisks: accepted({
          hidden: 0,
          exceptions: [],
          problems: ['accepted risks stored in the database could not be read'],
        }),
      }),
      OPTIONS,
    );

    expect(visibleText(m.blocks)).toContain(':warning: accepted risks stored in the database could not be read');
  });
});

describe('renderFindingsMessage with accepted risks', () => {
  it('when every Security Hub finding asked for is hidden, then it says so rather than "no findings", with Show', () => {
    const m = renderFindingsMessage(
      { findings: [], acceptedRisks: accepted({ hidden: 3, exceptions: [{ ...note, hides: 3 }] }) },
      OPTIONS,
    );

    const text = visibleText(m.blocks);
    expect(text).toContain('No Security Hub findings shown');
    expect(text).not.toContain(':white_check_mark:');
    expect(text).toContain('3 accepted risks hidden (by 1 exception)');
    expect(showButton(m.blocks)).toBeDefined();
  });
});

describe('renderHomeView with accepted risks', () => {
  const base = {
    summaryByAccount: [
      {
        accountId: '111111111111',
        name: 'acme-prod',
        bySeverity: { critical: 0, high: 1, medium: 0, low: 0, informational: 0 },
        fail: 1,
        pass: 10,
        unknown: 0,
        accepted: 12,
      },
    ],
    topFindings: [aFinding()],
    lastRefreshed: NOW.toISOString(),
    now: NOW,
    remediationEnabled: false,
  };

  it('when findings are hidden, then the tab counts them per account and overall, with Show for the user', () => {
    const view = renderHomeView({ ...base, acceptedRisks: accepted(), scopeKey: 'all:*:*', userId: 'U0DANA' });

    expect(limitViolations(view, HOME_BUDGET)).toEqual([]);
    const text = visibleText(view.blocks);
    expect(text).toContain('12 accepted risks hidden (by 2 exceptions)');
    expect(text).toContain('10 passing · 0 unknown · 12 accepted');
    expect(parseShowHiddenValue(showButton(view.blocks)?.value)).toEqual({ s: 'all:*:*', u: 'U0DANA' });
  });

  it('when no scope key is given, then the count is still said, without a button', () => {
    const view = renderHomeView({ ...base, acceptedRisks: accepted() });

    expect(visibleText(view.blocks)).toContain('12 accepted risks hidden');
    expect(showButton(view.blocks)).toBeUndefined();
  });
});
