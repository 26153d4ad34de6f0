import { boltLogger, createLogger, maskSecrets, requestLogger } from '../../src/slack/logger';

const collect = (level: 'info' | 'debug' | 'warn' = 'info') => {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, records: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
};

const BOT = 'xoxb-1234-5678-AbCdEfGhIjKlMnOp';
const APP = 'xapp-1-A0123-456-deadbeef';

describe('createLogger', () => {
  it('when secrets sit under known keys, then they are censored at any of the first two levels', () => {
    const { logger, lines } = collect();

    logger.info(
      {
        token: 'legacy-verification-token',
        slack: { botToken: 'plain-secret-1', appToken: 'plain-secret-2', signingSecret: 'plain-secret-3' },
        credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'aws-secret', sessionToken: 'aws-session' },
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      },
      'started',
    );

    const line = lines.join('');
    for (const secret of ['legacy-verification-token', 'plain-secret', 'aws-secret', 'aws-session', 'dXNlcjpwYXNz'])
      expect(line).not.toContain(secret);
    expect(line).toContain('AKIDEXAMPLE');
  });

  it('when a token appears inside a message, an error or a nested value, then it is masked but its kind stays visible', () => {
    const { logger, lines } = collect();

    logger.error({ err: new Error(`auth failed for ${BOT}`), deep: { a: { b: [`url?t=${APP}`] } } }, `using ${BOT}`);
    logger.warn(`header was Bearer ${BOT}`);

    const text = lines.join('');
    expect(text).not.toContain('AbCdEfGhIjKlMnOp');
    expect(text).not.toContain('deadbeef');
    expect(text).toContain('xoxb-[redacted]');
    expect(text).toContain('xapp-[redacted]');
    expect(text).toContain('Bearer [redacted]');
  });

  it('when a request logger is made, then its lines carry the request, user and command ids', () => {
    const { logger, records } = collect();

    requestLogger(logger, { requestId: 'r-1', userId: 'U1', command: 'check' }).info('command received');

    expect(records()[0]).toMatchObject({ requestId: 'r-1', userId: 'U1', command: 'check', msg: 'command received' });
  });

  it('when the level is warn, then info lines are dropped', () => {
    const { logger, lines } = collect('warn');

    logger.info('quiet');
    logger.warn('loud');

    expect(lines).toHaveLength(1);
  });
});

describe('maskSecrets', () => {
  it.each([
    ['xoxp-1-2-3-abc', 'xoxp-[redacted]'],
    ['xoxe.xoxp-1-abc', 'xoxe.xoxp-[redacted]'],
    ['xoxe-1-refresh', 'xoxe-[redacted]'],
    ['no tokens here', 'no tokens here'],
  ])('when the text is %s, then it becomes %s', (text, masked) => {
    expect(maskSecrets(text)).toBe(masked);
  });
});

describe('boltLogger', () => {
  it('when Bolt logs an error with a message and an Error, then one JSON line carries both, masked', () => {
    const { logger, records } = collect();

    boltLogger(logger).error('Slack API error:', new Error(`invalid_auth for ${BOT}`));

    const [record] = records();
    expect(record).toMatchObject({ level: 50, component: 'slack-sdk', msg: 'Slack API error:' });
    expect(JSON.stringify(record)).toContain('invalid_auth for xoxb-[redacted]');
  });

  it('when Bolt asks for a level, then it follows LOG_LEVEL and Bolt cannot change it', () => {
    const { logger, lines } = collect('warn');
    const bolt = boltLogger(logger);

    bolt.setLevel('debug' as never);
    bolt.debug('noise');

    expect(bolt.getLevel()).toBe('warn');
    expect(lines).toEqual([]);
  });
});
