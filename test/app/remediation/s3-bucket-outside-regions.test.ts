/**
 * S3 is listed account-wide: with `regions: [us-east-1]` in cloudsec.yml, a public bucket in
 * eu-west-1 is still reported (it is a risk whatever region EC2 is scanned in), its Remediate button
 * re-collects it in its own region and the fix runs there, and an explicit `--region` filters bucket
 * findings by the bucket's region. The estate is the simulated AWS of fake-aws over the real SDK,
 * the store is real SQLite, and the workflow is wired as src/compose.ts wires it.
 */
import { makeClientFactory } from '../../../src/aws/clients';
import { makeExecutor } from '../../../src/aws/executor';
import { makeLiveSnapshotSource } from '../../../src/aws/live-source';
import { writeAccessFor } from '../../../src/aws/write-access';
import { makeRemediationWorkflow } from '../../../src/app/remediation';
import { makeFindingLookup } from '../../../src/app/remediation/finding-lookup';
import { makeFindingRecheck } from '../../../src/app/remediation/finding-recheck';
import { makeScanService } from '../../../src/app/scan-service';
import { CHECKS } from '../../../src/core/checks';
import { GLOBAL_REGION } from '../../../src/core/model';
import { parseConfig } from '../../../src/config';
import { installFakeAws, type FakeAws } from '../../fixtures/aws/fake-aws';
import { recordingNotifier } from '../../fixtures/remediation-ports';
import { NOW } from '../../fixtures/snapshot-builders';
import { manualClock, useTempStores } from '../../fixtures/store';

const ACCOUNT_ID = '111111111111';
/** fake-aws spreads buckets over the account's regions: b0 (public) in eu-west-1, b1 in us-east-1. */
const PUBLIC_BUCKET_EU = `cs-${ACCOUNT_ID}-b0`;
const BUCKET_US = `cs-${ACCOUNT_ID}-b1`;
const REQUESTER = { userId: 'U0REQUESTER', groups: [], name: 'rita' };
const APPROVER = { userId: 'U0APPROVER', groups: [], name: 'alan' };

const CONFIG = `accounts:
  - id: "${ACCOUNT_ID}"
    name: prod
    roleArn: arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-read
    writeRoleArn: arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-write
regions: [us-east-1]
bindings:
  - role: responder
    users: [${REQUESTER.userId}]
  - role: approver
    users: [${APPROVER.userId}]
remediation:
  enabled: true
  approvalsChannel: C0SECLEADS
`;

describe('S3 buckets outside the configured regions', () => {
  const stores = useTempStores();
  let fake: FakeAws;

  beforeEach(() => {
    fake = installFakeAws({
      callerAccountId: '999999999999',
      organization: false,
      latencyMs: 0,
      accounts: [
        {
          id: ACCOUNT_ID,
          name: 'prod',
          users: 1,
          buckets: 2,
          regions: ['eu-west-1', 'us-east-1'],
          misconfigured: true,
        },
      ],
    });
  });
  afterEach(() => fake.restore());

  /** The check and remediation use cases over live collection, as src/compose.ts wires them. */
  const wire = () => {
    const config = parseConfig(CONFIG, 'cloudsec.yml');
    const clock = manualClock(NOW);
    const { store } = stores.open({ clock });
    const source = makeLiveSnapshotSource({ config, homeRegion: 'us-east-1', sleep: async () => {}, clock });
    const scans = makeScanService({ source, checks: CHECKS, store, clock, ttlMs: 300_000 });
    const writeClients = makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 2 });
    const executor = makeExecutor({
      clientsFor: (id) => {
        const access = writeAccessFor(config, id);
        return access ? writeClients(access) : null;
      },
      homeRegion: 'us-east-1',
      dryRun: false,
      audit: (input) => store.appendAudit(input),
      clock,
    });
    const workflow = makeRemediationWorkflow({
      store,
      config,
      clock,
      executor,
      recheck: makeFindingRecheck(scans),
      notifier: recordingNotifier().notifier,
      findings: makeFindingLookup(scans, store),
      accounts: { knownAccounts: async () => [{ id: ACCOUNT_ID, name: 'prod' }] },
      dryRun: false,
      sleep: async () => {},
    });
    return { scans, workflow };
  };

  it('when regions is [us-east-1], then `check s3` still reports the public bucket in eu-west-1, in its own region', async () => {
    const { scans } = wire();

    const { findings } = await scans.run({ service: 's3' });

    const finding = findings.find(
      (f) => f.checkId === 's3_bucket_public_access_blocked' && f.resource.id === PUBLIC_BUCKET_EU,
    );
    expect(finding).toMatchObject({ status: 'fail', region: 'eu-west-1' });
    expect(fake.count({ service: 's3', operation: 'GetBucketPolicyStatus', region: 'eu-west-1' })).toBe(1);
  });

  it('when Remediate is pressed on that eu-west-1 bucket, then it is re-collected, approved, fixed in eu-west-1 and verified', async () => {
    const { scans, workflow } = wire();
    const { findings } = await scans.run({ service: 's3' });
    const finding = findings.find(
      (f) => f.checkId === 's3_bucket_public_access_blocked' && f.resource.id === PUBLIC_BUCKET_EU,
    )!;

    const requested = await workflow.request({
      actor: REQUESTER,
      findingId: finding.id,
      justification: 'Public bucket found in the weekly review (SEC-123).',
    });

    expect(requested.ok ? 'requested' : requested.reason).toBe('requested');
    if (!requested.ok) return;
    const approved = await workflow.approve({ actor: APPROVER, requestId: requested.request.id });
    expect(approved).toMatchObject({ ok: true, outcome: 'approved', request: { status: 'succeeded' } });
    expect(fake.count({ service: 's3', operation: 'PutPublicAccessBlock', region: 'eu-west-1' })).toBe(1);
  });

  it.each([
    ['eu-west-1', PUBLIC_BUCKET_EU, BUCKET_US],
    ['us-east-1', BUCKET_US, PUBLIC_BUCKET_EU],
  ])(
    'when `check s3 --region %s` is asked, then only the buckets of that region are reported, with the account-wide findings',
    async (region, inside, outside) => {
      const { scans } = wire();

      const { findings } = await scans.run({ service: 's3', regions: [region] });

      const buckets = new Set(findings.filter((f) => f.resource.type === 'AwsS3Bucket').map((f) => f.resource.id));
      expect([...buckets]).toEqual([inside]);
      expect(buckets.has(outside)).toBe(false);
      expect(findings.every((f) => f.region === region || f.region === GLOBAL_REGION)).toBe(true);
      expect(findings.some((f) => f.checkId === 's3_account_public_access_blocked')).toBe(true);
    },
  );
});
