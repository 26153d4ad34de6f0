import fc from 'fast-check';
import {
  AuditEntrySchema,
  canonicalJson,
  GENESIS_HASH,
  hashEntry,
  hmacEntry,
  redactSecrets,
  REDACTED,
  sealAuditEntry,
  verifyChain,
  type AuditEntry,
  type UnsealedAuditEntry,
} from '../../src/core/audit';
import { describeVerification } from '../../src/app/audit';

const KEY = 'audit-key-for-tests';

/** A valid chain of `n` entries, sealed with `key` when given. */
const chainOf = (n: number, key?: string): AuditEntry[] => {
  const entries: AuditEntry[] = [];
  for (let seq = 1; seq <= n; seq++) {
    entries.push(
      sealAuditEntry(
        {
          seq,
          time: new Date(Date.UTC(2026, 10, 1, 12, 0, seq)).toISOString(),
          actor: { kind: 'slack-user', id: 'U0ALICE', name: 'Alice' },
          action: 'command.check',
          target: `account:11111111111${seq % 10}`,
          outcome: 'ok',
          requestId: null,
          details: { n: seq, services: ['s3', 'iam'] },
          prevHash: entries.at(-1)?.hash ?? GENESIS_HASH,
        },
        key,
      ),
    );
  }
  return entries;
};

/** What someone who can write the log but lacks the key can do: fix every hash after a change. */
const rehashWithoutKey = (entries: UnsealedAuditEntry[]): AuditEntry[] => {
  const out: AuditEntry[] = [];
  entries.forEach((e, i) =>
    out.push(sealAuditEntry({ ...e, seq: i + 1, prevHash: out.at(-1)?.hash ?? GENESIS_HASH }, undefined)),
  );
  return out;
};

describe('canonicalJson', () => {
  it('when objects are nested, then keys are sorted at every level and arrays keep their order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('when two objects have the same properties in another order, then they serialize identically', () => {
    expect(canonicalJson({ x: 1, y: { p: true, q: 'é' } })).toBe(canonicalJson({ y: { q: 'é', p: true }, x: 1 }));
  });

  it('when a property is undefined, then it is left out as JSON.stringify does', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('when numbers and strings need escaping, then they are written as JSON.stringify writes them', () => {
    expect(canonicalJson({ n: [-0, 1e21, 0.1], s: 'line\n"quoted"\u0001' })).toBe(
      '{"n":[0,1e+21,0.1],"s":"line\\n\\"quoted\\"\\u0001"}',
    );
  });

  it.each([
    ['NaN', { n: NaN }],
    ['Infinity', [Infinity]],
    ['undefined in an array', [undefined]],
    ['a bigint', { n: BigInt(1) }],
    ['a Date', { d: new Date(0) }],
    ['a Map', new Map()],
  ])('when the value holds %s, then it is refused rather than silently changed', (_name, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  it('when the value contains a cycle, then it is refused', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    expect(() => canonicalJson(cyclic)).toThrow(/cycle/);
  });

  it('when the same object appears twice without a cycle, then it is written twice', () => {
    const shared = { a: 1 };
    expect(canonicalJson([shared, shared])).toBe('[{"a":1},{"a":1}]');
  });

  it('when any JSON value is parsed back from its canonical form, then the canonical form is unchanged', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = canonicalJson(value);
        expect(canonicalJson(JSON.parse(text))).toBe(text);
      }),
    );
  });
});

describe('hashEntry', () => {
  const [entry] = chainOf(1) as [AuditEntry];

  it('when an entry is sealed, then its hash is the SHA-256 hex of its canonical fields', () => {
    expect(entry.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hashEntry(entry)).toBe(entry.hash);
  });

  it.each<[string, Partial<UnsealedAuditEntry>]>([
    ['seq', { seq: 2 }],
    ['prevHash', { prevHash: 'f'.repeat(64) }],
    ['time', { time: '2026-11-01T12:00:02.000Z' }],
    ['actor', { actor: { kind: 'slack-user', id: 'U0ALICE', name: 'Mallory' } }],
    ['outcome', { outcome: 'denied' }],
    ['details', { details: { n: 2, services: ['s3', 'iam'] } }],
    ['requestId', { requestId: 'req-1' }],
  ])('when %s changes, then the hash changes', (_field, change) => {
    expect(hashEntry({ ...entry, ...change })).not.toBe(entry.hash);
  });

  it('when details list the same keys in another order, then the hash is the same', () => {
    expect(hashEntry({ ...entry, details: { services: ['s3', 'iam'], n: 1 } })).toBe(entry.hash);
  });

  it('when sealed with a key, then the hmac is HMAC-SHA256 of the hash and differs per key', () => {
    const sealed = sealAuditEntry(entry, KEY);
    expect(sealed.hmac).toBe(hmacEntry(sealed.hash, KEY));
    expect(sealed.hmac).not.toBe(hmacEntry(sealed.hash, 'another key'));
    expect(AuditEntrySchema.parse(sealed)).toEqual(sealed);
  });
});

describe('verifyChain', () => {
  it('when the chain is intact, then it reports the count and the last hash', () => {
    const entries = chainOf(5, KEY);
    expect(verifyChain(entries, KEY)).toEqual({ ok: true, count: 5, lastSeq: 5, lastHash: entries[4]!.hash });
    expect(verifyChain([])).toEqual({ ok: true, count: 0, lastSeq: 0, lastHash: GENESIS_HASH });
  });

  it('when an entry was edited, then that entry is named', () => {
    const entries = chainOf(5);
    entries[2] = { ...entries[2]!, outcome: 'denied' };
    expect(verifyChain(entries)).toEqual({ ok: false, seq: 3, reason: expect.stringMatching(/edited/) });
  });

  it('when an entry was deleted, then the entry after the gap is named', () => {
    const entries = chainOf(5);
    entries.splice(1, 1);
    expect(verifyChain(entries)).toEqual({ ok: false, seq: 3, reason: expect.stringMatching(/expected entry 2/) });
  });

  it('when the first entry was deleted, then the chain does not start at 1 and fails', () => {
    expect(verifyChain(chainOf(3).slice(1))).toMatchObject({ ok: false, seq: 2 });
  });

  it('when a forged entry was inserted and the seqs renumbered, then the entry after it is named', () => {
    const entries = chainOf(4);
    const forged = sealAuditEntry(
      { ...entries[1]!, seq: 3, prevHash: entries[1]!.hash, outcome: 'allowed' },
      undefined,
    );
    const tampered = [entries[0]!, entries[1]!, forged, ...entries.slice(2).map((e) => ({ ...e, seq: e.seq + 1 }))];
    expect(verifyChain(tampered)).toEqual({ ok: false, seq: 4, reason: expect.stringMatching(/prevHash/) });
  });

  it('when two entries swapped places, then the first out of place is named', () => {
    const entries = chainOf(4);
    const swapped = [entries[0]!, { ...entries[2]!, seq: 2 }, { ...entries[1]!, seq: 3 }, entries[3]!];
    expect(verifyChain(swapped)).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/prevHash/) });
  });

  it('when entries come out of seq order, then the repeated seq is named', () => {
    const entries = chainOf(3);
    expect(verifyChain([entries[0]!, entries[1]!, entries[1]!])).toMatchObject({ ok: false, seq: 2 });
  });

  it('when a key is given and an entry has no hmac, then that entry is named', () => {
    const entries = chainOf(3, KEY);
    entries[1] = { ...entries[1]!, hmac: null };
    expect(verifyChain(entries, KEY)).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/HMAC is missing/) });
  });

  it('when a key is given and an hmac is wrong, then that entry is named', () => {
    const entries = chainOf(3, KEY);
    expect(verifyChain(entries, 'the wrong key')).toEqual({ ok: false, seq: 1, reason: expect.stringMatching(/HMAC/) });
  });

  it('when an attacker without the key edits an entry and re-hashes the chain, then only the key detects it', () => {
    const entries = chainOf(4, KEY);
    const edited = entries.map((e) => (e.seq === 2 ? { ...e, details: { n: 2, services: [] } } : e));
    const rehashed = rehashWithoutKey(edited);
    expect(verifyChain(rehashed)).toMatchObject({ ok: true });
    expect(verifyChain(rehashed, KEY)).toMatchObject({ ok: false, seq: 1 });
  });

  it('when the attacker also copies the old hmacs, then the first re-hashed entry is named', () => {
    const entries = chainOf(4, KEY);
    const rehashed = rehashWithoutKey(entries.map((e) => (e.seq === 3 ? { ...e, outcome: 'error' as const } : e)));
    const withOldHmacs = rehashed.map((e, i) => ({ ...e, hmac: entries[i]!.hmac }));
    expect(verifyChain(withOldHmacs, KEY)).toMatchObject({ ok: false, seq: 3, reason: expect.stringMatching(/HMAC/) });
  });

  it('when verifying a slice from an anchor, then the slice verifies against the entry before it', () => {
    const entries = chainOf(5);
    expect(verifyChain(entries.slice(2), undefined, { seq: 3, prevHash: entries[1]!.hash })).toMatchObject({
      ok: true,
      count: 3,
    });
    expect(verifyChain(entries.slice(2), undefined, { seq: 3, prevHash: entries[0]!.hash })).toMatchObject({
      ok: false,
      seq: 3,
    });
  });

  it('when entries carry HMACs but no key is given, then the chain is unchecked, never OK', () => {
    // Written without a key at first, with one from entry 3 on.
    const entries: AuditEntry[] = [];
    for (const e of chainOf(4)) {
      entries.push(
        sealAuditEntry({ ...e, prevHash: entries.at(-1)?.hash ?? GENESIS_HASH }, e.seq > 2 ? KEY : undefined),
      );
    }
    expect(verifyChain(entries, KEY)).toMatchObject({
      ok: false,
      seq: 1,
      reason: expect.stringMatching(/HMAC is missing/),
    });
    const result = verifyChain(entries);
    expect(result).toEqual({
      ok: false,
      unchecked: true,
      seq: 3,
      reason: expect.stringMatching(/2 of the 4 entries carry an HMAC.*could not be checked/),
      count: 4,
      lastSeq: 4,
      lastHash: entries[3]!.hash,
      hmacs: 2,
    });
    expect(describeVerification(result)).toMatch(/^Chain NOT VERIFIED: the hashes of all 4 entries hold/);
    expect(describeVerification(result)).toContain('CLOUDSEC_AUDIT_KEY is not set');
    expect(describeVerification(result)).not.toContain('OK');
  });

  it('when a chain with HMACs is broken and no key is given, then the break is what is reported', () => {
    const entries = chainOf(3, KEY);
    entries[1] = { ...entries[1]!, outcome: 'denied' };
    expect(verifyChain(entries)).toEqual({ ok: false, seq: 2, reason: expect.stringMatching(/edited/) });
  });
});

describe('redactSecrets', () => {
  it('when keys name secrets, then their values are replaced at any depth', () => {
    expect(
      redactSecrets({
        botToken: 'anything',
        nested: { client_secret: 's', Password: 'hunter2', 'x-api-key': 'k', list: [{ SessionToken: 'st' }] },
        Authorization: 'Basic abc',
        credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x', sessionToken: 'y' },
      }),
    ).toEqual({
      botToken: REDACTED,
      nested: {
        client_secret: REDACTED,
        Password: REDACTED,
        'x-api-key': REDACTED,
        list: [{ SessionToken: REDACTED }],
      },
      Authorization: REDACTED,
      credentials: REDACTED,
    });
  });

  it('when an AWS input is recorded, then its fields are kept, access key ids included', () => {
    const input = {
      UserName: 'deploy',
      AccessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      Status: 'Inactive',
      MinimumPasswordLength: 14,
      AllowUsersToChangePassword: true,
      PasswordReusePrevention: 24,
      HardExpiry: false,
    };
    expect(redactSecrets({ input })).toEqual({ input });
  });

  it('when strings anywhere contain tokens or secret keys, then only those parts are replaced', () => {
    const out = redactSecrets({
      error: 'invalid_auth for xoxb-1234-5678-abcdefABCDEF, retry',
      app: 'xapp-1-A0123-456-abcdef',
      note: 'secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY leaked',
      hook: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX',
      header: 'Bearer abc.def.ghi',
    });
    expect(out).toEqual({
      error: `invalid_auth for ${REDACTED}, retry`,
      app: REDACTED,
      note: `secret ${REDACTED} leaked`,
      hook: REDACTED,
      header: REDACTED,
    });
  });

  it('when strings look like ids or digests but not secrets, then they are kept', () => {
    const kept = {
      commit: '9f0d8172c1a4b5e6d7f8091a2b3c4d5e6f708192',
      arn: 'arn:aws:s3:::app-data',
      group: 'sg-0123456789abcdef0',
      id: 'f_0123456789abcdef',
    };
    expect(redactSecrets(kept)).toEqual(kept);
  });

  it('when values are not plain JSON, then they become JSON that hashes stably', () => {
    const out = redactSecrets({
      at: new Date('2026-11-01T12:00:00.000Z'),
      big: BigInt(10),
      body: new Uint8Array(3),
      gone: undefined,
      fn: () => 1,
      list: [undefined, NaN],
      ['__proto__']: { polluted: true },
    });
    expect(out).toEqual({ at: '2026-11-01T12:00:00.000Z', big: '10', body: '[binary 3 bytes]', list: [null, null] });
    expect(() => canonicalJson(out)).not.toThrow();
  });

  it('when the value has a cycle, then the cycle is cut instead of looping', () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    expect(redactSecrets(cyclic)).toEqual({ a: 1, self: '[circular]' });
  });
});
