import { makeLiveLane } from '../../../src/app/detections/live-lane';
import { DetectionsConfigSchema } from '../../../src/core/detections/settings';
import type { AccountRef } from '../../../src/core/access/permissions';
import type { Store } from '../../../src/store/store';
import { realEngine, recordingMessenger, silentLog, snapshotSharedRecord, tempStore } from './harness';

const START = new Date('2026-11-01T12:00:00.000Z');

const ROUTING = {
  default: 'C0ALERTS',
  staged: 'C0QUIET',
  accounts: { '222222222222': 'C0STAGING' },
  ous: { 'ou-root-prod0001': 'C0PRODOU', 'ou-prod-web00001': 'C0WEBOU' },
};
const DIRECTORY: AccountRef[] = [
  { id: '333333333333', name: 'web', ouPath: ['ou-root-prod0001', 'ou-prod-web00001'] },
  { id: '444444444444', name: 'data', ouPath: ['ou-root-prod0001', 'ou-prod-data0001'] },
];

describe('the live lane', () => {
  let now: Date;
  let store: Store;
  let cleanup: () => Promise<void>;
  const clock = () => now;

  beforeEach(() => {
    now = START;
    ({ store, cleanup } = tempStore(clock));
  });
  afterEach(async () => cleanup());

  const lane = (
    options: { routing?: object; burst?: number; staged?: boolean; batch?: number; severity?: string } = {},
  ) => {
    const slack = recordingMessenger();
    const logs = silentLog();
    const config = DetectionsConfigSchema.parse({
      routing: options.routing ?? ROUTING,
      burstPerChannelPerMinute: options.burst ?? 20,
      exclude: [{ principal: 'arn:aws:iam::*:user/terraform', reason: 'Terraform pipeline' }],
      rules: {
        snapshot_shared_publicly: {
          dedupWindowMinutes: 60,
          staged: options.staged ?? false,
          ...(options.severity ? { severity: options.severity } : {}),
        },
      },
    });
    const live = makeLiveLane({
      store,
      engine: realEngine(config),
      config,
      clock,
      messenger: slack.messenger,
      knownAccounts: async () => DIRECTORY,
      log: logs.log,
      ...(options.batch ? { burstBatch: options.batch } : {}),
    });
    return { live, slack, logs };
  };

  it.each([
    ['the default channel', '111111111111', false, 'C0ALERTS'],
    ["the account's own channel", '222222222222', false, 'C0STAGING'],
    ["the nearest OU's channel", '333333333333', false, 'C0WEBOU'],
    ["an outer OU's channel", '444444444444', false, 'C0PRODOU'],
    ['the quiet channel for a staged rule', '222222222222', true, 'C0QUIET'],
  ])(
    'when a record makes an alert routed to %s, then one card goes there and the store knows where',
    async (_, accountId, staged, channel) => {
      const { live, slack } = lane({ staged });
      const snapshot = 'snap-0public00000000001';
      const outcome = await live.ingest(snapshotSharedRecord({ eventID: 'e-1', snapshot, accountId }), 'sqs');

      expect(outcome).toEqual({
        kind: 'alerted',
        alerts: [{ alertId: expect.any(String), created: true, posted: true }],
      });
      expect(slack.posts).toHaveLength(1);
      expect(slack.posts[0]!.channel).toBe(channel);
      expect(JSON.stringify(slack.posts[0]!.message.blocks)).toContain(`\`${snapshot}\``);
      const alertId = outcome.kind === 'alerted' ? outcome.alerts[0]!.alertId : '';
      const stored = await store.getAlert(alertId);
      expect(stored).toMatchObject({ channel, messageTs: slack.posts[0]!.ts, count: 1, status: 'open', source: 'sqs' });
    },
  );

  it('when the same eventID comes again (a redelivery), then it is a duplicate and no second card is posted', async () => {
    const { live, slack } = lane();
    await live.ingest(snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0public00000000001' }), 'sqs');
    const again = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0public00000000001' }),
      'lookup-events',
    );

    expect(again).toEqual({ kind: 'duplicate' });
    expect(slack.posts).toHaveLength(1);
  });

  it('when the same change repeats within the window, then the count rises, the thread gets one reply a minute, and the card is updated at most once a minute', async () => {
    const { live, slack } = lane();
    const first = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0public00000000001' }),
      'sqs',
    );
    const alertId = first.kind === 'alerted' ? first.alerts[0]!.alertId : '';
    const card = slack.posts[0]!;

    now = new Date(START.getTime() + 5_000);
    const second = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-2', snapshot: 'snap-0public00000000001', user: 'bob' }),
      'sqs',
    );
    now = new Date(START.getTime() + 10_000);
    await live.ingest(
      snapshotSharedRecord({ eventID: 'e-3', snapshot: 'snap-0public00000000001', user: 'carol' }),
      'sqs',
    );

    expect(second).toEqual({ kind: 'alerted', alerts: [{ alertId, created: false, posted: true }] });
    expect((await store.getAlert(alertId))?.count).toBe(3);
    const replies = slack.posts.filter((p) => p.threadTs === card.ts);
    expect(replies).toHaveLength(1);
    expect(JSON.stringify(replies[0]!.message.blocks)).toContain('Seen again: 2 times in all, last by `bob`');
    // The card was posted 10 s ago: its count is updated once the minute is over, not before.
    expect(slack.updates).toHaveLength(0);
    await live.flush();
    expect(slack.updates).toHaveLength(0);

    now = new Date(START.getTime() + 61_000);
    await live.flush();
    expect(slack.updates).toHaveLength(1);
    expect(slack.updates[0]!.ref).toEqual({ channel: card.channel, ts: card.ts });
    expect(JSON.stringify(slack.updates[0]!.message.blocks)).toContain('Seen 3 times');

    now = new Date(START.getTime() + 75_000);
    await live.ingest(
      snapshotSharedRecord({ eventID: 'e-4', snapshot: 'snap-0public00000000001', user: 'dave' }),
      'sqs',
    );
    expect(slack.posts.filter((p) => p.threadTs === card.ts)).toHaveLength(2);
    expect(slack.posts.filter((p) => !p.threadTs)).toHaveLength(1);
  });

  it('when the change repeats after the dedup window, then it is a new alert with its own card', async () => {
    const { live, slack } = lane();
    await live.ingest(snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0public00000000001' }), 'sqs');
    now = new Date(START.getTime() + 61 * 60_000);
    const later = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-2', snapshot: 'snap-0public00000000001', at: now }),
      'sqs',
    );

    expect(later).toMatchObject({ kind: 'alerted', alerts: [{ created: true, posted: true }] });
    expect(slack.posts.filter((p) => !p.threadTs)).toHaveLength(2);
  });

  it('when the record is not a CloudTrail record, then it is invalid and nothing is stored or posted', async () => {
    const { live, slack } = lane();
    const outcome = await live.ingest({ eventName: 'PutBucketPolicy' }, 'sqs');
    expect(outcome).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('eventID') });
    expect(slack.posts).toHaveLength(0);
    expect(await store.listAlerts()).toHaveLength(0);
  });

  it('when every match is excluded, then there is no alert and the reason is told', async () => {
    const { live, slack } = lane();
    const outcome = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0tf0000000000000001', user: 'terraform' }),
      'sqs',
    );
    expect(outcome).toEqual({
      kind: 'no-alert',
      notes: [expect.stringMatching(/^snapshot_shared_publicly: excluded \(.*Terraform pipeline/)],
    });
    expect(slack.posts).toHaveLength(0);
    expect(await store.listAlerts()).toHaveLength(0);
  });

  it('when Slack fails to take the card, then the alert is stored anyway, marked not posted, and the failure logged', async () => {
    const { live, slack, logs } = lane();
    slack.state.failPosts = true;
    const outcome = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0public00000000001' }),
      'sqs',
    );

    expect(outcome).toMatchObject({ kind: 'alerted', alerts: [{ created: true, posted: false }] });
    const alertId = outcome.kind === 'alerted' ? outcome.alerts[0]!.alertId : '';
    expect(await store.getAlert(alertId)).toMatchObject({ status: 'open', channel: null, messageTs: null });
    expect(logs.lines.some((l) => l.level === 'error' && /could not post an alert card/.test(l.msg ?? ''))).toBe(true);
  });

  it('when no channel is configured, then alerts are stored, not posted, and that is logged once', async () => {
    const { live, slack, logs } = lane({ routing: {} });
    await live.ingest(snapshotSharedRecord({ eventID: 'e-1', snapshot: 'snap-0a' }), 'sqs');
    await live.ingest(snapshotSharedRecord({ eventID: 'e-2', snapshot: 'snap-0b' }), 'sqs');
    expect(slack.posts).toHaveLength(0);
    expect(await store.listAlerts()).toHaveLength(2);
    expect(logs.lines.filter((l) => /no alert channel is configured/.test(l.msg ?? ''))).toHaveLength(1);
  });

  it('when more high or critical alerts arrive in a minute than the card budget, then every one still gets its own card', async () => {
    const { live, slack } = lane({ burst: 5 });
    for (let i = 0; i < 12; i += 1) {
      now = new Date(START.getTime() + i * 100);
      await live.ingest(
        snapshotSharedRecord({ eventID: `c-${i}`, snapshot: `snap-${String(i).padStart(17, '0')}` }),
        'sqs',
      );
    }
    const cards = slack.posts.filter(
      (p) => !p.threadTs && /Snapshot or AMI shared/.test(JSON.stringify(p.message.blocks[0])),
    );
    expect(cards).toHaveLength(12);
    expect((await store.listAlerts()).every((a) => a.messageTs !== null)).toBe(true);
  });

  it('when 500 medium alerts arrive within a minute with a limit of 20, then 20 cards, one summary and a few batched replies list them all, and all 500 are stored', async () => {
    const { live, slack } = lane({ burst: 20, severity: 'medium' });
    for (let i = 0; i < 500; i += 1) {
      now = new Date(START.getTime() + i * 100);
      const outcome = await live.ingest(
        snapshotSharedRecord({ eventID: `e-${i}`, snapshot: `snap-${String(i).padStart(17, '0')}` }),
        'sqs',
      );
      expect(outcome).toMatchObject({ kind: 'alerted', alerts: [{ created: true }] });
    }
    now = new Date(START.getTime() + 61_000);
    await live.flush();

    const topLevel = slack.posts.filter((p) => !p.threadTs);
    const cards = topLevel.filter((p) => /Snapshot or AMI shared/.test(JSON.stringify(p.message.blocks[0])));
    const summaries = topLevel.filter((p) => /more alerts? in the last minute/.test(JSON.stringify(p.message.blocks)));
    expect(cards).toHaveLength(20);
    expect(summaries).toHaveLength(1);
    const replies = slack.posts.filter((p) => p.threadTs === summaries[0]!.ts);
    expect(replies.length).toBeGreaterThan(0);
    expect(replies.length).toBeLessThanOrEqual(10);
    expect(slack.posts.length).toBeLessThanOrEqual(31);

    const stored = await store.listAlerts({ limit: 1000 });
    expect(stored).toHaveLength(500);
    const listed = replies.map((r) => JSON.stringify(r.message.blocks)).join('\n');
    const carded = new Set(stored.filter((a) => a.messageTs !== null).map((a) => a.id));
    expect(carded.size).toBe(20);
    for (const a of stored) if (!carded.has(a.id)) expect(listed).toContain(a.id);
    // The summary was brought up to date with the final count.
    const summaryUpdates = slack.updates.filter((u) => u.ref.ts === summaries[0]!.ts);
    expect(JSON.stringify(summaryUpdates.at(-1)!.message.blocks)).toContain('480 more alerts in the last minute');
  });
});
