import { known } from '../../../src/core/model';
import { VERIFY_DELAYS_MS } from '../../../src/app/remediation/execute';
import { aSecurityHubFinding, type Sample } from '../../fixtures/remediation-builders';
import { aBucket, anAccount, anS3Slice } from '../../fixtures/snapshot-builders';
import {
  approveThenCrash,
  awsError,
  okReport,
  workflowHarness,
  type WorkflowHarness,
} from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

/** Approved by an approver, with execution left for the test to drive (see approveThenCrash). */
const approvedRequest = async (h: WorkflowHarness) => approveThenCrash(h, (await h.pendingRequest()).id);

/** Security Hub's S3.8 finding on bucket legacy-public, fixed by Block Public Access on that bucket. */
const securityHubSample = (): Sample => ({
  finding: aSecurityHubFinding(),
  account: anAccount({
    s3: anS3Slice({ buckets: known([aBucket({ name: 'legacy-public', publicAccessBlock: known(null) })]) }),
  }),
});

describe('verification after a write', () => {
  const stores = useTempStores();

  it('when the first re-read still shows the old state (eventual consistency), then it reads again and succeeds without a second write', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    let reads = 0; // counted from execution on
    // Pre-check sees fail; the first read after the write still sees fail; the next one sees the fix.
    h.estate.effect = () => undefined;
    const recheck = h.estate.recheck.recheck;
    h.deps.recheck.recheck = async (f) => {
      reads += 1;
      if (reads === 3) h.estate.pass();
      return recheck(f);
    };

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({ ok: true, request: { status: 'succeeded' } });
    expect(h.estate.executions).toHaveLength(1);
    expect(reads).toBe(3);
    expect(h.sleeps).toEqual([VERIFY_DELAYS_MS[0]]);
  });

  it('when the check never passes, then it reads a bounded number of times and fails, still with one write', async () => {
    const h = workflowHarness(stores);
    h.estate.effect = () => undefined;
    const request = await approvedRequest(h);
    const readsBefore = h.estate.rechecks.length;

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: {
        status: 'failed',
        reason: expect.stringContaining('AWS accepted the calls but the check still fails'),
      },
    });
    expect(h.estate.executions).toHaveLength(1);
    // One pre-check, one read after the write, then one per delay.
    expect(h.estate.rechecks.length - readsBefore).toBe(2 + VERIFY_DELAYS_MS.length);
    expect(h.sleeps).toEqual([...VERIFY_DELAYS_MS]);
  });

  it('when the resource disappears after the write, then it does not keep reading', async () => {
    const h = workflowHarness(stores);
    h.estate.effect = () => h.estate.gone();
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({ ok: true, request: { status: 'failed' } });
    expect(h.sleeps).toEqual([]);
  });
});

describe('a fix of a finding that came from Security Hub', () => {
  const stores = useTempStores();

  it('when the fix is verified, then the Security Hub finding is marked RESOLVED with a note naming the request, requester and approver', async () => {
    const h = workflowHarness(stores, { sample: securityHubSample() });
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'succeeded', result: { securityHub: { outcome: 'ok' } } },
    });
    expect(h.estate.executions.map((e) => e.calls.map((c) => c.command))).toEqual([
      ['PutPublicAccessBlock'],
      ['BatchUpdateFindings'],
    ]);
    const update = h.estate.executions[1]!.calls[0]!;
    expect(update).toMatchObject({
      service: 'securityhub',
      region: request.finding.region,
      input: {
        FindingIdentifiers: [
          { Id: request.finding.evidence['securityHubId'], ProductArn: request.finding.evidence['productArn'] },
        ],
        Workflow: { Status: 'RESOLVED' },
        Note: { UpdatedBy: 'cloudsec' },
      },
    });
    const note = (update.input['Note'] as { Text: string }).Text;
    expect(note).toContain(request.id);
    expect(note).toContain('rita');
    expect(note).toContain('alan');
    expect(note.length).toBeLessThanOrEqual(512);
    expect(h.slack.of('resultPosted')[0]?.text).toContain('Security Hub: the source finding was marked RESOLVED');
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.securityhub_resolve', outcome: 'ok' }),
    );
  });

  it('when Security Hub refuses the update, then the fix still counts as succeeded and the thread says what failed', async () => {
    const h = workflowHarness(stores, { sample: securityHubSample() });
    const request = await approvedRequest(h);
    h.estate.answer = (calls) =>
      calls[0]?.command === 'BatchUpdateFindings'
        ? awsError('AccessDeniedException', 'not authorized to perform securityhub:BatchUpdateFindings')(calls)
        : okReport(calls);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'succeeded', result: { securityHub: { outcome: 'error' } } },
    });
    expect(h.slack.of('resultPosted')[0]?.text).toContain(
      'Security Hub: marking the source finding RESOLVED failed (AccessDeniedException: not authorized',
    );
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.securityhub_resolve', outcome: 'error' }),
    );
  });

  it('when the fix is not verified, then Security Hub is left alone', async () => {
    const h = workflowHarness(stores, { sample: securityHubSample() });
    h.estate.effect = () => undefined;
    const request = await approvedRequest(h);

    await h.workflow.execute(request.id);

    expect(h.estate.executions.flatMap((e) => e.calls.map((c) => c.command))).toEqual(['PutPublicAccessBlock']);
  });

  it('when the finding came from a cloudsec check, then no Security Hub call is made', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({ ok: true, request: { status: 'succeeded', result: { securityHub: null } } });
    expect(h.estate.executions).toHaveLength(1);
  });

  it('when running dry, then the thread says the finding would be marked RESOLVED and nothing is sent', async () => {
    const h = workflowHarness(stores, { sample: securityHubSample(), dryRun: true });
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({ ok: true, request: { result: { securityHub: { outcome: 'dry_run' } } } });
    expect(h.estate.executions).toEqual([]);
    expect(h.slack.of('resultPosted')[0]?.text).toContain('Security Hub: DRY RUN, would mark the finding RESOLVED.');
  });
});
