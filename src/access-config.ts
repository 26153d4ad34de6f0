import { z } from 'zod';
import {
  BUILT_IN_ROLES,
  DEFAULT_CHANNEL_POLICY,
  isBuiltInRole,
  PERMISSIONS,
  roleNames,
  type AccessPolicy,
} from './core/access/permissions';

/**
 * The access part of cloudsec.yml: `roles`, `bindings`, `channels`, `accessHelp`.
 *
 * ```yaml
 * roles:                        # custom roles (built-ins: viewer, responder, approver, admin)
 *   auditor: [findings:read, audit:read]
 * bindings:
 *   - role: admin
 *     users: [U012ABCDEF]       # Slack user ids
 *   - role: approver
 *     groups: [S0SECLEADS]      # Slack user-group ids
 *     accounts: ["111111111111", prod]   # optional: account ids or names
 *     ous: [ou-ab12-34cd56ef]   # optional: organization OU ids
 * channels:
 *   findings: [C0SECURITY]      # where findings may be shown
 *   dms: true                   # and in direct messages with the bot
 *   elsewhere: private          # private (only the asker sees it) | refuse
 * accessHelp: "#sec-leads"      # quoted in denial reasons
 * ```
 *
 * `accessConfigShape` is spread into the main ConfigSchema; `validateAccessConfig` runs from its
 * superRefine because it needs the whole document (custom roles, configured accounts).
 */

const knownPermissions = PERMISSIONS.join(', ');
const permission = z.enum(PERMISSIONS, {
  error: (issue) => `unknown permission ${JSON.stringify(issue.input)} (known: ${knownPermissions})`,
});

const slackId = (prefix: string, what: string, example: string) =>
  z
    .string({ error: `expected a Slack ${what} id such as ${example}` })
    .regex(new RegExp(`^[${prefix}][A-Z0-9]{2,}$`), `expected a Slack ${what} id such as ${example}`);

const userId = slackId('UW', 'user', 'U012ABCDEF');
const groupId = slackId('S', 'user-group', 'S0SECLEADS');
const channelId = slackId('CG', 'channel', 'C0SECURITY');

// An unquoted 12-digit id reaches us as a number, and one with a leading zero would silently lose it.
const accountRef = z
  .string({ error: 'expected an account name or a 12-digit account id as a quoted string, e.g. "012345678901"' })
  .min(1);
const ouId = z
  .string()
  .regex(/^ou-[0-9a-z]{4,32}-[0-9a-z]{8,32}$/, 'expected an organization OU id such as ou-ab12-34cd56ef');

const ROLE_NAME = /^[a-z][a-z0-9_-]{0,39}$/;

const roles = z
  .record(z.string(), z.array(permission).min(1, 'a role needs at least one permission'))
  .superRefine((value, ctx) => {
    for (const name of Object.keys(value)) {
      if (isBuiltInRole(name))
        ctx.addIssue({
          code: 'custom',
          message: `"${name}" is a built-in role (${BUILT_IN_ROLES[name].join(', ')}) and cannot be redefined; choose another name`,
          path: [name],
        });
      else if (!ROLE_NAME.test(name))
        ctx.addIssue({
          code: 'custom',
          message: `role names are lower-case letters, digits, "-" and "_", starting with a letter (got "${name}")`,
          path: [name],
        });
    }
  })
  .default({});

const nonEmptyScope = (what: string) =>
  `an empty ${what} list matches no account; remove it to cover every account, or list at least one`;

const binding = z
  .object({
    role: z.string({ error: 'expected a role name' }).min(1, 'expected a role name'),
    users: z.array(userId).optional(),
    groups: z.array(groupId).optional(),
    accounts: z.array(accountRef).min(1, nonEmptyScope('accounts')).optional(),
    ous: z.array(ouId).min(1, nonEmptyScope('ous')).optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    if ((b.users?.length ?? 0) + (b.groups?.length ?? 0) === 0)
      ctx.addIssue({ code: 'custom', message: 'a binding needs users or groups', path: [] });
  });

const channels = z
  .object({
    findings: z.array(channelId).default([]),
    dms: z.boolean().default(DEFAULT_CHANNEL_POLICY.dms),
    elsewhere: z
      .enum(['private', 'refuse'], { error: 'expected private (answer only the asker) or refuse' })
      .default(DEFAULT_CHANNEL_POLICY.elsewhere),
  })
  .strict()
  .default({ ...DEFAULT_CHANNEL_POLICY, findings: [] });

export const accessConfigShape = {
  roles,
  bindings: z.array(binding).default([]),
  channels,
  accessHelp: z
    .string({ error: 'expected where to ask for access, e.g. "#sec-leads" (quoted: # starts a YAML comment)' })
    .min(1, 'expected where to ask for access, e.g. "#sec-leads" (quoted: # starts a YAML comment)')
    .optional(),
};

/** What `validateAccessConfig` reads: the access keys plus, when present, the configured accounts. */
export interface AccessConfigDocument extends AccessPolicy {
  accounts?: readonly { id: string; name: string }[] | undefined;
  organization?: unknown;
}

/** The part of zod's refinement context this needs, so any ConfigSchema's ctx fits. */
export interface IssueSink {
  addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[] }): void;
}

/**
 * Checks that need more than one key: every binding names a known role and, when the accounts are
 * listed explicitly (no `organization`), every account entry names one of them. With an
 * organization, names are only known after discovery, so they are matched at decision time.
 */
export const validateAccessConfig = (config: AccessConfigDocument, ctx: IssueSink): void => {
  const known = roleNames(config);
  const listed = config.organization === undefined ? config.accounts : undefined;
  config.bindings.forEach((b, i) => {
    if (!known.includes(b.role))
      ctx.addIssue({
        code: 'custom',
        message: `unknown role "${b.role}" (known: ${known.join(', ')})`,
        path: ['bindings', i, 'role'],
      });
    if (!listed) return;
    b.accounts?.forEach((entry, j) => {
      if (!listed.some((a) => a.id === entry || a.name === entry))
        ctx.addIssue({
          code: 'custom',
          message: `"${entry}" is not a configured account (configured: ${listed.map((a) => `${a.id} ${a.name}`).join(', ')})`,
          path: ['bindings', i, 'accounts', j],
        });
    });
  });
};

export const AccessConfigSchema = z
  .object(accessConfigShape)
  .strict()
  .superRefine((c, ctx) => validateAccessConfig(c, ctx));
export type AccessConfig = z.infer<typeof AccessConfigSchema>;
