import { types } from 'node:util';

/**
 * The last line of defence for failures no caller handled.
 *
 * - An unhandled promise rejection is a bug in one interaction (a promise nobody awaited: a
 *   progress post, a timer's work), not in the process: it is logged with what it was, and the bot
 *   keeps serving everyone else. Node's default (`--unhandled-rejections=throw`) would instead
 *   crash the process, dropping every scan and approval in flight over one lost message.
 * - An uncaught exception is different: it unwound a stack half-way through something (a store
 *   transaction, a lease, a remediation's bookkeeping), so what the process holds can no longer be
 *   trusted. It is logged, then the process exits non-zero so the supervisor (Docker's restart
 *   policy, Kubernetes, systemd) starts a clean one; start-up reconciles what was mid-flight
 *   (remediation requests are verified, abandoned digests resumed). Carrying on would trade a
 *   restart for a bot in an unknown state.
 *
 * What is logged is chosen field by field (name, message, stack, code, cause), never the error
 * object itself: errors from HTTP clients carry their request (headers, tokens) as properties. The
 * logger (src/slack/logger.ts) still masks anything token-shaped in the message or the stack.
 */

export interface GuardLogger {
  error(obj: object, msg?: string): void;
  /** Used for the uncaught exception when present (pino has it); `error` otherwise. */
  fatal?(obj: object, msg?: string): void;
}

type RejectionListener = (reason: unknown) => void;
type ExceptionListener = (err: unknown, origin?: string) => void;

/** The part of `process` the guard uses; tests pass an EventEmitter. */
export interface GuardedProcess {
  on(event: 'unhandledRejection', listener: RejectionListener): unknown;
  on(event: 'uncaughtException', listener: ExceptionListener): unknown;
  off(event: 'unhandledRejection', listener: RejectionListener): unknown;
  off(event: 'uncaughtException', listener: ExceptionListener): unknown;
  exit(code: number): void;
}

export interface ProcessGuardOptions {
  log: GuardLogger;
  /** Defaults to the real process. */
  process?: GuardedProcess;
}

/** Exit code after an uncaught exception: non-zero, so a supervisor restarts the process. */
export const UNCAUGHT_EXIT_CODE = 1;

const MAX_MESSAGE = 2_000;
const MAX_STACK = 8_000;
const MAX_CAUSES = 3;

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}… (truncated)` : text);

/** Errors from another realm (a vm context, a worker) fail `instanceof Error`; these still count. */
const isErrorLike = (value: unknown): value is Error =>
  value instanceof Error ||
  types.isNativeError(value) ||
  (typeof value === 'object' &&
    value !== null &&
    typeof (value as { message?: unknown }).message === 'string' &&
    typeof (value as { stack?: unknown }).stack === 'string');

/**
 * What a rejection reason or a thrown value was, safe to log. For an object that is not an error,
 * only its kind and its keys: its values may be credentials (a config, a request).
 */
export const describeReason = (reason: unknown, depth = 0): Record<string, unknown> => {
  if (isErrorLike(reason)) {
    const code = (reason as { code?: unknown }).code;
    const cause = (reason as { cause?: unknown }).cause;
    return {
      kind: 'error',
      name: typeof reason.name === 'string' ? reason.name : 'Error',
      message: clip(reason.message, MAX_MESSAGE),
      ...(typeof reason.stack === 'string' ? { stack: clip(reason.stack, MAX_STACK) } : {}),
      ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
      ...(cause !== undefined && depth < MAX_CAUSES ? { cause: describeReason(cause, depth + 1) } : {}),
    };
  }
  if (reason === null || reason === undefined) return { kind: String(reason) };
  if (typeof reason === 'object' || typeof reason === 'function') {
    const constructorName = (reason as { constructor?: { name?: unknown } }).constructor?.name;
    return {
      kind: typeof reason,
      ...(typeof constructorName === 'string' ? { type: constructorName } : {}),
      keys: Object.keys(reason).slice(0, 20),
    };
  }
  return { kind: typeof reason, value: clip(String(reason), MAX_MESSAGE) };
};

/**
 * Installs the handlers; returns the function that removes exactly these handlers (tests, and a
 * `main` that returns instead of exiting).
 */
export const installProcessGuards = (options: ProcessGuardOptions): (() => void) => {
  const target: GuardedProcess = options.process ?? process;
  const { log } = options;
  let rejections = 0;

  const onRejection: RejectionListener = (reason) => {
    rejections += 1;
    try {
      log.error(
        { event: 'unhandledRejection', reason: describeReason(reason), unhandledRejections: rejections },
        'unhandled promise rejection (a bug: a promise nobody awaited failed); cloudsec keeps serving',
      );
    } catch {
      // A logger that throws here would turn this into an uncaught exception and a restart.
    }
  };

  const onException: ExceptionListener = (err, origin) => {
    try {
      (log.fatal ?? log.error).call(
        log,
        { event: 'uncaughtException', origin: origin ?? 'uncaughtException', reason: describeReason(err) },
        `uncaught exception: cloudsec exits with code ${UNCAUGHT_EXIT_CODE} so it is restarted in a known state`,
      );
    } catch {
      // Nothing more can be said; the exit below matters more than the line.
    }
    // The logger writes synchronously (src/slack/logger.ts), so the line is out before this.
    target.exit(UNCAUGHT_EXIT_CODE);
  };

  target.on('unhandledRejection', onRejection);
  target.on('uncaughtException', onException);
  let installed = true;
  return () => {
    if (!installed) return;
    installed = false;
    target.off('unhandledRejection', onRejection);
    target.off('uncaughtException', onException);
  };
};
