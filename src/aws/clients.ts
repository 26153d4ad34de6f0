import type { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { IAMClient } from '@aws-sdk/client-iam';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { SecurityHubClient } from '@aws-sdk/client-securityhub';
import type { STSClient } from '@aws-sdk/client-sts';
import type { RDSClient } from '@aws-sdk/client-rds';
import type { EFSClient } from '@aws-sdk/client-efs';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { OpenSearchClient } from '@aws-sdk/client-opensearch';
import type { EKSClient } from '@aws-sdk/client-eks';
import type { GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { ConfigServiceClient } from '@aws-sdk/client-config-service';
import type { AccessAnalyzerClient } from '@aws-sdk/client-accessanalyzer';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { AccountClient } from '@aws-sdk/client-account';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider, RetryStrategyV2 } from '@aws-sdk/types';
import { guardAnswers } from './answer-guard';
import { sdk } from './sdk';
import { sharedAgents } from './shared-agents';

/** How to get into one account: the caller's own credentials, or a role assumed from them. */
export interface AccountAccess {
  accountId: string;
  roleArn?: string;
  externalId?: string;
}

export interface AccountClients {
  iam(): IAMClient;
  s3(region: string): S3Client;
  s3control(region: string): S3ControlClient;
  ec2(region: string): EC2Client;
  cloudtrail(region: string): CloudTrailClient;
  securityhub(region: string): SecurityHubClient;
  rds(region: string): RDSClient;
  efs(region: string): EFSClient;
  lambda(region: string): LambdaClient;
  sqs(region: string): SQSClient;
  sns(region: string): SNSClient;
  kms(region: string): KMSClient;
  secretsmanager(region: string): SecretsManagerClient;
  ecr(region: string): ECRClient;
  opensearch(region: string): OpenSearchClient;
  eks(region: string): EKSClient;
  guardduty(region: string): GuardDutyClient;
  config(region: string): ConfigServiceClient;
  accessanalyzer(region: string): AccessAnalyzerClient;
  logs(region: string): CloudWatchLogsClient;
  cloudwatch(region: string): CloudWatchClient;
  account(region: string): AccountClient;
  sts(region?: string): STSClient;
  organizations(): OrganizationsClient;
  /**
   * A collection is done with this service in this region: the client is dropped from the cache, so
   * an account scanned over many regions does not hold a client per service and region until its
   * last region is done (at 17 regions that was ~140 clients per account in flight, most of a
   * scan's live memory). A later call makes a new one. In-flight calls keep the client they hold,
   * and its connections are the process's shared pool's, so dropping it cuts nothing off.
   */
  forget?(client: ClientName, region: string): void;
}

/** The clients an account has, by the name AccountClients gives them. */
export type ClientName = Exclude<keyof AccountClients, 'forget'>;

export interface ClientFactoryOptions {
  /** Region for global services and the STS calls; resolved from AWS_REGION / the profile. */
  homeRegion: string;
  /** Attempts per call including the first (adaptive retry mode backs off on throttling). */
  maxAttempts?: number;
  /** Milliseconds to open a connection / to get a whole answer; 5 s and 30 s by default. */
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Session name shown in the member accounts' CloudTrail for assumed roles. */
  sessionName?: string;
  /** Injected in tests only; production leaves it undefined so the default provider chain applies. */
  credentials?: AwsCredentialIdentityProvider;
  /**
   * Injected in tests only: makes each client's retry strategy (given the attempts above) in place
   * of the adaptive one, whose back-off after throttling waits seconds (exponential with jitter, then
   * client-side rate limiting). Tests pass the SDK's own strategy with no delay, so the SDK still
   * retries and counts attempts. Called once per client, as the SDK makes one strategy per client.
   */
  retryStrategy?: (maxAttempts: number) => RetryStrategyV2;
  /** Told of every API call once it has finished (after retries): metrics. */
  onCall?: (service: string, errorCode: string | null) => void;
  /**
   * Every `send` of these clients runs through it (retries included), and so through whatever limit
   * it puts on calls in flight. Factories given the same gate share the limit: the estate gives all
   * its accounts' factories one (see CallGate).
   */
  callGate?: CallGate;
}

/**
 * Runs a call when the limit allows: p-limit's shape. One per snapshot source bounds the AWS calls a
 * process has in flight across every account it is scanning (`concurrency.inFlight`). Without it,
 * 25 accounts × (8 regions + IAM + S3 + …) × per-resource fan-out put ~1,900 calls in flight at once
 * (a heap snapshot mid-scan: 1,860 in the SDK, 27,000 suspended async functions, 366,000 closures),
 * each with its SDK middleware chain, request and connection, while two cores can work through
 * only a few hundred calls a second: calls beyond what the CPU can keep up with cost memory and
 * connections, not time.
 */
export type CallGate = <T>(run: () => Promise<T>) => Promise<T>;

// The SDK's `send` takes a callback too (and then returns nothing): such calls go straight through.
type Sendable = { send: (...args: unknown[]) => unknown };
const gateSends = (client: Sendable, gate: CallGate) => {
  const send = client.send.bind(client);
  client.send = (...args: unknown[]) =>
    typeof args[args.length - 1] === 'function' ? send(...args) : gate(() => send(...args) as Promise<unknown>);
};

export type ClientFactory = (access: AccountAccess) => AccountClients;

/**
 * One client per (account, service, region), created on first use and reused. No endpoint is set
 * here: the SDK's own resolution honours AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL(_<SERVICE>) and
 * the default credential chain.
 *
 * A scan makes some fifty clients per account (services × regions), and each SDK client resolves
 * its settings and credentials on its own. What is the same for all of them is resolved once here
 * and handed to each: the caller's credentials (one default-chain look-up per factory, not one per
 * client, which with instance or web-identity credentials is a request each) and the process-wide
 * endpoint and user-agent settings (see processSettings). `npm run bench:scan:org` measures the CPU
 * per call.
 */
export const makeClientFactory = (options: ClientFactoryOptions): ClientFactory => {
  const maxAttempts = options.maxAttempts ?? 5;
  const base = {
    retryMode: 'adaptive' as const,
    maxAttempts,
    // Without these a stalled connection hangs a scan for ever; a timed-out call becomes an
    // `unreachable` unknown ("check connectivity") and the rest of the scan goes on.
    requestHandler: {
      connectionTimeout: options.connectionTimeoutMs ?? 5_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      throwOnRequestTimeout: true,
      // Every client's connections come from one pool per process (see shared-agents.ts).
      ...sharedAgents(),
    },
  };
  const cache = new Map<string, AccountClients>();
  // The default chain, as each client would have built it for itself, built once: on the first
  // call that needs it, so that making clients loads no credential package (see sdk.ts).
  let chain: AwsCredentialIdentityProvider | undefined;
  const callerCredentials: AwsCredentialIdentityProvider =
    options.credentials ??
    shareAcrossClients((properties) =>
      (chain ??= sdk.credentialProviders.fromNodeProviderChain({ clientConfig: { region: options.homeRegion } }))(
        properties,
      ),
    );

  return (access) => {
    const key = `${access.accountId}|${access.roleArn ?? ''}|${access.externalId ?? ''}`;
    const existing = cache.get(key);
    if (existing) return existing;

    const credentials = access.roleArn
      ? shareAcrossClients(
          sdk.credentialProviders.fromTemporaryCredentials({
            params: {
              RoleArn: access.roleArn,
              RoleSessionName: options.sessionName ?? 'cloudsec',
              ...(access.externalId ? { ExternalId: access.externalId } : {}),
            },
            masterCredentials: callerCredentials,
            // Its own STS client: in the shared pool too, so an account's AssumeRole leaves no connection behind.
            clientConfig: { region: options.homeRegion, requestHandler: base.requestHandler },
          }),
        )
      : callerCredentials;

    const observe = <C extends { middlewareStack: ObservableStack }>(service: string, client: C): C => {
      if (options.onCall)
        client.middlewareStack.add(callObserver(service, options.onCall) as never, { step: 'initialize' });
      // Gated around the whole send: credentials are resolved inside it, but an assumed role's
      // AssumeRole goes through the credential provider's own STS client, never through a gate, so
      // a call holding a place never waits for another place to get its credentials.
      if (options.callGate) gateSends(client as unknown as Sendable, options.callGate);
      // A web page instead of an API answer is missing evidence, not an empty answer (see answer-guard).
      return guardAnswers(client);
    };
    const made = new Map<ClientName, Map<string, unknown>>();
    const perRegion = <C extends { middlewareStack: ObservableStack }>(
      name: ClientName,
      make: (region: string) => C,
    ) => {
      const clients = new Map<string, C>();
      made.set(name, clients);
      return (region: string = options.homeRegion): C => {
        let c = clients.get(region);
        if (!c) clients.set(region, (c = observe(name, make(region))));
        return c;
      };
    };
    const config = (region: string) => ({
      ...base,
      ...processSettings(),
      region,
      credentials,
      ...(options.retryStrategy ? { retryStrategy: options.retryStrategy(maxAttempts) } : {}),
    });

    const clients: AccountClients = {
      iam: perRegion('iam', (r) => new sdk.iam.IAMClient(config(r))).bind(null, options.homeRegion),
      s3: perRegion('s3', (r) => new sdk.s3.S3Client(config(r))),
      s3control: perRegion('s3control', (r) => new sdk.s3control.S3ControlClient(config(r))),
      ec2: perRegion('ec2', (r) => new sdk.ec2.EC2Client(config(r))),
      cloudtrail: perRegion('cloudtrail', (r) => new sdk.cloudtrail.CloudTrailClient(config(r))),
      securityhub: perRegion('securityhub', (r) => new sdk.securityhub.SecurityHubClient(config(r))),
      rds: perRegion('rds', (r) => new sdk.rds.RDSClient(config(r))),
      efs: perRegion('efs', (r) => new sdk.efs.EFSClient(config(r))),
      lambda: perRegion('lambda', (r) => new sdk.lambda.LambdaClient(config(r))),
      sqs: perRegion('sqs', (r) => new sdk.sqs.SQSClient(config(r))),
      sns: perRegion('sns', (r) => new sdk.sns.SNSClient(config(r))),
      kms: perRegion('kms', (r) => new sdk.kms.KMSClient(config(r))),
      secretsmanager: perRegion('secretsmanager', (r) => new sdk.secretsmanager.SecretsManagerClient(config(r))),
      ecr: perRegion('ecr', (r) => new sdk.ecr.ECRClient(config(r))),
      opensearch: perRegion('opensearch', (r) => new sdk.opensearch.OpenSearchClient(config(r))),
      eks: perRegion('eks', (r) => new sdk.eks.EKSClient(config(r))),
      guardduty: perRegion('guardduty', (r) => new sdk.guardduty.GuardDutyClient(config(r))),
      config: perRegion('config', (r) => new sdk.config.ConfigServiceClient(config(r))),
      accessanalyzer: perRegion('accessanalyzer', (r) => new sdk.accessanalyzer.AccessAnalyzerClient(config(r))),
      logs: perRegion('logs', (r) => new sdk.logs.CloudWatchLogsClient(config(r))),
      cloudwatch: perRegion('cloudwatch', (r) => new sdk.cloudwatch.CloudWatchClient(config(r))),
      account: perRegion('account', (r) => new sdk.account.AccountClient(config(r))),
      sts: perRegion('sts', (r) => new sdk.sts.STSClient(config(r))),
      organizations: perRegion('organizations', (r) => new sdk.organizations.OrganizationsClient(config(r))).bind(
        null,
        options.homeRegion,
      ),
    };
    clients.forget = (name, region) => {
      made.get(name)?.delete(region);
    };
    cache.set(key, clients);
    return clients;
  };
};

/**
 * Settings the SDK reads from the environment or the profile for every client it makes
 * (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT, AWS_SDK_UA_APP_ID, AWS_AUTH_SCHEME_PREFERENCE
 * and their profile keys), each look-up of an unset one costing two errors with stack traces. They
 * are the same for the whole process, so they are read once, by one client's own resolution (a
 * probe that sends nothing), and handed to every client: as values once read, as providers before.
 * A failed read is not kept: the next client's first call reads again and fails as the SDK would.
 */
interface Settings {
  useFipsEndpoint: boolean;
  useDualstackEndpoint: boolean;
  userAgentAppId: string | undefined;
  authSchemePreference: string[];
}
let settingsRead: Promise<Settings> | undefined;
let settings: Settings | undefined;

const readSettings = (): Promise<Settings> =>
  (settingsRead ??= (async () => {
    // An ordinary region: a FIPS pseudo-region (fips-…) would read as FIPS whatever is configured.
    // Each client still applies that rule to its own region.
    const probe = new sdk.sts.STSClient({ region: 'us-east-1' });
    try {
      const { config } = probe;
      settings = {
        useFipsEndpoint: await config.useFipsEndpoint(),
        useDualstackEndpoint: await config.useDualstackEndpoint(),
        userAgentAppId: await config.userAgentAppId(),
        authSchemePreference: await config.authSchemePreference(),
      };
      return settings;
    } finally {
      probe.destroy();
    }
  })().catch((err: unknown) => {
    settingsRead = undefined;
    throw err;
  }));

const processSettings = () =>
  settings ?? {
    useFipsEndpoint: async () => (await readSettings()).useFipsEndpoint,
    useDualstackEndpoint: async () => (await readSettings()).useDualstackEndpoint,
    userAgentAppId: async () => (await readSettings()).userAgentAppId,
    authSchemePreference: async () => (await readSettings()).authSchemePreference,
  };

// The SDK's middleware stack types are generic per client; this is the one method used here.
type ObservableStack = { add: (middleware: never, options: { step: 'initialize' }) => void };

const callObserver =
  (service: string, onCall: (service: string, errorCode: string | null) => void) =>
  (next: (args: unknown) => Promise<unknown>) =>
  async (args: unknown) => {
    try {
      const result = await next(args);
      onCall(service, null);
      return result;
    } catch (err) {
      onCall(service, (err as { name?: string }).name ?? 'Error');
      throw err;
    }
  };

/** Refresh assumed-role credentials this long before they expire. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * Each SDK client caches credentials on its own, so without this every client of an account
 * (one per service and region) would call sts:AssumeRole again. One cache per account instead;
 * a failed attempt is not cached, so the next call tries again.
 */
export const shareAcrossClients = (provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider => {
  let cached: { value: AwsCredentialIdentity } | undefined;
  let inFlight: Promise<AwsCredentialIdentity> | undefined;
  const fresh = (c: AwsCredentialIdentity) => !c.expiration || c.expiration.getTime() - Date.now() > REFRESH_MARGIN_MS;
  return async () => {
    if (cached && fresh(cached.value)) return cached.value;
    inFlight ??= provider()
      .then((value) => {
        cached = { value };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
};

/**
 * The region the SDK would use by itself (AWS_REGION, then the
 * profile's `region`). Undefined when none is configured, so the caller can say what to set.
 */
export const resolveHomeRegion = async (): Promise<string | undefined> => {
  // Outside the try: an SDK that cannot be loaded is a broken install, not a missing region.
  const { STSClient } = sdk.sts;
  try {
    const region = await new STSClient({}).config.region();
    return region || undefined;
  } catch {
    return undefined;
  }
};
