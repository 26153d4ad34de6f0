/**
 * Reading an answer's omitted passes back from the store (src/app/omitted-passes.ts), on SQLite and
 * PostgreSQL: one account's passes and nothing of another's; a pass found by id; and a store that
 * cannot be read, or an answer that never named its stored scan, is an error that says so.
 */
import { findOmittedPass, storedPassesOfAccount } from '../../src/app/omitted-passes';
import type { Store } from '../../src/store/store';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';

const PROD = '111111111111';
const STAGING = '222222222222';
const findings = [
  aFinding({ id: 'p-fail', accountId: PROD, status: 'fail' }),
  aFinding({ id: 'p-pass-1', accountId: PROD, status: 'pass' }),
  aFinding({ id: 'p-pass-2', accountId: PROD, status: 'pass' }),
  aFinding({ id: 's-pass', accountId: STAGING, status: 'pass' }),
  aFinding({ id: 's-unknown', accountId: STAGING, status: 'unknown' }),
];

describe.each(STORE_KINDS)('omitted passes in the store (%s)', (kind) => {
  const stores = useContractStores(kind);

  const saved = async () => {
    const store = await stores.open();
    const scanId = await store.saveScan({ scopeKey: 'all:*:*', generatedAt: '2026-11-01T12:00:00Z', findings });
    const answer = { findings: [], passesOmitted: { [PROD]: 2, [STAGING]: 1 }, scanId };
    return { store, answer };
  };

  it('when one account passes are read, then they are all of its passes and nothing of another account', async () => {
    const { store, answer } = await saved();
    expect((await storedPassesOfAccount(store, answer, PROD)).map((f) => f.id)).toEqual(['p-pass-1', 'p-pass-2']);
    expect((await storedPassesOfAccount(store, answer, STAGING)).map((f) => f.id)).toEqual(['s-pass']);
  });

  it('when a pass is looked for by id, then it is found in its account, and not in another one', async () => {
    const { store, answer } = await saved();
    expect((await findOmittedPass(store, answer, 's-pass'))?.accountId).toBe(STAGING);
    expect(await findOmittedPass(store, answer, 's-pass', PROD)).toBeNull();
    // A failing finding is not a pass the answer left out.
    expect(await findOmittedPass(store, answer, 'p-fail')).toBeNull();
    // An account the answer left no passes out of is not read.
    expect(await findOmittedPass(store, { ...answer, passesOmitted: { [PROD]: 2 } }, 's-pass')).toBeNull();
  });

  it('when the store fails or the answer names no stored scan, then the error says which passes could not be read', async () => {
    const { store, answer } = await saved();
    const broken: Pick<Store, 'findingsOfScan'> = {
      findingsOfScan: () => Promise.reject(new Error('connection terminated')),
    };
    await expect(storedPassesOfAccount(broken, answer, PROD)).rejects.toThrow(
      'The passing findings of account 111111111111 could not be read from the store: connection terminated',
    );
    await expect(findOmittedPass(store, { passesOmitted: { [PROD]: 2 } }, 'p-pass-1')).rejects.toThrow(
      'The passing findings of account 111111111111 were counted but not stored.',
    );
  });
});
