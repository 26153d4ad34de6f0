import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * The audit log as data: entries, their hash chain and its verification. Pure: the store assigns
 * `seq`, `time` and `prevHash` and calls `sealAuditEntry`; `cloudsec audit verify` calls the verifier.
 *
 * Each entry's `hash` is the SHA-256 of the canonical JSON of every field but `hash` and `hmac`,
 * so it covers `seq` and `prevHash` (the previous entry's `hash`). Editing an entry breaks its hash;
 * deleting, inserting or reordering entries breaks a `seq` or a `prevHash`. Someone who can write
 * the database can recompute every hash, which is what the optional `hmac` (HMAC-SHA256 of `hash`
 * with CLOUDSEC_AUDIT_KEY) prevents. Neither can detect the newest entries being cut off the end:
 * that needs the last hash kept elsewhere (e.g. the SIEM that receives the export).
 */

/** `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64);

export const AUDIT_ACTOR_KINDS = ['slack-user', 'cli', 'system'] as const;
export const AuditActorSchema = z.object({
  kind: z.enum(AUDIT_ACTOR_KINDS),
  /** Slack user id, OS user for the CLI, component name for `system`. */
  id: z.string().min(1),
  name: z.string().optional(),
});
export type AuditActor = z.infer<typeof AuditActorSchema>;

/** `domain.verb` like Slack action ids: `command.check`, `authz.decision`, `aws.write`, `config.load`. */
export const AuditActionSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/, 'an action is domain.verb in lower case');

/** `started` precedes a call whose result may never be recorded (an AWS write in a process that dies). */
export const AUDIT_OUTCOMES = ['allowed', 'denied', 'ok', 'error', 'started', 'no_op', 'dry_run'] as const;
export const AuditOutcomeSchema = z.enum(AUDIT_OUTCOMES);
export type AuditOutcome = z.infer<typeof AuditOutcomeSchema>;

const HashSchema = z.string().regex(/^[0-9a-f]{64}$/, 'a lower-case SHA-256 hex digest');

export const AuditEntrySchema = z.object({
  seq: z.number().int().positive(),
  time: z.iso.datetime(),
  actor: AuditActorSchema,
  action: AuditActionSchema,
  target: z.string().nullable(),
  outcome: AuditOutcomeSchema,
  requestId: z.string().nullable(),
  details: z.record(z.string(), z.unknown()),
  prevHash: HashSchema,
  hash: HashSchema,
  hmac: HashSchema.nullable(),
});
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type UnsealedAuditEntry = Omit<AuditEntry, 'hash' | 'hmac'>;

/** What a caller records; the store adds seq, time and the chain fields. */
export const AuditInputSchema = z.object({
  actor: AuditActorSchema,
  action: AuditActionSchema,
  target: z.string().nullable().default(null),
  outcome: AuditOutcomeSchema,
  requestId: z.string().nullable().default(null),
  details: z.record(z.string(), z.unknown()).default({}),
});
export type AuditInput = z.input<typeof AuditInputSchema>;

// ---------------------------------------------------------------- canonical JSON

/**
 * Canonical JSON (the rules of RFC 8785 for the values used here), so that an entry hashes the same
 * after a round trip through any database:
 * - no whitespace; strings and numbers are written as `JSON.stringify` writes them (shortest
 *   round-trip numbers, `-0` as `0`);
 * - object keys sorted by UTF-16 code units; properties whose value is `undefined` are left out;
 * - array order is kept;
 * - anything JSON cannot represent exactly is an error rather than silently converted: non-finite
 *   numbers, `undefined` in arrays, bigint, functions, symbols, cycles and objects that are not
 *   plain (Date, Map, class instances). `redactSecrets` turns such values into JSON first.
 */
export const canonicalJson = (value: unknown): string => write(value, new Set());

const write = (value: unknown, seen: Set<object>): string => {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
    return JSON.stringify(value);
  }
  if (typeof value !== 'object') throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  if (seen.has(value)) throw new TypeError('canonicalJson: the value contains a cycle');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return `[${value
        .map((item) => {
          if (item === undefined) throw new TypeError('canonicalJson: undefined inside an array');
          return write(item, seen);
        })
        .join(',')}]`;
    }
    const proto: unknown = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) {
      throw new TypeError(`canonicalJson: a ${value.constructor?.name ?? 'non-plain object'} is not plain JSON`);
    }
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${write(record[k], seen)}`).join(',')}}`;
  } finally {
    seen.delete(value);
  }
};

// ---------------------------------------------------------------- hashing

/** SHA-256 (hex) of the canonical JSON of the entry without `hash` and `hmac`; extra properties are ignored. */
export const hashEntry = (entry: UnsealedAuditEntry): string => {
  const { seq, time, actor, action, target, outcome, requestId, details, prevHash } = entry;
  const hashed = {
    seq,
    time,
    actor: { kind: actor.kind, id: actor.id, name: actor.name },
    action,
    target,
    outcome,
    requestId,
    details,
    prevHash,
  };
  return createHash('sha256').update(canonicalJson(hashed), 'utf8').digest('hex');
};

/** HMAC-SHA256 (hex) of the entry's hash, keyed with the UTF-8 bytes of `key`. */
export const hmacEntry = (hash: string, key: string): string =>
  createHmac('sha256', key).update(hash, 'utf8').digest('hex');

export const sealAuditEntry = (entry: UnsealedAuditEntry, key: string | undefined): AuditEntry => {
  const hash = hashEntry(entry);
  return { ...entry, hash, hmac: key === undefined ? null : hmacEntry(hash, key) };
};

const sameHex = (a: string, b: string): boolean =>
  a.length === b.length && timingSafeEqual(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

// ---------------------------------------------------------------- verification

export type ChainBreak = { ok: false; seq: number; reason: string };

/**
 * The hashes hold, but entries carry an HMAC and no key was given to check it: someone who can
 * write the database can recompute every hash, so without the key nothing proves cloudsec wrote
 * them. Not a break, and not a pass either. `seq` is the first entry carrying an HMAC.
 */
export type ChainUnchecked = {
  ok: false;
  unchecked: true;
  seq: number;
  reason: string;
  count: number;
  lastSeq: number;
  lastHash: string;
  /** Entries that carry an HMAC nobody checked. */
  hmacs: number;
};

export type ChainVerification =
  { ok: true; count: number; lastSeq: number; lastHash: string } | ChainBreak | ChainUnchecked;

export const isUnchecked = (v: ChainVerification): v is ChainUnchecked => !v.ok && 'unchecked' in v;

/** Where a chain (or a slice of it, e.g. an export after a known entry) starts. */
export interface ChainAnchor {
  /** `seq` the first entry must have. */
  seq: number;
  /** `prevHash` the first entry must have. */
  prevHash: string;
}
export const GENESIS_ANCHOR: ChainAnchor = { seq: 1, prevHash: GENESIS_HASH };

export interface ChainVerifier {
  /** Checks the next entry (in seq order); returns the break, which is also the final result, or null. */
  push(entry: AuditEntry): ChainBreak | null;
  /** Reports an entry that could not even be read (malformed row) as the break. */
  fail(seq: number, reason: string): ChainBreak;
  result(): ChainVerification;
}

/**
 * Streaming verification, for logs too big to hold in memory. With a key every entry must carry
 * the right HMAC, so a log started without a key does not verify with one. Without a key, a chain
 * whose entries carry HMACs is `unchecked` rather than OK: its HMACs were the proof, and they
 * could not be looked at.
 */
export const createChainVerifier = (key?: string, anchor: ChainAnchor = GENESIS_ANCHOR): ChainVerifier => {
  let expectedSeq = anchor.seq;
  let prevHash = anchor.prevHash;
  let count = 0;
  let hmacs = 0;
  let firstHmacSeq = 0;
  let broken: ChainBreak | null = null;

  const fail = (seq: number, reason: string) => (broken ??= { ok: false, seq, reason });

  const check = (entry: AuditEntry): string | null => {
    if (entry.seq !== expectedSeq) {
      return entry.seq > expectedSeq
        ? `expected entry ${expectedSeq} but found ${entry.seq}: entries were deleted`
        : `expected entry ${expectedSeq} but found ${entry.seq} again: entries were inserted or reordered`;
    }
    if (entry.prevHash !== prevHash) {
      return `prevHash does not match entry ${entry.seq - 1}: an entry before it was changed, inserted, deleted or reordered`;
    }
    if (!sameHex(entry.hash, hashEntry(entry))) return 'content does not match its hash: the entry was edited';
    if (key !== undefined) {
      if (entry.hmac === null) return 'HMAC is missing: the entry was not written with the audit key';
      if (!sameHex(entry.hmac, hmacEntry(entry.hash, key))) {
        return 'HMAC does not match: the entry was forged or re-hashed without the audit key';
      }
    }
    return null;
  };

  return {
    push(entry) {
      if (broken) return broken;
      const reason = check(entry);
      if (reason !== null) return fail(entry.seq, reason);
      count += 1;
      if (key === undefined && entry.hmac !== null) {
        hmacs += 1;
        if (hmacs === 1) firstHmacSeq = entry.seq;
      }
      expectedSeq = entry.seq + 1;
      prevHash = entry.hash;
      return null;
    },
    fail,
    result: () => {
      if (broken) return broken;
      const intact = { count, lastSeq: expectedSeq - 1, lastHash: prevHash };
      if (hmacs === 0) return { ok: true, ...intact };
      return {
        ok: false,
        unchecked: true,
        seq: firstHmacSeq,
        reason:
          `${hmacs} of the ${count} entries carry an HMAC, but no audit key (CLOUDSEC_AUDIT_KEY) was given, ` +
          'so the HMACs could not be checked: the hashes alone do not prove who wrote the entries',
        hmacs,
        ...intact,
      };
    },
  };
};

/** Verifies entries given in seq order and names the first broken one. */
export const verifyChain = (
  entries: Iterable<AuditEntry>,
  key?: string,
  anchor: ChainAnchor = GENESIS_ANCHOR,
): ChainVerification => {
  const verifier = createChainVerifier(key, anchor);
  for (const entry of entries) if (verifier.push(entry)) break;
  return verifier.result();
};

// ---------------------------------------------------------------- redaction

export const REDACTED = '[REDACTED]';

/**
 * Keys whose values are secrets, matched on the key lower-cased without `-`, `_` or spaces, by
 * suffix: `token` (botToken, SessionToken, x-slack-token), `secret` (clientSecret, signingSecret),
 * `password`/`passwd`/`passphrase`, `credential(s)` (whole AWS credential objects, their
 * AccessKeyId included), `authorization`, `cookie`, `signature`, `privatekey`, `apikey`,
 * `secretkey`, `secretaccesskey`, `auditkey`, `hmackey`.
 * Booleans and null under such keys are kept: they say whether, not what (`AllowUsersToChangePassword`
 * is an AWS input). A bare `AccessKeyId` is kept on purpose: it is an identifier, useless without
 * its secret, and auditors need to know which key was deactivated.
 */
const SECRET_KEY_SUFFIXES = [
  'token',
  'secret',
  'password',
  'passwd',
  'passphrase',
  'credential',
  'credentials',
  'authorization',
  'cookie',
  'signature',
  'privatekey',
  'apikey',
  'secretkey',
  'secretaccesskey',
  'auditkey',
  'hmackey',
];

export const isSecretKey = (key: string): boolean => {
  const normalized = key.toLowerCase().replace(/[^a-z0-9]/g, '');
  return SECRET_KEY_SUFFIXES.some((suffix) => normalized.endsWith(suffix));
};

/**
 * Secret-looking text anywhere in a string, whatever its key: Slack tokens (`xoxb-`, `xoxp-`,
 * `xoxa-`, `xoxr-`, `xoxe-`, `xoxs-`, `xoxo-`, `xapp-`), Slack webhook URLs, bearer tokens, PEM
 * private keys, AWS session tokens, and AWS secret access keys (40 base64 characters mixing
 * upper case, lower case and a digit, `/` or `+`; a SHA-1 hex digest does not qualify).
 */
const SECRET_PATTERNS: ReadonlyArray<{ pattern: RegExp; accept?: (match: string) => boolean }> = [
  { pattern: /\bxox[abeoprs](?:\.xox[abeoprs])?-[A-Za-z0-9-]+/g },
  { pattern: /\bxapp-\d+-[A-Za-z0-9-]+/g },
  { pattern: /https:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9/_-]+/g },
  { pattern: /\bBearer\s+[A-Za-z0-9._~+/-]+=*/gi },
  { pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----/g },
  { pattern: /(?<![A-Za-z0-9/+])(?:IQoJb3JpZ2lu|FwoGZXIvYXdz|AQoDYXdz)[A-Za-z0-9/+=]{20,}/g },
  {
    pattern: /(?<![A-Za-z0-9/+])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g,
    accept: (m) => /[a-z]/.test(m) && /[A-Z]/.test(m) && /[0-9/+]/.test(m),
  },
];

export const redactText = (text: string): string =>
  SECRET_PATTERNS.reduce(
    (out, { pattern, accept }) => out.replace(pattern, (m) => (accept && !accept(m) ? m : REDACTED)),
    text,
  );

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

const MAX_DEPTH = 32;

/**
 * A copy of `details` that is safe to store and hash: secrets replaced by `[REDACTED]` (see
 * `isSecretKey` and `redactText`), and made plain JSON the way `JSON.stringify` would (Dates as ISO
 * strings, `toJSON` honoured, `undefined` and functions dropped, non-finite numbers as null) except
 * that bigints become strings, binary data becomes `[binary N bytes]`, cycles `[circular]`, nesting
 * deeper than 32 `[truncated]`, and `__proto__` keys are dropped.
 */
export const redactSecrets = (details: Record<string, unknown>): JsonObject => {
  const out = toJson(details, 0, new Set());
  return out !== null && typeof out === 'object' && !Array.isArray(out) ? out : {};
};

const toJson = (value: unknown, depth: number, seen: Set<object>): JsonValue | undefined => {
  if (value === null || typeof value === 'boolean') return value;
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return undefined;
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (ArrayBuffer.isView(value)) return `[binary ${value.byteLength} bytes]`;
  if (depth >= MAX_DEPTH) return '[truncated]';
  if (seen.has(value)) return '[circular]';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toJson(toJSON.call(value), depth, seen);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => toJson(item, depth + 1, seen) ?? null);
    const out: JsonObject = {};
    for (const [key, item] of Object.entries(value)) {
      if (key === '__proto__') continue;
      const secret = isSecretKey(key) && item !== null && typeof item !== 'boolean' && item !== undefined;
      const converted = secret ? REDACTED : toJson(item, depth + 1, seen);
      if (converted !== undefined) out[key] = converted;
    }
    return out;
  } finally {
    seen.delete(value);
  }
};
