import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { App, HTTPReceiver, SocketModeReceiver, type Receiver } from '@slack/bolt';
import type {
  ActionInvocation,
  CloudsecApp,
  InvocationActor,
  ViewSubmission,
  ViewSubmissionResult,
} from '../app/conversation';
import { makeBotDmDirectory } from './bot-dm';
import { slackEventGuard } from './event-guard';
import { metricsRoute, opsRoutes, startOpsServer, type OpsServer } from './http-routes';
import { actionInvocation, commandInvocation, isDirectConversation, newRequestId } from './invocations';
import { boltLogger, requestLogger, type Logger } from './logger';
import type { PrometheusMetrics } from './metrics';
import { memoryNonces, type NonceStore } from './nonces';
import { applyServerLimits, guardSlackRequests, httpLimits, serverOptionsFor, type HttpLimits } from './request-guard';
import { makeResponder, type SlackResponder } from './responder';
import { crashMessage, modalOfAction, subcommandOf, valueOfAction, withModalUpdates } from './bolt-payloads';
import type { SlackEnv } from './slack-env';
import { describeStartError, verifyBotToken } from './slack-startup';
import { installedWorkspace } from './workspace';
import { describeMetricsStartError, drain } from './app-lifecycle';
import { closeConnectionsWhenStopping } from './stopping-server';

/**
 * The Slack transport: a Bolt app that turns commands, button presses and events into calls on a
 * CloudsecApp. Everything Bolt-specific lives here; the app behind it is the same one the console
 * demo drives.
 *
 * Every listener acks before any work and then runs the work detached, so Slack's 3-second
 * deadline never depends on AWS. Work still running at stop() is given a grace period.
 */

export const COMMAND = '/cloudsec';
/** The request URL to put in the manifest for HTTP mode (Bolt's default). */
export const EVENTS_PATH = '/slack/events';

export interface BotIdentity {
  botUserId: string;
  botId: string;
  teamId?: string;
  /** The Enterprise Grid org of the workspace, when it is in one. */
  enterpriseId?: string;
}

export interface StartSlackAppOptions {
  app: CloudsecApp;
  env: SlackEnv;
  logger: Logger;
  metrics: PrometheusMetrics;
  /** When given, start-up skips auth.test (tests, and deployments that pin the ids). */
  botIdentity?: BotIdentity;
  /** Interface to listen on; all interfaces by default (containers). */
  host?: string;
  /** How long stop() waits for interactions still running. Default 10 s. */
  drainTimeoutMs?: number;
  /** Called once PORT is bound; in Socket Mode that is before the socket connects (health answers 503 until then). */
  onListening?: (port: number) => void;
  /**
   * Where signed requests and event ids already seen are remembered: the store, which replicas
   * share. Default: this process's memory (replays to another replica are then not caught).
   */
  nonces?: NonceStore;
  /** Body size, timeouts and connection cap of the listeners; DEFAULT_HTTP_LIMITS otherwise. */
  httpLimits?: Partial<HttpLimits>;
  /** The time request timestamps are checked against (Bolt's own check behind it uses the system clock). Default: the system clock. */
  clock?: () => Date;
}

export interface RunningSlackApp {
  mode: SlackEnv['mode'];
  /** The bound port (PORT, or the one picked when PORT=0). */
  port: number;
  /** The bound METRICS_PORT, when metrics have a listener of their own. */
  metricsPort?: number;
  botIdentity: BotIdentity;
  stop(): Promise<void>;
}

import { createSlackWebClient, slackClientOptions } from './web-client';

// Re-exported for the composition root and tests, which build the Web API client the same way.
export { createSlackWebClient, slackClientOptions };

const RECEIVED_AT = Symbol('cloudsec.receivedAt');
type StampedRequest = IncomingMessage & { [RECEIVED_AT]?: number };

export const startSlackApp = async (options: StartSlackAppOptions): Promise<RunningSlackApp> => {
  const { app, env, metrics } = options;
  const logger = options.logger.child({ component: 'slack', mode: env.mode });
  const identity = options.botIdentity ?? (await verifyBotToken(createSlackWebClient(env, options.logger)));
  const workspace = installedWorkspace(identity, env.teamId);
  const limits = httpLimits(options.httpLimits);
  const clock = options.clock ?? (() => new Date());
  const nonces = options.nonces ?? memoryNonces(clock);

  let started = false;
  let stopping = false;
  let connected = true;
  const isReady = () => started && !stopping && connected;
  const routes = opsRoutes({ isReady, metrics, logger, metricsToken: env.metrics.token });
  const inFlight = new Set<Promise<void>>();

  const sdkLogger = boltLogger(options.logger);
  const common = {
    token: env.botToken,
    botId: identity.botId,
    botUserId: identity.botUserId,
    logger: sdkLogger,
    clientOptions: slackClientOptions(env, options.logger),
    // Bolt's conversation store keeps per-channel state in memory; cloudsec keeps none there.
    convoStore: false as const,
  };

  let receiver: Receiver;
  let bolt: App;
  if (env.mode === 'http') {
    const http = new HTTPReceiver({
      signingSecret: env.signingSecret,
      endpoints: EVENTS_PATH,
      port: env.port,
      customRoutes: routes,
      logger: sdkLogger,
      // The guard below reads the body with this cap already; Bolt's own stays as a second line.
      bodyLimit: limits.maxBodyBytes,
      customPropertiesExtractor: (req) => ({ receivedAt: (req as StampedRequest)[RECEIVED_AT] ?? performance.now() }),
    });
    const guarded = guardSlackRequests({
      path: EVENTS_PATH,
      signingSecret: env.signingSecret,
      limits,
      clock,
      nonces,
      workspace,
      logger,
      onRefused: (reason) => metrics.slackRequestRefused(reason),
    })(http.requestListener);
    // Stamped before the body is read, so the ack latency covers reading and verifying it too.
    http.requestListener = (req, res) => {
      (req as StampedRequest)[RECEIVED_AT] = performance.now();
      guarded(req, res);
    };
    receiver = http;
    bolt = new App({ ...common, receiver });
  } else {
    const socket = new SocketModeReceiver({
      appToken: env.appToken,
      logger: sdkLogger,
      installerOptions: { clientOptions: slackClientOptions(env, options.logger) },
      customPropertiesExtractor: () => ({ receivedAt: performance.now() }),
    });
    // Readiness follows the connection: a pod that lost Slack should not look healthy.
    socket.client.on('reconnecting', () => (connected = false));
    socket.client.on('disconnected', () => (connected = false));
    socket.client.on('connected', () => (connected = true));
    receiver = socket;
    bolt = new App({ ...common, socketMode: true, appToken: env.appToken, receiver });
  }

  // Before any listener, in both modes: payloads from other workspaces, and retried events.
  bolt.use(slackEventGuard({ workspace, nonces, clock, logger }));
  const botDms = makeBotDmDirectory({ client: bolt.client, logger });
  /** The user's DM with the bot, looked up only when the conversation is a 1:1 one. */
  const botDmFor = (userId: string, channelId: string, channelName?: string): Promise<string | null> =>
    isDirectConversation(channelId, channelName) ? botDms.botDmOf(userId) : Promise.resolve(null);

  const runDetached = (
    work: () => Promise<void>,
    context: { log: Logger; responder?: SlackResponder; requestId: string; isCommand?: boolean },
  ) => {
    // async wrapper: a handler that throws before its first await still ends up in catch.
    const task: Promise<void> = (async () => work())()
      .catch(async (err: unknown) => {
        context.log.error({ err }, 'interaction failed');
        if (context.isCommand) metrics.commandCompleted('unknown', 'error');
        if (!context.responder) return;
        try {
          await context.responder.send(crashMessage(err, context.requestId), {
            visibility: 'ephemeral',
            replace: context.responder.sent > 0,
          });
        } catch (sendErr) {
          context.log.warn({ err: sendErr }, 'could not tell the user about the failure');
        }
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };

  const observeAck = (context: Record<string, unknown>) => {
    const receivedAt = context['receivedAt'];
    if (typeof receivedAt === 'number') metrics.ackObserved((performance.now() - receivedAt) / 1000);
  };

  bolt.command(COMMAND, async ({ command, ack, respond, client, context }) => {
    await ack();
    observeAck(context);
    const requestId = newRequestId();
    const log = requestLogger(logger, {
      requestId,
      userId: command.user_id,
      command: subcommandOf((command.text ?? '').trim()),
    });
    const responder = makeResponder({
      respond,
      client,
      userId: command.user_id,
      triggerId: command.trigger_id || undefined,
    });
    // After the ack: which DM this is may take a Web API call.
    runDetached(
      async () => {
        const botDm = await botDmFor(command.user_id, command.channel_id, command.channel_name);
        const invocation = commandInvocation(command, requestId, botDm);
        log.info({ channelKind: invocation.channel.kind }, 'command received');
        await app.handleCommand(invocation, responder);
      },
      { log, responder, requestId, isCommand: true },
    );
  });

  for (const actionId of app.actionIds) {
    bolt.action(
      { type: 'block_actions', action_id: actionId },
      async ({ ack, body, action, respond, client, context }) => {
        await ack();
        observeAck(context);
        const requestId = newRequestId();
        const log = requestLogger(logger, { requestId, userId: body.user.id, actionId });
        log.info('action received');
        const modal = modalOfAction(body);
        const responder = makeResponder({
          respond,
          client,
          userId: body.user.id,
          triggerId: body.trigger_id || undefined,
        });
        runDetached(
          async () => {
            const botDm = body.channel ? await botDmFor(body.user.id, body.channel.id, body.channel.name) : null;
            const invocation: ActionInvocation = {
              ...actionInvocation(body, { action_id: actionId, value: valueOfAction(action) }, requestId, botDm),
              ...(modal ? { modal } : {}),
            };
            await app.handleAction(invocation, modal ? withModalUpdates(responder, client, log) : responder);
          },
          { log, responder, requestId },
        );
      },
    );
  }

  for (const callbackId of app.callbackIds) {
    bolt.view(callbackId, async ({ ack, body, view, context }) => {
      const requestId = newRequestId();
      const log = requestLogger(logger, { requestId, userId: body.user.id, actionId: callbackId });
      const submission: ViewSubmission = {
        requestId,
        actor: { userId: body.user.id, ...(body.user.name ? { userName: body.user.name } : {}) },
        callbackId,
        privateMetadata: view.private_metadata ?? '',
        values: view.state.values as ViewSubmission['values'],
      };
      // Slack waits 3 s for this answer: the app validates here and defers the real work.
      let result: ViewSubmissionResult;
      try {
        result = await app.handleViewSubmission(submission);
      } catch (err) {
        log.error({ err }, 'view submission failed');
        await ack({ response_action: 'errors', errors: { [firstBlockId(submission)]: crashText(requestId) } });
        return;
      }
      if ('errors' in result && Object.keys(result.errors).length > 0) {
        await ack({ response_action: 'errors', errors: result.errors });
        return;
      }
      await ack();
      observeAck(context);
      if ('work' in result) runDetached(result.work, { log, requestId });
    });
  }

  // Bolt acks events itself before any listener runs.
  bolt.event('app_home_opened', async ({ event, body, client }) => {
    if (event.tab !== 'home') return;
    const actor: InvocationActor = { userId: event.user, ...(body.team_id ? { teamId: body.team_id } : {}) };
    const requestId = newRequestId();
    const log = requestLogger(logger, { requestId, userId: actor.userId, command: 'app_home_opened' });
    runDetached(
      async () => {
        const view = await app.homeView(actor);
        await client.views.publish({ user_id: actor.userId, view });
      },
      { log, requestId },
    );
  });
  for (const name of ['subteam_updated', 'subteam_members_changed'] as const) {
    bolt.event(name, async ({ event }) => {
      const requestId = newRequestId();
      runDetached(() => app.handleSubteamEvent(event), {
        log: requestLogger(logger, { requestId, command: name }),
        requestId,
      });
    });
  }

  const firstBlockId = (submission: ViewSubmission) => Object.keys(submission.values)[0] ?? 'input';
  const crashText = (requestId: string) => `Something went wrong on our side (request ${requestId}). Try again.`;

  bolt.error(async (err) => {
    logger.error({ err }, 'Slack listener error');
  });

  let opsServer: OpsServer | undefined;
  let metricsServer: OpsServer | undefined;
  if (env.metrics.port !== undefined) {
    const route = metricsRoute({ metrics, logger, token: env.metrics.token });
    try {
      metricsServer = await startOpsServer([route], env.metrics.port, env.metrics.host, limits);
    } catch (err) {
      throw describeMetricsStartError(err, env.metrics);
    }
  }
  let port: number;
  try {
    if (receiver instanceof HTTPReceiver) {
      const server = await bolt.start(
        { port: env.port, ...(options.host ? { host: options.host } : {}) },
        serverOptionsFor(limits),
      );
      applyServerLimits(server, limits);
      closeConnectionsWhenStopping(server, () => stopping);
      port = (server.address() as AddressInfo).port;
      options.onListening?.(port);
    } else {
      // Health answers 503 while the socket connects, so an orchestrator waits rather than restarts.
      opsServer = await startOpsServer(routes, env.port, options.host, limits);
      port = opsServer.port;
      options.onListening?.(port);
      await bolt.start();
    }
  } catch (err) {
    await opsServer?.close().catch(() => undefined);
    await metricsServer?.close().catch(() => undefined);
    throw describeStartError(err, env);
  }
  started = true;
  connected = true;
  logger.info(
    { port, metricsPort: metricsServer?.port, botUserId: identity.botUserId, teamId: workspace.teamId },
    'Slack app started',
  );

  let stopped: Promise<void> | undefined;
  const stop = async () => {
    stopping = true;
    await bolt.stop().catch((err: unknown) => logger.warn({ err }, 'error while stopping the Slack receiver'));
    await opsServer?.close().catch((err: unknown) => logger.warn({ err }, 'error while closing the health server'));
    await metricsServer
      ?.close()
      .catch((err: unknown) => logger.warn({ err }, 'error while closing the metrics server'));
    await drain(inFlight, options.drainTimeoutMs ?? 10_000, logger);
    logger.info('Slack app stopped');
  };

  return {
    mode: env.mode,
    port,
    ...(metricsServer ? { metricsPort: metricsServer.port } : {}),
    botIdentity: identity,
    stop: () => (stopped ??= stop()),
  };
};
