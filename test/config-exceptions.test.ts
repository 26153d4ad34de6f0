import { parseConfig, validateConfigExceptions } from '../src/config';
import { CloudsecError } from '../src/errors';
import {
  ConfigExceptionsSchema,
  exceptionsFromConfig,
  latestConfigExpiry,
  personFromConfig,
  type ConfigException,
} from '../src/core/exceptions/from-config';
import { DEFAULT_EXCEPTION_MAX_DAYS, RiskExceptionSchema } from '../src/core/exceptions/model';

const FILE = 'cloudsec.yml';

/** The error lines of a refused config, without the "Invalid configuration in …" header. */
const errorLines = (yaml: string): string[] => {
  try {
    parseConfig(yaml, FILE);
  } catch (err) {
    if (!(err instanceof CloudsecError)) throw err;
    expect(err.code).toBe('config');
    const [header, ...lines] = err.message.split('\n');
    expect(header).toBe(`Invalid configuration in ${FILE}:`);
    return lines.map((l) => l.replace(/^ {2}/, ''));
  }
  throw new Error('expected the config to be refused');
};

const LEGACY_WEBSITE = [
  '    - name: legacy-website',
  '      scope:',
  '        accounts: ["111122223333"]',
  '        checks: ["s3_bucket_*"]',
  '        resources: ["arn:aws:s3:::legacy-*"]',
  '        regions: [eu-west-1, global]',
  '        tags: { team: web }',
  '      reason: "Static site; public by design, reviewed in SEC-123"',
  '      owner: U0123ABCD',
  '      approver: "Dana Lee"',
  '      expires: 2027-03-01',
].join('\n');

const LEGACY_WEBSITE_PARSED: ConfigException = {
  name: 'legacy-website',
  scope: {
    accounts: ['111122223333'],
    checks: ['s3_bucket_*'],
    resources: ['arn:aws:s3:::legacy-*'],
    regions: ['eu-west-1', 'global'],
    tags: { team: 'web' },
  },
  reason: 'Static site; public by design, reviewed in SEC-123',
  owner: 'U0123ABCD',
  approver: 'Dana Lee',
  expires: '2027-03-01T23:59:59.999Z',
};

/** One entry under `exceptions.accepted`, its fields given as YAML lines (6-space indent). */
const accepted = (...entries: string[][]) =>
  [
    'exceptions:',
    '  accepted:',
    ...entries.flatMap((lines) => lines.map((l, i) => (i === 0 ? `    - ${l}` : `      ${l}`))),
  ].join('\n');

const entry = (overrides: Record<string, string | undefined> = {}): string[] => {
  const fields: Record<string, string | undefined> = {
    name: 'legacy-website',
    scope: '{ accounts: ["111122223333"], checks: ["s3_bucket_*"] }',
    reason: 'Static site',
    owner: 'U0123ABCD',
    approver: '"Dana Lee"',
    expires: '2027-03-01',
    ...overrides,
  };
  return Object.entries(fields).flatMap(([key, value]) => (value === undefined ? [] : [`${key}: ${value}`]));
};

const LABEL = 'cloudsec.yml: exceptions.accepted[0 "legacy-website"]';

describe('exceptions in cloudsec.yml', () => {
  it('when maxDays and an accepted list are given, then every field is kept and the expiry is the end of that day in UTC', () => {
    const config = parseConfig(`exceptions:\n  maxDays: 120\n  accepted:\n${LEGACY_WEBSITE}\n`, FILE);
    expect(config.exceptions).toEqual({ maxDays: 120, accepted: [LEGACY_WEBSITE_PARSED] });
  });

  it('when exceptions is a bare list, then it is the accepted list with the default maxDays', () => {
    const bare = LEGACY_WEBSITE.replace(/^ {2}/gm, '');
    const config = parseConfig(`exceptions:\n${bare}\n`, FILE);
    expect(config.exceptions).toEqual({ maxDays: DEFAULT_EXCEPTION_MAX_DAYS, accepted: [LEGACY_WEBSITE_PARSED] });
    expect(DEFAULT_EXCEPTION_MAX_DAYS).toBe(90);
  });

  it('when only maxDays is given, then nothing is accepted', () => {
    expect(parseConfig('exceptions:\n  maxDays: 30\n', FILE).exceptions).toEqual({ maxDays: 30, accepted: [] });
  });

  it('when the accounts are listed, then a scope on one of them or on every account ("*") is accepted', () => {
    const config = parseConfig(
      [
        'accounts:',
        '  - { id: "111122223333", name: web }',
        accepted(entry(), entry({ name: 'everywhere', scope: '{ accounts: ["*"], checks: [iam_root_mfa] }' })),
      ].join('\n'),
      FILE,
    );
    expect(config.exceptions.accepted.map((e) => e.scope.accounts)).toEqual([['111122223333'], ['*']]);
  });

  it('when an organization is configured, then scopes may name any account and OUs', () => {
    const config = parseConfig(
      [
        'organization: { roleName: cloudsec-read }',
        'accounts:',
        '  - { id: "111111111111", name: prod }',
        accepted(entry({ scope: '{ accounts: ["999999999999"], ous: [ou-ab12-34cd56ef], checks: ["*"] }' })),
      ].join('\n'),
      FILE,
    );
    expect(config.exceptions.accepted[0]?.scope).toEqual({
      accounts: ['999999999999'],
      ous: ['ou-ab12-34cd56ef'],
      checks: ['*'],
    });
  });

  it('when the approver is a Slack id and the owner a name, then both are kept as written', () => {
    const [e] = parseConfig(accepted(entry({ owner: '"Sam Web"', approver: 'U0SECLEAD1' })), FILE).exceptions.accepted;
    expect(e).toMatchObject({ owner: 'Sam Web', approver: 'U0SECLEAD1' });
  });
});

describe('expiry dates as YAML writes them', () => {
  const expiresOf = (yaml: string) => parseConfig(yaml, FILE).exceptions.accepted[0]?.expires;

  it.each([
    ['an unquoted date', accepted(entry({ expires: '2027-03-01' }))],
    ['a quoted date', accepted(entry({ expires: '"2027-03-01"' }))],
    ['an unquoted date under YAML 1.1 (read as a Date at midnight)', `%YAML 1.1\n---\n${accepted(entry())}`],
    ['a quoted date under YAML 1.1', `%YAML 1.1\n---\n${accepted(entry({ expires: "'2027-03-01'" }))}`],
  ])('when the expiry is %s, then it means the end of 2027-03-01 in UTC', (_form, yaml) => {
    expect(expiresOf(yaml)).toBe('2027-03-01T23:59:59.999Z');
  });

  it.each([
    ['2027-03-01T17:00:00Z', '2027-03-01T17:00:00.000Z'],
    ['"2027-03-01T17:00:00+02:00"', '2027-03-01T15:00:00.000Z'],
    ['2027-03-01T17:00:00.250-05:00', '2027-03-01T22:00:00.250Z'],
  ])('when the expiry is the timestamp %s, then it is that instant in UTC', (written, iso) => {
    expect(expiresOf(accepted(entry({ expires: written })))).toBe(iso);
  });

  it('when a timestamp is read under YAML 1.1 (as a Date), then it means what the same text means otherwise', () => {
    expect(expiresOf(`%YAML 1.1\n---\n${accepted(entry({ expires: '2027-03-01T17:00:00+02:00' }))}`)).toBe(
      '2027-03-01T15:00:00.000Z',
    );
    // YAML 1.1 would read a time without a zone as UTC; cloudsec refuses to guess, in either version.
    expect(errorLines(`%YAML 1.1\n---\n${accepted(entry({ expires: '2027-03-01T17:00:00' }))}`)).toEqual([
      'cloudsec.yml: exceptions.accepted[0 "legacy-website"].expires: "2027-03-01T17:00:00" has no time zone: expected a date such as 2027-03-01 (the end of that day, UTC) or a timestamp with a time zone such as 2027-03-01T17:00:00Z',
    ]);
  });

  it('when the section is given a Date object directly, then its instant is the expiry', () => {
    const section = ConfigExceptionsSchema.parse([
      {
        name: 'web',
        scope: { accounts: ['*'], checks: ['s3_*'] },
        reason: 'r',
        owner: 'U0123ABCD',
        approver: 'Dana Lee',
        expires: new Date('2027-03-01T12:00:00Z'),
      },
    ]);
    expect(section.accepted[0]?.expires).toBe('2027-03-01T12:00:00.000Z');
  });
});

describe('refused exceptions say which entry and field', () => {
  const FORMAT =
    'expected a date such as 2027-03-01 (the end of that day, UTC) or a timestamp with a time zone such as 2027-03-01T17:00:00Z';

  it.each<[string, string, string[]]>([
    ['an unknown key in an entry', accepted([...entry(), 'colour: blue']), [`${LABEL}: Unrecognized key: "colour"`]],
    [
      'an unknown key in the section',
      'exceptions:\n  acepted: []',
      ['cloudsec.yml: exceptions: Unrecognized key: "acepted"'],
    ],
    [
      'every required field missing',
      accepted(['name: legacy-website']),
      [
        `${LABEL}.scope: required: what the exception covers (accounts or ous, and checks), e.g. { accounts: ["111122223333"], checks: ["s3_bucket_*"] }`,
        `${LABEL}.reason: required: why the risk is accepted`,
        `${LABEL}.owner: required: who owns the risk (a Slack user id such as U0123ABCD, or a name)`,
        `${LABEL}.approver: required: who approved it (a name or a Slack user id); not the owner`,
        `${LABEL}.expires: required: when the acceptance ends; ${FORMAT}`,
      ],
    ],
    ['a blank reason', accepted(entry({ reason: '"   "' })), [`${LABEL}.reason: required: why the risk is accepted`]],
    [
      'the owner as approver',
      accepted(entry({ owner: '"Dana Lee"', approver: 'dana lee' })),
      [
        `${LABEL}.approver: must be someone other than the owner ("Dana Lee"): the owner of a risk cannot approve accepting it`,
      ],
    ],
    [
      'the owner as approver, by Slack id',
      accepted(entry({ approver: 'U0123ABCD' })),
      [
        `${LABEL}.approver: must be someone other than the owner ("U0123ABCD"): the owner of a risk cannot approve accepting it`,
      ],
    ],
    [
      'a name used twice',
      accepted(entry(), entry({ reason: 'again' })),
      ['cloudsec.yml: exceptions.accepted[1 "legacy-website"].name: exception "legacy-website" is defined twice'],
    ],
    [
      'a name that cannot be an id',
      accepted(entry({ name: 'Legacy_Website' })),
      [
        'cloudsec.yml: exceptions.accepted[0 "Legacy_Website"].name: expected 1-64 lower-case letters, digits and "-" (the id becomes cfg_<name>)',
      ],
    ],
    [
      'an account id that is not 12 digits',
      accepted(entry({ scope: '{ accounts: ["1111222233"], checks: ["s3_*"] }' })),
      [`${LABEL}.scope.accounts[0]: expected a 12-digit account id or *`],
    ],
    [
      'an unquoted account id',
      accepted(entry({ scope: '{ accounts: [011122223333], checks: ["s3_*"] }' })),
      [
        `${LABEL}.scope.accounts[0]: expected a 12-digit account id as a quoted string (quote it in YAML: "012345678901")`,
      ],
    ],
    [
      'a scope without accounts or OUs',
      accepted(entry({ scope: '{ checks: ["s3_*"] }' })),
      [`${LABEL}.scope.accounts: name the accounts or OUs the exception covers (accounts: ["*"] for every account)`],
    ],
    [
      'an unknown scope key',
      accepted(entry({ scope: '{ accounts: ["*"], checks: ["s3_*"], service: s3 }' })),
      [`${LABEL}.scope: Unrecognized key: "service"`],
    ],
    [
      'an account missing from accounts:',
      ['accounts:', '  - { id: "111111111111", name: prod }', accepted(entry())].join('\n'),
      [
        `${LABEL}.scope.accounts[0]: account 111122223333 is not in accounts: (configured: 111111111111 prod); add it there, or use "*" for every account`,
      ],
    ],
    [
      'OUs without an organization',
      accepted(entry({ scope: '{ ous: [ou-ab12-34cd56ef], checks: ["s3_*"] }' })),
      [`${LABEL}.scope.ous: OUs are known only when organization: is configured; name the accounts instead`],
    ],
    [
      'a misspelt region',
      accepted(entry({ scope: '{ accounts: ["*"], checks: ["s3_*"], regions: [eu-west-9] }' })),
      [
        expect.stringMatching(
          /^cloudsec\.yml: exceptions\.accepted\[0 "legacy-website"\]\.scope\.regions\[0\]: expected an AWS region name or global; /,
        ) as unknown as string,
      ],
    ],
    [
      'a region that is not scanned',
      `regions: [us-east-1]\n${accepted(entry({ scope: '{ accounts: ["*"], checks: ["s3_*"], regions: [eu-west-1] }' }))}`,
      [`${LABEL}.scope.regions[0]: eu-west-1 is not scanned (regions: us-east-1); add it there or remove it here`],
    ],
    [
      'an unreadable date',
      accepted(entry({ expires: 'next-march' })),
      [`${LABEL}.expires: "next-march" is not a date: ${FORMAT}`],
    ],
    [
      'a day that does not exist',
      accepted(entry({ expires: '2027-02-30' })),
      [`${LABEL}.expires: "2027-02-30" is not a date: ${FORMAT}`],
    ],
    [
      'a timestamp without a time zone',
      accepted(entry({ expires: '2027-03-01T17:00:00' })),
      [`${LABEL}.expires: "2027-03-01T17:00:00" has no time zone: ${FORMAT}`],
    ],
    ['a number', accepted(entry({ expires: '20270301' })), [`${LABEL}.expires: ${FORMAT}`]],
    [
      'an error in a bare list',
      `exceptions:\n${accepted(entry({ reason: undefined }))
        .split('\n')
        .slice(2)
        .join('\n')
        .replace(/^ {2}/gm, '')}`,
      ['cloudsec.yml: exceptions[0 "legacy-website"].reason: required: why the risk is accepted'],
    ],
    [
      'maxDays 0',
      'exceptions: { maxDays: 0 }',
      ['cloudsec.yml: exceptions.maxDays: expected a whole number of days, 1 to 365'],
    ],
    [
      'maxDays 366',
      'exceptions: { maxDays: 366 }',
      ['cloudsec.yml: exceptions.maxDays: at most 365 days: an accepted risk is looked at again at least once a year'],
    ],
    [
      'maxDays 2.5',
      'exceptions: { maxDays: 2.5 }',
      ['cloudsec.yml: exceptions.maxDays: expected a whole number of days, 1 to 365'],
    ],
    [
      'maxDays as text',
      'exceptions: { maxDays: "90" }',
      ['cloudsec.yml: exceptions.maxDays: expected a whole number of days, 1 to 365'],
    ],
    [
      'an empty section',
      'exceptions:',
      ['cloudsec.yml: exceptions: expected a list of accepted risks, or maxDays and accepted'],
    ],
  ])('when the file has %s, then the errors are exactly these', (_case, yaml, lines) => {
    expect(errorLines(yaml)).toEqual(lines);
  });

  it.each([1, 365])('when maxDays is %i, then it is accepted', (days) => {
    expect(parseConfig(`exceptions: { maxDays: ${days} }`, FILE).exceptions.maxDays).toBe(days);
  });
});

describe('validateConfigExceptions at start-up', () => {
  // 90 days after 2026-01-01 is 2026-04-01.
  const NOW = new Date('2026-01-01T15:30:00Z');
  const configExpiring = (expires: string, maxDays = 90) =>
    parseConfig(
      `exceptions:\n  maxDays: ${maxDays}\n${accepted(entry({ expires })).split('\n').slice(1).join('\n')}`,
      FILE,
    );

  it('when the expiry is exactly maxDays ahead (as a date), then it is fine whatever the time of day', () => {
    expect(validateConfigExceptions(configExpiring('2026-04-01'), NOW)).toEqual([]);
    expect(validateConfigExceptions(configExpiring('2026-04-01'), new Date('2026-01-01T23:59:59.999Z'))).toEqual([]);
    expect(validateConfigExceptions(configExpiring('2026-04-01T23:59:59.999Z'), NOW)).toEqual([]);
  });

  it('when the expiry is a day more than maxDays ahead, then it is refused naming the entry and the latest date', () => {
    expect(validateConfigExceptions(configExpiring('2026-04-02'), NOW)).toEqual([
      'exception "legacy-website": expires 2026-04-02T23:59:59.999Z, more than 90 days ahead (exceptions.maxDays); the latest allowed today is 2026-04-01',
    ]);
    expect(validateConfigExceptions(configExpiring('2026-04-02T00:00:00Z'), NOW)).toHaveLength(1);
  });

  it('when the next day begins, then the same date moves within reach', () => {
    expect(validateConfigExceptions(configExpiring('2026-04-02'), new Date('2026-01-02T00:00:00Z'))).toEqual([]);
  });

  it('when maxDays is 1, then tomorrow is allowed and the day after is not', () => {
    expect(validateConfigExceptions(configExpiring('2026-01-02', 1), NOW)).toEqual([]);
    expect(validateConfigExceptions(configExpiring('2026-01-03', 1), NOW)).toHaveLength(1);
  });

  it('when a config exception has already expired, then it is not a start-up error', () => {
    expect(validateConfigExceptions(configExpiring('2025-06-30'), NOW)).toEqual([]);
  });

  it('when computing the latest expiry, then it is the end of the UTC day maxDays after today', () => {
    expect(latestConfigExpiry(90, NOW).toISOString()).toBe('2026-04-01T23:59:59.999Z');
    // 23:30 in New York on 31 December is already 1 January in UTC: days are counted in UTC.
    expect(latestConfigExpiry(1, new Date('2025-12-31T23:30:00-05:00')).toISOString()).toBe('2026-01-02T23:59:59.999Z');
  });
});

describe('exceptionsFromConfig', () => {
  const NOW = new Date('2026-01-01T15:30:00Z');

  it('when an entry is converted, then it is an active config exception that the core schema accepts', () => {
    const [exception] = exceptionsFromConfig([LEGACY_WEBSITE_PARSED], NOW);
    expect(exception).toEqual({
      id: 'cfg_legacy-website',
      source: 'config',
      status: 'active',
      scope: LEGACY_WEBSITE_PARSED.scope,
      reason: 'Static site; public by design, reviewed in SEC-123',
      owner: { id: 'U0123ABCD' },
      requester: { kind: 'system', id: 'cloudsec.yml' },
      approver: { id: 'Dana Lee', name: 'Dana Lee' },
      createdAt: '2026-01-01T15:30:00.000Z',
      decidedAt: null,
      expiresAt: '2027-03-01T23:59:59.999Z',
      decisionNote: null,
      accepted: [],
      extension: null,
      message: null,
      remindedAt: null,
      suppressedInSecurityHub: [],
      updatedAt: '2026-01-01T15:30:00.000Z',
      version: 1,
    });
    expect(RiskExceptionSchema.parse(exception)).toEqual(exception);
  });

  it('when the expiry is reached, then the exception is expired from that instant on', () => {
    const e = { ...LEGACY_WEBSITE_PARSED, expires: '2026-01-01T15:30:00.000Z' };
    expect(exceptionsFromConfig([e], new Date('2026-01-01T15:29:59.999Z'))[0]?.status).toBe('active');
    expect(exceptionsFromConfig([e], NOW)[0]?.status).toBe('expired');
    expect(exceptionsFromConfig([e], new Date('2026-06-01T00:00:00Z'))[0]?.status).toBe('expired');
  });

  it('when converting the entries of a parsed file, then each keeps its name as id, in order', () => {
    const config = parseConfig(accepted(entry(), entry({ name: 'b', owner: '"Sam Web"' })), FILE);
    const exceptions = exceptionsFromConfig(config.exceptions.accepted, NOW);
    expect(exceptions.map((e) => [e.id, e.owner])).toEqual([
      ['cfg_legacy-website', { id: 'U0123ABCD' }],
      ['cfg_b', { id: 'Sam Web', name: 'Sam Web' }],
    ]);
    for (const e of exceptions) expect(() => RiskExceptionSchema.parse(e)).not.toThrow();
  });

  it.each([
    ['U0123ABCD', { id: 'U0123ABCD' }],
    ['W0ENTERPRISE1', { id: 'W0ENTERPRISE1' }],
    ['WADE', { id: 'WADE', name: 'WADE' }],
    ['Dana Lee', { id: 'Dana Lee', name: 'Dana Lee' }],
    ['u0123abcd', { id: 'u0123abcd', name: 'u0123abcd' }],
  ])('when a person is written as %j, then they are %j', (text, person) => {
    expect(personFromConfig(text)).toEqual(person);
  });
});
