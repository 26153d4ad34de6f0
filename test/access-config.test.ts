import { parseDocument } from 'yaml';
import { z } from 'zod';
import { accessConfigShape, AccessConfigSchema, validateAccessConfig } from '../src/access-config';
import { formatIssues } from '../src/config-issues';
import type { AccessPolicy } from '../src/core/access/permissions';

const fromYaml = (text: string): unknown => parseDocument(text).toJS() ?? {};

/** The access part spread into a config with accounts, the way the lead's ConfigSchema composes it. */
const ComposedSchema = z
  .object({
    accounts: z.array(z.object({ id: z.string(), name: z.string() })).optional(),
    organization: z.object({ roleName: z.string() }).optional(),
    ...accessConfigShape,
  })
  .strict()
  .superRefine((c, ctx) => validateAccessConfig(c, ctx));

const errorsOf = (schema: z.ZodType, yaml: string): string => {
  const parsed = schema.safeParse(fromYaml(yaml));
  if (parsed.success) throw new Error('expected the config to be rejected');
  return formatIssues(parsed.error.issues, 'cloudsec.yml');
};

describe('AccessConfigSchema', () => {
  it('when the access keys are absent, then nobody is bound and findings show only in DMs', () => {
    const config: AccessPolicy = AccessConfigSchema.parse({});
    expect(config).toEqual({
      roles: {},
      bindings: [],
      channels: { findings: [], dms: true, elsewhere: 'private' },
    });
  });

  it('when the documented example is given, then it is kept as written', () => {
    const config = AccessConfigSchema.parse(
      fromYaml(`
roles:
  auditor: [findings:read, audit:read]
bindings:
  - role: admin
    users: [U012ABCDEF]
  - role: approver
    groups: [S0SECLEADS]
    accounts: ["111111111111", prod]
    ous: [ou-ab12-34cd56ef]
  - role: auditor
    users: [W0AUDITOR1]
channels:
  findings: [C0SECURITY]
  dms: true
  elsewhere: refuse
accessHelp: "#sec-leads"
`),
    );
    expect(config).toEqual({
      roles: { auditor: ['findings:read', 'audit:read'] },
      bindings: [
        { role: 'admin', users: ['U012ABCDEF'] },
        { role: 'approver', groups: ['S0SECLEADS'], accounts: ['111111111111', 'prod'], ous: ['ou-ab12-34cd56ef'] },
        { role: 'auditor', users: ['W0AUDITOR1'] },
      ],
      channels: { findings: ['C0SECURITY'], dms: true, elsewhere: 'refuse' },
      accessHelp: '#sec-leads',
    });
  });

  it.each([
    [
      'bindings:\n  - { role: viewer, users: [U1AAAAAAAA] }\n  - { role: admin, users: [U1AAAAAAAA] }\n  - { role: aprover, groups: [S0SECLEADS] }',
      'cloudsec.yml: bindings[2].role: unknown role "aprover" (known: viewer, responder, approver, admin)',
    ],
    [
      'roles: { auditor: [findings:read] }\nbindings: [{ role: auditr, users: [U1AAAAAAAA] }]',
      'cloudsec.yml: bindings[0].role: unknown role "auditr" (known: viewer, responder, approver, admin, auditor)',
    ],
    [
      'roles:\n  auditor: [findings:read, audit:write]',
      'cloudsec.yml: roles.auditor[1]: unknown permission "audit:write" (known: check:run, findings:read, remediation:request, remediation:approve, remediation:undo, exception:request, exception:approve, alert:read, alert:triage, digest:manage, audit:read, admin)',
    ],
    ['bindings:\n  - role: viewer', 'cloudsec.yml: bindings[0]: a binding needs users or groups'],
    [
      'bindings:\n  - { role: viewer, users: [], groups: [] }',
      'cloudsec.yml: bindings[0]: a binding needs users or groups',
    ],
    ['bindings:\n  - { users: [U1AAAAAAAA] }', 'cloudsec.yml: bindings[0].role: expected a role name'],
    [
      'bindings:\n  - { role: viewer, users: [alice] }',
      'cloudsec.yml: bindings[0].users[0]: expected a Slack user id such as U012ABCDEF',
    ],
    [
      'bindings:\n  - { role: viewer, groups: [C0SECURITY] }',
      'cloudsec.yml: bindings[0].groups[0]: expected a Slack user-group id such as S0SECLEADS',
    ],
    [
      'bindings:\n  - { role: viewer, users: [U1AAAAAAAA], accounts: [111111111111] }',
      'cloudsec.yml: bindings[0].accounts[0]: expected an account name or a 12-digit account id as a quoted string',
    ],
    [
      'bindings:\n  - { role: viewer, users: [U1AAAAAAAA], accounts: [] }',
      'cloudsec.yml: bindings[0].accounts: an empty accounts list matches no account',
    ],
    [
      'bindings:\n  - { role: viewer, users: [U1AAAAAAAA], ous: [r-ab12] }',
      'cloudsec.yml: bindings[0].ous[0]: expected an organization OU id such as ou-ab12-34cd56ef',
    ],
    [
      'bindings:\n  - { role: viewer, users: [U1AAAAAAAA], team: x }',
      'cloudsec.yml: bindings[0]: Unrecognized key: "team"',
    ],
    ['roles:\n  admin: [findings:read]', 'cloudsec.yml: roles.admin: "admin" is a built-in role'],
    ['roles:\n  Auditor: [findings:read]', 'cloudsec.yml: roles.Auditor: role names are lower-case letters'],
    ['roles:\n  auditor: []', 'cloudsec.yml: roles.auditor: a role needs at least one permission'],
    ['channels: { findings: [general] }', 'cloudsec.yml: channels.findings[0]: expected a Slack channel id'],
    [
      'channels: { elsewhere: public }',
      'cloudsec.yml: channels.elsewhere: expected private (answer only the asker) or refuse',
    ],
    ['accessHelp: ""', 'cloudsec.yml: accessHelp: expected where to ask for access'],
    ['accessHelp: #sec-leads', 'cloudsec.yml: accessHelp: expected where to ask for access'],
    ['accessHelp: 42', 'cloudsec.yml: accessHelp: expected where to ask for access'],
  ])('when the config is %j, then the error is %s', (yaml, expected) => {
    expect(errorsOf(AccessConfigSchema, yaml)).toContain(expected);
  });
});

describe('validateAccessConfig with configured accounts', () => {
  const accounts = 'accounts:\n  - { id: "111111111111", name: prod }\n  - { id: "222222222222", name: dev }\n';

  it('when binding accounts name configured ids or names, then the config is accepted', () => {
    const parsed = ComposedSchema.safeParse(
      fromYaml(`${accounts}bindings:\n  - { role: viewer, users: [U1AAAAAAAA], accounts: ["111111111111", dev] }`),
    );
    expect(parsed.success).toBe(true);
  });

  it('when a binding names an account that is not configured, then the error gives its exact path', () => {
    expect(
      errorsOf(
        ComposedSchema,
        `${accounts}bindings:\n  - { role: viewer, users: [U1AAAAAAAA], accounts: [prod, prdo] }`,
      ),
    ).toContain(
      'cloudsec.yml: bindings[0].accounts[1]: "prdo" is not a configured account (configured: 111111111111 prod, 222222222222 dev)',
    );
  });

  it('when the organization is scanned, then account names are left to decision time', () => {
    const parsed = ComposedSchema.safeParse(
      fromYaml(
        `${accounts}organization: { roleName: cloudsec-read }\nbindings:\n  - { role: viewer, users: [U1AAAAAAAA], accounts: [staging] }`,
      ),
    );
    expect(parsed.success).toBe(true);
  });
});
