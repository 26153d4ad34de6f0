/**
 * Every Slack Web API method cloudsec calls, with the bot scopes it needs. manifest.yml grants
 * exactly the union of these plus what the registered command and events need; a test keeps the
 * three in step, and the Bolt tests fail on any call to a method missing here.
 *
 * Keys are wire methods: `files.uploadV2` is a client helper that calls files.getUploadURLExternal,
 * POSTs the bytes to the URL it returns, then calls files.completeUploadExternal.
 */
export const WEB_API_SCOPES = {
  /** Start-up check of SLACK_BOT_TOKEN when the bot's ids are not configured. */
  'auth.test': [],
  /** App Home tab. Publishing to the app's own home tab needs no scope. */
  'views.publish': [],
  /** Modals (remediation justification, deny reason) opened from a button's trigger id. */
  'views.open': [],
  /** Answers to button presses in App Home, which have no response_url, go to the user's DM with the app. */
  'chat.postMessage': ['chat:write'],
  'chat.update': ['chat:write'],
  /** The DM channel id for file uploads: files.completeUploadExternal accepts channel ids only, not user ids. */
  'conversations.open': ['im:write'],
  'files.getUploadURLExternal': ['files:write'],
  'files.completeUploadExternal': ['files:write'],
  /** Role bindings to user groups (src/slack/usergroups.ts). */
  'usergroups.users.list': ['usergroups:read'],
  /**
   * "Ask the actor" finds an SSO user's Slack account by e-mail, only with detections.lookupByEmail
   * on (src/slack/user-lookup.ts). Without it the two scopes can be removed from the manifest.
   */
  'users.lookupByEmail': ['users:read', 'users:read.email'],
} as const satisfies Record<string, readonly string[]>;

export type WebApiMethod = keyof typeof WEB_API_SCOPES;

/** Scopes that come with a feature rather than a Web API call. */
export const FEATURE_SCOPES = {
  /** Registering a slash command. */
  slashCommand: ['commands'],
} as const;

/** Scopes Slack requires before it delivers an event to the app. */
export const EVENT_SCOPES: Readonly<Record<string, readonly string[]>> = {
  app_home_opened: [],
  subteam_updated: ['usergroups:read'],
  subteam_members_changed: ['usergroups:read'],
};
