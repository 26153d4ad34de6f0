import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describeReason, installProcessGuards, type GuardedProcess } from '../src/process-guard';
import { main } from '../src/main';
import { tempDbPath } from './fixtures/app';
import { LEAKED_SECRET, LEAKED_TOKEN } from './fixtures/process-guard-child';
import { NOW } from './fixtures/snapshot-builders';

/**
 * Jest gives each test file its own copy of `process` and fails a test on an unhandled rejection
 * itself, so real rejections and exceptions are made in a child process running the guard as
 * main.ts installs it; the in-process tests drive the handlers through a stand-in process.
 */

interface Line {
  level: 'error' | 'fatal';
  obj: Record<string, unknown>;
  msg: string | undefined;
}

const fakeProcess = () => {
  const emitter = new EventEmitter();
  const exits: number[] = [];
  const proc = Object.assign(emitter, { exit: (code: number) => void exits.push(code) });
  return { proc: proc as EventEmitter & GuardedProcess, exits };
};

const recordingLog = () => {
  const lines: Line[] = [];
  return {
    lines,
    log: {
      error: (obj: object, msg?: string) => void lines.push({ level: 'error', obj: obj as Line['obj'], msg }),
      fatal: (obj: object, msg?: string) => void lines.push({ level: 'fatal', obj: obj as Line['obj'], msg }),
    },
  };
};

describe('an unhandled rejection', () => {
  it('when a promise rejects with an error nobody handles, then it is logged with its name, message and stack, and the process does not exit', () => {
    const { proc, exits } = fakeProcess();
    const { lines, log } = recordingLog();
    const uninstall = installProcessGuards({ log, process: proc });
    try {
      const err = new RangeError('page 3 of ListBuckets never came');
      proc.emit('unhandledRejection', err, Promise.resolve());

      expect(exits).toEqual([]);
      expect(lines).toEqual([
        {
          level: 'error',
          obj: {
            event: 'unhandledRejection',
            unhandledRejections: 1,
            reason: {
              kind: 'error',
              name: 'RangeError',
              message: 'page 3 of ListBuckets never came',
              stack: err.stack,
            },
          },
          msg: expect.stringContaining('keeps serving'),
        },
      ]);
    } finally {
      uninstall();
    }
  });

  it('when several rejections go unhandled, then each is logged and counted', () => {
    const { proc, exits } = fakeProcess();
    const { lines, log } = recordingLog();
    const uninstall = installProcessGuards({ log, process: proc });
    try {
      proc.emit('unhandledRejection', new Error('one'));
      proc.emit('unhandledRejection', 'two');
      expect(lines.map((l) => l.obj['unhandledRejections'])).toEqual([1, 2]);
      expect(lines[1]!.obj['reason']).toEqual({ kind: 'string', value: 'two' });
      expect(exits).toEqual([]);
    } finally {
      uninstall();
    }
  });

  it('when the logger itself throws, then the handler does not throw (which would become an uncaught exception)', () => {
    const { proc, exits } = fakeProcess();
    const uninstall = installProcessGuards({
      log: {
        error: () => {
          throw new Error('log destination closed');
        },
      },
      process: proc,
    });
    try {
      expect(() => proc.emit('unhandledRejection', new Error('lost'))).not.toThrow();
      expect(exits).toEqual([]);
    } finally {
      uninstall();
    }
  });
});

describe('what a reason is logged as', () => {
  it('when the reason is a plain object, then only its kind and keys are logged, never its values', () => {
    const described = describeReason({ token: LEAKED_TOKEN, secretAccessKey: LEAKED_SECRET });
    expect(described).toEqual({ kind: 'object', type: 'Object', keys: ['token', 'secretAccessKey'] });
    expect(JSON.stringify(described)).not.toContain(LEAKED_SECRET);
  });

  it('when an error carries its HTTP request as properties, then only name, message, stack, code and cause are logged', () => {
    const err = Object.assign(new Error('Request failed with status code 404', { cause: new Error('expired_url') }), {
      code: 'ERR_BAD_REQUEST',
      config: { headers: { Authorization: `Bearer ${LEAKED_TOKEN}` } },
    });
    const described = describeReason(err);
    expect(described).toEqual({
      kind: 'error',
      name: 'Error',
      message: 'Request failed with status code 404',
      stack: err.stack,
      code: 'ERR_BAD_REQUEST',
      cause: { kind: 'error', name: 'Error', message: 'expired_url', stack: expect.any(String) },
    });
    expect(JSON.stringify(described)).not.toContain(LEAKED_TOKEN);
  });

  it('when an error comes from another realm (fails instanceof Error), then it is still logged as an error', () => {
    const foreign = {
      name: 'TimeoutError',
      message: 'socket hang up',
      stack: 'TimeoutError: socket hang up\n    at x',
    };
    expect(describeReason(foreign)).toMatchObject({ kind: 'error', name: 'TimeoutError', message: 'socket hang up' });
  });

  it('when a message is huge, then it is cut, saying so', () => {
    const described = describeReason(new Error('x'.repeat(10_000)));
    expect(String(described['message'])).toHaveLength(2_000 + '… (truncated)'.length);
  });

  it('when errors cause each other in a cycle, then the chain stops', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(JSON.stringify(describeReason(a)).match(/"message"/g)).toHaveLength(4);
  });

  it.each([
    [undefined, { kind: 'undefined' }],
    [null, { kind: 'null' }],
    [42, { kind: 'number', value: '42' }],
  ])('when the reason is %p, then its kind is logged', (reason, expected) => {
    expect(describeReason(reason)).toEqual(expected);
  });
});

describe('an uncaught exception', () => {
  it('when an exception is not caught, then it is logged as fatal and the process exits with code 1 for the supervisor to restart it', () => {
    const { proc, exits } = fakeProcess();
    const { lines, log } = recordingLog();
    const uninstall = installProcessGuards({ log, process: proc });
    try {
      proc.emit('uncaughtException', new TypeError('cannot read properties of undefined'), 'uncaughtException');

      expect(exits).toEqual([1]);
      expect(lines).toEqual([
        {
          level: 'fatal',
          obj: {
            event: 'uncaughtException',
            origin: 'uncaughtException',
            reason: expect.objectContaining({ name: 'TypeError', message: 'cannot read properties of undefined' }),
          },
          msg: expect.stringContaining('exits with code 1'),
        },
      ]);
    } finally {
      uninstall();
    }
  });

  it('when the logger has no fatal level or throws, then the process still exits', () => {
    const { proc, exits } = fakeProcess();
    const uninstall = installProcessGuards({
      log: {
        error: () => {
          throw new Error('log destination closed');
        },
      },
      process: proc,
    });
    try {
      proc.emit('uncaughtException', new Error('boom'));
      expect(exits).toEqual([1]);
    } finally {
      uninstall();
    }
  });
});

describe('uninstalling', () => {
  it('when the guard is uninstalled, then exactly its handlers are gone, and a second uninstall does nothing', () => {
    const { proc } = fakeProcess();
    const other = () => undefined;
    proc.on('unhandledRejection', other);
    const uninstall = installProcessGuards({ log: recordingLog().log, process: proc });
    expect(proc.listenerCount('unhandledRejection')).toBe(2);
    expect(proc.listenerCount('uncaughtException')).toBe(1);

    uninstall();
    uninstall();

    expect(proc.listeners('unhandledRejection')).toEqual([other]);
    expect(proc.listenerCount('uncaughtException')).toBe(0);
  });

  it('when no process is given, then the guard goes on this process and comes off it again', () => {
    const before = [process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtException')];
    const uninstall = installProcessGuards({ log: recordingLog().log });
    expect([process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtException')]).toEqual([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    uninstall();
    expect([process.listenerCount('unhandledRejection'), process.listenerCount('uncaughtException')]).toEqual(before);
  });
});

describe('main', () => {
  it('when the console runs, then the guard is on for as long as it runs, tells on stderr, and is off once it returns', async () => {
    const listeners = () => process.listenerCount('unhandledRejection');
    const before = listeners();
    const stdin = new PassThrough();
    let out = '';
    let err = '';
    let started!: () => void;
    const banner = new Promise<void>((resolve) => (started = resolve));
    const running = main(['--demo'], {
      env: { CLOUDSEC_DB: tempDbPath() },
      stdin,
      stdout: (t) => {
        out += t;
        if (out.includes('DEMO DATA')) started();
      },
      stderr: (t) => (err += t),
      clock: () => NOW,
    });
    await banner;

    expect(listeners()).toBe(before + 1);
    process.emit('unhandledRejection', new Error('a digest post nobody awaited'), Promise.resolve());
    const line = JSON.parse(err.trim().split('\n').pop()!) as Record<string, unknown>;
    expect(line).toMatchObject({
      event: 'unhandledRejection',
      reason: { name: 'Error', message: 'a digest post nobody awaited' },
    });

    stdin.end();
    expect(await running).toBe(0);
    expect(listeners()).toBe(before);
  });
});

describe('in a real process', () => {
  const CHILD = path.join(__dirname, 'fixtures', 'process-guard-child.ts');
  type Mode = 'rejection' | 'unguarded' | 'exception';
  type Run = ReturnType<typeof start>;
  const runs = new Map<Mode, Run>();

  /** Starts the child; `lines` fills as it prints, `waitFor` resolves on the first line that matches. */
  const start = (mode: Mode) => {
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', CHILD, mode], {
      cwd: path.join(__dirname, '..'),
      env: process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Record<string, unknown>[] = [];
    let stdout = '';
    let stderr = '';
    const watchers: { match: (line: Record<string, unknown>) => boolean; resolve: () => void }[] = [];
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const complete = stdout.split('\n');
      stdout = complete.pop()!;
      for (const text of complete) {
        const line = JSON.parse(text) as Record<string, unknown>;
        lines.push(line);
        for (const w of watchers.filter((w) => w.match(line))) w.resolve();
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const waitFor = (match: (line: Record<string, unknown>) => boolean) =>
      lines.some(match) ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ match, resolve }));
    return { child, lines, exited, waitFor, stderr: () => stderr };
  };

  // Node and ts-node take a second or more to start: the three children start together.
  beforeAll(() => {
    for (const mode of ['rejection', 'unguarded', 'exception'] as const) runs.set(mode, start(mode));
  });

  afterAll(async () => {
    for (const run of runs.values()) if (run.child.exitCode === null && run.child.signalCode === null) run.child.kill();
    await Promise.all([...runs.values()].map((run) => run.exited));
  });

  const get = async (port: unknown) => (await fetch(`http://127.0.0.1:${String(port)}/`)).text();

  it('when promises reject unhandled, then each is logged without its secrets, and the process goes on answering requests', async () => {
    const run = runs.get('rejection')!;
    await run.waitFor((l) => l['unhandledRejections'] === 2);

    const port = run.lines.find((l) => 'ready' in l)!['ready'];
    expect(await get(port)).toBe('still serving');
    expect(run.child.exitCode).toBeNull();

    const logged = run.lines.filter((l) => l['event'] === 'unhandledRejection');
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        reason: expect.objectContaining({
          kind: 'error',
          name: 'Error',
          message: 'response_url refused the post (auth xoxb-[redacted])',
          stack: expect.stringContaining('process-guard-child.ts'),
        }),
      }),
      expect.objectContaining({ reason: { kind: 'object', type: 'Object', keys: ['token', 'secretAccessKey'] } }),
    ]);
    const everything = JSON.stringify(run.lines) + run.stderr();
    expect(everything).not.toContain(LEAKED_TOKEN);
    expect(everything).not.toContain(LEAKED_SECRET);

    run.child.kill('SIGTERM');
    expect(await run.exited).toBe(0);
  });

  it('when promises reject unhandled and no guard is installed, then Node ends the process (what the guard prevents)', async () => {
    const run = runs.get('unguarded')!;
    const code = await run.exited;
    expect(code).not.toBe(0);
    expect(code).not.toBeNull();
    expect(run.stderr()).toContain('response_url refused the post');
  });

  it('when an exception is not caught, then it is logged as fatal and the process exits with code 1', async () => {
    const run = runs.get('exception')!;
    expect(await run.exited).toBe(1);
    expect(run.lines).toContainEqual(
      expect.objectContaining({
        level: 60,
        event: 'uncaughtException',
        origin: 'uncaughtException',
        reason: expect.objectContaining({ name: 'TypeError', message: 'the lease bookkeeping is half-written' }),
      }),
    );
  });
});
