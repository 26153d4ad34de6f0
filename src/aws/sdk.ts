/* eslint-disable @typescript-eslint/no-require-imports -- the one place AWS SDK packages are loaded, on first use (below) */

/**
 * The AWS SDK packages, each loaded the first time something of it is used, never at start-up.
 *
 * Loaded together they were most of an idle bot's memory (the EC2 package alone adds ~70 MB to a
 * process) and much of its start-up time, while a bot that is idle needs only STS, and
 * `cloudsec check iam` only IAM and STS. So modules in src/aws import the SDK's *types* with
 * `import type` (which loads nothing) and reach its values through `sdk`: `new sdk.s3.ListBucketsCommand(…)`,
 * `sdk.ec2.paginateDescribeInstances(…)`. Each getter runs `require` once; Node caches the package
 * after that. A package that cannot be loaded throws at that first use, inside the call that needed
 * it, where that call's own error handling reports it.
 *
 * `npm run bench:idle` measures what this saves.
 */

type Pkg = {
  accessanalyzer: typeof import('@aws-sdk/client-accessanalyzer');
  account: typeof import('@aws-sdk/client-account');
  cloudtrail: typeof import('@aws-sdk/client-cloudtrail');
  cloudwatch: typeof import('@aws-sdk/client-cloudwatch');
  logs: typeof import('@aws-sdk/client-cloudwatch-logs');
  config: typeof import('@aws-sdk/client-config-service');
  ec2: typeof import('@aws-sdk/client-ec2');
  ecr: typeof import('@aws-sdk/client-ecr');
  efs: typeof import('@aws-sdk/client-efs');
  eks: typeof import('@aws-sdk/client-eks');
  guardduty: typeof import('@aws-sdk/client-guardduty');
  iam: typeof import('@aws-sdk/client-iam');
  kms: typeof import('@aws-sdk/client-kms');
  lambda: typeof import('@aws-sdk/client-lambda');
  opensearch: typeof import('@aws-sdk/client-opensearch');
  organizations: typeof import('@aws-sdk/client-organizations');
  rds: typeof import('@aws-sdk/client-rds');
  s3: typeof import('@aws-sdk/client-s3');
  s3control: typeof import('@aws-sdk/client-s3-control');
  secretsmanager: typeof import('@aws-sdk/client-secrets-manager');
  securityhub: typeof import('@aws-sdk/client-securityhub');
  sns: typeof import('@aws-sdk/client-sns');
  sqs: typeof import('@aws-sdk/client-sqs');
  sts: typeof import('@aws-sdk/client-sts');
  credentialProviders: typeof import('@aws-sdk/credential-providers');
};

// `require` with a literal name in each entry: bundlers and `npm ls`-style tools still see every dependency.
const LOADERS: { [K in keyof Pkg]: () => Pkg[K] } = {
  accessanalyzer: () => require('@aws-sdk/client-accessanalyzer'),
  account: () => require('@aws-sdk/client-account'),
  cloudtrail: () => require('@aws-sdk/client-cloudtrail'),
  cloudwatch: () => require('@aws-sdk/client-cloudwatch'),
  logs: () => require('@aws-sdk/client-cloudwatch-logs'),
  config: () => require('@aws-sdk/client-config-service'),
  ec2: () => require('@aws-sdk/client-ec2'),
  ecr: () => require('@aws-sdk/client-ecr'),
  efs: () => require('@aws-sdk/client-efs'),
  eks: () => require('@aws-sdk/client-eks'),
  guardduty: () => require('@aws-sdk/client-guardduty'),
  iam: () => require('@aws-sdk/client-iam'),
  kms: () => require('@aws-sdk/client-kms'),
  lambda: () => require('@aws-sdk/client-lambda'),
  opensearch: () => require('@aws-sdk/client-opensearch'),
  organizations: () => require('@aws-sdk/client-organizations'),
  rds: () => require('@aws-sdk/client-rds'),
  s3: () => require('@aws-sdk/client-s3'),
  s3control: () => require('@aws-sdk/client-s3-control'),
  secretsmanager: () => require('@aws-sdk/client-secrets-manager'),
  securityhub: () => require('@aws-sdk/client-securityhub'),
  sns: () => require('@aws-sdk/client-sns'),
  sqs: () => require('@aws-sdk/client-sqs'),
  sts: () => require('@aws-sdk/client-sts'),
  credentialProviders: () => require('@aws-sdk/credential-providers'),
};

const loaded: Partial<Pkg> = {};

const load = <K extends keyof Pkg>(name: K): Pkg[K] => (loaded[name] ??= LOADERS[name]());

/** Each AWS SDK package by the name its client has in AccountClients, loaded on first access. */
export const sdk: Readonly<Pkg> = Object.freeze(
  Object.defineProperties(
    {},
    Object.fromEntries(
      (Object.keys(LOADERS) as Array<keyof Pkg>).map((name) => [name, { enumerable: true, get: () => load(name) }]),
    ),
  ) as Pkg,
);
