import { LogLevel as BoltLogLevel, type Logger as BoltLogger } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel } from './slack-env';

export type { Logger } from 'pino';

/**
 * Structured logs that never carry a secret. Two layers:
 * - known secret-bearing keys are censored wherever pino sees them (`REDACT_PATHS`);
 * - every line is scrubbed of anything shaped like a Slack token or a bearer credential before it
 *   is written, so a token inside an error message, a stack or a URL is caught too.
 */

const SECRET_KEYS = [
  'token',
  'botToken',
  'appToken',
  'userToken',
  'signingSecret',
  'clientSecret',
  'secretAccessKey',
  'sessionToken',
  'password',
  'authorization',
];

export const REDACT_PATHS = [
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
  // Slack request bodies carry a (deprecated) verification token in `token`; covered above.
];

export const REDACTED = '[redacted]';

// xoxb-, xoxp-, xoxa-2-, xoxe.xoxp-1-, xoxe-1- (refresh) and xapp- tokens; the prefix stays so the kind is visible.
const SLACK_TOKEN = /\b(xox(?:e\.xox)?[a-z]?-|xapp-)[A-Za-z0-9-]+/g;
const BEARER = /\b(Bearer\s+)[^\s"'\\,]+/gi;

export const maskSecrets = (text: string): string =>
  text.replace(SLACK_TOKEN, `$1${REDACTED}`).replace(BEARER, `$1${REDACTED}`);

/** Wraps a destination so each serialized line is scrubbed before it is written. */
const maskingStream = (destination: DestinationStream): DestinationStream => ({
  write: (line: string) => destination.write(maskSecrets(line)),
});

export interface LoggerOptions {
  level?: LogLevel;
  /** Defaults to stdout. Tests pass a stream that collects lines. */
  destination?: DestinationStream;
}

export const createLogger = (options: LoggerOptions = {}): Logger =>
  pino(
    {
      level: options.level ?? 'info',
      base: { app: 'cloudsec' },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: pino.stdSerializers.err },
    },
    maskingStream(options.destination ?? pino.destination({ dest: 1, sync: true })),
  );

/** The logger for one interaction: every line it writes can be joined to the others by requestId. */
export const requestLogger = (
  logger: Logger,
  ids: { requestId: string; userId?: string; command?: string; actionId?: string },
): Logger => logger.child(ids);

const BOLT_LEVELS: Record<string, BoltLogLevel> = {
  trace: BoltLogLevel.DEBUG,
  debug: BoltLogLevel.DEBUG,
  info: BoltLogLevel.INFO,
  warn: BoltLogLevel.WARN,
};

/**
 * Bolt, the Web API client and the Socket Mode client log through this, so their lines are JSON
 * with the same redaction. Their level follows LOG_LEVEL; Bolt's own setLevel calls are ignored.
 */
export const boltLogger = (logger: Logger): BoltLogger => {
  const log = logger.child({ component: 'slack-sdk' });
  const emit =
    (level: 'debug' | 'info' | 'warn' | 'error') =>
    (...args: unknown[]): void => {
      if (!log.isLevelEnabled(level)) return;
      const err = args.find((a): a is Error => a instanceof Error);
      const text = args
        .filter((a) => a !== err)
        .map((a) => (typeof a === 'string' ? a : safeJson(a)))
        .join(' ');
      if (err) log[level]({ err }, text || err.message);
      else log[level](text);
    };
  return {
    debug: emit('debug'),
    info: emit('info'),
    warn: emit('warn'),
    error: emit('error'),
    setLevel: () => undefined,
    getLevel: () => BOLT_LEVELS[log.level] ?? BoltLogLevel.ERROR,
    setName: () => undefined,
  };
};

const safeJson = (value: unknown): string => {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
};
