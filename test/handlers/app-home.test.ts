import { invocation, recordingResponder } from '../fixtures/app';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp } from '../fixtures/counting-source';

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
    expect(text).toContain('acme-staging');
    expect(text).not.toMatch(/acme-prod|acme-sandbox/);
  });

  it('when a full scan is already cached, then a scoped viewer is shown their part of it without a new scan', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(CONFIG, source);
    await app.handleCommand(invocation('check all', { actor: { userId: 'U0ADMIN' } }), recordingResponder().responder);

    const text = await homeText(app, 'U0VIEW');

    expect(source.requests).toHaveLength(1);
    expect(text).toContain('acme-staging');
    expect(text).not.toMatch(/acme-prod|acme-sandbox/);
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
    expect(text).toContain('acme-staging');
    expect(text).not.toMatch(/acme-prod|acme-sandbox/);
  });
});
