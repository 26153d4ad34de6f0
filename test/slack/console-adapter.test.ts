import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { CloudsecApp, InvocationActor, Responder } from '../../src/app/conversation';
import { main } from '../../src/main';
import { consoleActor, makeConsoleScreen, runConsole } from '../../src/slack/console-adapter';
import { makeConsoleDigestPoster } from '../../src/slack/console-digest-poster';
import { openSqliteStore } from '../../src/store/sqlite';
import { DEMO_ACCOUNTS } from '../fixtures/app';
import { NOW } from '../fixtures/snapshot-builders';

const OS_USER = os.userInfo().username;

const dirs: string[] = [];
const tempDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-console-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** Modes are judged as the files would be made under the usual umask, whatever the test runner's is. */
let umask: number;
beforeAll(() => {
  umask = process.umask(0o022);
});
afterAll(() => {
  process.umask(umask);
});
const modeOf = (file: string) => fs.statSync(file).mode & 0o777;

/** An app that remembers who asked, and uploads a file when asked to export. */
const recordingApp = () => {
  const actors: InvocationActor[] = [];
  const app: CloudsecApp = {
    handleCommand: async (inv, responder: Responder) => {
      actors.push(inv.actor);
      if (inv.text === 'export')
        await responder.upload({ filename: '../../findings.csv', title: 'All findings', content: 'id\n1\n' });
    },
    handleAction: async () => undefined,
    homeView: async () => ({ type: 'home', blocks: [] }),
    handleSubteamEvent: async () => undefined,
    actionIds: [],
    handleViewSubmission: async () => ({ errors: {} }),
    callbackIds: [],
  };
  return { app, actors };
};

const drive = async (lines: string[], options: { allowImpersonation?: boolean; actor?: InvocationActor } = {}) => {
  const { app, actors } = recordingApp();
  let out = '';
  const exportDir = path.join(tempDir(), 'exports');
  await runConsole(app, {
    input: Readable.from(lines.map((l) => `${l}\n`)),
    screen: makeConsoleScreen((t) => (out += t)),
    actor: options.actor ?? consoleActor({ slackUserId: 'U0OPS', demo: false }),
    exportDir,
    ...(options.allowImpersonation !== undefined ? { allowImpersonation: options.allowImpersonation } : {}),
  });
  return { actors, out, exportDir };
};

describe('who the console acts as', () => {
  it('when the console runs outside the demo, then its actor is the terminal user (cli) with the bound Slack user for roles', () => {
    expect(consoleActor({ slackUserId: 'U0OPS', demo: false })).toEqual({
      userId: 'U0OPS',
      userName: OS_USER,
      kind: 'cli',
    });
  });

  it('when the console runs the demo, then its actor stays the demo Slack user', () => {
    expect(consoleActor({ slackUserId: 'U0DEMO', demo: true })).toEqual({ userId: 'U0DEMO', userName: 'demo' });
  });

  it('when "as U0LEAD" is typed and impersonation is not allowed, then it is refused and commands still run as the console user', async () => {
    const run = await drive(['as U0LEAD', '/cloudsec whoami']);
    expect(run.out).toMatch(/cannot act as another Slack user/i);
    expect(run.out).not.toContain('You are now U0LEAD');
    expect(run.actors).toEqual([{ userId: 'U0OPS', userName: OS_USER, kind: 'cli' }]);
  });

  it('when impersonation is not said to be allowed, then it is refused (the safe default)', async () => {
    const run = await drive(['as U0LEAD', '/cloudsec whoami'], {
      actor: { userId: 'U0OPS', userName: 'ops', kind: 'cli' },
    });
    expect(run.actors.map((a) => a.userId)).toEqual(['U0OPS']);
  });

  it('when impersonation is allowed (dry run), then "as U0LEAD" takes that user\'s roles but is still recorded as the terminal user', async () => {
    const run = await drive(['as U0LEAD', '/cloudsec whoami'], { allowImpersonation: true });
    expect(run.out).toContain('You are now U0LEAD');
    expect(run.actors).toEqual([{ userId: 'U0LEAD', userName: OS_USER, kind: 'cli' }]);
  });

  it('when impersonation is not allowed, then the help does not offer it', async () => {
    const run = await drive(['help me']);
    expect(run.out).not.toContain('"as U0LEAD"');
  });
});

describe('console files', () => {
  it('when a command uploads a file, then it is written 0600 in a 0700 folder, under its base name only', async () => {
    const run = await drive(['/cloudsec export']);
    const file = path.join(run.exportDir, 'findings.csv');
    expect(fs.readFileSync(file, 'utf8')).toBe('id\n1\n');
    expect(modeOf(file)).toBe(0o600);
    expect(modeOf(run.exportDir)).toBe(0o700);
  });

  it('when an earlier export left a readable file of the same name, then writing it again makes it private', async () => {
    const exportDir = path.join(tempDir(), 'exports');
    fs.mkdirSync(exportDir, { mode: 0o755 });
    fs.writeFileSync(path.join(exportDir, 'findings.csv'), 'old', { mode: 0o644 });
    const { app } = recordingApp();
    await runConsole(app, {
      input: Readable.from(['/cloudsec export\n']),
      screen: makeConsoleScreen(() => undefined),
      actor: consoleActor({ slackUserId: 'U0OPS', demo: false }),
      exportDir,
    });
    expect(modeOf(path.join(exportDir, 'findings.csv'))).toBe(0o600);
    expect(modeOf(exportDir)).toBe(0o700);
  });

  it('when a digest attaches files in the console, then the saved chart and list are 0600 in a 0700 folder', async () => {
    const dir = path.join(tempDir(), 'exports');
    const source = path.join(tempDir(), 'list.csv');
    fs.writeFileSync(source, 'a,b\n', { mode: 0o644 });
    const screen = makeConsoleScreen(() => undefined);
    const poster = makeConsoleDigestPoster(screen.messenger, dir, () => undefined);
    const ref = { channel: 'C0SECURITY', ts: '1' };
    await poster.attach(ref, { filename: 'trend.png', title: 'Trend', content: Buffer.from('png') });
    await poster.attach(ref, { filename: 'full.csv', title: 'Full list', path: source });
    expect(modeOf(dir)).toBe(0o700);
    expect(modeOf(path.join(dir, 'trend.png'))).toBe(0o600);
    expect(modeOf(path.join(dir, 'full.csv'))).toBe(0o600);
  });
});

describe('the live console (--console), end to end', () => {
  const CONFIG = `${DEMO_ACCOUNTS}bindings:
  - role: admin
    users: [U0OPS]
  - role: approver
    users: [U0LEAD]
`;

  const runConsoleMain = async (lines: string[], env: Record<string, string> = {}) => {
    const dir = tempDir();
    const configPath = path.join(dir, 'cloudsec.yml');
    fs.writeFileSync(configPath, CONFIG);
    const dbPath = path.join(dir, 'db', 'cloudsec.db');
    let out = '';
    let err = '';
    const code = await main(['--console'], {
      env: { CLOUDSEC_CONFIG: configPath, CLOUDSEC_DB: dbPath, CLOUDSEC_CONSOLE_USER: 'U0OPS', ...env },
      stdin: Readable.from(lines.map((l) => `${l}\n`)),
      stdout: (t) => (out += t),
      stderr: (t) => (err += t),
      clock: () => NOW,
    });
    const store = openSqliteStore({ path: dbPath, clock: () => NOW });
    const audit = await store.listAudit();
    await store.close();
    return { code, out, err, audit };
  };

  it('when a command is typed, then the audit log records the terminal user as a cli actor, not as a Slack user', async () => {
    const run = await runConsoleMain(['/cloudsec whoami']);
    expect(run.code).toBe(0);
    const command = run.audit.find((e) => e.action === 'command.whoami');
    expect(command?.actor).toEqual({ kind: 'cli', id: 'U0OPS', name: OS_USER });
  });

  it('when "as U0LEAD" is typed without dry run, then it is refused and nothing is recorded as U0LEAD', async () => {
    const run = await runConsoleMain(['as U0LEAD', '/cloudsec whoami']);
    expect(run.out).toMatch(/cannot act as another Slack user/i);
    expect(run.audit.filter((e) => e.actor.id === 'U0LEAD')).toEqual([]);
  });

  it('when "as U0LEAD" is typed with CLOUDSEC_DRY_RUN=1, then it is allowed and still recorded as the terminal user', async () => {
    const run = await runConsoleMain(['as U0LEAD', '/cloudsec whoami'], { CLOUDSEC_DRY_RUN: '1' });
    expect(run.out).toContain('You are now U0LEAD');
    const command = run.audit.find((e) => e.action === 'command.whoami');
    expect(command?.actor).toEqual({ kind: 'cli', id: 'U0LEAD', name: OS_USER });
  });
});
