/**
 * A separate process using the store, driven by the tests in test/store over stdin/stdout:
 * it prints `ready` once the store is open and starts on a `go` line, so every worker begins
 * together without any test relying on timing.
 *
 *   append: appends `count` audit entries tagged with `worker`, prints `done`.
 *   race:   tries the same CAS transition, digest claim and lock as its siblings, prints the outcome as JSON.
 *   crash:  forever creates a request, appends an audit entry and approves, printing `wrote N` after each.
 *   request: creates a request for `target` like its siblings, prints `{created, id}` (the open request's id when not created).
 */
import readline from 'node:readline';
import { openSqliteStore } from '../../../src/store/sqlite';
import { aNewRequest, createdRequest, anActor, anAuditInput } from '../../fixtures/store';

interface Job {
  mode: 'append' | 'race' | 'crash' | 'request';
  dbPath: string;
  worker: string;
  auditKey?: string;
  count?: number;
  requestId?: string;
  scheduledFor?: string;
  target?: string;
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
  if (job.mode === 'crash') {
    // Big plans make each request write take long enough for the kill to land inside one.
    const calls = Array.from({ length: 200 }, (_, i) => ({
      service: 'ec2' as const,
      region: 'us-east-1',
      command: 'RevokeSecurityGroupIngress',
      input: { GroupId: `sg-${i}`, IpPermissions: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
    }));
    for (let n = 1; ; n++) {
      const request = await createdRequest(store, aNewRequest({ plan: { calls, before: { n }, notes: [] } }));
      await store.appendAudit(anAuditInput({ action: 'remediation.request', requestId: request.id, details: { n } }));
      await store.addApproval(request.id, anActor('U0APPROVER'));
      await store.transitionRequest(request.id, ['pending'], 'approved');
      say(`wrote ${n}`);
    }
  }
  await go();
  if (job.mode === 'append') {
    for (let i = 0; i < (job.count ?? 1); i++) {
      await store.appendAudit(anAuditInput({ details: { worker: job.worker, i } }));
    }
    say('done');
  } else if (job.mode === 'request') {
    const result = await store.createRequest(aNewRequest({ target: job.target!, requester: anActor(job.worker) }));
    say(JSON.stringify({ created: result.created, id: result.created ? result.request.id : result.existing.id }));
  } else {
    const transition = await store.transitionRequest(job.requestId!, ['pending'], 'approved', {
      decidedBy: anActor(job.worker),
    });
    const claim = await store.claimDigestRun('daily', job.scheduledFor!, { owner: job.worker });
    const lock = await store.acquireLock('digest', job.worker, 60_000);
    say(JSON.stringify({ won: transition !== null, claimed: claim.claimed, locked: lock.acquired }));
  }
  await store.close();
};

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
