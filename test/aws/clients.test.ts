import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import nock from 'nock';
import { GetAccountSummaryCommand } from '@aws-sdk/client-iam';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type * as ClientsModule from '../../src/aws/clients';
import { makeClientFactory } from '../../src/aws/clients';
import { accountSummaryXml, IAM_ENDPOINT, isAction } from '../fixtures/aws/iam';
import { listBucketsXml, s3Endpoint } from '../fixtures/aws/s3';
import { assumeRoleXml, callerIdentityXml, onSts } from '../fixtures/aws/sts';

/**
 * What makeClientFactory resolves once for all its clients instead of once per client: the caller's
 * credentials and the SDK's process-wide endpoint settings. Real SDK clients against nock, in the
 * services' wire formats; the credentials come from the container credentials endpoint, which is
 * what the default chain reaches when there are no keys in the environment or the profile files.
 */

const REGION = 'us-east-1';
const CALLER = '111111111111';
const MEMBERS = ['222222222222', '333333333333'];
const CONTAINER = 'http://127.0.0.1:18091';
const xml = { 'content-type': 'text/xml' };

const VARS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_CONFIG_FILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_USE_FIPS_ENDPOINT',
];
const saved: Record<string, string | undefined> = {};
let dir: string;

beforeEach(() => {
  for (const name of VARS) saved[name] = process.env[name];
  for (const name of VARS) delete process.env[name];
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-clients-'));
  process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
  process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
  fs.writeFileSync(process.env.AWS_SHARED_CREDENTIALS_FILE, '');
  fs.writeFileSync(process.env.AWS_CONFIG_FILE, '');
});

afterEach(() => {
  for (const name of VARS) {
    const value = saved[name];
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The signing key a request was sent with (SigV4: `Credential=<AccessKeyId>/…`). */
const signedWith = (key: string) => (value: string) => value.includes(`Credential=${key}/`);

describe("the caller's credentials", () => {
  it('when the default chain finds them, then it is asked once for all the caller’s clients and every role assumed', async () => {
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${CONTAINER}/credentials`;
    const container = nock(CONTAINER).get('/credentials').reply(200, {
      AccessKeyId: 'ASIACONTAINEREXAMPLE',
      SecretAccessKey: 'container-secret',
      Token: 'container-token',
      Expiration: '2099-01-01T00:00:00Z',
    });
    const byCaller = signedWith('ASIACONTAINEREXAMPLE');
    onSts('GetCallerIdentity').matchHeader('authorization', byCaller).reply(200, callerIdentityXml(CALLER), xml);
    nock(IAM_ENDPOINT)
      .post('/', isAction('GetAccountSummary'))
      .matchHeader('authorization', byCaller)
      .reply(200, accountSummaryXml({ Users: 1 }), xml);
    nock(s3Endpoint(REGION))
      .get('/')
      .query(true)
      .matchHeader('authorization', byCaller)
      .reply(200, listBucketsXml([]), { 'content-type': 'application/xml' });
    for (const member of MEMBERS) {
      const roleArn = `arn:aws:iam::${member}:role/cloudsec-read`;
      onSts('AssumeRole', (body) => body.RoleArn === roleArn)
        .matchHeader('authorization', byCaller)
        .reply(
          200,
          assumeRoleXml(roleArn, { accessKeyId: `ASIA${member}`, secretAccessKey: 's', sessionToken: 't' }),
          xml,
        );
      nock(IAM_ENDPOINT)
        .post('/', isAction('GetAccountSummary'))
        .matchHeader('authorization', signedWith(`ASIA${member}`))
        .reply(200, accountSummaryXml({ Users: 2 }), xml);
    }

    const factory = makeClientFactory({ homeRegion: REGION, maxAttempts: 1 });
    const caller = factory({ accountId: CALLER });
    await Promise.all([
      caller.sts().send(new GetCallerIdentityCommand({})),
      caller.iam().send(new GetAccountSummaryCommand({})),
      caller.s3(REGION).send(new ListBucketsCommand({})),
    ]);
    for (const member of MEMBERS) {
      const clients = factory({ accountId: member, roleArn: `arn:aws:iam::${member}:role/cloudsec-read` });
      await clients.iam().send(new GetAccountSummaryCommand({}));
    }

    // One interceptor, used once: a second look-up would have found no answer and failed its call.
    expect(container.isDone()).toBe(true);
  });

  it('when the default chain finds none, then every call fails with the SDK’s credentials error and nothing is sent', async () => {
    const clients = makeClientFactory({ homeRegion: REGION, maxAttempts: 1 })({ accountId: CALLER });

    await expect(clients.iam().send(new GetAccountSummaryCommand({}))).rejects.toMatchObject({
      name: 'CredentialsProviderError',
    });
    await expect(clients.sts().send(new GetCallerIdentityCommand({}))).rejects.toMatchObject({
      name: 'CredentialsProviderError',
    });
  });
});

describe('the SDK settings read once per process', () => {
  /** A fresh copy of the modules, so that this test's environment is what the settings are read from. */
  const fresh = () => {
    let loaded: { clients: typeof ClientsModule; sts: typeof import('@aws-sdk/client-sts') } | undefined;
    jest.isolateModules(() => {
      loaded = {
        clients: jest.requireActual<typeof ClientsModule>('../../src/aws/clients'),
        sts: jest.requireActual<typeof import('@aws-sdk/client-sts')>('@aws-sdk/client-sts'),
      };
    });
    return loaded!;
  };

  it('when AWS_USE_FIPS_ENDPOINT is set, then clients made before and after the first call use FIPS endpoints', async () => {
    process.env.AWS_USE_FIPS_ENDPOINT = 'true';
    const { clients, sts } = fresh();
    const factory = clients.makeClientFactory({
      homeRegion: REGION,
      maxAttempts: 1,
      credentials: async () => ({ accessKeyId: 'AKIDEXAMPLETEST', secretAccessKey: 'test-secret-key' }),
    });
    for (const region of ['us-east-1', 'us-west-2'])
      nock(`https://sts-fips.${region}.amazonaws.com`).post('/').reply(200, callerIdentityXml(CALLER), xml);

    const caller = factory({ accountId: CALLER });
    const first = caller.sts('us-east-1');
    await first.send(new sts.GetCallerIdentityCommand({}));
    await caller.sts('us-west-2').send(new sts.GetCallerIdentityCommand({}));
  });
});
