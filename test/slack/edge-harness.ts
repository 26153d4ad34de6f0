/**
 * A real Bolt app (HTTP mode, loopback) in front of a recording CloudsecApp, for the tests of what
 * reaches cloudsec from the public port: signatures, timestamps, replays, workspaces, body sizes,
 * slow clients. Slack's Web API is intercepted by nock at SLACK_API.
 */
import nock from 'nock';
import type { ActionInvocation, CloudsecApp, CommandInvocation, ViewSubmission } from '../../src/app/conversation';
import {
  startSlackApp,
  type BotIdentity,
  type RunningSlackApp,
  type StartSlackAppOptions,
} from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { WEB_API_SCOPES } from '../../src/slack/web-api-scopes';
import { BOT_IDENTITY, BOT_TOKEN, SIGNING_SECRET } from '../fixtures/slack';

export const SLACK_API = 'https://slack.test';

/** Calls in arrival order; `next()` hands out each one once, waiting for it if it has not come yet. */
export const callQueue = <T>() => {
  const items: T[] = [];
  const waiters: Array<(item: T) => void> = [];
  let cursor = 0;
  return {
    all: items,
    push(item: T) {
      items.push(item);
      const waiter = waiters.shift();
      if (waiter) waiter(items[cursor++]!);
    },
    next(): Promise<T> {
      if (cursor < items.length) return Promise.resolve(items[cursor++]!);
      return new Promise<T>((resolve) => waiters.push(resolve));
    },
  };
};

export const recordingApp = (options: { callbackIds?: string[] } = {}) => {
  const commands = callQueue<CommandInvocation>();
  const actions = callQueue<ActionInvocation>();
  const views = callQueue<ViewSubmission>();
  const homeViews = callQueue<string>();
  const subteamEvents = callQueue<unknown>();
  const app: CloudsecApp = {
    actionIds: ['findings.page', 'remediation.approve'],
    callbackIds: options.callbackIds ?? ['remediation.justify'],
    handleViewSubmission: async (submission) => {
      views.push(submission);
      return { errors: {} };
    },
    handleCommand: async (invocation) => commands.push(invocation),
    handleAction: async (invocation) => actions.push(invocation),
    homeView: async (actor) => {
      homeViews.push(actor.userId);
      return { type: 'home', blocks: [] };
    },
    handleSubteamEvent: async (event) => subteamEvents.push(event),
  };
  return { app, commands, actions, views, homeViews, subteamEvents };
};

export interface WebApiCall {
  method: string;
  params: Record<string, string>;
}

/** The Web API at SLACK_API: answers from `answers` (a function may vary them per call), records every call. */
export const fakeWebApi = (answers: Record<string, object | ((params: Record<string, string>) => object)> = {}) => {
  const calls = callQueue<WebApiCall>();
  // A catch-all recording every call: a test asserts the calls it expects (or none) on what is
  // recorded, so the catch-all itself may go unused (optional).
  nock(SLACK_API)
    .persist()
    .post(/^\/api\/[\w.]+$/)
    .optionally()
    .reply((uri, body) => {
      const method = uri.replace('/api/', '');
      const raw = typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString();
      const params = Object.fromEntries(new URLSearchParams(raw));
      calls.push({ method, params });
      if (!(method in WEB_API_SCOPES)) return [200, { ok: false, error: 'method_not_in_WEB_API_SCOPES' }];
      const answer = answers[method];
      return [200, typeof answer === 'function' ? answer(params) : (answer ?? { ok: true })];
    });
  return calls;
};

export interface EdgeAppOptions {
  env?: NodeJS.ProcessEnv;
  botIdentity?: BotIdentity;
  extra?: Partial<Omit<StartSlackAppOptions, 'app' | 'env' | 'logger' | 'metrics'>>;
  callbackIds?: string[];
}

export interface EdgeApp {
  running: RunningSlackApp;
  baseUrl: string;
  port: number;
  app: ReturnType<typeof recordingApp>;
  stop(): Promise<void>;
}

export const startEdgeApp = async (options: EdgeAppOptions = {}): Promise<EdgeApp> => {
  const app = recordingApp(options.callbackIds ? { callbackIds: options.callbackIds } : {});
  const running = await startSlackApp({
    app: app.app,
    env: readSlackEnv({
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      PORT: '0',
      SLACK_API_URL: `${SLACK_API}/api/`,
      ...options.env,
    }),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    botIdentity: options.botIdentity ?? BOT_IDENTITY,
    host: '127.0.0.1',
    ...options.extra,
  });
  return {
    running,
    port: running.port,
    baseUrl: `http://127.0.0.1:${running.port}`,
    app,
    stop: () => running.stop(),
  };
};

/** Resolves after `ms`; for bounded waits ("nothing arrived within …"). */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
