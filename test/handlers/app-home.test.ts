import { invocation, recordingResponder } from '../fixtures/app';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp } from '../fixtures/counting-source';
import type { SnapshotSource } from '../../src/app/snapshot-source';

afterAll(removeScanAppDirs);

const CONFIG = `
accounts:
  - id: "111111111111"
    name: acme-prod
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
  - id: "333333333333"
    name: acme-sandbox
    roleArn: arn:aws:iam::333333333333:role/cloudsec-read
roles:
  digest-keeper: [digest:manage]
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
  - role: digest-keeper
    users: [U0DIGEST]
accessHelp: "#sec-leads"
`;

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);

const WORKLOADS = 'ou-ab12-workload';
const ORG_CONFIG = `
organization:
  roleName: cloudsec-read
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0WORKLOADS]
    ous: [${WORKLOADS}]
`;

/** The view of the staging viewer: staging's posture and its failing bucket, nothing of the others. */
const expectOnlyStaging = (text: string) => {
  expect(text).toContain('posture of the 1 AWS account you can see');
  expect(text).toContain('acme-staging');
  // The top finding is staging's own open bucket.
  expect(text).toContain('open-acme-staging');
  expect(text).not.toMatch(/acme-prod|acme-sandbox|111111111111|333333333333/);
};

const homeText = async (app: ReturnType<typeof scanApp>['app'], userId: string) =>
  renderBlocksAsText({ text: '', blocks: (await app.homeView({ userId })).blocks }).text;

describe('App Home', () => {
  it('when someone without a role opens it, then nothing is scanned and they are told what they need and whom to ask', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(CONFIG, source);

    const text = await homeText(app, 'U0NOBODY');

    expect(source.requests).toEqual([]);
    expect(text).toContain('You cannot see any account');
    expect(text).toContain('findings:read');
    expect(text).toContain('#sec-leads');
    expect(text).toContain('/cloudsec whoami');
    // No counts: an empty posture would read as "nothing failing".
    expect(text).not.toMatch(/Nothing failing|passing/);
  });

  it('when someone whose role cannot read findings opens it, then nothing is scanned either', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(CONFIG, source);

    const text = await homeText(app, 'U0DIGEST');

    expect(source.requests).toEqual([]);
    expect(text).toContain('digest-keeper');
  });

  it('when a scoped viewer opens it first after start-up, then only their accounts are scanned and shown', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(CONFIG, source);

    const text = await homeText(app, 'U0VIEW');

    expect([...source.collected]).toEqual([[ACCOUNTS.staging.id, 1]]);
    expectOnlyStaging(text);
  });

  it('when a scoped viewer opens it again, then their earlier scan answers and nothing is scanned again', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(CONFIG, source);
    await homeText(app, 'U0VIEW');

    const text = await homeText(app, 'U0VIEW');

    expect(source.requests).toHaveLength(1);
    expectOnlyStaging(text);
  });

  it('when a full scan is already cached, then a scoped viewer is shown their part of it without a new scan', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(CONFIG, source);
    await app.handleCommand(invocation('check all', { actor: { userId: 'U0ADMIN' } }), recordingResponder().responder);

    const text = await homeText(app, 'U0VIEW');

    expect(source.requests).toHaveLength(1);
    expectOnlyStaging(text);
  });

  it('when the only full scan is the one stored before a restart, then the viewer is shown their part of it and nothing is scanned', async () => {
    const before = scanApp(CONFIG, countingSource(ESTATE));
    await before.app.handleCommand(
      invocation('check all', { actor: { userId: 'U0ADMIN' } }),
      recordingResponder().responder,
    );
    const source = countingSource(ESTATE);
    // Same database, new process: the scan is in the store, not in any cache.
    const { app } = scanApp(CONFIG, source, { store: before.store });

    const text = await homeText(app, 'U0VIEW');

    expect(source.requests).toEqual([]);
    expectOnlyStaging(text);
  });

  it('when the stored scan is read after a restart, then accounts are placed by the account directory and one it cannot place is shown to nobody scoped by OU', async () => {
    const before = scanApp(ORG_CONFIG, countingSource(ESTATE));
    await before.app.handleCommand(
      invocation('check all', { actor: { userId: 'U0ADMIN' } }),
      recordingResponder().responder,
    );
    await before.store.replaceAccountDirectory({
      source: 'organization',
      accounts: [
        { id: ACCOUNTS.prod.id, name: ACCOUNTS.prod.name, ouPath: [WORKLOADS, 'ou-ab12-prodprod'] },
        { id: ACCOUNTS.staging.id, name: ACCOUNTS.staging.name, ouPath: ['ou-ab12-sandboxes'] },
        // Organizations did not say where it is: an OU grant cannot be known to cover it.
        { id: ACCOUNTS.sandbox.id, name: ACCOUNTS.sandbox.name, ouPath: null },
      ],
    });
    const source = countingSource(ESTATE);
    const { app } = scanApp(ORG_CONFIG, source, { store: before.store });

    const text = await homeText(app, 'U0WORKLOADS');

    expect(source.requests).toEqual([]);
    expect(text).toContain('posture of the 1 AWS account you can see');
    expect(text).toContain('open-acme-prod');
    expect(text).not.toMatch(/acme-staging|acme-sandbox|222222222222|333333333333/);
  });

  it('when the first scan fails, then the tab opens saying so, with no counts, and the failure is logged', async () => {
    const failing: SnapshotSource = {
      kind: 'live',
      load: async () => {
        throw new Error('AWS is unreachable');
      },
    };
    const { app, warnings } = scanApp(CONFIG, failing);

    const text = await homeText(app, 'U0VIEW');

    expect(text).toContain('cloudsec could not scan your accounts just now');
    expect(text).toContain('/cloudsec check all');
    expect(text).not.toMatch(/Nothing failing|passing|AWS is unreachable/);
    expect(warnings.map((w) => w.msg)).toEqual(['scan for a visible report failed']);
  });

  it('when the scan has none of the viewer\u2019s accounts, then they are told so rather than shown "nothing failing"', async () => {
    const source = countingSource(estateOf([ACCOUNTS.prod, ACCOUNTS.sandbox]));
    const { app } = scanApp(CONFIG, source);

    const text = await homeText(app, 'U0VIEW');

    expect(source.collected.size).toBe(0);
    expect(text).toContain('None of the scanned accounts is one you may see');
    expect(text).toContain('#sec-leads');
    expect(text).not.toMatch(/Nothing failing|passing|acme-prod|acme-sandbox/);
  });

  it('when nothing is in scope at all, then an admin is told no account was scanned rather than shown "nothing failing"', async () => {
    const { app } = scanApp(CONFIG, countingSource(estateOf([])));

    const text = await homeText(app, 'U0ADMIN');

    expect(text).toContain('No account was scanned');
    expect(text).not.toMatch(/Nothing failing|passing/);
  });
});
