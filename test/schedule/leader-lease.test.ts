import { makeLeaderLease } from '../../src/schedule/leader-lease';
import { startPeriodicDuties, type DutyTimers } from '../../src/schedule/periodic-duties';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

const quietLog = () => {
  const lines: string[] = [];
  return {
    lines,
    log: {
      info: (_: object, m?: string) => void lines.push(m ?? ''),
      warn: (_: object, m?: string) => void lines.push(m ?? ''),
    },
  };
};

const TTL = 30_000;

describe.each(STORE_KINDS)('the leader lease (%s)', (kind) => {
  const stores = useContractStores(kind);

  /** Two replicas on one database, each with its own lease (renewed by hand: no timers). */
  const twoReplicas = async () => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    const storeA = await stores.open({ clock });
    const storeB = await stores.reopen(storeA, { clock });
    const a = makeLeaderLease({ store: storeA, owner: 'replica-a', ttlMs: TTL, clock, log: quietLog().log });
    const b = makeLeaderLease({ store: storeB, owner: 'replica-b', ttlMs: TTL, clock, log: quietLog().log });
    return { clock, a, b };
  };

  it('when two replicas ask, then exactly one leads and the other does not', async () => {
    const { a, b } = await twoReplicas();
    const [ra, rb] = await Promise.all([a.renew(), b.renew()]);
    expect([ra, rb].filter(Boolean)).toHaveLength(1);
    expect(a.isLeader() !== b.isLeader()).toBe(true);
  });

  it('when the leader renews, then it keeps the lead and its fence', async () => {
    const { clock, a, b } = await twoReplicas();
    await a.renew();
    const fence = a.fence();
    for (let i = 0; i < 5; i += 1) {
      clock.advance(TTL / 3);
      expect(await a.renew()).toBe(true);
      expect(await b.renew()).toBe(false);
    }
    expect(a.fence()).toBe(fence);
  });

  it('when the leader dies (stops renewing), then another takes over after the TTL with a higher fence, and the old one no longer believes it leads', async () => {
    const { clock, a, b } = await twoReplicas();
    await a.renew();
    const oldFence = a.fence()!;
    clock.advance(TTL / 2);
    expect(a.isLeader()).toBe(false); // half the TTL without renewal: it steps down on its own
    expect(await b.renew()).toBe(false); // the lease itself has not expired yet
    clock.advance(TTL / 2);
    expect(await b.renew()).toBe(true);
    expect(b.fence()).toBeGreaterThan(oldFence);
    expect(await a.renew()).toBe(false);
  });

  it('when the leader stops cleanly, then it releases the lease and a successor leads at once', async () => {
    const { a, b } = await twoReplicas();
    await a.renew();
    await a.stop();
    expect(a.isLeader()).toBe(false);
    expect(await b.renew()).toBe(true);
  });
});

describe('duties under a leader lease', () => {
  const manualTimers = () => {
    const ticks: Array<() => void> = [];
    const timers: DutyTimers = { every: (_ms, tick) => ticks.push(tick), cancel: () => undefined };
    return { timers, fire: () => ticks.forEach((t) => t()) };
  };

  it('when this replica is not the leader, then only per-replica duties run; once it leads, all do', async () => {
    let leader = false;
    const ran: string[] = [];
    const t = manualTimers();
    const duties = startPeriodicDuties({
      duties: [
        { name: 'poll', everyMs: 1000, run: async () => void ran.push('poll') },
        { name: 'flush', everyMs: 1000, perReplica: true, run: async () => void ran.push('flush') },
      ],
      log: quietLog().log,
      timers: t.timers,
      leadership: { isLeader: () => leader },
    });
    t.fire();
    await new Promise((r) => setImmediate(r));
    expect(ran).toEqual(['flush']);
    leader = true;
    t.fire();
    await new Promise((r) => setImmediate(r));
    expect(ran.sort()).toEqual(['flush', 'flush', 'poll']);
    await duties.stop();
  });
});
