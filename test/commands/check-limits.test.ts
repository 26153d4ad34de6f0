import { invocation, recordingResponder } from '../fixtures/app';
import type { Responder } from '../../src/app/conversation';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp, settle } from '../fixtures/counting-source';

afterAll(removeScanAppDirs);

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox, ACCOUNTS.dev]);

const config = (limits = '') => `
accounts:
  - id: "111111111111"
    name: acme-prod
    roleArn: arn:aws:iam::111111111111:role/cloudsec-read
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
  - id: "333333333333"
    name: acme-sandbox
    roleArn: arn:aws:iam::333333333333:role/cloudsec-read
  - id: "444444444444"
    name: acme-dev
    roleArn: arn:aws:iam::444444444444:role/cloudsec-read
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
  - role: viewer
    users: [U0BOB]
channels:
  findings: [C0SECURITY]
  dms: true
accessHelp: "#sec-leads"
${limits}`;

describe('/cloudsec check and findings by a viewer scoped to one account', () => {
  it('when they run check all --fresh, then only their account is collected and shown', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(config(), source);
    const r = recordingResponder();

    await app.handleCommand(invocation('check all --fresh', { actor: { userId: 'U0VIEW' } }), r.responder);

    expect([...source.collected]).toEqual([[ACCOUNTS.staging.id, 1]]);
    expect(r.last().text).toContain('open-acme-staging');
    expect(r.last().text).not.toMatch(/acme-prod|111111111111/);
  });

  it('when they run findings --fresh, then only their account is collected', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(config(), source);

    await app.handleCommand(
      invocation('findings --fresh', { actor: { userId: 'U0VIEW' } }),
      recordingResponder().responder,
    );

    expect([...source.collected]).toEqual([[ACCOUNTS.staging.id, 1]]);
  });

  it('when their scope names no account that is scanned, then they are told so rather than shown "nothing failing"', async () => {
    const source = countingSource(estateOf([ACCOUNTS.prod]));
    const { app } = scanApp(config(), source);
    const r = recordingResponder();

    await app.handleCommand(invocation('check s3', { actor: { userId: 'U0VIEW' } }), r.responder);

    expect(source.collected.size).toBe(0);
    expect(r.last().replace).toBe(true);
    expect(r.last().text).toContain('None of the scanned accounts is one you may see');
    expect(r.last().text).not.toMatch(/Nothing failing|checks? pass/);
  });
});

describe('an answer about no account at all', () => {
  it('when nothing is in scope for an admin, then they are told no account was scanned, not "nothing failing"', async () => {
    const source = countingSource(estateOf([]));
    const { app } = scanApp(config(), source);
    const r = recordingResponder();

    await app.handleCommand(invocation('check s3', { actor: { userId: 'U0ADMIN' } }), r.responder);

    expect(r.last().text).toContain('No account was scanned');
    expect(r.last().text).not.toMatch(/Nothing failing|checks? pass/);
  });
});

describe('--fresh per user and hour', () => {
  const LIMITS = `limits:\n  freshScansPerUserPerHour: 2\n`;

  it('when a user asks for more fresh scans than the hour allows, then they are told when they can try again and nothing is scanned', async () => {
    const source = countingSource(ESTATE);
    const { app, store } = scanApp(config(LIMITS), source);
    const fresh = async (user: string) => {
      const r = recordingResponder();
      await app.handleCommand(invocation('check s3 --fresh', { actor: { userId: user } }), r.responder);
      return r;
    };
    await fresh('U0BOB');
    await fresh('U0BOB');

    const third = await fresh('U0BOB');

    expect(source.requests).toHaveLength(2);
    expect(third.sent).toHaveLength(1);
    expect(third.last().visibility).toBe('ephemeral');
    expect(third.last().text).toContain('Fresh scan limit reached');
    // The clock stands at 12:00 UTC: the first fresh scan leaves the hour at 13:00.
    expect(third.last().text).toContain('at 13:00 UTC (in 60 minutes)');
    expect(third.last().text).toContain('without --fresh');
    const [entry] = await store.latestAudit(1);
    expect(entry).toMatchObject({ action: 'scan.fresh_limited', outcome: 'denied', actor: { id: 'U0BOB' } });

    // Others keep their own hour, and the cached answer is still there for the limited user.
    expect((await fresh('U0ADMIN')).last().text).toContain('cloudsec check');
    const cachedAnswer = recordingResponder();
    await app.handleCommand(invocation('check s3', { actor: { userId: 'U0BOB' } }), cachedAnswer.responder);
    expect(cachedAnswer.last().text).toContain('cloudsec check');
  });

  it('when findings --fresh is asked past the limit, then it is refused the same way', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(config(`limits:\n  freshScansPerUserPerHour: 1\n`), source);
    await app.handleCommand(
      invocation('check s3 --fresh', { actor: { userId: 'U0BOB' } }),
      recordingResponder().responder,
    );
    const r = recordingResponder();

    await app.handleCommand(invocation('findings --fresh', { actor: { userId: 'U0BOB' } }), r.responder);

    expect(r.last().text).toContain('Fresh scan limit reached');
    expect(source.requests).toHaveLength(1);
  });
});

describe('scans at once, across users', () => {
  it('when the bot is at its limit, then a new check is queued with its place, replaced by the answer once its turn comes', async () => {
    const source = countingSource(ESTATE, { gated: true });
    const { app } = scanApp(config(`limits:\n  concurrentScans: 1\n`), source);
    const first = recordingResponder();
    const second = recordingResponder();
    const third = recordingResponder();

    const running = app.handleCommand(invocation('check s3', { actor: { userId: 'U0ADMIN' } }), first.responder);
    await settle();
    const waiting = app.handleCommand(invocation('check iam', { actor: { userId: 'U0BOB' } }), second.responder);
    const last = app.handleCommand(invocation('check ec2', { actor: { userId: 'U0VIEW' } }), third.responder);
    await settle();

    expect(second.last().text).toContain('Queued');
    expect(second.last().text).toContain('1st in line');
    expect(second.last().replace).toBe(true);
    expect(third.last().text).toContain('2nd in line');
    expect(source.requests).toHaveLength(1);

    for (let i = 0; i < 3; i++) {
      source.release();
      await settle();
    }
    await Promise.all([running, waiting, last]);

    expect(source.maxActive).toBe(1);
    for (const r of [first, second, third]) expect(r.last().text).toMatch(/cloudsec check/);
    expect(second.sent.map((s) => s.text.split('\n')[0])).toEqual([
      expect.stringContaining('Scanning'),
      expect.stringContaining('Queued'),
      expect.stringContaining('Scanning'),
      expect.stringContaining('cloudsec check'),
    ]);
  });
});

describe('progress updates are best effort', () => {
  it('when Slack refuses a progress update, then the failure is logged, nothing crashes, and the answer still comes', async () => {
    const source = countingSource(ESTATE);
    const { app, warnings } = scanApp(config(), source);
    const sent: string[] = [];
    // Refuses every update that replaces "scanning…" with progress, as Slack does once a
    // response_url has been used up or has expired; accepts the rest.
    const responder: Responder = {
      send: async (message, options) => {
        const text = renderBlocksAsText(message).text;
        if (options?.replace && text.includes('accounts scanned')) throw new Error('response_url: used_url');
        sent.push(text);
      },
      upload: async () => undefined,
    };
    // Jest fails the test itself on an unhandled rejection (a listener here would never be called:
    // each test file has its own process object); test/process-guard.test.ts covers a real process.
    await app.handleCommand(invocation('check all --fresh', { actor: { userId: 'U0ADMIN' } }), responder);
    await settle();

    expect(source.collected.size).toBe(4);
    expect(warnings.some((w) => w.msg === 'scan progress update not delivered')).toBe(true);
    expect(sent[sent.length - 1]).toContain('cloudsec check');
  });

  it('when progress is sent, then it comes before the answer and never after it', async () => {
    const source = countingSource(ESTATE);
    const { app } = scanApp(config(), source);
    const r = recordingResponder();
    const slow: Responder = {
      ...r.responder,
      // Progress posts are slow; the answer must still be the last message.
      send: async (message, options) => {
        if (renderBlocksAsText(message).text.includes('accounts scanned'))
          await new Promise((resolve) => setTimeout(resolve, 20));
        await r.responder.send(message, options);
      },
    };

    await app.handleCommand(invocation('check all --fresh', { actor: { userId: 'U0ADMIN' } }), slow);
    await new Promise((resolve) => setTimeout(resolve, 60));

    expect(r.sent.filter((s) => s.text.includes('accounts scanned')).length).toBeGreaterThan(0);
    expect(r.last().text).toContain('cloudsec check');
  });
});
