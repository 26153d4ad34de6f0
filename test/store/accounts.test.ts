import { CloudsecError } from '../../src/errors';
import type { AccountDirectoryUpdate } from '../../src/core/account-directory';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { manualClock } from '../fixtures/store';

const PROD = { id: '111111111111', name: 'prod', ouPath: ['ou-ab12-workload', 'ou-ab12-prodprod'] };
const STAGING = { id: '222222222222', name: 'staging', ouPath: ['ou-ab12-workload', 'ou-ab12-stagings'] };
const LOOSE = { id: '333333333333', name: 'loose', ouPath: null };

const anUpdate = (accounts: AccountDirectoryUpdate['accounts']): AccountDirectoryUpdate => ({
  source: 'organization',
  accounts,
});

describe.each(STORE_KINDS)('the account directory (%s)', (kind) => {
  const stores = useContractStores(kind);

  it('when accounts were never discovered with this database, then there is no directory (not an empty one)', async () => {
    const store = await stores.open();

    expect(await store.accountDirectory()).toBeNull();
  });

  it('when a discovery is stored, then it reads back with its paths, unknown OUs and time, also after a reopen', async () => {
    const clock = manualClock('2026-11-01T09:00:00.000Z');
    const first = await stores.open({ clock });
    await first.replaceAccountDirectory(anUpdate([STAGING, PROD, LOOSE]));
    await first.close();

    const store = await stores.reopen(first, { clock });

    expect(await store.accountDirectory()).toEqual({
      source: 'organization',
      refreshedAt: '2026-11-01T09:00:00.000Z',
      accounts: [PROD, STAGING, LOOSE],
    });
  });

  it('when the next discovery no longer finds an account, then it leaves the directory', async () => {
    const clock = manualClock('2026-11-01T09:00:00.000Z');
    const store = await stores.open({ clock });
    await store.replaceAccountDirectory(anUpdate([PROD, STAGING]));
    clock.advance(60_000);

    await store.replaceAccountDirectory(anUpdate([{ ...PROD, ouPath: ['ou-ab12-prodprod'] }]));

    expect(await store.accountDirectory()).toEqual({
      source: 'organization',
      refreshedAt: '2026-11-01T09:01:00.000Z',
      accounts: [{ ...PROD, ouPath: ['ou-ab12-prodprod'] }],
    });
  });

  it('when a discovery finds no account, then the directory is empty (known to be empty, not unknown)', async () => {
    const clock = manualClock('2026-11-01T09:00:00.000Z');
    const store = await stores.open({ clock });
    await store.replaceAccountDirectory(anUpdate([PROD, STAGING]));

    await store.replaceAccountDirectory(anUpdate([]));

    expect(await store.accountDirectory()).toEqual({
      source: 'organization',
      refreshedAt: '2026-11-01T09:00:00.000Z',
      accounts: [],
    });
  });

  it('when a discovery lists one account twice, then nothing is stored', async () => {
    const store = await stores.open();
    await store.replaceAccountDirectory(anUpdate([PROD]));

    await expect(store.replaceAccountDirectory(anUpdate([STAGING, STAGING]))).rejects.toThrow('appears twice');
    expect((await store.accountDirectory())?.accounts).toEqual([PROD]);
  });

  it('when an update is not of the directory’s shape, then it is refused before anything is written', async () => {
    const store = await stores.open();

    await expect(store.replaceAccountDirectory(anUpdate([{ id: 'prod', name: 'prod', ouPath: [] }]))).rejects.toThrow();
    await expect(
      store.replaceAccountDirectory(anUpdate([{ id: PROD.id, name: 'prod', ouPath: ['r-root'] }])),
    ).rejects.toThrow();
    expect(await store.accountDirectory()).toBeNull();
  });

  it.each([
    ['an OU path that is not JSON', "UPDATE account_directory SET ou_path = 'ou-ab12-workload'"],
    ['an OU path that is not a list of OU ids', `UPDATE account_directory SET ou_path = '["not-an-ou"]'`],
    ['an unknown source', "UPDATE account_directory_refresh SET source = 'guessed'"],
  ])('when the database holds %s, then reading fails with a clear error instead of guessing', async (_, sql) => {
    const store = await stores.open();
    await store.replaceAccountDirectory(anUpdate([PROD]));
    await stores.exec(store, sql);

    const read = store.accountDirectory();

    await expect(read).rejects.toBeInstanceOf(CloudsecError);
    await expect(store.accountDirectory()).rejects.toThrow('changed outside cloudsec');
  });
});
