import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DigestItem } from '../../core/digest/model';
import { digestCsvHeader, digestCsvRow, type DigestSection } from '../../core/render/digest';
import type { Store } from '../../store/store';
import type { BuiltRun } from './build-run';

/**
 * The complete lists behind a digest whose message had to cut them, as one CSV file: this run's
 * new, back (reopened), resolved and suppressed findings, then every other finding still open or suppressed after
 * the run (each finding once; its `section` says which list it is in). Written to a temporary file a page at a time, so 100,000 findings never sit in memory as
 * one string; the caller uploads it and calls `remove`.
 */
export const writeFullList = async (
  store: Store,
  digestName: string,
  built: BuiltRun,
): Promise<{ path: string; rows: number; remove: () => void }> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-digest-'));
  const file = path.join(dir, `${digestName}.csv`);
  const fd = fs.openSync(file, 'w');
  let rows = 0;
  const asOf = built.report.scheduledFor;
  const names = built.report.accountNames;
  const write = (item: DigestItem, section?: DigestSection) => {
    fs.writeSync(
      fd,
      digestCsvRow(item, names[item.accountId] ?? item.accountId, built.partitionOf(item.accountId), {
        asOf,
        ...(section ? { section } : {}),
      }),
    );
    rows += 1;
  };
  try {
    fs.writeSync(fd, digestCsvHeader());
    for (const item of built.delta.opened) write(item, 'new');
    for (const item of built.delta.reopened) write(item, 'reopened');
    for (const item of built.delta.resolved) write(item, 'resolved');
    for (const item of built.delta.suppressed) write(item, 'suppressed');
    // Then everything open or suppressed after the run, except what was just listed above.
    const listed = new Set(
      [...built.delta.opened, ...built.delta.reopened, ...built.delta.suppressed].map((o) => o.findingId),
    );
    const changed = new Map(built.delta.upserts.map((u) => [u.findingId, u]));
    const gone = new Set(built.delta.removals);
    await store.eachDigestItem(digestName, (stored) => {
      const current = changed.get(stored.findingId) ?? stored;
      changed.delete(stored.findingId);
      if (!gone.has(stored.findingId) && !listed.has(stored.findingId)) write(current);
    });
    // What is left was not stored before this run.
    for (const item of changed.values()) if (!listed.has(item.findingId)) write(item);
  } finally {
    fs.closeSync(fd);
  }
  return { path: file, rows, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
};
