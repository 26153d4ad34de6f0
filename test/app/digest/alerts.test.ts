import type { AlertDraft } from '../../../src/core/detections/alert';
import {
  PROD,
  STAGING,
  aCompliantBucket,
  aDigest,
  anEstate,
  anS3Account,
  openDigestHarness,
  type DigestHarness,
  type HarnessOptions,
} from '../../fixtures/digest-harness';
import { anAlertDraft } from '../../fixtures/alerts-builders';
import { manualClock, useTempStores, type ManualClock } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY2 = '2026-11-02T09:00:00.000Z';
const DAY3 = '2026-11-03T09:00:00.000Z';
const hoursBefore = (h: number, from: string) => new Date(Date.parse(from) - h * 3_600_000).toISOString();
const OTHER_ACCOUNT = '333333333333';

const BOTH_ACCOUNTS = anEstate(
  anS3Account([aCompliantBucket('app-data')]),
  anS3Account([aCompliantBucket('stage-data')], STAGING),
);
const stagingDigest = aDigest({
  name: 'staging-daily',
  scope: { services: ['s3'], sources: ['cloudsec'], minSeverity: 'low', accounts: [STAGING.name] },
});

/** The alerts line of the posted digest as a person reads it, and the alerts listed under it. */
const alertsPart = (h: DigestHarness, post = -1): string[] => {
  const text = h.slack.posts.at(post)!.text;
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes('Alerts:'));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && !l.startsWith('• ') && !l.startsWith('…and'));
  return lines.slice(start, end < 0 ? undefined : end);
};

describe('CloudTrail alerts in the scheduled digest', () => {
  const stores = useTempStores();
  let clock: ManualClock;
  let seq = 0;

  const open = (over: Partial<HarnessOptions> = {}) => {
    clock = manualClock(DAY1);
    return openDigestHarness(stores, { clock, estate: BOTH_ACCOUNTS, liveLaneOn: true, ...over });
  };

  /** Stores an alert as the live lane does, at `at` (never counted on another one). */
  const alertAt = async (h: DigestHarness, at: string, over: Partial<AlertDraft> = {}) => {
    seq += 1;
    clock.set(at);
    const { alert } = await h.store.recordAlert(
      anAlertDraft({ bucket: `bucket-${seq}`, eventId: `e-${seq}`, ...over }),
      at,
    );
    return alert;
  };
  const close = (h: DigestHarness, id: string, to: 'resolved' | 'false_positive') =>
    h.store.transitionAlert(id, ['open', 'acknowledged'], to, { closedBy: 'U0ADMIN' });

  it('when it is the first digest, then it counts the alerts of the last 24 hours, and every one still open', async () => {
    const h = open();
    await alertAt(h, hoursBefore(30, DAY1), { title: 'Old alert' });
    await alertAt(h, hoursBefore(2, DAY1), { title: 'Recent alert', severity: 'high' });
    const fixed = await alertAt(h, hoursBefore(1, DAY1));
    await close(h, fixed.id, 'resolved');

    await h.run(DAY1);

    const part = alertsPart(h);
    expect(part[0]).toContain('Alerts: 2 opened, 1 resolved, 2 still open · `/cloudsec alerts`');
    // The most severe first, whenever it was opened.
    expect(part.slice(1).map((l) => /(Old alert|Recent alert)/.exec(l)?.[1])).toEqual(['Old alert', 'Recent alert']);
  });

  it('when an earlier digest was posted, then the next counts from where it stopped: each alert is counted once', async () => {
    const h = open();
    await alertAt(h, hoursBefore(2, DAY1));
    await h.run(DAY1);
    const counted = await alertAt(h, hoursBefore(3, DAY2));
    await alertAt(h, hoursBefore(1, DAY2), { severity: 'low' });
    await close(h, counted.id, 'false_positive');

    await h.run(DAY2);

    expect(alertsPart(h)[0]).toContain('Alerts: 2 opened, 0 resolved, 1 false positive, 2 still open');
    const run = await h.store.lastDigestRun('prod-daily');
    expect((run!.details as { alertsUntil?: string }).alertsUntil).toBe(DAY2);
  });

  it('when the digest is scoped to some accounts, then other accounts’ alerts are never counted or listed', async () => {
    const h = open({ digests: [stagingDigest] });
    await alertAt(h, hoursBefore(2, DAY1), { accountId: PROD.id, title: 'Prod alert' });
    await alertAt(h, hoursBefore(2, DAY1), { accountId: OTHER_ACCOUNT, title: 'Unknown account alert' });
    await alertAt(h, hoursBefore(1, DAY1), { accountId: STAGING.id, title: 'Staging alert' });

    await h.run(DAY1);

    const part = alertsPart(h);
    expect(part[0]).toContain('Alerts: 1 opened, 0 resolved, 1 still open');
    expect(part.join('\n')).toContain('Staging alert');
    expect(h.slack.posts[0]!.text).not.toMatch(/Prod alert|Unknown account alert/);
  });

  it('when the digest covers every account, then every account’s alerts are counted', async () => {
    const h = open();
    for (const accountId of [PROD.id, STAGING.id, OTHER_ACCOUNT]) await alertAt(h, hoursBefore(2, DAY1), { accountId });

    await h.run(DAY1);

    expect(alertsPart(h)[0]).toContain('Alerts: 3 opened, 0 resolved, 3 still open');
  });

  it('when the live lane runs and there was no alert, then the line says so; when it is off, there is no line', async () => {
    const on = open();
    await on.run(DAY1);
    expect(alertsPart(on)[0]).toContain('Alerts: 0 opened, 0 resolved, 0 still open');

    const off = open({ liveLaneOn: false });
    await off.run(DAY1);
    expect(alertsPart(off)).toEqual([]);
    expect(off.slack.posts[0]!.text).not.toContain('Alerts');
  });

  it('when the alerts cannot be read, then the digest is still posted and says so, and the next one counts what it missed', async () => {
    const h = open();
    await alertAt(h, hoursBefore(2, DAY1));
    await h.run(DAY1);
    await alertAt(h, hoursBefore(2, DAY2));
    const failing = jest
      .spyOn(h.store, 'countAlerts')
      .mockRejectedValue(new Error('SQLITE_BUSY: database is locked at /var/lib/cloudsec/cloudsec.db'));

    const outcome = await h.run(DAY2);

    expect(outcome.kind).toBe('posted');
    expect(alertsPart(h)[0]).toContain('alerts could not be read');
    expect(h.slack.posts.at(-1)!.text).not.toContain('/var/lib/cloudsec');
    expect(h.slack.posts.at(-1)!.text).not.toMatch(/\d+ opened/);
    failing.mockRestore();

    await alertAt(h, hoursBefore(2, DAY3));
    await h.run(DAY3);

    expect(alertsPart(h)[0]).toContain('Alerts: 2 opened, 0 resolved, 3 still open');
  });

  it('when a digest is previewed, then it shows the alerts line without storing where it counted', async () => {
    const h = open();
    await alertAt(h, hoursBefore(2, DAY1));
    clock.set(DAY1);

    const outcome = await h.service.preview(h.service.find('prod-daily')!);

    expect(outcome.kind === 'preview' && outcome.text).toContain('Alerts: 1 opened, 0 resolved, 1 still open');
    expect(await h.store.lastDigestRun('prod-daily')).toBeNull();
  });
});
