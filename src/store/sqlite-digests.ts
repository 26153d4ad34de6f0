import type { DigestItem } from '../core/digest/model';
import { toIso } from '../core/remediations/request';
import { digestRunOf, finishedStatus, type DigestRunRow } from './digest-rows';
import type { DigestCompletion, DigestRun } from './schemas';
import { makeDigestItemWriter } from './sqlite-digest-state';
import { nowIso, toJsonText, type SqliteContext } from './sqlite-context';
import type { Store } from './store';

type DigestMethods = Pick<
  Store,
  | 'claimDigestRun'
  | 'completeDigestRun'
  | 'completeDigestRunWithState'
  | 'lastDigestRun'
  | 'digestRunHistory'
  | 'noteDigestRunProgress'
>;

export const makeSqliteDigests = (ctx: SqliteContext): DigestMethods => {
  const { db } = ctx;
  const selectRun = db.prepare<[string, string], DigestRunRow>(
    'SELECT * FROM digest_runs WHERE digest_name = ? AND scheduled_for = ?',
  );
  const insertRun = db.prepare(
    `INSERT INTO digest_runs (digest_name, scheduled_for, status, owner, claimed_at, attempt, completed_at, scan_id, details)
     VALUES (?, ?, 'running', ?, ?, 1, NULL, NULL, '{}')`,
  );
  const takeOver = db.prepare(
    `UPDATE digest_runs SET owner = ?, claimed_at = ?, attempt = attempt + 1
     WHERE digest_name = ? AND scheduled_for = ? AND status = 'running' AND claimed_at = ?`,
  );
  const finish = db.prepare(
    `UPDATE digest_runs SET status = ?, completed_at = ?, scan_id = ?, details = ?
     WHERE digest_name = ? AND scheduled_for = ? AND status = 'running' AND owner = ?`,
  );
  const progress = db.prepare(
    `UPDATE digest_runs SET details = ?
     WHERE digest_name = ? AND scheduled_for = ? AND status = 'running' AND owner = ?`,
  );
  const history = db.prepare<[string, number], DigestRunRow>(
    'SELECT * FROM digest_runs WHERE digest_name = ? ORDER BY scheduled_for DESC LIMIT ?',
  );
  const selectLast = db.prepare<[string], DigestRunRow>(
    'SELECT * FROM digest_runs WHERE digest_name = ? ORDER BY scheduled_for DESC LIMIT 1',
  );

  const load = (name: string, at: string): DigestRun => digestRunOf(selectRun.get(name, at)!);

  const claim = db.transaction((name: string, at: string, owner: string, reclaimAfterMs: number | undefined) => {
    const existing = selectRun.get(name, at);
    const now = ctx.clock();
    if (!existing) {
      insertRun.run(name, at, owner, now.toISOString());
      return { claimed: true as const, run: load(name, at) };
    }
    const stale =
      existing.status === 'running' &&
      reclaimAfterMs !== undefined &&
      Date.parse(existing.claimed_at) + reclaimAfterMs <= now.getTime();
    if (stale && takeOver.run(owner, now.toISOString(), name, at, existing.claimed_at).changes === 1) {
      return { claimed: true as const, run: load(name, at) };
    }
    return { claimed: false as const, run: digestRunOf(existing) };
  });

  const writeItems = makeDigestItemWriter(ctx);
  const complete = db.transaction(
    (
      c: DigestCompletion,
      state: { upserts: readonly DigestItem[]; removals: readonly string[] } | null,
    ): DigestRun | null => {
      const name = c.digestName;
      const at = toIso(c.scheduledFor);
      const existing = selectRun.get(name, at);
      if (!existing || existing.status !== 'running') return null;
      const by = c.owner ?? existing.owner;
      const status = finishedStatus(c.status);
      const details = toJsonText(c.details ?? {});
      if (finish.run(status, nowIso(ctx), c.scanId ?? null, details, name, at, by).changes !== 1) return null;
      if (state) writeItems(name, state.upserts, state.removals);
      return load(name, at);
    },
  );

  return {
    claimDigestRun: async (digestName, scheduledFor, options = {}) =>
      claim.immediate(digestName, toIso(scheduledFor), options.owner ?? 'cloudsec', options.reclaimAfterMs),
    completeDigestRun: async (c) => complete.immediate(c, null),
    completeDigestRunWithState: async (c, state) => complete.immediate(c, state),
    noteDigestRunProgress: async (digestName, scheduledFor, owner, details) =>
      progress.run(toJsonText(details), digestName, toIso(scheduledFor), owner).changes === 1,
    digestRunHistory: async (name, limit) => history.all(name, Math.max(0, Math.floor(limit))).map(digestRunOf),
    lastDigestRun: async (digestName) => {
      const row = selectLast.get(digestName);
      return row ? digestRunOf(row) : null;
    },
  };
};
