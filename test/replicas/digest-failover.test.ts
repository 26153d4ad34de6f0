/**
 * A digest whose poster dies: two bot processes on one PostgreSQL schema schedule the same digest;
 * the one that claimed the run (also the leader) is killed with SIGKILL in the middle of it, before
 * anything was posted. The survivor becomes leader, its 'digest-resume' duty takes the abandoned
 * claim over, and the digest is posted exactly once, by the survivor.
 *
 * The run is made due at start-up through the catch-up (a previous run is on record and the latest
 * scheduled time has none), so the test does not wait for a cron minute. The claimant is held in
 * the digest's scan (its first EC2 call is never answered) and killed there. A claim is presumed
 * dead only 30 minutes after it was taken: the test ages it in the database instead of waiting.
 * What it still waits for: the lease TTL (3 s here, CLOUDSEC_LEADER_TTL_MS); the successor runs
 * 'digest-resume' as soon as it takes the lead.
 */
import type { ChildProcess } from 'node:child_process';
import { DEFAULT_RECLAIM_MS } from '../../src/app/digest/run-digest';
import { eventually, replicaConfig, useReplicas } from '../fixtures/replicas/bot-process';

const DIGEST = 'replica-digest';
const CHANNEL = 'C0DIGEST';
const HOUR_MS = 3_600_000;
/** A minute of the hour half an hour from now: the latest scheduled time is ~30 min ago, the next ~30 min ahead. */
const MINUTE = (new Date().getUTCMinutes() + 30) % 60;
/** Short leases: the successor takes over seconds after the kill. */
const FAST_LEASE = { CLOUDSEC_LEADER_TTL_MS: '3000' };
/** An upper bound only (the test waits for the post, not for this): start-up on a loaded machine. */
const RESUME_WITHIN_MS = 150_000;

jest.setTimeout(RESUME_WITHIN_MS + 60_000);

/** The latest HH:MINUTE (UTC) at or before `now`. */
const latestScheduled = (now: Date): Date => {
  const t = new Date(now);
  t.setUTCMinutes(MINUTE, 0, 0);
  return t.getTime() > now.getTime() ? new Date(t.getTime() - HOUR_MS) : t;
};

describe('a digest whose posting replica is killed mid-run', () => {
  const replicas = useReplicas({
    config: replicaConfig([
      'digests:',
      `  - name: ${DIGEST}`,
      `    channel: ${CHANNEL}`,
      `    schedule: '${MINUTE} * * * *'`,
      '    timezone: UTC',
      '    scope:',
      '      services: [ec2]',
      '      sources: [cloudsec]',
    ]),
  });

  it('when the leader is killed while running the digest, then the survivor posts it, once', async () => {
    const store = await replicas.store();
    const due = latestScheduled(new Date());
    // The run before the due one is on record, so start-up catches the due one up.
    const before = new Date(due.getTime() - HOUR_MS);
    expect((await store.claimDigestRun(DIGEST, before, { owner: 'earlier-deploy' })).claimed).toBe(true);
    await store.completeDigestRun({
      digestName: DIGEST,
      scheduledFor: before,
      status: 'succeeded',
      owner: 'earlier-deploy',
    });

    // The first replica leads, claims the due run at start-up, and gets stuck in its scan.
    replicas.aws.hold = (call) => call.service === 'ec2';
    const a = await replicas.start('a', FAST_LEASE);
    await a.waitForLog((l) => l.msg === 'this replica is the leader', 'a leading');
    await eventually(() => replicas.aws.held.length > 0, "the digest's scan reaching AWS");
    const claimed = await store.lastDigestRun(DIGEST);
    expect(claimed).toMatchObject({ status: 'running', scheduledFor: due.toISOString() });
    expect(claimed!.owner.split(':')[1]).toBe(String(a.pid));

    // The second replica finds the run claimed at start-up: no catch-up of its own.
    const b = await replicas.start('b', FAST_LEASE);
    await b.waitForLog((l) => l.msg === 'digests scheduled', "b's schedule");
    expect(new Set([a, b].map((bot) => (bot.process as ChildProcess).pid)).size).toBe(2);

    await a.kill9();
    replicas.aws.hold = null;
    // Nothing reached Slack from the killed replica.
    expect(replicas.slack.callsOf('chat.postMessage').filter((c) => c.fields.channel === CHANNEL)).toEqual([]);
    expect(replicas.slack.held).toEqual([]);
    // Half an hour "passes" for the claim: only then is it presumed dead (DEFAULT_RECLAIM_MS).
    const aged = new Date(Date.now() - DEFAULT_RECLAIM_MS - 60_000).toISOString();
    const updated = await replicas.sql(
      'UPDATE digest_runs SET claimed_at = $1 WHERE digest_name = $2 AND status = $3 RETURNING owner',
      [aged, DIGEST, 'running'],
    );
    expect(updated).toHaveLength(1);

    await b.waitForLog((l) => l.msg === 'this replica is the leader', 'b leading', RESUME_WITHIN_MS);
    await eventually(
      async () => (await store.lastDigestRun(DIGEST))?.status === 'succeeded',
      'the digest run to finish',
      RESUME_WITHIN_MS,
    );

    const run = await store.lastDigestRun(DIGEST);
    expect(run).toMatchObject({ scheduledFor: due.toISOString(), status: 'succeeded' });
    expect(run!.owner.split(':')[1]).toBe(String(b.pid));
    const posts = replicas.slack.callsOf('chat.postMessage').filter((c) => c.fields.channel === CHANNEL);
    expect(posts).toHaveLength(1);
    expect(run!.details).toMatchObject({ message: { channel: CHANNEL, ts: posts[0]!.ts } });
    await b.waitForLog((l) => l.msg === 'finished a digest run a stopped process had claimed', "b's digest-resume");
    const audited = (await store.listAudit({})).filter((e) => e.action === 'digest.post');
    expect(audited).toEqual([
      expect.objectContaining({ outcome: 'ok', details: expect.objectContaining({ scheduledFor: due.toISOString() }) }),
    ]);
  });
});
