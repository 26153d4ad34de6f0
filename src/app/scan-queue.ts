/**
 * At most `capacity` scans run at once, whoever asked: each one fans out to every account and
 * region in scope, so a handful of users (or one script) asking for different scopes would
 * otherwise multiply the AWS calls, the memory and the API throttling without bound. The rest wait
 * in line and start in the order they came; none is dropped.
 */
import type { AppLogger } from './deps';

export interface QueueTicket {
  /** Place in line: 1 starts next; null once the work has started. */
  position(): number | null;
  /** Called when the work starts (at once when it already has). */
  whenStarted(listener: () => void): void;
}

interface Entry {
  started: boolean;
  listeners: (() => void)[];
  start(): void;
}

export interface ScanQueue {
  /** Runs `work` when a slot is free; `ticket` says where it stands meanwhile. */
  enter<T>(work: () => Promise<T>): { ticket: QueueTicket; result: Promise<T> };
  /** Scans running now and waiting now (metrics, tests). */
  readonly running: number;
  readonly waiting: number;
}

export interface ScanQueueOptions {
  /** Where a failure of the queue's own bookkeeping (a bug) is reported, with the queue's state. */
  log?: Pick<AppLogger, 'error'>;
}

export const makeScanQueue = (capacity: number, options: ScanQueueOptions = {}): ScanQueue => {
  if (!Number.isInteger(capacity) || capacity < 1)
    throw new RangeError(`capacity must be a whole number ≥ 1, not ${capacity}`);
  let running = 0;
  const line: Entry[] = [];

  const startNext = () => {
    while (running < capacity && line.length > 0) {
      running += 1;
      line.shift()!.start();
    }
  };

  return {
    get running() {
      return running;
    },
    get waiting() {
      return line.length;
    },
    enter<T>(work: () => Promise<T>) {
      let settle!: { resolve: (v: T) => void; reject: (e: unknown) => void };
      const result = new Promise<T>((resolve, reject) => (settle = { resolve, reject }));
      const entry: Entry = {
        started: false,
        listeners: [],
        start: () => {
          entry.started = true;
          for (const listener of entry.listeners.splice(0)) notify(listener);
          // The slot is given back however the work ends, so a failing scan cannot stall the line.
          // The work's own failure goes to `result` (its caller); only the bookkeeping could still
          // throw, a bug that is logged here rather than left as an unhandled rejection.
          Promise.resolve()
            .then(work)
            .then(settle.resolve, settle.reject)
            .finally(() => {
              running -= 1;
              startNext();
            })
            .catch((err: unknown) => {
              // Without a logger it stays a rejection, which the process guard (src/process-guard.ts) logs.
              if (!options.log) throw err;
              options.log.error({ err, running, waiting: line.length }, 'scan queue could not start the next scan');
            });
        },
      };
      line.push(entry);
      startNext();
      const ticket: QueueTicket = {
        position: () => {
          if (entry.started) return null;
          return line.indexOf(entry) + 1;
        },
        whenStarted: (listener) => {
          if (entry.started) notify(listener);
          else entry.listeners.push(listener);
        },
      };
      return { ticket, result };
    },
  };
};

/** A listener is a courtesy (a progress message): its failure must not stop the scan or the line. */
const notify = (listener: () => void) => {
  try {
    listener();
  } catch {
    // Listeners report their own failures (they log); nothing here depends on them.
  }
};
