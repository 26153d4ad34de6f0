import { CloudsecError } from '../errors';
import type { Logger } from './logger';
import type { SlackEnv } from './slack-env';

/** Start-up and shutdown helpers of the Bolt transport (src/slack/bolt-app.ts). */

export const describeMetricsStartError = (err: unknown, settings: SlackEnv['metrics']): Error =>
  (err as NodeJS.ErrnoException | null)?.code === 'EADDRINUSE'
    ? new CloudsecError('config', `METRICS_PORT ${settings.port} is already in use. Set METRICS_PORT to a free port.`)
    : new CloudsecError(
        'config',
        `Metrics could not be served on ${settings.host}:${settings.port} (${(err as Error).message}). ` +
          'Check METRICS_HOST and METRICS_PORT.',
      );

/** Waits for interactions still running at stop(), at most `timeoutMs`. */
export const drain = async (tasks: Set<Promise<void>>, timeoutMs: number, logger: Logger) => {
  if (tasks.size === 0) return;
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
    timer.unref();
  });
  const outcome = await Promise.race([Promise.allSettled([...tasks]), timedOut]);
  clearTimeout(timer);
  if (outcome === 'timeout') logger.warn({ pending: tasks.size }, 'stopped with interactions still running');
};
