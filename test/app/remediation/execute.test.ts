import { known } from '../../../src/core/model';
import { readResult } from '../../../src/core/remediations/result';
import { aBucket, anAccount, anS3Slice } from '../../fixtures/snapshot-builders';
import {
  approveThenCrash,
  awsError,
  PEOPLE,
  workflowHarness,
  type WorkflowHarness,
} from '../../fixtures/remediation-ports';
import { useTempStores } from '../../fixtures/store';

/** A request approved without running it (see approveThenCrash), so execution can be driven directly. */
const approvedRequest = async (h: WorkflowHarness) => approveThenCrash(h, (await h.pendingRequest()).id);

describe('executeApproved', () => {
  const stores = useTempStores();

  it('when 20 callers execute the same approved request at once, then exactly one runs it and the others are refused', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);

    const results = await Promise.all(Array.from({ length: 20 }, () => h.workflow.execute(request.id)));

    expect(h.estate.executions).toHaveLength(1);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    expect(results.filter((r) => !r.ok)).toEqual(
      Array.from({ length: 19 }, () => expect.objectContaining({ code: 'not-approved' })),
    );
    expect(
      (await h.auditOf(request.id)).filter((e) => e.action === 'remediation.execute' && e.outcome === 'started'),
    ).toHaveLength(1);
  });

  it('when AWS refuses the call, then the request fails with AWS’s message and nothing is retried', async () => {
    const h = workflowHarness(stores);
    h.estate.answer = awsError(
      'AccessDenied',
      'User: cloudsec-write is not authorized to perform: s3:PutBucketPublicAccessBlock',
    );
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);
    const retry = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: {
        status: 'failed',
        reason: expect.stringContaining(
          'AccessDenied on s3 PutPublicAccessBlock: User: cloudsec-write is not authorized',
        ),
        result: {
          error: { code: 'AccessDenied', failedAt: 0 },
          calls: [{ outcome: 'error', error: { code: 'AccessDenied' } }],
          verification: null,
        },
      },
    });
    expect(retry).toMatchObject({ ok: false, code: 'not-approved', status: 'failed' });
    expect(h.estate.executions).toHaveLength(1);
    expect(h.slack.of('resultPosted')[0]?.text).toContain(
      'AWS answered AccessDenied — User: cloudsec-write is not authorized',
    );
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.execute', outcome: 'error' }),
    );
  });

  it('when the executor throws instead of answering, then the request fails saying the outcome is unknown', async () => {
    const h = workflowHarness(stores);
    h.estate.executor.execute = async () => {
      throw new Error('socket hang up');
    };
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'failed', reason: expect.stringContaining('ExecutorError') },
    });
    expect(result.ok && result.request.reason).toContain('whether AWS applied anything is unknown');
  });

  it('when the finding already passes, then it is a no-op and AWS is not called', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    h.estate.pass();

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'no_op', reason: expect.stringContaining('already passes') },
    });
    expect(h.estate.executions).toEqual([]);
    expect(h.slack.of('requestChanged').map((n) => n.event)).toEqual(['approved', 'executing', 'no_op']);
  });

  it('when the resource is gone, then it is a no-op and AWS is not called', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    h.estate.gone();

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'no_op', reason: expect.stringContaining('no longer exists') },
    });
    expect(h.estate.executions).toEqual([]);
  });

  it('when the resource changed so the calls would differ, then it fails asking for a new request', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    // The same name, now a bucket in another region: the approved call would go to the wrong place.
    h.estate.account = anAccount({
      s3: anS3Slice({ buckets: known([aBucket({ region: 'eu-west-1', publicAccessBlock: known(null) })]) }),
    });

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'failed', reason: expect.stringContaining('resource changed since the request; ask again') },
    });
    expect(h.estate.executions).toEqual([]);
  });

  it('when the resource changed so no plan can be made, then it fails asking for a new request', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    h.estate.account = anAccount({ s3: anS3Slice({ buckets: known([]) }) });

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: {
        status: 'failed',
        reason: expect.stringMatching(/resource changed since the request; ask again \(Bucket app-data/),
      },
    });
    expect(h.estate.executions).toEqual([]);
  });

  it('when the resource cannot be re-collected, then nothing is sent and it fails', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    h.estate.recheckError = new Error('ExpiredToken: the security token included in the request is expired');

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: { status: 'failed', reason: expect.stringContaining('ExpiredToken') },
    });
    expect(h.estate.executions).toEqual([]);
  });

  it('when AWS accepts the calls but the check still fails, then the request fails saying so', async () => {
    const h = workflowHarness(stores);
    h.estate.effect = () => h.estate.fail('Bucket app-data does not block public access: restrictPublicBuckets off.');
    const request = await approvedRequest(h);

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({
      ok: true,
      request: {
        status: 'failed',
        reason:
          'AWS accepted the calls but the check still fails: Bucket app-data does not block public access: restrictPublicBuckets off.',
        result: { calls: [{ outcome: 'ok' }], verification: { outcome: 'failed' } },
      },
    });
    expect(await h.auditOf(request.id)).toContainEqual(
      expect.objectContaining({ action: 'remediation.verify', outcome: 'error' }),
    );
  });

  it('when Slack fails while the request moves, then execution still completes and the failures are audited', async () => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    h.deps.notifier.requestChanged = async () => {
      throw new Error('ratelimited');
    };

    const result = await h.workflow.execute(request.id);

    expect(result).toMatchObject({ ok: true, request: { status: 'succeeded' } });
    expect((await h.auditOf(request.id)).filter((e) => e.action === 'remediation.notify')).toHaveLength(2);
  });

  it.each([
    ['succeeded', () => undefined],
    ['failed on an AWS error', (h: WorkflowHarness) => (h.estate.answer = awsError('NoSuchBucket', 'gone'))],
    ['a no-op', (h: WorkflowHarness) => h.estate.pass()],
  ])('when a request has %s, then the card renderers can read its result', async (_, arrange) => {
    const h = workflowHarness(stores);
    const request = await approvedRequest(h);
    arrange(h);

    const result = await h.workflow.execute(request.id);

    expect(result.ok && readResult(result.request.result)).toMatchObject({ kind: 'ok' });
  });

  describe('in dry-run mode', () => {
    it('when an approved request runs, then AWS is never called and every record says DRY RUN', async () => {
      const h = workflowHarness(stores, { dryRun: true });
      const request = await h.pendingRequest();

      const result = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

      expect(h.estate.executions).toEqual([]);
      expect(result).toMatchObject({
        ok: true,
        request: {
          status: 'succeeded',
          reason: 'DRY RUN: no AWS call was made.',
          result: {
            dryRun: true,
            calls: [{ command: 'PutPublicAccessBlock', outcome: 'dry_run' }],
            verification: null,
          },
        },
      });
      const posted = h.slack.of('resultPosted')[0]?.text ?? '';
      expect(posted.split('\n')[0]).toBe('DRY RUN: nothing was sent to AWS.');
      expect(posted).toContain('PutPublicAccessBlock (us-east-1): not sent (DRY RUN)');
      expect(await h.auditOf(request.id)).toContainEqual(
        expect.objectContaining({ action: 'remediation.execute', outcome: 'dry_run' }),
      );
    });

    it('when the finding already passes, then a dry run is a no-op like a real one', async () => {
      const h = workflowHarness(stores, { dryRun: true });
      const request = await approvedRequest(h);
      h.estate.pass();

      expect(await h.workflow.execute(request.id)).toMatchObject({ ok: true, request: { status: 'no_op' } });
    });
  });
});
