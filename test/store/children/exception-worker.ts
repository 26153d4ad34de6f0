/**
 * A separate process racing its siblings over accepted risks in one SQLite file, driven by
 * test/store/exceptions-concurrency.test.ts: it prints `ready` once the store is open, waits for a
 * `go` line (so every worker starts together without relying on timing), then tries the same
 * approval (`pending → active`) and the same expiry-reminder claim as its siblings, and prints the
 * outcome as JSON.
 */
import readline from 'node:readline';
import { openSqliteStore } from '../../../src/store/sqlite';

interface Job {
  dbPath: string;
  worker: string;
  auditKey?: string;
  /** A pending exception every worker tries to approve. */
  pendingId: string;
  /** An active exception every worker tries to claim the reminder of, with its expiry. */
  activeId: string;
  expiresAt: string;
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job;
const say = (line: string) => process.stdout.write(`${line}\n`);

const go = () =>
  new Promise<void>((resolve) => {
    const rl = readline.createInterface({ input: process.stdin });
    rl.on('line', (line) => {
      if (line === 'go') {
        rl.close();
        // An open stdin pipe would keep this process alive after its work.
        process.stdin.destroy();
        resolve();
      }
    });
  });

const main = async () => {
  const store = openSqliteStore({ path: job.dbPath, clock: () => new Date(), auditKey: job.auditKey });
  say('ready');
  await go();
  const approved = await store.transitionException(job.pendingId, ['pending'], 'active', {
    approver: { id: job.worker },
    decidedAt: new Date().toISOString(),
  });
  const reminded = await store.claimExceptionReminder(job.activeId, job.expiresAt);
  say(JSON.stringify({ approved: approved !== null, reminded }));
  await store.close();
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
