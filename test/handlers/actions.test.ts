import { demoApp, invocation, recordingResponder } from '../fixtures/app';
import type { ActionInvocation } from '../../src/app/conversation';
import { renderBlocksAsText } from '../../src/slack/console-render';
import fs from 'node:fs';
import { CHECKS } from '../../src/core/checks';
import { evaluateChecks } from '../../src/core/findings';
import { SERVICES, SnapshotSchema } from '../../src/core/model';
import { demoSnapshotPath } from '../../src/paths';

/** The demo estate's failing and unknown findings, counted by the engine itself, not by hand. */
const demoNonPassing = (): number => {
  const snapshot = SnapshotSchema.parse(JSON.parse(fs.readFileSync(demoSnapshotPath(), 'utf8')));
  return evaluateChecks(CHECKS, snapshot, new Date(snapshot.generatedAt), { services: [...SERVICES] }).filter(
    (f) => f.status !== 'pass',
  ).length;
};

const ACCESS = `
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
channels:
  findings: []
  dms: true
  elsewhere: refuse
accessHelp: "#sec-leads"
`;

const press = (actionId: string, value: string, over: Partial<ActionInvocation> = {}): ActionInvocation => ({
  requestId: 'req-press',
  actor: { userId: 'U0ADMIN' },
  channel: { id: 'D0DM', kind: 'dm' },
  actionId,
  value,
  ...over,
});

/** Runs `check all` as the admin and returns the buttons of the answer. */
const checkAllButtons = async (app: ReturnType<typeof demoApp>['app']) => {
  const r = recordingResponder();
  await app.handleCommand(invocation('check all'), r.responder);
  return renderBlocksAsText(r.last().message).buttons;
};

describe('finding list buttons', () => {
  it('when Next page is pressed, then the next page replaces the message and continues the count', async () => {
    const { app } = demoApp(ACCESS);
    const next = (await checkAllButtons(app)).find((b) => b.actionId === 'findings.page')!;
    const r = recordingResponder();
    await app.handleAction(press(next.actionId, next.value!), r.responder);
    expect(r.last().replace).toBe(true);
    expect(r.last().text).toMatch(/failing/);
  });

  it('when Download all is pressed, then the full failing list is uploaded as CSV', async () => {
    const { app } = demoApp(ACCESS);
    const download = (await checkAllButtons(app)).find((b) => b.actionId === 'findings.export')!;
    const r = recordingResponder();
    await app.handleAction(press(download.actionId, download.value!), r.responder);
    expect(r.uploads).toHaveLength(1);
    const rows = r.uploads[0]!.content.trim().split('\n');
    // Header plus every failing and unknown finding of the demo estate (dozens: the list is not cut).
    const expected = demoNonPassing();
    expect(expected).toBeGreaterThan(40);
    expect(rows).toHaveLength(1 + expected);
    expect(r.uploads[0]!.title).toContain('DEMO DATA');
  });

  it('when another user presses a button from the admin\u2019s answer, then they only get what their own scope allows', async () => {
    const { app } = demoApp(ACCESS);
    const download = (await checkAllButtons(app)).find((b) => b.actionId === 'findings.export')!;
    const r = recordingResponder();
    await app.handleAction(press(download.actionId, download.value!, { actor: { userId: 'U0VIEW' } }), r.responder);
    expect(r.uploads[0]!.content).toContain('222222222222');
    expect(r.uploads[0]!.content).not.toContain('111111111111');
  });

  it('when a user with no role presses a button, then it is refused and audited', async () => {
    const { app, store } = demoApp(ACCESS);
    const next = (await checkAllButtons(app)).find((b) => b.actionId === 'findings.page')!;
    const r = recordingResponder();
    await app.handleAction(press(next.actionId, next.value!, { actor: { userId: 'U0NOBODY' } }), r.responder);
    expect(r.last().text).toContain('Not allowed');
    const [entry] = await store.latestAudit(1);
    expect(entry).toMatchObject({ action: 'button.press', outcome: 'denied', actor: { id: 'U0NOBODY' } });
  });

  it.each([
    ['not json', 'findings.page', '{oops'],
    ['wrong shape', 'findings.page', '{"s":1}'],
    ['a scope cloudsec never made', 'findings.page', '{"s":"drop table","o":0}'],
    ['an export with a forged scope', 'findings.export', '{"s":"nosuchservice:*:*"}'],
  ])('when the value is %s, then the user is told the button is no longer valid', async (_what, actionId, value) => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleAction(press(actionId, value), r.responder);
    expect(r.last().text).toContain('This button is no longer valid');
    expect(r.uploads).toEqual([]);
  });

  it('when an unknown action arrives, then it says the button does nothing rather than failing', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleAction(press('findings.delete', 'x'), r.responder);
    expect(r.last().text).toContain('Unknown button');
  });
});
