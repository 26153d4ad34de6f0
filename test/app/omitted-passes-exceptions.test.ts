/**
 * Accepted risks are asked for from a finding id a message carried. When the newest answer is a
 * queued scan's, its passes are in the store only: a finding fixed since the message must read as
 * passing ("no risk to accept"), not as an older answer's failure nor as "not found"; and the
 * latest findings accepted risks are counted on must not take an older failure over that pass.
 */
import { makeLatestFindings } from '../../src/app/exceptions';
import { defaultScopeOf } from '../../src/app/exceptions/request';
import { runCheck } from '../../src/app/run-check';
import type { SnapshotSource } from '../../src/app/snapshot-source';
import { narrowingFor } from '../../src/app/visible-findings';
import { CHECKS } from '../../src/core/checks';
import { known, type Snapshot } from '../../src/core/model';
import type { Store } from '../../src/store/store';
import { ACCOUNTS, countingSource, removeScanAppDirs, scanApp, tempStore } from '../fixtures/counting-source';
import { omittingScans } from '../fixtures/omitting-scans';
import { NOW, aBucket, aSnapshot, anAccount, anS3Slice } from '../fixtures/snapshot-builders';

afterAll(removeScanAppDirs);

const CONFIG = `
accounts:
  - id: "111111111111"
    name: acme-prod
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
remediation:
  approvalsChannel: C0SECLEADS
bindings:
  - role: responder
    users: [U0RESP]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
`;
const LATER = new Date(NOW.getTime() + 3_600_000);

/** Each account with one bucket; while `unfixed`, prod's keeps no versions. */
const estate = (unfixed: boolean, generatedAt: Date): Snapshot =>
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
    { generatedAt: generatedAt.toISOString() },
  );
const BEFORE = estate(true, NOW);
const AFTER = estate(false, LATER);

/** A live source over whichever estate is current. */
const switchable = () => {
  const state = { current: BEFORE };
  const source: SnapshotSource = { kind: 'live', load: (request) => countingSource(state.current).load(request) };
  return { state, source };
};

const findingsOf = (snapshot: Snapshot) =>
  runCheck({ source: countingSource(snapshot), checks: CHECKS, clock: () => NOW }, { service: 'all' });

/** A finding of prod's bucket that fails before the fix and passes after it. */
const fixedFinding = async () => {
  const before = (await findingsOf(BEFORE)).findings;
  const after = new Map((await findingsOf(AFTER)).findings.map((f) => [f.id, f]));
  const fixed = before.find((f) => f.status === 'fail' && after.get(f.id)?.status === 'pass');
  if (!fixed) throw new Error('the fix changed no finding');
  return fixed;
};

const app = (store: Store = tempStore()) => {
  const { state, source } = switchable();
  const made = scanApp(CONFIG, source, { store, queuedScans: omittingScans(store, source) });
  return { ...made, state };
};

const asRequest = (userId: string, finding: { id: string } & Parameters<typeof defaultScopeOf>[0]) => ({
  actor: { userId, groups: [] },
  findingId: finding.id,
  scope: defaultScopeOf(finding),
  reason: 'Reviewed in SEC-9',
  ownerId: 'U0OWNER01',
  expiresAt: new Date(NOW.getTime() + 10 * 86_400_000).toISOString(),
});

describe('accepting a risk on a finding a queued scan counted as passing', () => {
  it('when an older answer holds it failing and the newest left it in the store as passing, then it passes now', async () => {
    const fixed = await fixedFinding();
    const { deps, store, state } = app();
    // `check s3 acme-prod`: a scan of a named account, in memory whole, with the bucket failing.
    const recheck = await deps.scans.run({ service: 's3', accountIds: [ACCOUNTS.prod.id] });
    expect(recheck.findings.find((f) => f.id === fixed.id)?.status).toBe('fail');
    // The bucket is fixed; the estate is scanned again, queued: its passes stay in the store.
    state.current = AFTER;
    const full = await deps.scans.run({ service: 'all' });
    expect(full.findings.some((f) => f.id === fixed.id)).toBe(false);
    expect(full.passesOmitted?.[ACCOUNTS.prod.id]).toBeGreaterThan(0);

    const refused = await deps.exceptions.checkRequest(asRequest('U0RESP', fixed));
    expect(refused).toMatchObject({ ok: false, code: 'not-failing' });
    expect(refused.ok ? '' : refused.reason).toContain('passes now');

    // Accepted risks are counted on the newest word: the pass, not the older failure.
    const latest = await makeLatestFindings(deps.scans, store).latestFindings();
    expect(latest.filter((f) => f.id === fixed.id).map((f) => f.status)).toEqual(['pass']);
    // Findings the newer answer did not settle are still there.
    expect(latest.some((f) => f.status === 'fail')).toBe(true);
  });

  it('when the only answer holding it is a scoped reader queued scan, then it is found in the store as passing, not "not found"', async () => {
    const { deps } = app();
    const narrowTo = narrowingFor({ userId: 'U0VIEW', groups: [] }, 'check:run', deps.config);
    const narrowed = await deps.scans.run({ service: 'all' }, { narrowTo });
    expect(narrowed.passesOmitted?.[ACCOUNTS.staging.id]).toBeGreaterThan(0);
    const stagingPass = (await findingsOf(BEFORE)).findings.find(
      (f) => f.status === 'pass' && f.accountId === ACCOUNTS.staging.id,
    )!;
    // Not in the store's full scan (there is none): only the narrowed scan holds it.
    expect(await deps.store.latestScan('all:*:*')).toBeNull();

    const refused = await deps.exceptions.checkRequest(asRequest('U0VIEW', stagingPass));
    expect(refused).toMatchObject({ ok: false, code: 'not-failing' });
  });

  it('when the store cannot be read, then the request fails saying so, not on an older answer', async () => {
    const fixed = await fixedFinding();
    const real = tempStore();
    const broken: Store = {
      ...real,
      findingsOfScan: (scanId, options) =>
        options?.accountIds ? Promise.reject(new Error('database is locked')) : real.findingsOfScan(scanId, options),
    };
    const { deps, state } = app(broken);
    await deps.scans.run({ service: 's3', accountIds: [ACCOUNTS.prod.id] });
    state.current = AFTER;
    await deps.scans.run({ service: 'all' });

    await expect(deps.exceptions.checkRequest(asRequest('U0RESP', fixed))).rejects.toThrow(
      /passing findings of account 111111111111 could not be read from the store: database is locked/,
    );
  });
});
