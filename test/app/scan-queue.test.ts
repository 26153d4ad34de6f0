import { makeScanQueue } from '../../src/app/scan-queue';
import { settle } from '../fixtures/counting-source';

/**
 * The queue runs work nobody else holds a promise of (it starts it when a slot frees): a failure of
 * that work must reach its caller through `result` and nowhere else. Jest fails a test on an
 * unhandled rejection, so each of these would fail if one escaped.
 */

const gate = () => {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { opened, open };
};

describe('work that fails', () => {
  it('when the work throws before returning a promise, then its result rejects with that error and the next in line runs', async () => {
    const queue = makeScanQueue(1);
    const first = gate();
    const running = queue.enter(() => first.opened.then(() => 'first'));
    const throwing = queue.enter((): Promise<string> => {
      throw new TypeError('no snapshot source');
    });
    const last = queue.enter(async () => 'last');
    expect(queue.waiting).toBe(2);

    const outcomes = Promise.allSettled([running.result, throwing.result, last.result]);

    first.open();

    expect(await outcomes).toEqual([
      { status: 'fulfilled', value: 'first' },
      { status: 'rejected', reason: new TypeError('no snapshot source') },
      { status: 'fulfilled', value: 'last' },
    ]);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it('when every piece of work rejects, then each caller gets its own error and the slots all come back', async () => {
    const queue = makeScanQueue(2);
    const entries = [1, 2, 3, 4, 5].map((n) => queue.enter(() => Promise.reject(new Error(`scan ${n} failed`))));

    const outcomes = await Promise.allSettled(entries.map((e) => e.result));

    expect(outcomes.map((o) => (o.status === 'rejected' ? (o.reason as Error).message : 'fulfilled'))).toEqual([
      'scan 1 failed',
      'scan 2 failed',
      'scan 3 failed',
      'scan 4 failed',
      'scan 5 failed',
    ]);
    expect({ running: queue.running, waiting: queue.waiting }).toEqual({ running: 0, waiting: 0 });
  });

  it('when a queued scan’s "started" listener throws (a progress post that failed), then the scan still runs and the line goes on', async () => {
    const queue = makeScanQueue(1);
    const first = gate();
    const holding = queue.enter(() => first.opened);
    const queued = queue.enter(async () => 'queued');
    const after = queue.enter(async () => 'after');
    queued.ticket.whenStarted(() => {
      throw new Error('response_url: expired_url');
    });

    first.open();
    await settle();

    await holding.result;
    await expect(queued.result).resolves.toBe('queued');
    await expect(after.result).resolves.toBe('after');
    // A listener added once the work has started is called at once, and may throw too.
    expect(() =>
      queued.ticket.whenStarted(() => {
        throw new Error('late');
      }),
    ).not.toThrow();
  });
});

describe('capacity', () => {
  it.each([0, -1, 1.5, Number.NaN])('when the capacity is %p, then the queue is refused', (capacity) => {
    expect(() => makeScanQueue(capacity)).toThrow(RangeError);
  });
});
