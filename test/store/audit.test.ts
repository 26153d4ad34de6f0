import { GENESIS_HASH, REDACTED, hashEntry, hmacEntry, type AuditEntry } from '../../src/core/audit';
import { AUDIT_VERIFY_PAGE } from '../../src/store/audit-chain';
import type { Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores, type ContractStores } from '../fixtures/contract-stores';
import { anActor, anAuditInput, manualClock } from '../fixtures/store';

const KEY = 'store-audit-key';

/** An entry inserted by hand after `prevHash`: consistent with the scheme, but written without the key. */
const insertForged = async (stores: ContractStores, store: Store, seq: number, time: string, prevHash: string) => {
  const forged = {
    seq,
    time,
    actor: { kind: 'cli' as const, id: 'U0MALLORY' },
    action: 'remediation.approve',
    target: null,
    outcome: 'allowed' as const,
    requestId: null,
    details: {},
    prevHash,
  };
  await stores.exec(
    store,
    `INSERT INTO audit_entries (seq, time, actor_kind, actor_id, action, target, outcome, request_id, details, prev_hash, hash, hmac)
     VALUES (?, ?, 'cli', 'U0MALLORY', 'remediation.approve', NULL, 'allowed', NULL, '{}', ?, ?, NULL)`,
    [seq, time, prevHash, hashEntry(forged)],
  );
};

describe.each(STORE_KINDS)('the audit log (%s)', (kind) => {
  const stores = useContractStores(kind);

  const storeWithEntries = async (n: number, auditKey?: string) => {
    const clock = manualClock('2026-11-01T12:00:00.000Z');
    const store = await stores.open({ clock, auditKey });
    for (let i = 1; i <= n; i++) {
      await store.appendAudit(anAuditInput({ details: { i }, requestId: i % 2 ? 'req-odd' : 'req-even' }));
      clock.advance(1000);
    }
    return store;
  };

  const hashAt = async (store: Store, seq: number): Promise<string> =>
    (await stores.exec(store, 'SELECT hash FROM audit_entries WHERE seq = ?', [seq])).rows[0]!.hash as string;

  describe('appending and reading', () => {
    it('when entries are appended, then they get consecutive seqs, clock times and a chain from genesis', async () => {
      const store = await storeWithEntries(3);
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
      const store = await stores.open({ auditKey: KEY });
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
      const store = await stores.open();
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
      const store = await stores.open();
      await expect(store.appendAudit(anAuditInput({ action: 'Not An Action' }))).rejects.toThrow();
      expect(await store.latestAudit(10)).toEqual([]);
    });

    it('when listing with filters, then seq, time, request id, limit and order are honoured', async () => {
      const store = await storeWithEntries(6);
      const seqs = async (q: Parameters<typeof store.listAudit>[0]) => (await store.listAudit(q)).map((e) => e.seq);
      expect(await seqs({ sinceSeq: 4 })).toEqual([4, 5, 6]);
      expect(await seqs({ sinceTime: '2026-11-01T12:00:04Z' })).toEqual([5, 6]);
      expect(await seqs({ requestId: 'req-even' })).toEqual([2, 4, 6]);
      expect(await seqs({ sinceSeq: 2, limit: 2 })).toEqual([2, 3]);
      expect(await seqs({ order: 'desc', limit: 2 })).toEqual([6, 5]);
    });

    it('when asking for the latest N, then the newest come first', async () => {
      const store = await storeWithEntries(5);
      expect((await store.latestAudit(3)).map((e) => e.seq)).toEqual([5, 4, 3]);
    });

    it('when cloudsec itself tries to change or delete an entry, then the database refuses', async () => {
      const store = await storeWithEntries(2);
      // Matched on the message: better-sqlite3's errors may come from another test file's realm in
      // a shared Jest worker, where they are not `instanceof Error` and toThrow ignores them.
      const refused = { message: expect.stringMatching(/append-only/) };
      await expect(stores.exec(store, "UPDATE audit_entries SET outcome = 'denied'")).rejects.toMatchObject(refused);
      await expect(stores.exec(store, 'DELETE FROM audit_entries')).rejects.toMatchObject(refused);
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 2 });
    });

    it('when two processes (replicas) append at once, then the entries form one linear chain that verifies', async () => {
      const first = await stores.open({ auditKey: KEY });
      const second = await stores.reopen(first, { auditKey: KEY });
      const appendMany = (store: Store, who: string) =>
        Array.from({ length: 50 }, (_, i) => store.appendAudit(anAuditInput({ actor: anActor(who), details: { i } })));

      const written = await Promise.all([...appendMany(first, 'U0FIRST'), ...appendMany(second, 'U0SECOND')]);

      expect(written.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
      const entries = await second.listAudit();
      expect(entries).toEqual([...written].sort((a, b) => a.seq - b.seq));
      entries.forEach((entry: AuditEntry, i) =>
        expect(entry.prevHash).toBe(i === 0 ? GENESIS_HASH : entries[i - 1]!.hash),
      );
      expect(entries.filter((e) => e.actor.id === 'U0SECOND')).toHaveLength(50);
      expect(await first.verifyAudit()).toMatchObject({ ok: true, count: 100, lastSeq: 100 });
    });

    it('when a log written with the key is verified without it, then it is unchecked, never OK', async () => {
      const keyed = await storeWithEntries(2, KEY);
      const keyless = await stores.reopen(keyed);
      const result = await keyless.verifyAudit();
      expect(result.ok).toBe(false);
      expect(result).toMatchObject({ unchecked: true, count: 2, hmacs: 2 });
    });
  });

  describe('tampering with the stored entries', () => {
    const tampered = async (n: number, change: (store: Store) => Promise<unknown>, auditKey?: string) => {
      const store = await storeWithEntries(n, auditKey);
      await stores.dropAuditGuards(store);
      await change(store);
      return store.verifyAudit();
    };

    it('when nothing was touched, then the chain verifies with its count', async () => {
      expect(await tampered(5, async () => undefined, KEY)).toMatchObject({ ok: true, count: 5, lastSeq: 5 });
    });

    it("when an entry's details are edited, then that entry is reported", async () => {
      const result = await tampered(5, (store) =>
        stores.exec(store, `UPDATE audit_entries SET details = '{"i":99}' WHERE seq = 3`),
      );
      expect(result).toEqual({ ok: false, seq: 3, reason: expect.stringMatching(/edited/) });
    });

    it('when an entry is deleted, then the entry after the gap is reported', async () => {
      const result = await tampered(5, (store) => stores.exec(store, 'DELETE FROM audit_entries WHERE seq = 2'));
      expect(result).toEqual({ ok: false, seq: 3, reason: expect.stringMatching(/deleted/) });
    });

    it('when a forged entry is inserted with the later seqs shifted, then the displaced entry is reported', async () => {
      const result = await tampered(4, async (store) => {
        await stores.exec(store, 'UPDATE audit_entries SET seq = seq + 100 WHERE seq >= 3');
        await stores.exec(store, 'UPDATE audit_entries SET seq = seq - 99 WHERE seq >= 100');
        await insertForged(stores, store, 3, '2026-11-01T12:00:01.500Z', await hashAt(store, 2));
      });
      // The forged entry itself is consistent (no key): the entry it displaced no longer links up.
      expect(result).toEqual({ ok: false, seq: 4, reason: expect.stringMatching(/prevHash/) });
    });

    it('when the log is longer than one verification page, then entries on later pages are still checked', async () => {
      const store = await stores.open({ auditKey: KEY });
      const n = AUDIT_VERIFY_PAGE + 50;
      for (let i = 1; i <= n; i++) await store.appendAudit(anAuditInput({ details: { i } }));
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: n });
      await stores.dropAuditGuards(store);
      await stores.exec(store, `UPDATE audit_entries SET details = '{"i":0}' WHERE seq = ?`, [AUDIT_VERIFY_PAGE + 25]);
      expect(await store.verifyAudit()).toMatchObject({ ok: false, seq: AUDIT_VERIFY_PAGE + 25 });
    }, 60_000);

    it('when a keyed log gets a well-hashed entry appended by hand, then its missing HMAC is reported', async () => {
      const result = await tampered(
        3,
        async (store) => insertForged(stores, store, 4, '2026-11-01T12:00:03.000Z', await hashAt(store, 3)),
        KEY,
      );
      expect(result).toEqual({ ok: false, seq: 4, reason: expect.stringMatching(/HMAC is missing/) });
    });

    it('when two entries swap seqs, then the first of them is reported', async () => {
      const result = await tampered(5, async (store) => {
        await stores.exec(store, 'UPDATE audit_entries SET seq = 100 WHERE seq = 2');
        await stores.exec(store, 'UPDATE audit_entries SET seq = 2 WHERE seq = 4');
        await stores.exec(store, 'UPDATE audit_entries SET seq = 4 WHERE seq = 100');
      });
      expect(result).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/prevHash/) });
    });

    it('when a keyed entry loses its hmac, then that entry is reported', async () => {
      const result = await tampered(
        4,
        (store) => stores.exec(store, 'UPDATE audit_entries SET hmac = NULL WHERE seq = 2'),
        KEY,
      );
      expect(result).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/HMAC is missing/) });
    });

    it('when a row no longer parses, then it is reported instead of crashing the walk', async () => {
      const result = await tampered(3, (store) =>
        stores.exec(store, `UPDATE audit_entries SET details = 'not json' WHERE seq = 2`),
      );
      expect(result).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/cannot be read/) });
    });

    it('when verifying from an entry, then only that entry onwards is checked, and a missing one is reported', async () => {
      const store = await storeWithEntries(5);
      await stores.dropAuditGuards(store);
      await stores.exec(store, `UPDATE audit_entries SET details = '{"i":99}' WHERE seq = 2`);
      expect(await store.verifyAudit({ fromSeq: 3 })).toMatchObject({ ok: true, count: 3, lastSeq: 5 });
      expect(await store.verifyAudit({ fromSeq: 2 })).toMatchObject({ ok: false, seq: 2 });
      await stores.exec(store, 'DELETE FROM audit_entries WHERE seq = 4');
      expect(await store.verifyAudit({ fromSeq: 4 })).toEqual({
        ok: false,
        seq: 4,
        reason: expect.stringMatching(/missing/),
      });
    });

    /** Edits entry 2, then recomputes every hash from there on, as someone who knows the scheme but not the key. */
    const editAndRehash = async (store: Store) => {
      await stores.dropAuditGuards(store);
      await stores.exec(store, `UPDATE audit_entries SET outcome = 'denied' WHERE seq = 2`);
      let prevHash = (await store.listAudit({ limit: 1 }))[0]!.hash;
      for (const entry of await store.listAudit({ sinceSeq: 2 })) {
        const hash = hashEntry({ ...entry, prevHash });
        await stores.exec(store, 'UPDATE audit_entries SET prev_hash = ?, hash = ? WHERE seq = ?', [
          prevHash,
          hash,
          entry.seq,
        ]);
        prevHash = hash;
      }
    };

    it('when an attacker without the key edits an entry and recomputes every hash, then the HMAC gives it away', async () => {
      const store = await storeWithEntries(4, KEY);
      await editAndRehash(store);
      expect(await store.verifyAudit()).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/HMAC/) });
    });

    it('when there is no key and every hash is recomputed, then the rewrite goes unnoticed (why the key exists)', async () => {
      const store = await storeWithEntries(4);
      await editAndRehash(store);
      expect((await store.listAudit({ sinceSeq: 2, limit: 1 }))[0]!.outcome).toBe('denied');
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 4 });
    });
  });
});
