import fs from 'node:fs';
import { summaryOf } from '../../../src/app/digest/build-run';
import type { ObservedItem } from '../../../src/core/digest/model';
import {
  aBucketAllowingPlainHttp,
  aDigest,
  aHubItem,
  anEstate,
  anS3Account,
  anUnversionedBucket,
  openDigestHarness,
  readDigest,
  type DigestHarness,
} from '../../fixtures/digest-harness';
import { useTempStores } from '../../fixtures/store';

const DAY1 = '2026-11-01T09:00:00.000Z';
const DAY2 = '2026-11-02T09:00:00.000Z';

/** RFC 4180 rows (quoted fields may hold commas and doubled quotes). */
const parseCsv = (text: string): string[][] =>
  text
    .split('\r\n')
    .filter((line) => line !== '')
    .map((line) => {
      const cells: string[] = [];
      let cell = '';
      let quoted = false;
      for (let i = 0; i < line.length; i++) {
        const c = line[i]!;
        if (quoted && c === '"' && line[i + 1] === '"') {
          cell += '"';
          i++;
        } else if (c === '"') quoted = !quoted;
        else if (c === ',' && !quoted) {
          cells.push(cell);
          cell = '';
        } else cell += c;
      }
      cells.push(cell);
      return cells;
    });

const storedScore = async (h: DigestHarness, scheduledFor: string) =>
  summaryOf((await h.store.digestRunHistory('prod-daily', 10)).find((r) => r.scheduledFor === scheduledFor))?.score ??
  null;

const many = (n: number, over: Partial<ObservedItem> = {}) => Array.from({ length: n }, () => aHubItem(over));

/**
 * A Security Hub digest whose second run has more of everything than a message lists: 15 open at
 * the first run; then 2 resolved, 1 suppressed and 12 new.
 */
const busyDigest = async (stores: ReturnType<typeof useTempStores>) => {
  const h = openDigestHarness(stores, {
    digests: [aDigest({ scope: { services: ['securityhub'], sources: ['securityhub'] } })],
    liveSecurityHub: true,
  });
  const first = many(15);
  h.securityHub.answer(first);
  await h.run(DAY1);
  const [fixed1, fixed2, accepted] = first;
  const fresh = many(12, { severity: 'critical' });
  h.securityHub.answer([
    { ...fixed1!, state: 'resolved' },
    { ...fixed2!, state: 'resolved' },
    { ...accepted!, state: 'suppressed' },
    ...fresh,
  ]);
  return { h, first, fresh, fixed: [fixed1!, fixed2!], accepted: accepted! };
};

describe('digest attachments', () => {
  const stores = useTempStores();

  it('when a digest is posted, then the trend chart goes into its thread and ends with this run’s score', async () => {
    const h = openDigestHarness(stores, {
      estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy'), anUnversionedBucket('logs')])),
    });
    await h.run(DAY1);
    h.estate.set(anEstate(anS3Account([anUnversionedBucket('logs')])));

    await h.run(DAY2);

    expect(h.chart.calls).toHaveLength(2);
    const { points, title, timezone } = h.chart.calls[1]!;
    expect(points.map((p) => p.at)).toEqual([DAY1, DAY2]);
    expect(points.map((p) => p.score)).toEqual([await storedScore(h, DAY1), await storedScore(h, DAY2)]);
    expect(points[1]!.open).toMatchObject({ medium: 0, low: 1 });
    expect(points[1]!.score).not.toBeNull();
    expect({ title, timezone }).toEqual({ title: 'prod-daily · posture trend', timezone: 'UTC' });
    const chart = h.slack.attachments.filter((a) => a.filename === 'prod-daily-trend.png');
    expect(chart.map((a) => a.ref)).toEqual(h.slack.posts.map((p) => p.ref));
    expect(chart[1]!.content.toString()).toBe('not really a png');
  });

  it('when the message has to cut its lists, then the full list is attached as a CSV of every change and every finding still there', async () => {
    const { h, fresh, fixed, accepted } = await busyDigest(stores);

    await h.run(DAY2);

    const post = h.slack.posts[1]!;
    expect(post.message.truncated).toBe(true);
    expect(readDigest(post).newSince).toMatchObject({ total: 12 });
    expect(readDigest(post).newSince.more).toBeGreaterThan(0);
    const csv = h.slack.attachments.find((a) => a.filename === 'prod-daily-findings.csv' && a.ref === post.ref);
    expect(csv).toBeDefined();
    const [header, ...rows] = parseCsv(csv!.content.toString('utf8'));
    expect(header?.[0]).toBe('section');
    const idColumn = header!.indexOf('finding_id');
    const rowsIn = (section: string) =>
      rows
        .filter((r) => r[0] === section)
        .map((r) => r[idColumn])
        .sort();
    expect(rowsIn('new')).toEqual(fresh.map((i) => i.findingId).sort());
    expect(rowsIn('resolved')).toEqual(fixed.map((i) => i.findingId).sort());
    // Each finding once: the suppressed one under this run's change only.
    expect(rowsIn('suppressed')).toEqual([accepted.findingId]);
    const after = await h.store.digestItems('prod-daily', { source: 'securityhub' });
    const newIds = new Set(fresh.map((i) => i.findingId));
    // The open ones that were not new this run: new + open together are everything open now.
    expect(rowsIn('open')).toEqual(
      after
        .filter((i) => i.state === 'open' && !newIds.has(i.findingId))
        .map((i) => i.findingId)
        .sort(),
    );
    expect(rowsIn('open')).toHaveLength(12);
    expect(new Set(rows.map((r) => r[idColumn])).size).toBe(rows.length);
    expect(rows).toHaveLength(12 + 2 + 1 + 12);
    expect(csv!.title).toBe('prod-daily: every finding (27 rows)');
    expect(fs.existsSync(csv!.path!)).toBe(false);
  });

  it('when nothing was cut, then no list is attached', async () => {
    const h = openDigestHarness(stores, { estate: anEstate(anS3Account([aBucketAllowingPlainHttp('legacy')])) });

    await h.run(DAY1);

    expect(h.slack.posts[0]!.message.truncated).toBe(false);
    expect(h.slack.attachments.map((a) => a.filename)).toEqual(['prod-daily-trend.png']);
  });

  it('when Slack refuses the uploads, then the digest still counts as posted, says what was not attached, and removes its temporary file', async () => {
    const { h, fresh } = await busyDigest(stores);
    h.slack.failAttachments(new Error('files.uploadV2: not_in_channel'));

    const outcome = await h.run(DAY2);

    expect(outcome).toMatchObject({
      kind: 'posted',
      attachmentErrors: ['trend chart: files.uploadV2: not_in_channel', 'full list: files.uploadV2: not_in_channel'],
    });
    expect(await h.store.lastDigestRun('prod-daily')).toMatchObject({
      scheduledFor: DAY2,
      status: 'succeeded',
      details: { attachmentErrors: expect.arrayContaining([expect.stringContaining('full list')]) },
    });
    const stored = (await h.store.digestItems('prod-daily', { source: 'securityhub' })).map((i) => i.findingId);
    expect(stored).toEqual(expect.arrayContaining(fresh.map((i) => i.findingId)));
    const list = h.slack.attempts.find((a) => a.filename === 'prod-daily-findings.csv');
    expect(list?.path).toEqual(expect.any(String));
    expect(fs.existsSync(list!.path!)).toBe(false);
  });
});
