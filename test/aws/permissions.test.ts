import nock from 'nock';
import { makeClientFactory } from '../../src/aws/clients';
import { collectCloudTrail } from '../../src/aws/collectors/cloudtrail';
import type { CollectContext } from '../../src/aws/collectors/context';
import { collectEc2Region } from '../../src/aws/collectors/ec2';
import { collectIam } from '../../src/aws/collectors/iam';
import { collectS3 } from '../../src/aws/collectors/s3';
import { collectSecurityHubRegion } from '../../src/aws/collectors/securityhub';
import { collectAccessAnalyzerRegion } from '../../src/aws/collectors/accessanalyzer';
import { collectAccountSettings } from '../../src/aws/collectors/account';
import { collectConfigRegion } from '../../src/aws/collectors/config';
import { collectEfsRegion } from '../../src/aws/collectors/efs';
import { collectEksRegion } from '../../src/aws/collectors/eks';
import { collectGuardDutyRegion } from '../../src/aws/collectors/guardduty';
import { collectRdsRegion } from '../../src/aws/collectors/rds';
import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import {
  READ_PERMISSIONS,
  ORGANIZATION_PERMISSIONS,
  actionForOperation,
  readPolicyDocument,
} from '../../src/aws/iam-policy';
import { resolveRegions } from '../../src/aws/regions';
import { parseConfig } from '../../src/config';
import { SERVICES, SEVERITIES, type Service } from '../../src/core/model';
import { ctAccessDenied, ctOk, describeTrailsJson } from '../fixtures/aws/cloudtrail';
import { unauthorized } from '../fixtures/aws/ec2';
import { installFakeAws, type FakeAws } from '../fixtures/aws/fake-aws';
import { accessDeniedXml, generateCredentialReportXml } from '../fixtures/aws/iam';
import {
  accessDeniedReply,
  bucketEndpoint,
  listBucketsXml,
  s3ControlEndpoint,
  s3ControlError,
  s3Endpoint,
  xmlReply,
  type WireBucket,
} from '../fixtures/aws/s3';
import { securityHubEndpoint, shAccessDenied } from '../fixtures/aws/securityhub';
import { aaAccessDenied, aaOk, listAnalyzersJson } from '../fixtures/aws/fake-services/accessanalyzer';
import { ACCOUNT_API_ENDPOINT, acctAccessDenied } from '../fixtures/aws/fake-services/account';
import { cfgAccessDenied } from '../fixtures/aws/fake-services/config';
import { EFS_PATH, efsAccessDenied, efsHost } from '../fixtures/aws/fake-services/efs';
import { eksAccessDenied, eksHost, listClustersJson } from '../fixtures/aws/fake-services/eks';
import { gdAccessDenied, gdOk, getDetectorJson, listDetectorsJson } from '../fixtures/aws/fake-services/guardduty';
import {
  describeDBClusterSnapshotsXml,
  describeDBSnapshotsXml,
  rdsAccessDenied,
  rdsHost,
} from '../fixtures/aws/fake-services/rds';
import { NOW } from '../fixtures/snapshot-builders';

describe('the read-only IAM policy', () => {
  let fake: FakeAws;
  afterEach(() => fake.restore());

  it('when a full organization scan runs, then every API call it makes is allowed by the generated policy', async () => {
    fake = installFakeAws({
      callerAccountId: '111111111111',
      organization: true,
      latencyMs: 0,
      accounts: [
        {
          id: '111111111111',
          name: 'management',
          users: 3,
          buckets: 2,
          regions: ['us-east-1', 'eu-west-1'],
          misconfigured: true,
        },
        { id: '222222222222', name: 'member', users: 3, buckets: 2, regions: ['us-east-1'] },
      ],
    });
    const source = makeLiveSnapshotSource({
      config: parseConfig('organization:\n  roleName: cloudsec-read\n', 'cloudsec.yml'),
      homeRegion: 'us-east-1',
      clock: () => NOW,
      sleep: async () => {},
    });
    await source.load({ services: SERVICES });
    expect(fake.unhandled).toEqual([]);

    const granted = new Set<string>(readPolicyDocument({ organization: true }).Statement.flatMap((s) => s.Action));
    const needed = [...new Set(fake.calls.map((c) => actionForOperation(c.service, c.operation)))].filter(
      (a): a is string => a !== null,
    );
    expect(needed.length).toBeGreaterThan(20);
    expect(needed.filter((a) => !granted.has(a))).toEqual([]);
  });

  it('grants reads only', () => {
    const actions = [...Object.values(READ_PERMISSIONS).flat(), ...ORGANIZATION_PERMISSIONS];
    expect(actions.filter((a) => !/^[a-z0-9-]+:(Get|List|Describe|Generate)[A-Za-z]+$/.test(a))).toEqual([]);
  });
});

// ---------------------------------------------------------------- refusals name what the policy grants

const ACCOUNT_ID = '111111111111';
const HOME = 'us-east-1';
const CREATED = '2024-03-05T10:20:30.000Z';

interface Refusing {
  /** GenerateCredentialReport answers COMPLETE, so GetCredentialReport is asked (and refused). */
  reportReady: boolean;
  /** ListBuckets lists these (refused when absent), so each bucket's own reads are asked. */
  buckets?: WireBucket[];
  /** DescribeTrails lists one trail, so its status and selectors are asked. */
  trail: boolean;
  /**
   * The regional listings of the issue 12 services name one resource each (an unencrypted manual RDS
   * DB snapshot and DB cluster snapshot, an EKS cluster, a GuardDuty detector, an active account
   * analyzer), so the reads about each resource are asked.
   */
  listed: boolean;
  /** GetDetector answers (the detector is enabled), so its findings statistics are asked. */
  detectorReadable: boolean;
}

const DETECTOR_ID = '12abc34d567e8fa901bc2d34e56789f0';

const formAction = (body: unknown): string => new URLSearchParams(String(body)).get('Action') ?? '';
const xml = (status: number, body: string): [number, string, Record<string, string>] => [
  status,
  body,
  { 'content-type': 'text/xml' },
];

/** AWS refusing every read, each service in its own wire format, except the listings `setup` opens up. */
const refuseEverything = (setup: Refusing): void => {
  nock('https://iam.amazonaws.com')
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const action = formAction(body);
      return action === 'GenerateCredentialReport' && setup.reportReady
        ? xml(200, generateCredentialReportXml('COMPLETE'))
        : xml(403, accessDeniedXml(action));
    });
  nock(`https://ec2.${HOME}.amazonaws.com`)
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const [status, text] = unauthorized(formAction(body));
      return xml(status, text);
    });
  nock(`https://cloudtrail.${HOME}.amazonaws.com`)
    .persist()
    .post('/')
    .reply(function () {
      const operation = String(this.req.headers['x-amz-target']).split('.')[1] ?? '';
      return operation === 'DescribeTrails' && setup.trail
        ? ctOk(describeTrailsJson([{ name: 'main', homeRegion: HOME, isMultiRegion: true }]))
        : ctAccessDenied(operation);
    });
  nock(securityHubEndpoint(HOME))
    .persist()
    .post('/findings')
    .reply(...shAccessDenied());
  const denied = accessDeniedReply();
  const listing = setup.buckets ? xmlReply(listBucketsXml(setup.buckets)) : denied;
  nock(s3Endpoint(HOME))
    .get('/')
    .query(true)
    .reply(listing.status, listing.body, { 'content-type': listing.contentType });
  const control = s3ControlError(403, 'AccessDenied', 'Access Denied', ACCOUNT_ID);
  nock(s3ControlEndpoint(ACCOUNT_ID, HOME))
    .get(/.*/)
    .reply(control.status, control.body, { 'content-type': control.contentType });
  for (const bucket of setup.buckets ?? []) {
    nock(bucketEndpoint(bucket.name, bucket.region ?? HOME))
      .persist()
      .get('/')
      .query(true)
      .reply(denied.status, denied.body, { 'content-type': denied.contentType });
  }
  refuseIssue12Services(setup);
};

const target = (headers: Record<string, unknown>): string => String(headers['x-amz-target']).split('.')[1] ?? '';

/** The same for RDS, EFS, EKS, GuardDuty, AWS Config, IAM Access Analyzer and the Account API. */
const refuseIssue12Services = (setup: Refusing): void => {
  const unencrypted = [{ id: 'orders-db-export', encrypted: false }];
  nock(rdsHost(HOME))
    .persist()
    .post('/')
    .reply((_uri, body) => {
      const action = formAction(body);
      if (setup.listed && action === 'DescribeDBSnapshots') return xml(200, describeDBSnapshotsXml(unencrypted));
      if (setup.listed && action === 'DescribeDBClusterSnapshots')
        return xml(200, describeDBClusterSnapshotsXml(unencrypted));
      return xml(...rdsAccessDenied(action, ACCOUNT_ID));
    });
  nock(efsHost(HOME))
    .persist()
    .get(EFS_PATH)
    .query(true)
    .reply(() => efsAccessDenied(ACCOUNT_ID));
  nock(eksHost(HOME))
    .persist()
    .get(/.*/)
    .reply((uri) => {
      const listing = new URL(uri, eksHost(HOME)).pathname === '/clusters';
      if (listing && setup.listed) return [200, listClustersJson(['platform']), { 'content-type': 'application/json' }];
      return eksAccessDenied(listing ? 'ListClusters' : 'DescribeCluster', ACCOUNT_ID);
    });
  const guardduty = nock(`https://guardduty.${HOME}.amazonaws.com`).persist();
  guardduty.get(/.*/).reply((uri) => {
    if (new URL(uri, 'https://guardduty').pathname === '/detector')
      return setup.listed ? gdOk(listDetectorsJson([DETECTOR_ID])) : gdAccessDenied('ListDetectors', ACCOUNT_ID);
    return setup.detectorReadable
      ? gdOk(getDetectorJson({ account: ACCOUNT_ID }))
      : gdAccessDenied('GetDetector', ACCOUNT_ID);
  });
  guardduty.post(/.*/).reply(() => gdAccessDenied('GetFindingsStatistics', ACCOUNT_ID));
  nock(`https://config.${HOME}.amazonaws.com`)
    .persist()
    .post('/')
    .reply(function () {
      return cfgAccessDenied(target(this.req.headers), ACCOUNT_ID);
    });
  const analyzer = nock(`https://access-analyzer.${HOME}.amazonaws.com`).persist();
  analyzer
    .get('/analyzer')
    .query(true)
    .reply(() =>
      setup.listed
        ? aaOk(listAnalyzersJson([{ name: 'account-analyzer', region: HOME, account: ACCOUNT_ID }]))
        : aaAccessDenied('ListAnalyzers', ACCOUNT_ID),
    );
  analyzer.post('/finding').reply(() => aaAccessDenied('ListFindings', ACCOUNT_ID));
  nock(ACCOUNT_API_ENDPOINT)
    .persist()
    .post('/getAlternateContact')
    .reply(() => acctAccessDenied(ACCOUNT_ID));
};

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: HOME, maxAttempts: 1 })({ accountId: ACCOUNT_ID }),
  accountId: ACCOUNT_ID,
  partition: 'aws',
  homeRegion: HOME,
  regions: [HOME],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** Every collection step in `value` that failed, as [kind, permission named]. */
const failuresIn = (value: unknown): [string, string][] => {
  if (value === null || typeof value !== 'object') return [];
  const node = value as { ok?: unknown; error?: { kind?: unknown; permission?: unknown } };
  if (node.ok === false && node.error) return [[String(node.error.kind), String(node.error.permission)]];
  return Object.values(value).flatMap(failuresIn);
};

/** Runs every collector (and region discovery) once against the refusing AWS. */
const collectEverything = async (): Promise<[string, string][]> => {
  const ctx = context();
  const results = await Promise.all([
    collectIam(ctx),
    collectS3(ctx),
    collectCloudTrail(ctx),
    collectEc2Region(ctx, HOME),
    collectSecurityHubRegion(ctx, HOME, { severities: SEVERITIES, maxFindings: 100 }),
    resolveRegions(ctx.clients, undefined, HOME),
    collectRdsRegion(ctx, HOME),
    collectEfsRegion(ctx, HOME),
    collectEksRegion(ctx, HOME),
    collectGuardDutyRegion(ctx, HOME),
    collectConfigRegion(ctx, HOME),
    collectAccessAnalyzerRegion(ctx, HOME),
    collectAccountSettings(ctx),
  ]);
  return failuresIn(results);
};

/**
 * Services whose collectors are still being written (issue 12): their actions are in the policy but
 * not yet refused here. When one lands, call its collector in collectEverything, refuse its calls in
 * refuseIssue12Services, and remove it from this list.
 */
const NOT_YET_REFUSED: readonly Service[] = [
  'lambda',
  'sqs',
  'sns',
  'kms',
  'secretsmanager',
  'ecr',
  'opensearch',
  'cloudwatch',
];

describe('the read-only IAM policy and the permissions refusals name', () => {
  it('when AWS refuses every read, then each unknown names an action the policy grants, and together they name all of them', async () => {
    refuseEverything({ reportReady: false, trail: false, listed: false, detectorReadable: false });
    const first = await collectEverything();
    nock.cleanAll();
    // The reads behind the first ones: the credential report, each bucket's settings (one bucket
    // listed with its region, one without, whose region GetBucketLocation is asked), a trail's status,
    // the restore attribute of the unencrypted RDS snapshots, the EKS cluster, the GuardDuty detector
    // and the analyzer's findings.
    const buckets = [
      { name: 'with-region', creationDate: CREATED, region: HOME },
      { name: 'without-region', creationDate: CREATED },
    ];
    refuseEverything({ reportReady: true, trail: true, buckets, listed: true, detectorReadable: false });
    const second = await collectEverything();
    nock.cleanAll();
    // One level deeper: the detector is readable, so its findings statistics are asked.
    refuseEverything({ reportReady: true, trail: true, buckets, listed: true, detectorReadable: true });
    const third = await collectEverything();

    const failures = [...first, ...second, ...third];
    expect(failures.filter(([kind]) => kind !== 'access-denied')).toEqual([]);
    const named = new Set(failures.map(([, permission]) => permission));
    // The scan's statement: the live lane's (LookupEvents, the queue) is checked against its own calls
    // in test/aws/events/iam-policy.test.ts.
    const granted = readPolicyDocument()
      .Statement.filter((s) => s.Sid === 'CloudsecReadOnlyScan')
      .flatMap((s) => s.Action);
    expect([...named].filter((p) => !granted.includes(p))).toEqual([]);
    // And nothing in the policy that no call needs (organizations:ListAccounts is only in
    // --organization). A refused DescribeSecurityGroupRules leaves no unknown by design: it only adds
    // rule ids, and the groups are judged without them (collectors/ec2.ts).
    const silentWhenRefused = ['ec2:DescribeSecurityGroupRules'];
    // Only what those services alone need (the CloudWatch collector also reads trails, for example).
    const elsewhere = new Set<string>(
      SERVICES.filter((s) => !NOT_YET_REFUSED.includes(s)).flatMap((s) => READ_PERMISSIONS[s]),
    );
    const pending = new Set<string>(
      NOT_YET_REFUSED.flatMap((s): readonly string[] => READ_PERMISSIONS[s]).filter((a) => !elsewhere.has(a)),
    );
    expect([...named].sort()).toEqual(granted.filter((a) => !silentWhenRefused.includes(a) && !pending.has(a)));
  });
});
