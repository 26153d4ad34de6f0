/**
 * Queued scans over a recorded estate (the console demo, `--snapshot` files): the accounts of the
 * file, judged at the time it was taken. The file is read once per scan by whoever lists the
 * accounts, and again by a worker only if it changed since (another process, or a rewrite).
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { AccountSnapshot, Snapshot } from '../../core/model';
import { CloudsecError } from '../../errors';
import { readSnapshotFile, recordedSnapshotSource } from '../snapshot-source';
import type { JobCollector } from './collector';

const TargetSchema = z.object({ accountId: z.string() });

export const recordedJobCollector = (path: string): JobCollector => {
  let held: { mtimeMs: number; snapshot: Snapshot } | null = null;
  const current = (): Snapshot => {
    const mtimeMs = fs.statSync(path).mtimeMs;
    if (!held || held.mtimeMs !== mtimeMs) held = { mtimeMs, snapshot: readSnapshotFile(path) };
    return held.snapshot;
  };
  const source = recordedSnapshotSource(path);
  return {
    // The recorded source's own checks (the file has the services asked; narrowed to the asker).
    targets: async (request) => {
      const snapshot = await source.load(request);
      return snapshot.accounts.map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        ou: a.ou,
        partition: a.partition,
        target: { accountId: a.accountId },
        judgeAt: snapshot.generatedAt,
      }));
    },
    collect: async (target): Promise<AccountSnapshot> => {
      const { accountId } = TargetSchema.parse(target);
      const account = current().accounts.find((a) => a.accountId === accountId);
      if (!account) throw new CloudsecError('usage', `${path} no longer holds account ${accountId}.`);
      return account;
    },
  };
};
