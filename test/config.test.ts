import { parseConfig } from '../src/config';
import { readEnv } from '../src/env';
import { CloudsecError } from '../src/errors';

const errorOf = (fn: () => unknown): CloudsecError => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CloudsecError) return err;
    throw err;
  }
  throw new Error('expected a CloudsecError');
};

describe('parseConfig', () => {
  it('when the file is empty, then every setting takes its default', () => {
    expect(parseConfig('', 'cloudsec.yml')).toEqual({
      regions: 'all',
      concurrency: { accounts: 10, regions: 8, calls: 16, inFlight: 64 },
      cache: { scanTtlSeconds: 300, groupTtlSeconds: 600 },
      limits: { freshScansPerUserPerHour: 10, concurrentScans: 4 },
      remediation: { enabled: false, expiryHours: 24, undoWindowHours: 24, approvals: {}, allowSelfApproval: false },
      securityhub: { severities: ['critical', 'high', 'medium', 'low'], maxFindingsPerRegion: 1000, productArns: [] },
      checks: { iam: { breakGlassRoles: [] } },
      digests: [],
      exceptions: { maxDays: 90, accepted: [] },
      detections: {
        sources: {},
        routing: { accounts: {}, ous: {} },
        dedupWindowMinutes: 60,
        exclude: [],
        rules: {},
        actors: {},
        lookupByEmail: false,
        ask: { escalateAfterMinutes: 60 },
        burstPerChannelPerMinute: 20,
        retentionDays: 14,
      },
      roles: {},
      bindings: [],
      channels: { findings: [], dms: true, elsewhere: 'private' },
    });
  });

  it('when accounts, organization and regions are given, then they are kept as written', () => {
    const config = parseConfig(
      [
        'accounts:',
        '  - id: "123456789012"',
        '    name: prod',
        '    roleArn: arn:aws:iam::123456789012:role/cloudsec-read',
        '    externalId: cloudsec-ext-1',
        'organization:',
        '  roleName: cloudsec-read',
        'regions: [eu-west-1, us-east-1]',
        'concurrency: { accounts: 5, inFlight: 200 }',
      ].join('\n'),
      'cloudsec.yml',
    );
    expect(config.accounts?.[0]).toEqual({
      id: '123456789012',
      name: 'prod',
      roleArn: 'arn:aws:iam::123456789012:role/cloudsec-read',
      externalId: 'cloudsec-ext-1',
    });
    expect(config.organization).toEqual({ roleName: 'cloudsec-read' });
    expect(config.regions).toEqual(['eu-west-1', 'us-east-1']);
    expect(config.concurrency).toEqual({ accounts: 5, regions: 8, calls: 16, inFlight: 200 });
  });

  it.each([
    ['accounts:\n  - id: 123\n    name: x', 'accounts[0].id: expected a 12-digit AWS account id'],
    ['accounts:\n  - id: "123456789012"', 'accounts[0].name:'],
    [
      'accounts:\n  - id: "123456789012"\n    name: x\n    roleArn: arn:aws:iam::999999999999:role/r',
      'accounts[0].roleArn: roleArn must be a role in the same account as id',
    ],
    [
      'accounts:\n  - id: "123456789012"\n    name: x\n    roleArn: not-an-arn',
      'accounts[0].roleArn: expected an IAM role ARN',
    ],
    [
      'accounts:\n  - id: "123456789012"\n    name: a\n  - id: "123456789012"\n    name: b',
      'accounts[1].id: account 123456789012 is listed twice',
    ],
    ['regions: [mars-north-1x]', 'regions[0]: expected an AWS region name'],
    ['regions: everywhere', 'regions:'],
    ['organization: { roleName: "bad role" }', 'organization.roleName: expected an IAM role name'],
    ['concurrency: { accounts: 0 }', 'concurrency.accounts:'],
    ['concurrency: { inFlight: 0 }', 'concurrency.inFlight:'],
    ['concurrency: { inFlight: 1001 }', 'concurrency.inFlight:'],
    ['concurrency: { inFlight: 2.5 }', 'concurrency.inFlight:'],
    ['securityhub: { severities: [urgent] }', 'securityhub.severities[0]:'],
    ['colour: blue', 'colour'],
  ])('when the config is %j, then the error names %s', (yaml, expected) => {
    const err = errorOf(() => parseConfig(yaml, 'cloudsec.yml'));
    expect(err.code).toBe('config');
    expect(err.message).toContain(expected);
  });

  it('when the YAML does not parse, then it says so with the file name', () => {
    const err = errorOf(() => parseConfig('accounts: [', 'my.yml'));
    expect(err.message).toMatch(/^my\.yml is not valid YAML/);
  });
});

describe('readEnv', () => {
  it('when CLOUDSEC_DEMO has an unexpected value, then it is a config error naming the variable', () => {
    const err = errorOf(() => readEnv({ CLOUDSEC_DEMO: 'yes please' }));
    expect(err.message).toContain('CLOUDSEC_DEMO');
  });
});

describe('remediation settings', () => {
  it('when remediation is enabled without an approvals channel, then the error says where to set one', () => {
    const err = errorOf(() => parseConfig('remediation:\n  enabled: true\n', 'cloudsec.yml'));
    expect(err.message).toContain('remediation.approvalsChannel: required when remediation is enabled');
  });

  it('when every listed account names its approvals channel, then no global one is needed', () => {
    const config = parseConfig(
      'accounts:\n  - id: "123456789012"\n    name: prod\n    approvalsChannel: C0PRODSEC\nremediation:\n  enabled: true\n',
      'cloudsec.yml',
    );
    expect(config.remediation.enabled).toBe(true);
  });
});
