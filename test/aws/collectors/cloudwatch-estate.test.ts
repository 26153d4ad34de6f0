import { makeClientFactory } from '../../../src/aws/clients';
import { collectCloudWatch } from '../../../src/aws/collectors/cloudwatch';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { CLOUDWATCH_CHECKS } from '../../../src/core/checks/cloudwatch';
import type { CheckResult } from '../../../src/core/checks/define';
import { CloudWatchSliceSchema, known } from '../../../src/core/model';
import { cloudTrailCall, cloudTrailEndpoint, ctOk, trailWithLogGroupJson } from '../../fixtures/aws/cloudtrail';
import {
  fakeSecurityTopic,
  fakeTopicSubscriptions,
  fakeTrailLogGroupArn,
  listSubscriptionsByTopicXml,
  logsEndpoint,
  monitoringEndpoint,
  snsCall,
  snsEndpoint,
  snsOk,
} from '../../fixtures/aws/cloudwatch';
import type { FakeAccount } from '../../fixtures/aws/fake-aws';
import type { FakeRequest, ServiceHandler } from '../../fixtures/aws/fake-aws-core';
import { handleCloudWatch } from '../../fixtures/aws/fake-services/cloudwatch';
import { handleLogs } from '../../fixtures/aws/fake-services/logs';
import { aMonitoredTrail } from '../../fixtures/builders/cloudwatch';
import { aCloudTrailSlice, anAccount, NOW } from '../../fixtures/snapshot-builders';

/**
 * The simulated estate's CloudWatch Logs and CloudWatch answers (fake-services/logs.ts, cloudwatch.ts)
 * read by the real SDK clients through the collector, then judged by the fifteen checks: the estate
 * speaks the wire format, and its misconfigured account fails where it should.
 */
const ACCOUNT_ID = '210987654321';
const REGION = 'us-east-1';
const LOG_GROUP = fakeTrailLogGroupArn(ACCOUNT_ID, REGION);
const TOPIC = fakeSecurityTopic(ACCOUNT_ID, REGION);

/** Answers every request to `scope` with the fake handler, as fake-aws.ts would route it. */
const routeTo = (
  scope: ReturnType<typeof logsEndpoint>,
  service: string,
  handler: ServiceHandler,
  account: FakeAccount,
) =>
  scope
    .persist()
    .post('/')
    .reply(function (_uri, body) {
      const req: FakeRequest = {
        service,
        hostPrefix: undefined,
        region: REGION,
        method: 'POST',
        path: '/',
        query: new URLSearchParams(),
        params: (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, unknown>,
        target: String(this.req.headers['x-amz-target']).split('.')[1],
        accountId: account.id,
        assumed: false,
      };
      return handler(req, account).reply;
    });

const collectFromEstate = async (misconfigured: boolean) => {
  const account: FakeAccount = {
    id: ACCOUNT_ID,
    name: 'estate',
    users: 0,
    buckets: 0,
    regions: [REGION],
    misconfigured,
  };
  cloudTrailCall(cloudTrailEndpoint(REGION), 'DescribeTrails').reply(
    ...ctOk({
      trailList: [trailWithLogGroupJson({ name: 'main', homeRegion: REGION, isMultiRegion: true }, LOG_GROUP)],
    }),
  );
  routeTo(logsEndpoint(REGION), 'logs', handleLogs, account);
  routeTo(monitoringEndpoint(REGION), 'monitoring', handleCloudWatch, account);
  snsCall(snsEndpoint(REGION), 'ListSubscriptionsByTopic', { TopicArn: TOPIC }).reply(
    ...snsOk(listSubscriptionsByTopicXml(fakeTopicSubscriptions(TOPIC, misconfigured))),
  );
  const ctx: CollectContext = {
    clients: makeClientFactory({ homeRegion: REGION, maxAttempts: 1 })({ accountId: ACCOUNT_ID }),
    accountId: ACCOUNT_ID,
    partition: 'aws',
    homeRegion: REGION,
    regions: [REGION],
    sleep: async () => {},
    fanOut: (fn) => fn(),
  };
  const cloudwatch = CloudWatchSliceSchema.parse(await collectCloudWatch(ctx));
  const snapshot = anAccount({
    accountId: ACCOUNT_ID,
    cloudtrail: aCloudTrailSlice({ trails: known([aMonitoredTrail({ cloudWatchLogsLogGroupArn: LOG_GROUP })]) }),
    cloudwatch,
  });
  return Object.fromEntries(
    CLOUDWATCH_CHECKS.map((c): [string, CheckResult] => [
      c.frameworks.cis ?? c.id,
      c.evaluate({ account: snapshot, now: NOW })[0]!,
    ]),
  );
};

describe('the simulated estate’s monitoring, through the collector and the checks', () => {
  it('when the account is healthy, then all fifteen CIS 4.x checks pass', async () => {
    const verdicts = await collectFromEstate(false);
    expect(Object.values(verdicts).map((r) => r.status)).toEqual(Array(15).fill('pass'));
  });

  it('when the account is misconfigured, then every check fails, each at the link the estate broke', async () => {
    const verdicts = await collectFromEstate(true);
    expect(Object.values(verdicts).map((r) => r.status)).toEqual(Array(15).fill('fail'));
    expect(verdicts['4.3']!.message).toContain('no metric filter on log group aws-cloudtrail-logs');
    expect(verdicts['4.2']!.message).toContain('closest is filter console_login_without_mfa_monitored');
    expect(verdicts['4.4']!.message).toContain('has its actions disabled');
    expect(verdicts['4.5']!.message).toContain('no confirmed subscriber (1 pending confirmation)');
  });
});
