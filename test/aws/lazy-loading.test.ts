/**
 * The AWS SDK packages and the chart renderer load when they are first used, not with the bot's
 * modules (src/aws/sdk.ts, src/charts/trend-chart.ts): together they were most of an idle bot's
 * memory. `npm run bench:idle` measures the footprint; these tests keep a static import from
 * quietly bringing a package back into start-up.
 *
 * Each package is replaced by itself, recording that it was loaded (jest.doMock factories run on a
 * module's first require only), and every test starts from an empty module registry.
 */
import type * as ClientsModule from '../../src/aws/clients';
import type * as ExecutorCommandsModule from '../../src/aws/executor-commands';
import type * as TrendChartModule from '../../src/charts/trend-chart';

const SDK_PACKAGES = [
  '@aws-sdk/client-accessanalyzer',
  '@aws-sdk/client-account',
  '@aws-sdk/client-cloudtrail',
  '@aws-sdk/client-cloudwatch',
  '@aws-sdk/client-cloudwatch-logs',
  '@aws-sdk/client-config-service',
  '@aws-sdk/client-ec2',
  '@aws-sdk/client-ecr',
  '@aws-sdk/client-efs',
  '@aws-sdk/client-eks',
  '@aws-sdk/client-guardduty',
  '@aws-sdk/client-iam',
  '@aws-sdk/client-kms',
  '@aws-sdk/client-lambda',
  '@aws-sdk/client-opensearch',
  '@aws-sdk/client-organizations',
  '@aws-sdk/client-rds',
  '@aws-sdk/client-s3',
  '@aws-sdk/client-s3-control',
  '@aws-sdk/client-secrets-manager',
  '@aws-sdk/client-securityhub',
  '@aws-sdk/client-sns',
  '@aws-sdk/client-sqs',
  '@aws-sdk/client-sts',
  '@aws-sdk/credential-providers',
];
const RENDERER = ['chart.js', '@napi-rs/canvas'];
const WATCHED = [...SDK_PACKAGES, ...RENDERER];

const loaded = new Set<string>();

beforeEach(() => {
  loaded.clear();
  jest.resetModules();
  for (const name of WATCHED)
    jest.doMock(name, () => {
      loaded.add(name);
      return jest.requireActual(name);
    });
});

afterEach(() => {
  for (const name of WATCHED) jest.dontMock(name);
});

const fresh = <T extends object>(path: string): T => {
  let module: T | undefined;
  jest.isolateModules(() => {
    module = jest.requireActual<T>(path);
  });
  return module!;
};

describe('lazy loading of the AWS SDK and the chart renderer', () => {
  it('the watch works: a package the code requires is seen', () => {
    // Without this, a broken watch would make every "nothing loaded" below pass.
    const { resolveCommand } = fresh<typeof ExecutorCommandsModule>('../../src/aws/executor-commands');
    resolveCommand('kms', 'EnableKeyRotation');
    expect([...loaded]).toEqual(['@aws-sdk/client-kms']);
  });

  it('loading the bot (src/main, with everything it imports) loads no AWS SDK package and no chart renderer', () => {
    fresh<object>('../../src/main');
    expect([...loaded]).toEqual([]);
  }, 120_000);

  it("a client factory loads a service's package when that service's client is first made, and only that one", () => {
    const { makeClientFactory } = fresh<typeof ClientsModule>('../../src/aws/clients');
    const clients = makeClientFactory({ homeRegion: 'eu-west-1' })({ accountId: 'caller' });
    expect([...loaded]).toEqual([]);
    const ec2 = clients.ec2('eu-west-1');
    expect([...loaded]).toEqual(['@aws-sdk/client-ec2']);
    // Still the SDK's own client, with the factory's settings.
    expect(ec2.constructor.name).toBe('EC2Client');
    expect(clients.ec2('eu-west-1')).toBe(ec2);
  });

  it('assuming a role loads the credential providers, with the first client of that account', () => {
    const { makeClientFactory } = fresh<typeof ClientsModule>('../../src/aws/clients');
    const clients = makeClientFactory({ homeRegion: 'eu-west-1' })({
      accountId: '222222222222',
      roleArn: 'arn:aws:iam::222222222222:role/cloudsec-read',
    });
    clients.iam();
    expect([...loaded].sort()).toEqual(['@aws-sdk/client-iam', '@aws-sdk/credential-providers']);
  });

  it('a remediation call loads the package of the service it names, and an unknown one still fails closed', () => {
    const { resolveCommand, UnknownApiCommandError } = fresh<typeof ExecutorCommandsModule>(
      '../../src/aws/executor-commands',
    );
    expect(resolveCommand('s3control', 'PutPublicAccessBlock').name).toBe('PutPublicAccessBlockCommand');
    expect([...loaded]).toEqual(['@aws-sdk/client-s3-control']);
    expect(() => resolveCommand('s3', 'NoSuchOperation')).toThrow(UnknownApiCommandError);
    expect(() => resolveCommand('dynamodb', 'DeleteTable')).toThrow(UnknownApiCommandError);
    // A service no plan may name loads nothing.
    expect([...loaded].sort()).toEqual(['@aws-sdk/client-s3', '@aws-sdk/client-s3-control']);
  });

  it('the chart renderer loads with the first chart, and draws a PNG', () => {
    const { renderTrendPng, trendChartSpec } = fresh<typeof TrendChartModule>('../../src/charts/trend-chart');
    trendChartSpec([], { title: 'x', timezone: 'UTC' });
    expect([...loaded]).toEqual([]);
    const png = renderTrendPng([{ at: '2026-03-01T08:00:00Z', score: 80, open: null }], {
      title: 'prod · posture trend',
      timezone: 'UTC',
      width: 200,
      height: 100,
    });
    expect([...loaded].sort()).toEqual(['@napi-rs/canvas', 'chart.js']);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  });
});
