import { demoApp, invocation, recordingResponder } from '../fixtures/app';
import type { ActionInvocation } from '../../src/app/conversation';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp, tempStore } from '../fixtures/counting-source';

afterAll(removeScanAppDirs);

const ACCESS = `
bindings:
  - role: admin
    users: [U0ADMIN, U0ADMIN2]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
channels:
  findings: [C0SECURITY]
  dms: true
  elsewhere: private
accessHelp: "#sec-leads"
`;

const IN_SECURITY = { id: 'C0SECURITY', kind: 'public' as const };

const press = (value: string, over: Partial<ActionInvocation> = {}): ActionInvocation => ({
  requestId: 'req-press',
  actor: { userId: 'U0ADMIN' },
  channel: IN_SECURITY,
  actionId: 'findings.page',
  value,
  ...over,
});

/** The admin shares `check all` in the security channel; the Next page button of that message. */
const sharedNextPage = async (app: ReturnType<typeof demoApp>['app']) => {
  const r = recordingResponder();
  await app.handleCommand(invocation('check all --share', { channel: IN_SECURITY }), r.responder);
  expect(r.last().visibility).toBe('in_channel');
  return renderBlocksAsText(r.last().message).buttons.find((b) => b.actionId === 'findings.page')!;
};

describe('Next page on a message shared in a channel', () => {
  it('when someone else presses it, then they get their own page privately and the shared message stays', async () => {
    const { app } = demoApp(ACCESS, { store: tempStore() });
    const next = await sharedNextPage(app);
    const r = recordingResponder();

    await app.handleAction(press(next.value!, { actor: { userId: 'U0VIEW' } }), r.responder);

    expect(r.sent).toHaveLength(1);
    expect(r.last().replace).toBe(false);
    expect(r.last().visibility).toBe('ephemeral');
    expect(r.last().text).toContain('222222222222');
    expect(r.last().text).not.toMatch(/111111111111|acme-prod/);
  });

  it('when who asked presses it, then the next page replaces the shared message, as before', async () => {
    const { app } = demoApp(ACCESS, { store: tempStore() });
    const next = await sharedNextPage(app);
    const r = recordingResponder();

    await app.handleAction(press(next.value!), r.responder);

    expect(r.last().replace).toBe(true);
    expect(r.last().text).toMatch(/failing/);
  });

  it('when someone else gets a private page, then its own Next page is theirs (it carries them, not who shared)', async () => {
    const { app } = demoApp(ACCESS, { store: tempStore() });
    const next = await sharedNextPage(app);
    expect(JSON.parse(next.value!)).toMatchObject({ u: 'U0ADMIN' });
    const r = recordingResponder();

    await app.handleAction(press(next.value!, { actor: { userId: 'U0ADMIN2' } }), r.responder);

    expect(r.last().replace).toBe(false);
    const own = renderBlocksAsText(r.last().message).buttons.find((b) => b.actionId === 'findings.page')!;
    expect(JSON.parse(own.value!)).toMatchObject({ u: 'U0ADMIN2' });
  });

  it('when a button does not say who asked (made before it was recorded), then the page is answered privately', async () => {
    const { app } = demoApp(ACCESS, { store: tempStore() });
    const next = await sharedNextPage(app);
    const { s, o } = JSON.parse(next.value!) as { s: string; o: number };
    const r = recordingResponder();

    await app.handleAction(press(JSON.stringify({ s, o })), r.responder);

    expect(r.last().replace).toBe(false);
    expect(r.last().visibility).toBe('ephemeral');
  });

  it('when a viewer presses it after a restart (nothing cached), then the scan collects only their accounts', async () => {
    const source = countingSource(estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]));
    const { app } = scanApp(
      `accounts:
  - id: "111111111111"
    name: acme-prod
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
  - id: "333333333333"
    name: acme-sandbox
    roleArn: arn:aws:iam::333333333333:role/cloudsec-read
${ACCESS}`,
      source,
    );
    const r = recordingResponder();

    await app.handleAction(
      press(JSON.stringify({ s: 'all:*:*', o: 0, u: 'U0ADMIN' }), { actor: { userId: 'U0VIEW' } }),
      r.responder,
    );

    expect([...source.collected]).toEqual([[ACCOUNTS.staging.id, 1]]);
    expect(r.last().visibility).toBe('ephemeral');
    expect(r.last().text).toContain('open-acme-staging');
  });
});
