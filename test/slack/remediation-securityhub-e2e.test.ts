/**
 * A fix asked for from a Security Hub finding, through the real Bolt app: Security Hub still
 * reports the control as failing right after the write (it re-evaluates hours later), so cloudsec
 * plans and verifies with its equivalent check on a fresh collection of the bucket, then marks the
 * Security Hub finding RESOLVED with a note.
 */
import {
  BUCKET,
  PEOPLE,
  awsWrites,
  eventually,
  press,
  remediationConfig,
  requestFix,
  startRemediationE2e,
  type RemediationE2e,
} from '../fixtures/remediation-e2e';

const SECURITY_HUB_TARGET = {
  service: 'securityhub',
  checkId: 'securityhub:S3.8',
  resourceId: `arn:aws:s3:::${BUCKET}`,
} as const;

describe('remediating a Security Hub finding through Slack', () => {
  let e2e: RemediationE2e;

  beforeEach(async () => {
    e2e = await startRemediationE2e({ config: remediationConfig() });
  });
  afterEach(async () => {
    await e2e.close();
  });

  it('when S3.8 is fixed and approved, then the bucket is blocked once, verified by cloudsec’s own check, and the Security Hub finding is marked RESOLVED', async () => {
    const { requestId } = await requestFix(e2e, SECURITY_HUB_TARGET as never);
    const pending = (await e2e.store.getRequest(requestId))!;
    expect(pending).toMatchObject({
      remediationId: 's3_block_public_access',
      finding: { source: 'securityhub', checkId: 'securityhub:S3.8' },
      plan: { calls: [{ service: 's3', command: 'PutPublicAccessBlock' }] },
    });

    await press(e2e, PEOPLE.approver, 'remediation.approve', requestId);
    await eventually(async () => (await e2e.store.getRequest(requestId))!.status === 'succeeded', 'the fix');

    expect(e2e.fake.count({ operation: 'PutPublicAccessBlock' })).toBe(1);
    expect(e2e.fake.count({ operation: 'BatchUpdateFindings' })).toBe(1);
    const done = (await e2e.store.getRequest(requestId))!;
    expect(done.result).toMatchObject({
      verification: { outcome: 'passed' },
      securityHub: { outcome: 'ok', call: { command: 'BatchUpdateFindings', outcome: 'ok' } },
    });
    const writes = await awsWrites(e2e, requestId);
    expect(writes.filter((w) => w.endsWith(':ok'))).toHaveLength(2);
    expect(writes.join(' ')).toMatch(/PutPublicAccessBlock.*BatchUpdateFindings/);
    const thread = e2e.posted.find(
      (p) => p.thread_ts && (p.blocks ?? '').includes('the source finding was marked RESOLVED'),
    );
    expect(thread).toBeDefined();
  });
});
