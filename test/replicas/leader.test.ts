/**
 * Leader election across real processes: three bots on one PostgreSQL schema elect one leader (the
 * lease row `leader` in the locks table, with a fencing token); when the leader is killed with
 * SIGKILL (nothing released), another takes over once the lease has expired, never before; when a
 * leader is stopped with SIGTERM it releases the lease, so a successor need not wait out the TTL.
 */
import type { ChildProcess } from 'node:child_process';
import { LEADER_LOCK } from '../../src/schedule/leader-lease';
import { eventually, useReplicas, type Bot } from '../fixtures/replicas/bot-process';

/** The lease TTL the bots run with (CLOUDSEC_LEADER_TTL_MS): short, so a takeover is seconds away. */
const TTL_MS = 3_000;

jest.setTimeout(60_000 + 4 * TTL_MS);

interface LeaseRow {
  owner: string;
  acquired_at: string;
  expires_at: string;
  fence: number;
  [column: string]: unknown;
}

const LEADER = 'this replica is the leader';

describe('the leader lease across three cloudsec processes', () => {
  const replicas = useReplicas();

  const lease = async (): Promise<LeaseRow> => {
    const [row] = await replicas.sql<LeaseRow>(
      'SELECT owner, acquired_at, expires_at, fence FROM locks WHERE name = $1',
      [LEADER_LOCK],
    );
    if (!row) throw new Error('no leader lease row');
    return row;
  };
  /** The owner names a replica by host:pid:random. */
  const holder = (bots: readonly Bot[], row: LeaseRow) => bots.find((b) => row.owner.split(':')[1] === String(b.pid));
  const leaders = (bots: readonly Bot[]) => bots.filter((b) => b.logs.some((l) => l.msg === LEADER));
  const ms = (iso: string) => Date.parse(iso);

  it('when the leader is killed, then exactly one other replica takes over after its lease expired; a stopped leader hands over at once', async () => {
    const env = { CLOUDSEC_LEADER_TTL_MS: String(TTL_MS) };
    const first = await replicas.start('a', env);
    const bots = [first, ...(await Promise.all([replicas.start('b', env), replicas.start('c', env)]))];
    expect(new Set(bots.map((b) => (b.process as ChildProcess).pid)).size).toBe(3);

    // One leader, and it stays one: the lease is renewed twice more while all three are running,
    // so each of the others has tried for it meanwhile.
    await eventually(() => leaders(bots).length > 0, 'a leader');
    const held = await lease();
    await eventually(async () => ms((await lease()).expires_at) > ms(held.expires_at), 'a renewal');
    const renewed = await lease();
    await eventually(async () => ms((await lease()).expires_at) > ms(renewed.expires_at), 'a second renewal');
    const leader = holder(bots, await lease());
    expect(leader).toBeDefined();
    expect(leaders(bots)).toEqual([leader]);
    expect((await lease()).fence).toBe(held.fence);

    // SIGKILL: the lease stays as the dead leader left it and must run out.
    await leader!.kill9();
    const orphaned = await lease();
    const survivors = bots.filter((b) => b !== leader);
    await eventually(() => leaders(survivors).length > 0, 'a successor', 4 * TTL_MS + 15_000);
    const taken = await lease();
    const successor = holder(survivors, taken);
    expect(successor).toBeDefined();
    expect(leaders(survivors)).toEqual([successor]);
    // A change of hands: the next fence, taken no earlier than the dead leader's lease ended…
    expect(taken.fence).toBe(orphaned.fence + 1);
    expect(ms(taken.acquired_at)).toBeGreaterThanOrEqual(ms(orphaned.expires_at));
    // …and within one TTL of that (the replicas try every third of it).
    expect(ms(taken.acquired_at) - ms(orphaned.expires_at)).toBeLessThan(TTL_MS);

    // SIGTERM: the leader releases the lease on its way out, and the last replica takes it.
    const last = survivors.find((b) => b !== successor)!;
    expect((await successor!.stop()).code).toBe(0);
    const released = await lease();
    expect(released.owner).toBe(taken.owner);
    expect(ms(released.expires_at)).toBeLessThanOrEqual(Date.now());
    await last.waitForLog((l) => l.msg === LEADER, 'the last replica leading', 4 * TTL_MS + 15_000);
    const handed = await lease();
    expect(holder([last], handed)).toBe(last);
    expect(handed.fence).toBe(taken.fence + 1);
    // Taken within a third of the TTL (the next renewal tick) plus scheduling, not after a whole TTL.
    expect(ms(handed.acquired_at) - ms(released.expires_at)).toBeLessThan(TTL_MS);
  });
});
