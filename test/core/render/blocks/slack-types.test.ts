import type { types } from '@slack/bolt';
import type { HomeView, MessagePayload } from '../../../../src/core/render/blocks';
import { renderCheckMessage, renderHomeView } from '../../../../src/core/render/blocks';
import { aCheckData, aFinding, NOW } from './builders';

// Compile-time: the local Block Kit types must stay assignable to Slack's own (tsc fails otherwise).
const asSlackBlocks = (p: MessagePayload): types.KnownBlock[] => p.blocks;
const asSlackHomeView = (v: HomeView): types.HomeView => v;

describe('local Block Kit types', () => {
  it('when a check message is rendered, then its blocks are Slack KnownBlocks', () => {
    const payload = renderCheckMessage(aCheckData([aFinding()]), {
      now: NOW,
      remediationEnabled: true,
      scopeKey: 'k',
    });
    expect(asSlackBlocks(payload).length).toBeGreaterThan(0);
  });

  it('when the home view is rendered, then it is a Slack HomeView', () => {
    const view = renderHomeView({
      summaryByAccount: [],
      topFindings: [],
      lastRefreshed: null,
      now: NOW,
      remediationEnabled: false,
    });
    expect(asSlackHomeView(view).type).toBe('home');
  });
});
