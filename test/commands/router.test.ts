import { demoApp, invocation, recordingResponder } from '../fixtures/app';

const ACCESS = `
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
  - role: viewer
    groups: [S0SEC]
channels:
  findings: [C0SEC]
  dms: true
  elsewhere: private
accessHelp: "#sec-leads"
`;

describe('/cloudsec router', () => {
  it('when an admin checks s3 in a DM, then a scanning message is replaced by the findings of every account', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('check s3'), r.responder);
    expect(r.sent).toHaveLength(2);
    expect(r.sent[0]!.text).toContain('Scanning s3');
    expect(r.last().replace).toBe(true);
    expect(r.last().visibility).toBe('ephemeral');
    expect(r.last().text).toContain('legacy-public');
    expect(r.last().text).toContain('acme-staging');
  });

  it('when a viewer scoped to staging checks all, then only staging findings are shown and counted', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('check all', { actor: { userId: 'U0VIEW' } }), r.responder);
    const text = r.last().text;
    expect(text).toContain('acme-staging');
    expect(text).not.toContain('acme-prod');
    expect(text).not.toContain('legacy-public');
  });

  it('when a viewer names an account outside their scope, then it is refused with a reason naming the permission and where to ask', async () => {
    const { app, store } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('check s3 acme-prod', { actor: { userId: 'U0VIEW' } }), r.responder);
    expect(r.sent).toHaveLength(1);
    expect(r.last().text).toMatch(/check:run/);
    expect(r.last().text).toContain('#sec-leads');
    const [entry] = await store.latestAudit(1);
    expect(entry).toMatchObject({ action: 'command.check', outcome: 'denied', actor: { id: 'U0VIEW' } });
  });

  it('when a user has no binding, then only help and whoami work (deny by default)', async () => {
    const { app } = demoApp(ACCESS);
    const stranger = { actor: { userId: 'U0NOBODY' } };
    const check = recordingResponder();
    await app.handleCommand(invocation('check iam', stranger), check.responder);
    expect(check.last().text).toContain('Not allowed');
    const help = recordingResponder();
    await app.handleCommand(invocation('help', stranger), help.responder);
    expect(help.last().text).toContain('/cloudsec check');
    const who = recordingResponder();
    await app.handleCommand(invocation('whoami', stranger), who.responder);
    expect(who.last().text).toContain('U0NOBODY');
  });

  it('when a group member runs a check, then the group binding applies', async () => {
    const groups = {
      resolve: async () => ({ groups: ['S0SEC'], warnings: [] }),
      onSubteamEvent: async () => undefined,
    };
    const { app } = demoApp(ACCESS, { groups });
    const r = recordingResponder();
    await app.handleCommand(invocation('check ec2', { actor: { userId: 'U0GROUPIE' } }), r.responder);
    expect(r.last().text).toContain('sg-0bastion');
  });

  it('when --share is used in an allowed channel, then the answer is posted in the channel', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('check s3 --share', { channel: { id: 'C0SEC', kind: 'private' } }), r.responder);
    expect(r.last().visibility).toBe('in_channel');
  });

  it('when --share is used in a channel not allowed to show findings, then the answer goes only to the user', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(
      invocation('check s3 --share', { channel: { id: 'C0GENERAL', kind: 'public' } }),
      r.responder,
    );
    expect(r.sent.every((s) => s.visibility === 'ephemeral')).toBe(true);
  });

  it('when the subcommand is misspelt, then the answer suggests the closest command', async () => {
    const { app, commands } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('chekc s3'), r.responder);
    expect(r.last().text).toContain('Did you mean `/cloudsec check`?');
    expect(r.last().visibility).toBe('ephemeral');
    expect(commands).toEqual([{ name: 'unknown', outcome: 'invalid' }]);
  });

  it.each([
    ['check', 'say what to check'],
    ['check s4', 'did you mean `s3`?'],
    ['check s3 --frsh', "Unknown option '--frsh'"],
    ['check s3 --frseh', 'did you mean `--fresh`?'],
    ['check ec2 us-eats-1', 'us-eats-1 is not an AWS region — did you mean `us-east-1`?'],
    ['check ec2 --region us-eats-1', 'us-eats-1 is not an AWS region — did you mean `us-east-1`?'],
    ['check ec2 eu-west-1 --region us-east-1', 'give at most one account and one region'],
    ['check s3 prod staging', 'unexpected "staging"'],
    ['findings hihg', 'did you mean `high`?'],
    ['findings high --limit 0', '--limit must be a whole number from 1 to 500'],
    ['audit 500', 'N must be a whole number from 1 to 50'],
  ])('when the arguments are bad (%s), then the user gets a specific message and the usage', async (text, expected) => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation(text), r.responder);
    expect(r.sent).toHaveLength(1);
    expect(r.last().text).toContain(expected);
    expect(r.last().text).toContain('Usage:');
  });

  it("when a region is given with --region, then only that region's regional findings are shown", async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('check ec2 --region us-east-1'), r.responder);
    expect(r.last().text).toContain('sg-0bastion');
    expect(r.last().text).not.toContain('eu-west-1');
  });

  it('when findings are asked for at a severity, then Security Hub findings at or above it are listed newest first', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('findings critical'), r.responder);
    const text = r.last().text;
    const mfa = text.indexOf('Hardware MFA should be enabled for the root user');
    const ports = text.indexOf('Security groups should not allow unrestricted access to ports with high risk');
    expect(mfa).toBeGreaterThan(-1);
    expect(ports).toBeGreaterThan(mfa);
    // S3.8 is high, below the floor.
    expect(text).not.toContain('S3 general purpose buckets should block public access');
  });

  it('when every command runs, then each is recorded in the audit log and the chain verifies', async () => {
    const { app, store } = demoApp(ACCESS);
    for (const text of ['help', 'whoami', 'check iam', 'access', 'nonsense']) {
      await app.handleCommand(invocation(text), recordingResponder().responder);
    }
    const entries = await store.listAudit();
    expect(entries.map((e) => `${e.action}:${e.outcome}`)).toEqual([
      'command.help:allowed',
      'command.whoami:allowed',
      'command.check:allowed',
      'command.access:allowed',
      'command.unknown:error',
    ]);
    expect(await store.verifyAudit()).toMatchObject({ ok: true, count: 5 });
  });

  it('when a non-admin asks for the bindings, then it is refused', async () => {
    const { app } = demoApp(ACCESS);
    const r = recordingResponder();
    await app.handleCommand(invocation('access', { actor: { userId: 'U0VIEW' } }), r.responder);
    expect(r.last().text).toContain('Not allowed');
  });

  it('when an admin asks for the audit log, then the latest entries and the chain status are shown', async () => {
    const { app } = demoApp(ACCESS);
    await app.handleCommand(invocation('whoami'), recordingResponder().responder);
    const r = recordingResponder();
    await app.handleCommand(invocation('audit 5'), r.responder);
    expect(r.last().text).toContain('Chain OK');
    expect(r.last().text).toContain('command.whoami');
  });

  it('when the scan fails, then the placeholder is replaced by the reason, not a stack trace', async () => {
    const { app, deps } = demoApp(ACCESS);
    deps.scans.run = async () => {
      throw new Error('socket hang up');
    };
    const r = recordingResponder();
    await app.handleCommand(invocation('check s3'), r.responder);
    expect(r.last().replace).toBe(true);
    expect(r.last().text).toContain('Something went wrong on our side (request req-');
    expect(r.last().text).not.toContain('at ');
  });
});
