import nock from 'nock';
import { parseConfig } from '../../src/config';
import type { AccountDirectoryUpdate } from '../../src/core/account-directory';
import { makeClientFactory } from '../../src/aws/clients';
import { discoverAccounts, openClientPool, openEstate } from '../../src/aws/estate';
import { listAccountsJson, onOrganizations, orgFail, orgOk } from '../fixtures/aws/organizations';
import { callerIdentityXml, onSts } from '../fixtures/aws/sts';

const MANAGEMENT = '111111111111';
const PROD = '222222222222';
const ORG = parseConfig('organization:\n  roleName: cloudsec-read\n', 'cloudsec.yml');

const deps = (onAccountsResolved: (update: AccountDirectoryUpdate) => Promise<void>) => ({
  config: ORG,
  homeRegion: 'us-east-1',
  clientFactory: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 }),
  onAccountsResolved,
});

const organizationAnswers = () => {
  onSts('GetCallerIdentity').reply(200, callerIdentityXml(MANAGEMENT));
  onOrganizations('ListAccounts').reply(
    ...orgOk(
      listAccountsJson([
        { id: MANAGEMENT, name: 'management', managementAccountId: MANAGEMENT },
        { id: PROD, name: 'prod', managementAccountId: MANAGEMENT, ous: ['ou-ab12-workload', 'ou-ab12-prodprod'] },
      ]),
    ),
  );
};

describe('the account directory is told of every discovery', () => {
  it('when a scan opens the estate, then the whole estate is handed over with the OU paths', async () => {
    organizationAnswers();
    const updates: AccountDirectoryUpdate[] = [];

    const estate = await openEstate(deps(async (u) => void updates.push(u)));

    expect(estate.targets.map((t) => t.accountId)).toEqual([MANAGEMENT, PROD]);
    expect(updates).toEqual([
      {
        source: 'organization',
        accounts: [
          { id: MANAGEMENT, name: 'management', ouPath: [] },
          { id: PROD, name: 'prod', ouPath: ['ou-ab12-workload', 'ou-ab12-prodprod'] },
        ],
      },
    ]);
    expect(nock.pendingMocks()).toEqual([]);
  });

  it('when accounts are discovered at start-up, then the same update is handed over without a scan', async () => {
    organizationAnswers();
    const updates: AccountDirectoryUpdate[] = [];

    await discoverAccounts(deps(async (u) => void updates.push(u)));

    expect(updates.map((u) => u.accounts.map((a) => a.id))).toEqual([[MANAGEMENT, PROD]]);
  });

  it('when the directory cannot be stored, then the discovery fails instead of going on with a stale directory', async () => {
    organizationAnswers();

    await expect(
      openEstate(
        deps(async () => {
          throw new Error('disk full');
        }),
      ),
    ).rejects.toThrow('disk full');
  });

  it('when ListAccounts is denied, then nothing is handed over: the directory keeps what it knew', async () => {
    onSts('GetCallerIdentity').reply(200, callerIdentityXml(MANAGEMENT));
    onOrganizations('ListAccounts').reply(...orgFail(400, 'AccessDeniedException', 'You are not authorized.'));
    const updates: AccountDirectoryUpdate[] = [];

    await expect(discoverAccounts(deps(async (u) => void updates.push(u)))).rejects.toThrow(
      'organizations:ListAccounts',
    );
    expect(updates).toEqual([]);
  });
});

describe('an account released by the scan', () => {
  const ownFactory = { config: ORG, homeRegion: 'us-east-1', onAccountsResolved: async () => {} };

  it('when a member account is released, then its clients are destroyed and its next use makes new ones', async () => {
    organizationAnswers();
    const estate = await openEstate(ownFactory);
    const prod = estate.targets.find((t) => t.accountId === PROD)!;
    const s3 = estate.clientsOf(prod).s3('eu-west-1');
    const destroy = jest.spyOn(s3, 'destroy');
    expect(estate.clientsOf(prod).s3('eu-west-1')).toBe(s3);

    estate.release(prod);

    expect(destroy).toHaveBeenCalledTimes(1);
    expect(estate.clientsOf(prod).s3('eu-west-1')).not.toBe(s3);
  });

  it("when a collection forgets a member account's client, then the pool lets it go too and release destroys the one in use", async () => {
    organizationAnswers();
    const estate = await openEstate(ownFactory);
    const prod = estate.targets.find((t) => t.accountId === PROD)!;
    const first = estate.clientsOf(prod).kms('eu-west-1');
    const other = estate.clientsOf(prod).kms('us-east-1');
    const destroyFirst = jest.spyOn(first, 'destroy');

    estate.clientsOf(prod).forget!('kms', 'eu-west-1');
    const second = estate.clientsOf(prod).kms('eu-west-1');
    const destroySecond = jest.spyOn(second, 'destroy');
    const destroyOther = jest.spyOn(other, 'destroy');
    estate.release(prod);

    expect(second).not.toBe(first);
    // The forgotten one is no longer the pool's: only the clients it still holds are destroyed.
    expect(destroyFirst).not.toHaveBeenCalled();
    expect(destroySecond).toHaveBeenCalledTimes(1);
    expect(destroyOther).toHaveBeenCalledTimes(1);
  });

  it("when the caller's own account is released, then its clients stay: they list the organization", async () => {
    organizationAnswers();
    const estate = await openEstate(ownFactory);
    const management = estate.targets.find((t) => t.accountId === MANAGEMENT)!;
    const iam = estate.clientsOf(management).iam();
    const destroy = jest.spyOn(iam, 'destroy');

    estate.release(management);

    expect(destroy).not.toHaveBeenCalled();
    expect(estate.clientsOf(management).iam()).toBe(iam);
    expect(estate.callerClients.iam()).toBe(iam);
  });
});

describe('a client pool (what a job worker opens)', () => {
  it('when a pool is opened and an account entered, then no account is resolved: AWS is not called', async () => {
    const unmatched: string[] = [];
    const record = (req: { host?: string; path?: string }) => void unmatched.push(`${req.host}${req.path}`);
    nock.emitter.on('no match', record);
    try {
      const pool = await openClientPool({ config: ORG, homeRegion: 'eu-west-1' });
      const prod = { accountId: PROD, name: 'prod', partition: 'aws', roleArn: `arn:aws:iam::${PROD}:role/r` };

      const s3 = pool.clientsOf(prod).s3('eu-west-1');
      const destroy = jest.spyOn(s3, 'destroy');
      pool.release(prod);

      expect(pool.homeRegion).toBe('eu-west-1');
      expect(destroy).toHaveBeenCalledTimes(1);
      expect(pool.clientsOf({ accountId: MANAGEMENT, name: 'management', partition: 'aws' })).toBe(pool.callerClients);
      // Making clients calls nothing (credentials are fetched on a client's first call).
      expect(unmatched).toEqual([]);
    } finally {
      nock.emitter.removeListener('no match', record);
    }
  });
});
