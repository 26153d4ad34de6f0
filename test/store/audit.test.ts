import type Database from 'better-sqlite3';
import { GENESIS_HASH, REDACTED, hashEntry, hmacEntry } from '../../src/core/audit';
import type { Store } from '../../src/store/store';
import { anAuditInput, dropAuditGuards, manualClock, useTempStores } from '../fixtures/store';

const KEY = 'store-audit-key';

describe('the audit log in SQLite', () => {
  const stores = useTempStores();

  const storeWithEntries = async (n: number, auditKey?: string) => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    const opened = stores.open({ clock, auditKey });
    for (let i = 1; i <= n; i++) {
      await opened.store.appendAudit(anAuditInput({ details: { i }, requestId: i % 2 ? 'req-odd' : 'req-even' }));
      clock.advance(1000);
    }
    return opened;
  };

  describe('appending and reading', () => {
    it('when entries are appended, then they get consecutive seqs, clock times and a chain from genesis', async () => {
      const { store } = await storeWithEntries(3);
      const entries = await store.listAudit();
      expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
      expect(entries.map((e) => e.time)).toEqual([
        '2026-11-01T12:00:00.000Z',
        '2026-11-01T12:00:01.000Z',
        '2026-11-01T12:00:02.000Z',
      ]);
      expect(entries[0]!.prevHash).toBe(GENESIS_HASH);
      expect(entries[1]!.prevHash).toBe(entries[0]!.hash);
      expect(entries[2]!.hash).toBe(hashEntry(entries[2]!));
      expect(entries.every((e) => e.hmac === null)).toBe(true);
    });

    it('when appended, then the returned entry is exactly what is read back', async () => {
      const { store } = stores.open({ auditKey: KEY });
      const written = await store.appendAudit(
        anAuditInput({
          actor: { kind: 'cli', id: 'ops' },
          target: null,
          details: { nested: { b: [1, 'x'], a: null } },
        }),
      );
      expect(await store.listAudit()).toEqual([written]);
      expect(written.hmac).toBe(hmacEntry(written.hash, KEY));
    });

    it('when details or the target carry secrets, then they are redacted before being stored', async () => {
      const { store } = stores.open();
      await store.appendAudit(
        anAuditInput({
          target: 'webhook https://hooks.slack.com/services/T0/B0/SECRET',
          details: { input: { Bucket: 'b' }, botToken: 'xoxb-1-2-abc', error: 'bad token xoxp-99-abc' },
        }),
      );
      const [entry] = await store.listAudit();
      expect(entry!.target).toBe(`webhook ${REDACTED}`);
      expect(entry!.details).toEqual({ input: { Bucket: 'b' }, botToken: REDACTED, error: `bad token ${REDACTED}` });
      expect(await store.verifyAudit()).toMatchObject({ ok: true });
    });

    it('when an input is malformed, then nothing is appended', async () => {
      const { store } = stores.open();
      await expect(store.appendAudit(anAuditInput({ action: 'Not An Action' }))).rejects.toThrow();
      expect(await store.latestAudit(10)).toEqual([]);
    });

    it('when listing with filters, then seq, time, request id, limit and order are honoured', async () => {
      const { store } = await storeWithEntries(6);
      const seqs = async (q: Parameters<typeof store.listAudit>[0]) => (await store.listAudit(q)).map((e) => e.seq);
      expect(await seqs({ sinceSeq: 4 })).toEqual([4, 5, 6]);
      expect(await seqs({ sinceTime: '2026-11-01T12:00:04Z' })).toEqual([5, 6]);
      expect(await seqs({ requestId: 'req-even' })).toEqual([2, 4, 6]);
      expect(await seqs({ sinceSeq: 2, limit: 2 })).toEqual([2, 3]);
      expect(await seqs({ order: 'desc', limit: 2 })).toEqual([6, 5]);
    });

    it('when asking for the latest N, then the newest come first', async () => {
      const { store } = await storeWithEntries(5);
      expect((await store.latestAudit(3)).map((e) => e.seq)).toEqual([5, 4, 3]);
    });

    it('when cloudsec itself tries to change or delete an entry, then the database refuses', async () => {
      const { store, path } = await storeWithEntries(2);
      const raw = stores.raw(path);
      expect(() => raw.prepare("UPDATE audit_entries SET outcome = 'denied'").run()).toThrow(/append-only/);
      expect(() => raw.prepare('DELETE FROM audit_entries').run()).toThrow(/append-only/);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2 });
    });
  });

  describe('tampering with the file', () => {
    const tampered = async (n: number, change: (raw: Database.Database) => void, auditKey?: string) => {
      const { store, path } = await storeWithEntries(n, auditKey);
      const raw = stores.raw(path);
      dropAuditGuards(raw);
      change(raw);
      return store.verifyAudit();
    };

    it('when nothing was touched, then the chain verifies with its count', async () => {
      expect(await tampered(5, () => undefined, KEY)).toMatchObject({ ok: true, count: 5, lastSeq: 5 });
    });

    it("when an entry's details are edited, then that entry is reported", async () => {
      const result = await tampered(5, (raw) =>
        raw.prepare(`UPDATE audit_entries SET details = '{"i":99}' WHERE seq = 3`).run(),
      );
      expect(result).toEqual({ ok: false, seq: 3, reason: expect.stringMatching(/edited/) });
    });

    it('when an entry is deleted, then the entry after the gap is reported', async () => {
      const result = await tampered(5, (raw) => raw.prepare('DELETE FROM audit_entries WHERE seq = 2').run());
      expect(result).toEqual({ ok: false, seq: 3, reason: expect.stringMatching(/deleted/) });
    });

    it('when a forged entry is inserted with the later seqs shifted, then the displaced entry is reported', async () => {
      const result = await tampered(4, (raw) => {
        raw.prepare('UPDATE audit_entries SET seq = seq + 100 WHERE seq >= 3').run();
        raw.prepare('UPDATE audit_entries SET seq = seq - 99 WHERE seq >= 100').run();
        const prevHash = raw.prepare('SELECT hash FROM audit_entries WHERE seq = 2').pluck().get() as string;
        const forged = {
          seq: 3,
          time: '2026-11-01T12:00:01.500Z',
          actor: { kind: 'slack-user' as const, id: 'U0MALLORY' },
          action: 'remediation.approve',
          target: null,
          outcome: 'allowed' as const,
          requestId: null,
          details: {},
          prevHash,
        };
        raw
          .prepare(
            `INSERT INTO audit_entries (seq, time, actor_kind, actor_id, action, target, outcome, request_id, details, prev_hash, hash, hmac)
             VALUES (3, ?, 'slack-user', 'U0MALLORY', 'remediation.approve', NULL, 'allowed', NULL, '{}', ?, ?, NULL)`,
          )
          .run(forged.time, prevHash, hashEntry(forged));
      });
      // The forged entry itself is consistent (no key): the entry it displaced no longer links up.
      expect(result).toEqual({ ok: false, seq: 4, reason: expect.stringMatching(/prevHash/) });
    });

    it('when the log is longer than one verification page, then entries on later pages are still checked', async () => {
      const { store, path } = stores.open({ auditKey: KEY });
      for (let i = 1; i <= 2100; i++) await store.appendAudit(anAuditInput({ details: { i } }));
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2100 });
      const raw = stores.raw(path);
      dropAuditGuards(raw);
      raw.prepare(`UPDATE audit_entries SET details = '{"i":0}' WHERE seq = 2001`).run();
      expect(await store.verifyAudit()).toMatchObject({ ok: false, seq: 2001 });
    });

    it('when a keyed log gets a well-hashed entry appended by hand, then its missing HMAC is reported', async () => {
      const result = await tampered(
        3,
        (raw) => {
          const prevHash = raw.prepare('SELECT hash FROM audit_entries WHERE seq = 3').pluck().get() as string;
          const forged = {
            seq: 4,
            time: '2026-11-01T12:00:03.000Z',
            actor: { kind: 'cli' as const, id: 'root' },
            action: 'config.load',
            target: null,
            outcome: 'ok' as const,
            requestId: null,
            details: {},
            prevHash,
          };
          raw
            .prepare(
              `INSERT INTO audit_entries (seq, time, actor_kind, actor_id, action, target, outcome, request_id, details, prev_hash, hash, hmac)
               VALUES (4, ?, 'cli', 'root', 'config.load', NULL, 'ok', NULL, '{}', ?, ?, NULL)`,
            )
            .run(forged.time, prevHash, hashEntry(forged));
        },
        KEY,
      );
      expect(result).toEqual({ ok: false, seq: 4, reason: expect.stringMatching(/HMAC is missing/) });
    });

    it('when two entries swap seqs, then the first of them is reported', async () => {
      const result = await tampered(5, (raw) => {
        raw.prepare('UPDATE audit_entries SET seq = 100 WHERE seq = 2').run();
        raw.prepare('UPDATE audit_entries SET seq = 2 WHERE seq = 4').run();
        raw.prepare('UPDATE audit_entries SET seq = 4 WHERE seq = 100').run();
      });
      expect(result).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/prevHash/) });
    });

    it('when a keyed entry loses its hmac, then that entry is reported', async () => {
      const result = await tampered(
        4,
        (raw) => raw.prepare('UPDATE audit_entries SET hmac = NULL WHERE seq = 2').run(),
        KEY,
      );
      expect(result).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/HMAC is missing/) });
    });

    it('when a row no longer parses, then it is reported instead of crashing the walk', async () => {
      const result = await tampered(3, (raw) =>
        raw.prepare(`UPDATE audit_entries SET details = 'not json' WHERE seq = 2`).run(),
      );
      expect(result).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/cannot be read/) });
    });

    /** Edits entry 2, then recomputes every hash from there on, as someone who knows the scheme but not the key. */
    const editAndRehash = async (opened: { store: Store; path: string }) => {
      const raw = stores.raw(opened.path);
      dropAuditGuards(raw);
      raw.prepare(`UPDATE audit_entries SET outcome = 'denied' WHERE seq = 2`).run();
      let prevHash = (await opened.store.listAudit({ limit: 1 }))[0]!.hash;
      for (const entry of await opened.store.listAudit({ sinceSeq: 2 })) {
        const hash = hashEntry({ ...entry, prevHash });
        raw.prepare('UPDATE audit_entries SET prev_hash = ?, hash = ? WHERE seq = ?').run(prevHash, hash, entry.seq);
        prevHash = hash;
      }
    };

    it('when an attacker without the key edits an entry and recomputes every hash, then the HMAC gives it away', async () => {
      const opened = await storeWithEntries(4, KEY);
      await editAndRehash(opened);
      expect(await opened.store.verifyAudit()).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/HMAC/) });
    });

    it('when there is no key and every hash is recomputed, then the rewrite goes unnoticed (why the key exists)', async () => {
      const opened = await storeWithEntries(4);
      await editAndRehash(opened);
      expect((await opened.store.listAudit({ sinceSeq: 2, limit: 1 }))[0]!.outcome).toBe('denied');
      expect(await opened.store.verifyAudit()).toMatchObject({ ok: true, count: 4 });
    });
  });
});
