import fs from 'node:fs';
import path from 'node:path';
import { App } from '@slack/bolt';
import { parse } from 'yaml';
import { z } from 'zod';
import type { CloudsecApp } from '../../src/app/conversation';
import { startSlackApp } from '../../src/slack/bolt-app';
import { createLogger } from '../../src/slack/logger';
import { createMetrics } from '../../src/slack/metrics';
import { readSlackEnv } from '../../src/slack/slack-env';
import { EVENT_SCOPES, FEATURE_SCOPES, WEB_API_SCOPES } from '../../src/slack/web-api-scopes';
import { BOT_IDENTITY, BOT_TOKEN, SIGNING_SECRET } from '../fixtures/slack';

/**
 * manifest.yml against the code: what the Bolt app registers must be declared, and the bot scopes
 * must be exactly those its Web API calls and events need. (The Bolt tests fail on any Web API call
 * missing from WEB_API_SCOPES, which closes the loop.)
 */

// The limits Slack's manifest validator enforces (see @slack/web-api's Manifest type).
const ManifestSchema = z.object({
  display_information: z.object({
    name: z.string().min(1).max(35),
    description: z.string().max(140).optional(),
    long_description: z.string().min(175).max(4000).optional(),
    background_color: z
      .string()
      .regex(/^#([0-9a-f]{3}|[0-9a-f]{6})$/i)
      .optional(),
  }),
  features: z.object({
    app_home: z.object({
      home_tab_enabled: z.boolean(),
      messages_tab_enabled: z.boolean(),
      messages_tab_read_only_enabled: z.boolean().optional(),
    }),
    bot_user: z.object({
      display_name: z.string().regex(/^[a-z0-9._-]{1,80}$/),
      always_online: z.boolean().optional(),
    }),
    slash_commands: z
      .array(
        z.object({
          command: z.string().regex(/^\/[a-z0-9_-]{1,31}$/),
          description: z.string().min(1).max(2000),
          usage_hint: z.string().max(1000).optional(),
          should_escape: z.boolean().optional(),
          url: z.url().optional(),
        }),
      )
      .max(50),
  }),
  oauth_config: z.object({ scopes: z.object({ bot: z.array(z.string()).min(1) }).strict() }),
  settings: z.object({
    event_subscriptions: z.object({ bot_events: z.array(z.string()), request_url: z.url().optional() }),
    interactivity: z.object({ is_enabled: z.boolean(), request_url: z.url().optional() }),
    socket_mode_enabled: z.boolean(),
    org_deploy_enabled: z.boolean().optional(),
    token_rotation_enabled: z.boolean().optional(),
  }),
});

const manifestText = fs.readFileSync(path.join(__dirname, '../../manifest.yml'), 'utf8');
const manifest = ManifestSchema.parse(parse(manifestText));

const app: CloudsecApp = {
  actionIds: ['findings.page'],
  callbackIds: [],
  handleViewSubmission: async () => ({ errors: {} }),
  handleCommand: async () => undefined,
  handleAction: async () => undefined,
  homeView: async () => ({ type: 'home', blocks: [] }),
  handleSubteamEvent: async () => undefined,
};

/** What startSlackApp registers on a real Bolt app, read from Bolt's own registration methods. */
const registrations = async () => {
  const command = jest.spyOn(App.prototype, 'command');
  const event = jest.spyOn(App.prototype, 'event');
  const action = jest.spyOn(App.prototype, 'action');
  const running = await startSlackApp({
    app,
    env: readSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0' }),
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    botIdentity: BOT_IDENTITY,
    host: '127.0.0.1',
  });
  await running.stop();
  const names = (spy: jest.SpyInstance) => spy.mock.calls.map((args: unknown[]) => args[0]);
  const result = { commands: names(command), events: names(event), actions: action.mock.calls.length };
  jest.restoreAllMocks();
  return result;
};

describe('manifest.yml', () => {
  let registered: Awaited<ReturnType<typeof registrations>>;
  beforeAll(async () => {
    registered = await registrations();
  });

  it('when the Bolt app registers a slash command, then the manifest declares it with the usage hint', () => {
    expect(registered.commands).toEqual(['/cloudsec']);
    for (const command of registered.commands) {
      expect(manifest.features.slash_commands).toContainEqual(
        expect.objectContaining({ command, usage_hint: 'check s3 | findings high | whoami | help' }),
      );
    }
  });

  it('when the Bolt app listens to events, then bot_events lists exactly those', () => {
    expect(registered.events.length).toBeGreaterThan(0);
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(
      [...new Set(registered.events as string[])].sort(),
    );
  });

  it('when the Bolt app handles buttons, then interactivity is on; the home tab it publishes is on too', () => {
    expect(registered.actions).toBeGreaterThan(0);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(registered.events).toContain('app_home_opened');
    expect(manifest.features.app_home).toMatchObject({ home_tab_enabled: true, messages_tab_enabled: true });
  });

  it('when the app runs in Socket Mode by default, then the manifest enables it', () => {
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('when every Web API method, event and feature is counted, then the granted bot scopes are exactly what they need', () => {
    const events = manifest.settings.event_subscriptions.bot_events;
    const unknownEvents = events.filter((e) => !(e in EVENT_SCOPES));
    const needed = new Set([
      ...FEATURE_SCOPES.slashCommand,
      ...Object.values(WEB_API_SCOPES).flat(),
      ...events.flatMap((e) => EVENT_SCOPES[e] ?? []),
    ]);
    const granted = new Set(manifest.oauth_config.scopes.bot);

    expect(unknownEvents).toEqual([]);
    expect({ missing: [...needed].filter((s) => !granted.has(s)) }).toEqual({ missing: [] });
    expect({ unused: [...granted].filter((s) => !needed.has(s)) }).toEqual({ unused: [] });
  });

  it('when a scope is granted, then a comment in the manifest says why', () => {
    const lines = manifestText.split('\n');
    for (const scope of manifest.oauth_config.scopes.bot) {
      const at = lines.findIndex((l) => l.trim() === `- ${scope}`);
      expect({ scope, explained: lines[at - 1]?.trim().startsWith('#') }).toEqual({ scope, explained: true });
    }
  });
});
