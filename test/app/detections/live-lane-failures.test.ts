import Database from 'better-sqlite3';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DetectionFailedError, makeLiveLane, recordHandlerOf } from '../../../src/app/detections/live-lane';
import { DETECTIONS } from '../../../src/core/detections';
import { makeDetectionEngine } from '../../../src/core/detections/engine';
import { DetectionsConfigSchema, type DetectionsConfig } from '../../../src/core/detections/settings';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { Store } from '../../../src/store/store';
import { recordingMessenger, silentLog, snapshotSharedRecord } from './harness';

/**
 * What the live lane does when something goes wrong between the record and the card: a store
 * failure mid-way (the claim must not outlive it), a detection that throws, exclusions and counts
 * (logged, never silent).
 */
const NOW = new Date('2026-11-01T12:00:00.000Z');
const SNAPSHOT = 'snap-0public00000000001';

describe('the live lane when things fail', () => {
  let dir: string;
  let file: string;
  let store: Store;
  let now: Date;

  beforeEach(() => {
    now = NOW;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-live-fail-'));
    file = path.join(dir, 'cloudsec.db');
    store = openSqliteStore({ path: file, clock: () => now });
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const laneWith = (config: DetectionsConfig, detections = DETECTIONS) => {
    const slack = recordingMessenger();
    const logs = silentLog();
    const live = makeLiveLane({
      store,
      engine: makeDetectionEngine({ detections, settings: config }),
      config,
      clock: () => now,
      messenger: slack.messenger,
      knownAccounts: async () => [],
      log: logs.log,
    });
    return { live, slack, logs };
  };
  const settings = (over: object = {}) => DetectionsConfigSchema.parse({ routing: { default: 'C0ALERTS' }, ...over });

  it('when storing the alert fails after the record was claimed, then the claim is undone and the redelivery alerts', async () => {
    // A real failure inside the store's transaction, after the claim's INSERT: the database refuses
    // the alert. The trigger is made before the store's connection opens, so it surely sees it.
    await store.close();
    const raw = new Database(file);
    raw.exec(`CREATE TRIGGER refuse_alerts BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'disk full'); END`);
    store = openSqliteStore({ path: file, clock: () => now });
    const { live, slack } = laneWith(settings());

    const failed = await live.ingest(snapshotSharedRecord({ eventID: 'e-1', snapshot: SNAPSHOT }), 'sqs').then(
      (outcome) => ({ outcome }),
      (err: unknown) => ({ err: String(err) }),
    );
    expect(failed).toEqual({ err: expect.stringContaining('disk full') });
    expect(raw.prepare('SELECT COUNT(*) AS n FROM handled_events').get()).toEqual({ n: 0 });

    raw.exec('DROP TRIGGER refuse_alerts');
    raw.close();
    await store.close();
    store = openSqliteStore({ path: file, clock: () => now });
    const { live: after, slack: slackAfter } = laneWith(settings());
    const again = await after.ingest(snapshotSharedRecord({ eventID: 'e-1', snapshot: SNAPSHOT }), 'sqs');
    expect(again).toMatchObject({ kind: 'alerted', alerts: [{ created: true, posted: true }] });
    expect(slack.posts).toHaveLength(0);
    expect(slackAfter.posts).toHaveLength(1);
    expect(await store.listAlerts()).toHaveLength(1);
  });

  it('when the only detection that reads the record throws, then the record is not "no alert": it throws (SQS redelivers, then dead-letters it) and is logged', async () => {
    const broken = DETECTIONS.map((d) =>
      d.id === 'snapshot_shared_publicly'
        ? {
            ...d,
            match: () => {
              throw new Error('rule bug');
            },
          }
        : d,
    );
    const { live, slack, logs } = laneWith(settings(), broken);

    const ingest = live.ingest(snapshotSharedRecord({ eventID: 'e-2', snapshot: SNAPSHOT }), 'sqs');
    await expect(ingest).rejects.toBeInstanceOf(DetectionFailedError);
    await expect(ingest).rejects.toThrow(/e-2.*snapshot_shared_publicly: error \(.*rule bug/);
    expect(slack.posts).toHaveLength(0);
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        level: 'warn',
        msg: 'a detection failed on a record',
        obj: expect.objectContaining({ eventId: 'e-2', detectionId: 'snapshot_shared_publicly' }),
      }),
    );
    // Not claimed: once the rule is fixed the redelivery is judged afresh.
    const { live: fixed } = laneWith(settings());
    expect(await fixed.ingest(snapshotSharedRecord({ eventID: 'e-2', snapshot: SNAPSHOT }), 'sqs')).toMatchObject({
      kind: 'alerted',
    });
  });

  it('when no detection can judge a record from LookupEvents (no dead-letter queue there), then it is logged as an error and skipped; from SQS it throws', async () => {
    const broken = DETECTIONS.map((d) =>
      d.id === 'snapshot_shared_publicly'
        ? {
            ...d,
            match: () => {
              throw new Error('rule bug');
            },
          }
        : d,
    );
    const { live, logs } = laneWith(settings(), broken);
    const handle = recordHandlerOf(live, logs.log);
    const record = snapshotSharedRecord({ eventID: 'e-4', snapshot: SNAPSHOT }) as never;

    await expect(handle(record, { source: 'sqs' })).rejects.toBeInstanceOf(DetectionFailedError);
    expect(await handle(record, { source: 'lookup-events' })).toBe('ignored');
    expect(logs.lines).toContainEqual(
      expect.objectContaining({ level: 'error', obj: expect.objectContaining({ eventId: 'e-4' }) }),
    );
  });

  it('when Slack did not take a card, then flush posts it again a minute later and the store learns where', async () => {
    const { live, slack } = laneWith(settings());
    slack.state.failPosts = true;
    const outcome = await live.ingest(snapshotSharedRecord({ eventID: 'e-5', snapshot: SNAPSHOT }), 'sqs');
    expect(outcome).toMatchObject({ kind: 'alerted', alerts: [{ posted: false }] });

    await live.flush();
    expect(slack.posts).toHaveLength(0); // not due yet
    slack.state.failPosts = false;
    now = new Date(NOW.getTime() + 60_000);
    await live.flush();

    expect(slack.posts).toHaveLength(1);
    const [alert] = await store.listAlerts();
    expect(alert).toMatchObject({ channel: 'C0ALERTS', messageTs: slack.posts[0]!.ts });
    now = new Date(NOW.getTime() + 180_000);
    await live.flush();
    expect(slack.posts).toHaveLength(1); // once posted, never again
  });

  it('when a record is excluded, then the exclusion and its reason are logged', async () => {
    const { live, logs } = laneWith(
      settings({ exclude: [{ principal: 'arn:aws:iam::*:user/terraform', reason: 'Terraform pipeline' }] }),
    );
    const outcome = await live.ingest(
      snapshotSharedRecord({ eventID: 'e-3', snapshot: SNAPSHOT, user: 'terraform' }),
      'sqs',
    );
    expect(outcome).toMatchObject({ kind: 'no-alert' });
    expect(logs.lines).toContainEqual(
      expect.objectContaining({
        level: 'info',
        msg: 'record excluded from a detection',
        obj: expect.objectContaining({ eventId: 'e-3', reason: expect.stringContaining('Terraform pipeline') }),
      }),
    );
  });
});
