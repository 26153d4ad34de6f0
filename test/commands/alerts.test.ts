import alerts from '../../commands/alerts';
import type { CommandContext } from '../../commands/command';
import type { AppDeps } from '../../src/app/deps';
import type { MessagePayload } from '../../src/core/render/blocks/kit';
import { ALERT_LIST_PAGE_ACTION } from '../../src/core/render/blocks/alerts/list';
import {
  PEOPLE,
  PROD,
  STAGING,
  startAlertHarness,
  storeAlert,
  type AlertHarness,
} from '../app/detections/alert-harness';

const run = async (h: AlertHarness, userId: string, words: string[]) => {
  const sent: { message: MessagePayload; visibility?: string }[] = [];
  const parsed = alerts.args.safeParse({ positionals: words, flags: {} });
  if (!parsed.success) return { error: parsed.error.issues.map((i) => i.message).join('; '), sent };
  const ctx: CommandContext = {
    invocation: {
      requestId: 'r1',
      actor: { userId },
      channel: { id: 'D0DM', kind: 'dm' },
      text: `alerts ${words.join(' ')}`,
    },
    actor: { userId, groups: [] },
    visibility: 'ephemeral',
    groupWarnings: [],
    account: undefined,
    responder: {
      send: async (message, o) => void sent.push({ message, visibility: o?.visibility }),
      upload: async () => undefined,
    },
    deps: h.deps as unknown as AppDeps,
  };
  await alerts.run(ctx, parsed.data);
  return { error: null, sent, text: JSON.stringify(sent.at(-1)?.message ?? {}) };
};

describe('/cloudsec alerts', () => {
  let h: AlertHarness;
  beforeEach(() => {
    h = startAlertHarness();
  });
  afterEach(() => h.cleanup());

  it('when no filter is given, then open alerts are listed newest first, privately', async () => {
    const older = await storeAlert(h, { title: 'Older alert' });
    h.clock.advance(60_000);
    const newer = await storeAlert(h, { title: 'Newer alert' });
    const answer = await run(h, PEOPLE.alice, []);
    expect(answer.sent[0]!.visibility).toBe('ephemeral');
    expect(answer.text!.indexOf(newer.id)).toBeLessThan(answer.text!.indexOf(older.id));
    expect(answer.text).toContain('Open alerts');
  });

  it('when a user scoped to staging lists all alerts, then prod alerts are neither shown nor counted', async () => {
    const prod = await storeAlert(h, { accountId: PROD });
    const staging = await storeAlert(h, { accountId: STAGING });
    const answer = await run(h, PEOPLE.sam, ['all']);
    expect(answer.text).toContain(staging.id);
    expect(answer.text).not.toContain(prod.id);
    expect(answer.text).toContain('1 alert');
    expect(answer.text).not.toContain('acme-prod');
  });

  it('when there are more alerts than a page holds, then a Next page button carries the filter and offset', async () => {
    for (let i = 0; i < 23; i++) await storeAlert(h);
    const answer = await run(h, PEOPLE.alice, ['all']);
    expect(answer.text).toContain(ALERT_LIST_PAGE_ACTION);
    expect(answer.text).toContain(JSON.stringify(JSON.stringify({ f: 'all', o: 20 })).slice(1, -1));
  });

  it('when nothing is open, then it says so', async () => {
    expect((await run(h, PEOPLE.alice, ['open'])).text).toContain('No open alert');
  });

  it('when the filter is not one of open, mine, all, then the usage error names them', async () => {
    expect((await run(h, PEOPLE.alice, ['closed'])).error).toMatch(/open, mine, all/);
  });
});
