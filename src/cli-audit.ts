import { Option, type Command } from 'commander';
import { describeVerification } from './app/audit';
import type { CliIo } from './cli';
import { DEFAULT_DB } from './cli-source';
import { readEnv } from './env';
import { CloudsecError } from './errors';
import { openConfiguredStore } from './store/open-store';
import type { Store } from './store/store';

/** `cloudsec audit verify|export`: the tamper-evident audit log in the database the environment selects. */
export const registerAuditCommand = (program: Command, io: CliIo, setExit: (code: number) => void): void => {
  const audit = program
    .command('audit')
    .description('the tamper-evident audit log (CLOUDSEC_DATABASE_URL or CLOUDSEC_DB, CLOUDSEC_AUDIT_KEY)');
  audit
    .command('verify')
    .description('walk the hash chain; exit 0 when intact, 1 at the first broken entry')
    .action(async () => {
      const verification = await withAuditStore(io, (store) => store.verifyAudit());
      (verification.ok ? io.stdout : io.stderr)(`${describeVerification(verification)}\n`);
      setExit(verification.ok ? 0 : 1);
    });
  audit
    .command('export')
    .description('print entries for a SIEM, oldest first')
    .option('--since <time>', 'only entries at or after this ISO-8601 time')
    .addOption(new Option('--format <format>', 'output format').choices(['jsonl', 'json']).default('jsonl'))
    .action(async (opts: { since?: string; format: 'jsonl' | 'json' }) => {
      if (opts.since !== undefined && Number.isNaN(Date.parse(opts.since))) {
        throw new CloudsecError(
          'usage',
          `--since ${opts.since}: expected an ISO-8601 time such as 2026-11-01T00:00:00Z.`,
        );
      }
      const since = opts.since === undefined ? undefined : new Date(opts.since).toISOString();
      await withAuditStore(io, async (store) => {
        // Pages keep memory flat however long the log is.
        let first = true;
        if (opts.format === 'json') io.stdout('[');
        for (let next = 1; ;) {
          const page = await store.listAudit({ sinceSeq: next, ...(since ? { sinceTime: since } : {}), limit: 1000 });
          for (const entry of page) {
            io.stdout(
              opts.format === 'json' ? `${first ? '\n' : ',\n'}${JSON.stringify(entry)}` : `${JSON.stringify(entry)}\n`,
            );
            first = false;
          }
          if (page.length < 1000) break;
          next = page[page.length - 1]!.seq + 1;
        }
        if (opts.format === 'json') io.stdout(first ? ']\n' : '\n]\n');
      });
      setExit(0);
    });
};

/**
 * Opens the existing database the environment selects, PostgreSQL or SQLite (never creates one:
 * verifying a typo'd path or schema must not pass on zero entries).
 */
const withAuditStore = async <T>(io: CliIo, fn: (store: Store) => Promise<T>): Promise<T> => {
  const env = readEnv(io.env);
  const store = await openConfiguredStore(io.env, {
    clock: io.clock,
    auditKey: env.CLOUDSEC_AUDIT_KEY,
    defaultSqlitePath: DEFAULT_DB,
    mustExist: true,
  });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
};
