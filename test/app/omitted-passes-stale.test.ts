/**
 * `/cloudsec exceptions` calls an accepted risk stale when the latest scan looked at what it covers
 * and nothing there fails. A queued scan's answer keeps its passes in the store only, so "looked at"
 * is read from those passes too — one account at a time, only accounts the reader may see and the
 * risk covers, only while a risk is waiting on it. Held to the same scan run in-process.
 */
import type { CheckOutcome } from '../../src/app/run-check';
import { runCheck } from '../../src/app/run-check';
import type { SnapshotSource } from '../../src/app/snapshot-source';
import { CHECKS } from '../../src/core/checks';
import { known, type Snapshot } from '../../src/core/model';
import type { Store } from '../../src/store/store';
import { ACCOUNTS, countingSource, removeScanAppDirs, scanApp, tempStore } from '../fixtures/counting-source';
import { omittingScans } from '../fixtures/omitting-scans';
import { NOW, aBucket, aSnapshot, anAccount, anS3Slice } from '../fixtures/snapshot-builders';

afterAll(removeScanAppDirs);

/** Each account with one bucket; while `unfixed`, prod's keeps no versions. */
const estate = (unfixed: boolean): Snapshot =>
  aSnapshot(
    [ACCOUNTS.prod, ACCOUNTS.staging].map((a) =>
      anAccount({
        accountId: a.id,
        accountName: a.name,
        s3: anS3Slice({
          buckets: known([
            aBucket({
              name: `data-${a.name}`,
              ...(unfixed && a === ACCOUNTS.prod
                ? { versioning: known({ status: 'Suspended', mfaDelete: false }) }
                : {}),
            }),
          ]),
        }),
      }),
    ),
    { generatedAt: NOW.toISOString() },
  );
const BEFORE = estate(true);
const AFTER = estate(false);

/** The prod finding the fix turns from fail to pass. */
const fixedFinding = async () => {
  const run = (s: Snapshot) =>
    runCheck({ source: countingSource(s), checks: CHECKS, clock: () => NOW }, { service: 'all' });
  const after = new Map((await run(AFTER)).findings.map((f) => [f.id, f]));
  const fixed = (await run(BEFORE)).findings.find((f) => f.status === 'fail' && after.get(f.id)?.status === 'pass');
  if (!fixed) throw new Error('the fix changed no finding');
  return fixed;
};

const config = (checkId: string) => `
accounts:
  - id: "${ACCOUNTS.prod.id}"
    name: ${ACCOUNTS.prod.name}
  - id: "${ACCOUNTS.staging.id}"
    name: ${ACCOUNTS.staging.name}
bindings:
  - role: responder
    users: [U0RESP]
  - role: viewer
    users: [U0VIEW]
    accounts: [${ACCOUNTS.staging.name}]
exceptions:
  accepted:
    - name: prod-versioning
      scope: { accounts: ["${ACCOUNTS.prod.id}"], checks: ["${checkId}"] }
      reason: Reviewed in SEC-9
      owner: U0OWNER
      approver: Dana Lee
      expires: "${new Date(NOW.getTime() + 30 * 86_400_000).toISOString().slice(0, 10)}"
    - name: everywhere-versioning
      scope: { accounts: ["*"], checks: ["${checkId}"] }
      reason: Reviewed in SEC-10
      owner: U0OWNER
      approver: Dana Lee
      expires: "${new Date(NOW.getTime() + 30 * 86_400_000).toISOString().slice(0, 10)}"
`;

/** Reads of stored findings, per account asked for (undefined: the whole scan). */
const countingReads = (store: Store) => {
  const reads: (string | undefined)[] = [];
  const counted: Store = {
    ...store,
    findingsOfScan: (scanId, options) => {
      reads.push(...(options?.accountIds ?? [undefined]));
      return store.findingsOfScan(scanId, options);
    },
  };
  return { reads, store: counted };
};

const app = async (queued: boolean, store: Store = tempStore()) => {
  const fixed = await fixedFinding();
  const state = { current: BEFORE };
  const source: SnapshotSource = { kind: 'live', load: (request) => countingSource(state.current).load(request) };
  const made = scanApp(config(fixed.checkId), source, {
    store,
    ...(queued ? { queuedScans: omittingScans(store, source) } : {}),
  });
  return { ...made, state, fixed };
};

const staleness = async (deps: Awaited<ReturnType<typeof app>>['deps'], userId: string) => {
  const listed = await deps.exceptions.list({ actor: { userId, groups: [] }, filter: 'active' });
  if (!listed.ok) throw new Error(listed.reason);
  return Object.fromEntries(listed.exceptions.map((l) => [l.exception.id, l.stale]));
};

describe('stale accepted risks after a queued scan', () => {
  it.each([
    ['queued (passes in the store)', true],
    ['in-process (every finding held)', false],
  ])('%s: not stale while the finding fails; stale once the scan saw it pass', async (_name, queued) => {
    const { deps, state } = await app(queued);
    const first: CheckOutcome = await deps.scans.run({ service: 'all' });
    expect(first.passesOmitted !== undefined).toBe(queued);
    expect(await staleness(deps, 'U0RESP')).toEqual({
      'cfg_prod-versioning': false,
      'cfg_everywhere-versioning': false,
    });

    state.current = AFTER;
    const second = await deps.scans.run({ service: 'all', fresh: true });
    if (queued) expect(second.findings.some((f) => f.status === 'pass')).toBe(false);
    expect(await staleness(deps, 'U0RESP')).toEqual({
      'cfg_prod-versioning': true,
      'cfg_everywhere-versioning': true,
    });
  });

  it('reads the passes of only the accounts a waiting risk covers and the reader may see, and stops once it knows', async () => {
    const counting = countingReads(tempStore());
    const { deps, state } = await app(true, counting.store);
    state.current = AFTER;
    await deps.scans.run({ service: 'all', fresh: true });

    counting.reads.length = 0;
    // The staging viewer: the prod risk is not theirs; the "*" one is, judged on staging alone.
    expect(await staleness(deps, 'U0VIEW')).toEqual({ 'cfg_everywhere-versioning': true });
    expect(counting.reads).not.toContain(ACCOUNTS.prod.id);
    expect(counting.reads).not.toContain(undefined);

    counting.reads.length = 0;
    await staleness(deps, 'U0RESP');
    // One account's passes showed both risks' accounts and check were looked at: no second read.
    expect(counting.reads).toHaveLength(1);
  });

  it('when the stored passes cannot be read, then nothing is called stale and the list still answers', async () => {
    const real = tempStore();
    const broken: Store = {
      ...real,
      findingsOfScan: (scanId, options) =>
        options?.accountIds ? Promise.reject(new Error('database is locked')) : real.findingsOfScan(scanId, options),
    };
    const { deps, state } = await app(true, broken);
    state.current = AFTER;
    await deps.scans.run({ service: 'all', fresh: true });
    expect(await staleness(deps, 'U0RESP')).toEqual({
      'cfg_prod-versioning': false,
      'cfg_everywhere-versioning': false,
    });
  });
});
