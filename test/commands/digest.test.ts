import nock from 'nock';
import { parseConfig, type Config } from '../../src/config';
import { composeApp, noGroups, noWriteExecutor } from '../../src/compose';
import { makeClientFactory } from '../../src/aws/clients';
import { discoverAccounts } from '../../src/aws/estate';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import { recordAccountDirectory } from '../../src/app/account-directory';
import type { SnapshotSource } from '../../src/app/snapshot-source';
import type { Store } from '../../src/store/store';
import { invocation, recordingResponder, silentMessenger } from '../fixtures/app';
import {
  aBucketAllowingPlainHttp,
  aCompliantBucket,
  anEstate,
  anS3Account,
  changingSource,
  recordingChart,
  recordingPoster,
} from '../fixtures/digest-harness';
import { installFakeAws, type FakeAccount, type FakeAws } from '../fixtures/aws/fake-aws';
import { listAccountsJson, onOrganizations, orgOk, type OrgAccountFixture } from '../fixtures/aws/organizations';
import { callerIdentityXml, onSts } from '../fixtures/aws/sts';
import { manualClock, useTempStores, type TempStores } from '../fixtures/store';

/**
 * `/cloudsec digest` in organization mode, where no account is configured: who may preview or post
 * a digest is decided on the accounts the digest covers, as the account directory in the store
 * knows them, so it holds after a restart (same database) and fails closed on an empty one.
 */

const MANAGEMENT = '999999999999';
const PROD = { id: '111111111111', name: 'prod' };
const STAGING = { id: '222222222222', name: 'staging' };
const SANDBOX = { id: '333333333333', name: 'sandbox' };
// workloads holds prod and staging (nested); sandbox sits in an OU of its own.
const OU_WORKLOADS = 'ou-ab12-workload';
const OU_PROD = 'ou-ab12-prodprod';
const OU_STAGING = 'ou-ab12-stagings';
const OU_SANDBOX = 'ou-ab12-sandboxx';

const PEOPLE = {
  admin: 'U0ADMIN',
  /** admin, but only on the staging OU. */
  stagingAdmin: 'U0STAGEADM',
  /** viewer on the staging OU. */
  stagingViewer: 'U0STAGING',
  /** viewer on the workloads OU: prod and staging, through their nested OUs. */
  workloadsViewer: 'U0WORKLOAD',
  /** viewer on the staging account, named. */
  stagingByName: 'U0STAGENAME',
  nobody: 'U0NOBODY',
};

const DIGESTS = `digests:
  - name: prod-daily
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope: { ous: [${OU_PROD}], services: [s3], sources: [cloudsec] }
  - name: staging-daily
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope: { ous: [${OU_STAGING}], services: [s3], sources: [cloudsec] }
  - name: workloads-daily
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope: { ous: [${OU_WORKLOADS}], services: [s3], sources: [cloudsec] }
  - name: everything
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope: { services: [s3], sources: [cloudsec] }
  - name: prod-by-name
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope: { accounts: [prod], services: [s3], sources: [cloudsec] }
  - name: staging-by-name
    channel: C0SECURITY
    schedule: "0 9 * * *"
    scope: { accounts: [staging], services: [s3], sources: [cloudsec] }
`;

const ACCESS = `bindings:
  - role: admin
    users: [${PEOPLE.admin}]
  - role: admin
    users: [${PEOPLE.stagingAdmin}]
    ous: [${OU_STAGING}]
  - role: viewer
    users: [${PEOPLE.stagingViewer}]
    ous: [${OU_STAGING}]
  - role: viewer
    users: [${PEOPLE.workloadsViewer}]
    ous: [${OU_WORKLOADS}]
  - role: viewer
    users: [${PEOPLE.stagingByName}]
    accounts: [staging]
accessHelp: "#sec-leads"
`;

const ORG_CONFIG = parseConfig(
  `organization:\n  roleName: cloudsec-read\nregions: [us-east-1]\n${ACCESS}${DIGESTS}`,
  'cloudsec.yml',
);

const ORGANIZATION: OrgAccountFixture[] = [
  { id: MANAGEMENT, name: 'management', managementAccountId: MANAGEMENT },
  { id: PROD.id, name: PROD.name, managementAccountId: MANAGEMENT, ous: [OU_WORKLOADS, OU_PROD] },
  { id: STAGING.id, name: STAGING.name, managementAccountId: MANAGEMENT, ous: [OU_WORKLOADS, OU_STAGING] },
  { id: SANDBOX.id, name: SANDBOX.name, managementAccountId: MANAGEMENT, ous: [OU_SANDBOX] },
];

const clock = manualClock('2026-11-01T09:00:00.000Z');
const log = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** The whole app as main.ts composes it, over `store`, with a digest service that records posts. */
const anApp = (store: Store, source: SnapshotSource, config: Config = ORG_CONFIG) => {
  const poster = recordingPoster();
  const { app } = composeApp({
    config,
    store,
    source,
    groups: noGroups,
    clock,
    log,
    metrics: { commandCompleted: () => undefined },
    messenger: silentMessenger,
    executor: noWriteExecutor,
    dryRun: false,
    digests: { poster: poster.poster, chart: recordingChart().chart, securityHub: null, owner: 'host-a:1' },
  });
  const ask = async (userId: string, text: string) => {
    const r = recordingResponder();
    await app.handleCommand(invocation(text, { actor: { userId } }), r.responder);
    return { text: r.sent.map((s) => s.text).join('\n'), posts: poster.posts, sent: r.sent };
  };
  return { app, ask, poster };
};

/**
 * The estate the digest scans once allowed: a compliant and a failing bucket in each account. The
 * snapshot carries no OU (as a scan of an organization gives only the innermost): which account an
 * OU digest covers comes from the directory.
 */
const aStaticSource = () =>
  changingSource(
    anEstate(
      anS3Account([aCompliantBucket('prod-data'), aBucketAllowingPlainHttp('prod-legacy')], PROD),
      anS3Account([aCompliantBucket('staging-data'), aBucketAllowingPlainHttp('staging-legacy')], STAGING),
      anS3Account([aCompliantBucket('sandbox-data'), aBucketAllowingPlainHttp('sandbox-legacy')], SANDBOX),
    ),
  ).source;

/** Start-up in the first process: STS and Organizations answer in their wire formats, the directory is stored. */
const discoverAtStartUp = async (store: Store, organization: OrgAccountFixture[] = ORGANIZATION) => {
  onSts('GetCallerIdentity').reply(200, callerIdentityXml(MANAGEMENT));
  onOrganizations('ListAccounts').reply(...orgOk(listAccountsJson(organization)));
  await discoverAccounts({
    config: ORG_CONFIG,
    homeRegion: 'us-east-1',
    clientFactory: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 }),
    onAccountsResolved: recordAccountDirectory(store),
  });
  expect(nock.pendingMocks()).toEqual([]);
};

/** A first process that learned the organization, then a restart: a new app over the same file. */
const restartedAfterDiscovery = async (stores: TempStores) => {
  const first = stores.open({ clock });
  await discoverAtStartUp(first.store);
  await first.store.close();
  const { store } = stores.open({ path: first.path, clock });
  return anApp(store, aStaticSource());
};

const allowedPreview = (answer: { text: string }) => {
  expect(answer.text).not.toContain('Not allowed');
  expect(answer.text).not.toContain('No digest');
};

describe('/cloudsec digest in organization mode after a restart over the same database', () => {
  const stores = useTempStores();

  it('when a viewer scoped to the staging OU previews the production digest, then it is refused without naming production', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.stagingViewer, 'digest preview prod-daily');

    expect(answer.text).toContain('No digest named "prod-daily" that you may see');
    expect(answer.text).not.toContain(PROD.id);
    expect(answer.text).not.toMatch(/\bprod\b(?!-daily)/);
  });

  it('when an admin scoped to the staging OU posts the production digest now, then it is refused and nothing is posted', async () => {
    const { ask, poster } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.stagingAdmin, 'digest now prod-daily');

    expect(answer.text).toMatch(/No digest named "prod-daily" that you may see|Not allowed/);
    expect(poster.posts).toEqual([]);
  });

  it('when an admin scoped to the staging OU posts a digest of every account now, then it is refused', async () => {
    const { ask, poster } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.stagingAdmin, 'digest now everything');

    expect(answer.text).toMatch(/No digest named "everything" that you may see|Not allowed/);
    expect(poster.posts).toEqual([]);
  });

  it('when the staging viewer previews the staging digest, then it is allowed (the directory knows the OU)', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    allowedPreview(await ask(PEOPLE.stagingViewer, 'digest preview staging-daily'));
  });

  it('when a viewer of the parent OU previews the digest of a nested OU, then it is allowed', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    allowedPreview(await ask(PEOPLE.workloadsViewer, 'digest preview staging-daily'));
    allowedPreview(await ask(PEOPLE.workloadsViewer, 'digest preview prod-daily'));
  });

  it('when a viewer of a nested OU previews the digest of its parent OU, then it is refused (the parent also holds production)', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.stagingViewer, 'digest preview workloads-daily');

    expect(answer.text).toContain('that you may see');
  });

  it('when the viewer of the workloads OU previews the digest of every account, then it is refused (sandbox is outside)', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.workloadsViewer, 'digest preview everything');

    expect(answer.text).toContain('that you may see');
    expect(answer.text).not.toContain(SANDBOX.id);
  });

  it('when an OU moved elsewhere at the next discovery, then the directory follows it', async () => {
    const first = stores.open({ clock });
    await discoverAtStartUp(first.store);
    // The staging OU moves from workloads to under sandbox: the workloads viewer no longer sees it.
    await discoverAtStartUp(
      first.store,
      ORGANIZATION.map((a) => (a.id === STAGING.id ? { ...a, ous: [OU_SANDBOX, OU_STAGING] } : a)),
    );
    await first.store.close();
    const { store } = stores.open({ path: first.path, clock });
    const { ask } = anApp(store, aStaticSource());

    expect((await ask(PEOPLE.workloadsViewer, 'digest preview staging-daily')).text).toContain('that you may see');
    allowedPreview(await ask(PEOPLE.stagingViewer, 'digest preview staging-daily'));
  });

  it('when the digest of a parent OU is previewed, then it holds the accounts of its nested OUs and no other', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.admin, 'digest preview workloads-daily');

    expect(answer.text).toContain('prod-legacy');
    expect(answer.text).toContain('staging-legacy');
    expect(answer.text).not.toContain('sandbox-legacy');
  });

  it('when the unscoped admin previews any digest, then it is allowed', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    allowedPreview(await ask(PEOPLE.admin, 'digest preview prod-daily'));
    allowedPreview(await ask(PEOPLE.admin, 'digest preview everything'));
  });
});

describe('/cloudsec digest in organization mode after a restart over an empty database', () => {
  const stores = useTempStores();
  const fresh = () => anApp(stores.open({ clock }).store, aStaticSource());

  it('when a viewer scoped to staging previews a digest of every account, then it is refused with the reason', async () => {
    const { ask } = fresh();

    const answer = await ask(PEOPLE.stagingViewer, 'digest preview everything');

    expect(answer.text).toContain('Not allowed');
    expect(answer.text).toMatch(/organization’s accounts have not been listed yet/);
  });

  it('when a viewer scoped to staging previews the production digest, then it is refused, not allowed through "any account"', async () => {
    const { ask } = fresh();

    const answer = await ask(PEOPLE.stagingViewer, 'digest preview prod-daily');

    expect(answer.text).toContain('Not allowed');
  });

  it('when an admin scoped to staging posts the production digest now, then it is refused and nothing is posted', async () => {
    const { ask, poster } = fresh();

    const answer = await ask(PEOPLE.stagingAdmin, 'digest now prod-by-name');

    expect(answer.text).toContain('Not allowed');
    expect(poster.posts).toEqual([]);
  });

  it('when the staging viewer previews the digest of their own OU, then it is refused too: the OU’s accounts are unknown', async () => {
    const { ask } = fresh();

    const answer = await ask(PEOPLE.stagingViewer, 'digest preview staging-daily');

    expect(answer.text).toContain('Not allowed');
    expect(answer.text).toContain(OU_STAGING);
  });

  it('when the unscoped admin previews a digest, then it is allowed: they hold the permission on every account', async () => {
    const { ask } = fresh();

    allowedPreview(await ask(PEOPLE.admin, 'digest preview prod-daily'));
  });
});

describe('/cloudsec digest in organization mode after a scan and a restart', () => {
  const stores = useTempStores();
  let fake: FakeAws | undefined;
  afterEach(() => fake?.restore());

  const fakeAccount = (a: { id: string; name: string }): FakeAccount => ({
    ...a,
    users: 1,
    buckets: 1,
    regions: ['us-east-1'],
  });

  it('when the first process scanned the organization, then after a restart the staging viewer still cannot preview the production digest', async () => {
    fake = installFakeAws({
      callerAccountId: MANAGEMENT,
      organization: true,
      latencyMs: 0,
      accounts: [fakeAccount(PROD), fakeAccount(STAGING)],
    });
    const live = (store: Store) =>
      makeLiveSnapshotSource({
        config: ORG_CONFIG,
        homeRegion: 'us-east-1',
        sleep: async () => undefined,
        clock,
        onAccountsResolved: recordAccountDirectory(store),
      });
    const first = stores.open({ clock });
    const before = anApp(first.store, live(first.store));
    await before.ask(PEOPLE.admin, 'check s3');
    await first.store.close();

    const { store } = stores.open({ path: first.path, clock });
    const after = anApp(store, aStaticSource());

    expect((await after.ask(PEOPLE.stagingByName, 'digest preview prod-by-name')).text).toContain('that you may see');
    allowedPreview(await after.ask(PEOPLE.stagingByName, 'digest preview staging-by-name'));
  });
});

describe('/cloudsec digest list', () => {
  const stores = useTempStores();

  const digestNames = (text: string) =>
    ['prod-daily', 'staging-daily', 'workloads-daily', 'everything'].filter((n) => text.includes(n));

  it('when a viewer scoped to staging lists digests, then only the digests of accounts they may see are listed', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.stagingViewer, 'digest list');

    expect(digestNames(answer.text)).toEqual(['staging-daily']);
  });

  it('when an admin lists digests, then every digest is listed', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.admin, 'digest list');

    expect(digestNames(answer.text)).toEqual(['prod-daily', 'staging-daily', 'workloads-daily', 'everything']);
  });

  it('when a user with no role lists digests, then it is refused and no digest is named', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.nobody, 'digest list');

    expect(answer.text).toContain('Not allowed');
    expect(digestNames(answer.text)).toEqual([]);
  });

  it('when a scoped viewer names a digest that does not exist, then the suggestions name only digests they may see', async () => {
    const { ask } = await restartedAfterDiscovery(stores);

    const answer = await ask(PEOPLE.stagingViewer, 'digest preview prod-dail');

    expect(answer.text).toContain('No digest named "prod-dail" that you may see');
    expect(answer.text).not.toContain('prod-daily');
    expect(answer.text).toContain('staging-daily');
  });
});
