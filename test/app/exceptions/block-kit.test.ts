import { blockKitRenderers } from '../../../src/app/exceptions';
import type { MessagePayload } from '../../../src/core/render/blocks/kit';
import { EXCEPTION_ACTION_IDS } from '../../../src/core/render/blocks/exceptions';
import { useTempStores } from '../../fixtures/store';
import { DAY, PEOPLE, exceptionHarness, inDays, securityHubFinding } from './harness';

/** The action ids of the buttons a message offers. */
const buttonsOf = (m: MessagePayload): string[] =>
  m.blocks.flatMap((b) => (b.type === 'actions' ? b.elements.map((e) => e.action_id) : []));

describe('accepted risks with the Block Kit renderers', () => {
  const stores = useTempStores();

  it('when an exception is asked for, approved, reminded and revoked, then each message offers only the buttons that apply', async () => {
    const h = exceptionHarness(stores, { findings: [securityHubFinding(1)] });
    const payloads: { kind: string; to: string; message: MessagePayload }[] = [];
    // The workflow holds h.deps: swapping its Slack side swaps what every use case renders and sends.
    h.deps.render = blockKitRenderers;
    h.deps.messenger = {
      post: async (channel, message, options) => {
        payloads.push({ kind: options?.threadTs ? 'reply' : 'post', to: channel, message });
        return { channel, ts: `1700000000.00000${payloads.length}` };
      },
      update: async (ref, message) => {
        payloads.push({ kind: 'update', to: ref.channel, message });
      },
      dm: async (userId, message) => {
        payloads.push({ kind: 'dm', to: userId, message });
        return null;
      },
    };

    const active = await h.active({ finding: securityHubFinding(1), expiresAt: inDays(h.clock, 10) });
    h.clock.advance(4 * DAY);
    await h.workflow.sweep(h.clock());
    await h.workflow.revoke({ actor: PEOPLE.owner, exceptionId: active.id, reason: 'Moved behind CloudFront.' });

    expect(payloads.map((p) => `${p.kind} ${p.to} [${buttonsOf(p.message).join(',')}]`)).toEqual([
      `post C0SECLEADS [${EXCEPTION_ACTION_IDS.approve},${EXCEPTION_ACTION_IDS.deny}]`,
      `update C0SECLEADS [${EXCEPTION_ACTION_IDS.extend},${EXCEPTION_ACTION_IDS.revoke}]`,
      'dm U0REQUESTER []',
      'dm U0OWNER []',
      'reply C0SECLEADS []',
      `dm U0OWNER [${EXCEPTION_ACTION_IDS.extend}]`,
      'update C0SECLEADS []',
      'dm U0REQUESTER []',
      'dm U0OWNER []',
      'reply C0SECLEADS []',
    ]);
    for (const p of payloads) expect(p.message.text.length).toBeGreaterThan(0);
    expect(payloads[5]!.message.text).toMatch(/expires in 6 days/);
  });
});
