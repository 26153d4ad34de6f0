/**
 * Someone who can write cloudsec's SQLite file but is not cloudsec (a restored backup, a shared
 * volume, a stolen shell) edits request rows between the workflow's steps with raw SQL. Whatever
 * they change — status, plan, approvals, expiry, finding, kind, approver ids — no AWS write may
 * follow: the request fails, the refusal is audited with its reason, and the audit chain still
 * verifies. Each case runs with CLOUDSEC_AUDIT_KEY (rows carry an HMAC seal) and without it (rows
 * are bound to their audit trail only).
 */
import { randomUUID } from 'node:crypto';
import type Database from 'better-sqlite3';
import { makeClientFactory } from '../../../src/aws/clients';
import { makeExecutor } from '../../../src/aws/executor';
import type { Config } from '../../../src/config';
import type { ApiCall } from '../../../src/core/remediations/define';
import { cloudTrailCall, cloudTrailEndpoint, ctOk } from '../../fixtures/aws/cloudtrail';
import { assumeRoleXml, onSts } from '../../fixtures/aws/sts';
import { answerIfAsked } from '../../fixtures/answer-if-asked';
import { approveThenCrash, PEOPLE, workflowHarness, type WorkflowHarness } from '../../fixtures/remediation-ports';
import { aFinding, planned } from '../../fixtures/remediation-builders';
import { getRemediation } from '../../../src/core/remediations';
import { ACCOUNT_ID, aBucket, anAccount, anS3Slice, NOW, REGION } from '../../fixtures/snapshot-builders';
import { manualClock, useTempStores } from '../../fixtures/store';
import { known } from '../../../src/core/model';

const AUDIT_KEY = 'tamper-test-audit-key-5f1c9e2b7a3d4e6f8a0b';
const HOUR = 3_600_000;
const TRAIL_ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT_ID}:trail/org-trail`;
const STOP_LOGGING: ApiCall = {
  service: 'cloudtrail',
  region: REGION,
  command: 'StopLogging',
  input: { Name: TRAIL_ARN },
};
/** What an attacker would rather the bucket had: no public access block at all. */
const DELETE_BLOCK: ApiCall = {
  service: 's3',
  region: REGION,
  command: 'DeletePublicAccessBlock',
  input: { Bucket: 'app-data' },
};

type Raw = Database.Database;

const json = (value: unknown) => JSON.stringify(value);

describe.each([
  ['with CLOUDSEC_AUDIT_KEY', AUDIT_KEY],
  ['without an audit key', undefined],
])('a request row edited outside cloudsec, %s', (_mode, auditKey) => {
  const stores = useTempStores();
  const keyed = auditKey !== undefined;

  /** cloudsec on a real SQLite file, and the same file opened by the attacker. */
  const open = (config: Partial<Config['remediation']> = {}) => {
    const clock = manualClock(NOW);
    const { store, path } = stores.open({ clock, auditKey });
    const h = workflowHarness(stores, { store, clock, config });
    return { h, path, raw: stores.raw(path) };
  };

  /** cloudsec started again on the same file, with fresh fakes (as after a crash or a restore). */
  const restart = (before: WorkflowHarness, path: string, config: Partial<Config['remediation']> = {}) =>
    workflowHarness(stores, {
      clock: before.clock,
      store: stores.open({ path, clock: before.clock, auditKey }).store,
      config,
    });

  /** A remediation asked for, approved, run and verified: the bucket now blocks public access. */
  const succeeded = async (h: WorkflowHarness) => {
    const request = await h.pendingRequest();
    const done = await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });
    if (!done.ok || done.request.status !== 'succeeded') throw new Error('expected the remediation to succeed');
    return done.request;
  };

  /** Nothing reached AWS for the request, it failed, and the refusal (with `code`) is in the audit log. */
  const expectRefused = async (h: WorkflowHarness, requestId: string, code: string) => {
    expect(h.estate.executions).toEqual([]);
    const request = await h.store.getRequest(requestId);
    expect(request).toMatchObject({
      status: 'failed',
      reason: expect.stringMatching(/^cloudsec refused to run this request: .*Nothing was sent to AWS\.$/s),
    });
    const entries = await h.store.listAudit({ requestId });
    const refusals = entries.filter((e) => e.action === 'remediation.integrity' && e.outcome === 'denied');
    expect(refusals).toEqual([expect.objectContaining({ details: expect.objectContaining({ code }) })]);
    expect(String(refusals[0]?.details['reason'])).not.toHaveLength(0);
    const afterwards = entries.filter((e) => e.seq > refusals[0]!.seq);
    expect(afterwards.filter((e) => e.action === 'aws.write' || e.outcome === 'started')).toEqual([]);
    // The log the refusal went into is as intact as before: the tampering was in the requests table.
    expect(await h.store.verifyAudit()).toMatchObject({ ok: true });
  };

  /** A whole request row written with SQL, approvals included: nothing about it went through cloudsec. */
  const plant = (
    raw: Raw,
    row: { kind: 'remediate' | 'undo'; undoOf?: string | null; remediationId: string; calls: ApiCall[] },
  ): string => {
    const id = randomUUID();
    const finding = aFinding({ remediationId: 's3_block_public_access' });
    const at = NOW.toISOString();
    raw
      .prepare(
        `INSERT INTO remediation_requests (id, kind, undo_of, status, remediation_id, target, finding_id, account_id,
           region, requester_id, requester, finding, plan, options, justification, required_approvals, reason, result,
           decided_by, message, created_at, updated_at, expires_at, finished_at, version)
         VALUES (@id, @kind, @undoOf, 'approved', @remediationId, @target, @findingId, @accountId, @region, 'U0REQUESTER',
           @requester, @finding, @plan, 'null', 'routine', 1, NULL, 'null', NULL, NULL, @at, @at, @expires, NULL, 3)`,
      )
      .run({
        id,
        kind: row.kind,
        undoOf: row.undoOf ?? null,
        remediationId: row.remediationId,
        target: `${row.remediationId}|${ACCOUNT_ID}|planted-${id}`,
        findingId: finding.id,
        accountId: finding.accountId,
        region: finding.region,
        requester: json({ kind: 'slack-user', id: 'U0REQUESTER' }),
        finding: json(finding),
        plan: json({ calls: row.calls, before: null, notes: [] }),
        at,
        expires: new Date(NOW.getTime() + 24 * HOUR).toISOString(),
      });
    raw
      .prepare(
        `INSERT INTO request_approvals (request_id, ordinal, approver_id, approver, approved_at, comment)
         VALUES (?, 1, 'U0APPROVER', ?, ?, NULL)`,
      )
      .run(id, json({ kind: 'slack-user', id: 'U0APPROVER', name: 'alan' }), at);
    return id;
  };

  it('when a row is planted approved with an undo plan that stops CloudTrail logging, then reconcile sends nothing, fails it and audits why', async () => {
    const { h, path, raw } = open();
    const original = await succeeded(h);
    const planted = plant(raw, {
      kind: 'undo',
      undoOf: original.id,
      remediationId: 'cloudtrail_start_logging',
      calls: [STOP_LOGGING],
    });
    const after = restart(h, path);
    after.estate.pass();

    await after.workflow.reconcile();

    await expectRefused(after, planted, keyed ? 'seal' : 'not-recorded');
  });

  it('when a row is planted approved with the plan cloudsec itself would make, then it still does not run without approvals on record', async () => {
    const { h, path, raw } = open();
    const ownPlan = planned(getRemediation('s3_block_public_access')!.plan(h.estate.finding!, h.estate.account!));
    const planted = plant(raw, { kind: 'remediate', remediationId: 's3_block_public_access', calls: ownPlan.calls });
    const after = restart(h, path);

    await after.workflow.reconcile();

    await expectRefused(after, planted, keyed ? 'seal' : 'not-recorded');
  });

  it('when a pending request is set to approved with SQL, then it does not run', async () => {
    const { h, path, raw } = open();
    const request = await h.pendingRequest();
    raw.prepare(`UPDATE remediation_requests SET status = 'approved' WHERE id = ?`).run(request.id);
    const after = restart(h, path);

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'history');
  });

  it('when the plan of an approved undo is replaced, then the replacement is not sent', async () => {
    const { h, path, raw } = open();
    const original = await succeeded(h);
    const undo = await h.workflow.undo({
      actor: PEOPLE.approver,
      requestId: original.id,
      justification: 'The website needs public reads until the CDN is in place.',
    });
    if (!undo.ok) throw new Error(undo.reason);
    await approveThenCrash(h, undo.request.id, [PEOPLE.secondApprover]);
    raw
      .prepare('UPDATE remediation_requests SET plan = ? WHERE id = ?')
      .run(json({ calls: [DELETE_BLOCK], before: null, notes: [] }), undo.request.id);
    const after = restart(h, path);
    after.estate.pass();

    await after.workflow.reconcile();

    await expectRefused(after, undo.request.id, keyed ? 'seal' : 'content-changed');
  });

  it('when the plan of an approved remediation is replaced, then it is refused as tampered before anything is re-read', async () => {
    const { h, path, raw } = open();
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    raw
      .prepare('UPDATE remediation_requests SET plan = ? WHERE id = ?')
      .run(json({ calls: [DELETE_BLOCK], before: null, notes: [] }), request.id);
    const after = restart(h, path);

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'content-changed');
    expect(after.estate.rechecks).toEqual([]);
  });

  it('when the finding, target and plan are switched to another failing bucket, then that bucket is not changed', async () => {
    const { h, path, raw } = open();
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    // Another bucket, failing the same way, and the plan cloudsec would make for it.
    const other = aFinding({
      id: 'f_other_bucket',
      remediationId: 's3_block_public_access',
      resource: { type: 'AwsS3Bucket', id: 'payroll-exports', arn: 'arn:aws:s3:::payroll-exports' },
    });
    const plan = {
      ...request.plan,
      calls: request.plan.calls.map((c) => ({ ...c, input: { ...c.input, Bucket: 'payroll-exports' } })),
    };
    raw
      .prepare('UPDATE remediation_requests SET finding = ?, finding_id = ?, target = ?, plan = ? WHERE id = ?')
      .run(
        json(other),
        other.id,
        `s3_block_public_access|${ACCOUNT_ID}|arn:aws:s3:::payroll-exports`,
        json(plan),
        request.id,
      );
    const after = restart(h, path);
    after.estate.finding = other;
    after.estate.account = anAccount({
      s3: anS3Slice({
        accountPublicAccessBlock: known(null),
        buckets: known([aBucket({ name: 'payroll-exports', publicAccessBlock: known(null) })]),
      }),
    });

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'content-changed');
  });

  it('when the approver of an approved request is changed to the requester, then it does not run', async () => {
    const { h, path, raw } = open();
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    raw
      .prepare('UPDATE request_approvals SET approver_id = ?, approver = ? WHERE request_id = ?')
      .run(PEOPLE.requester.userId, json({ kind: 'slack-user', id: PEOPLE.requester.userId }), request.id);
    const after = restart(h, path);

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'approvals');
  });

  it('when the approver of an approved request is changed to another approver, then it does not run', async () => {
    const { h, path, raw } = open();
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    raw
      .prepare('UPDATE request_approvals SET approver_id = ?, approver = ? WHERE request_id = ?')
      .run(PEOPLE.secondApprover.userId, json({ kind: 'slack-user', id: PEOPLE.secondApprover.userId }), request.id);
    const after = restart(h, path);

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'approvals');
  });

  it('when a second approval is written with SQL for a request that needs two, then it does not run', async () => {
    const { h, path, raw } = open({ approvals: { s3_block_public_access: 2 } });
    const request = await h.pendingRequest();
    expect(await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id })).toMatchObject({
      outcome: 'recorded',
      approvalsMissing: 1,
    });
    raw
      .prepare(
        `INSERT INTO request_approvals (request_id, ordinal, approver_id, approver, approved_at, comment)
         VALUES (?, 2, ?, ?, ?, NULL)`,
      )
      .run(
        request.id,
        PEOPLE.secondApprover.userId,
        json({ kind: 'slack-user', id: PEOPLE.secondApprover.userId }),
        NOW.toISOString(),
      );
    raw.prepare(`UPDATE remediation_requests SET status = 'approved' WHERE id = ?`).run(request.id);
    const after = restart(h, path, { approvals: { s3_block_public_access: 2 } });

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'history');
  });

  it('when the approvals needed are lowered with SQL before the first approver comes, then that one approval runs nothing', async () => {
    const { h, raw } = open({ approvals: { s3_block_public_access: 2 } });
    const request = await h.pendingRequest();
    raw.prepare('UPDATE remediation_requests SET required_approvals = 1 WHERE id = ?').run(request.id);

    // The approval is real; the count it completes is not.
    await h.workflow.approve({ actor: PEOPLE.approver, requestId: request.id });

    await expectRefused(h, request.id, keyed ? 'seal' : 'content-changed');
  });

  it('when the expiry of an approved request is pushed back after it passed, then it does not run', async () => {
    const { h, path, raw } = open();
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    h.clock.advance(25 * HOUR);
    raw
      .prepare('UPDATE remediation_requests SET expires_at = ? WHERE id = ?')
      .run(new Date(h.clock().getTime() + 24 * HOUR).toISOString(), request.id);
    const after = restart(h, path);

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'content-changed');
  });

  it('when the kind of an approved remediation is changed to undo, then it does not run', async () => {
    const { h, path, raw } = open();
    const original = await succeeded(h);
    h.estate.fail();
    h.clock.advance(HOUR);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    raw.prepare(`UPDATE remediation_requests SET kind = 'undo', undo_of = ? WHERE id = ?`).run(original.id, request.id);
    const after = restart(h, path);
    // As an undo it would run when the check passes (the fix is in place).
    after.estate.pass();

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'not-recorded');
  });

  it('when a finished request is set back to approved, then it is not run a second time', async () => {
    const { h, path, raw } = open();
    const request = await succeeded(h);
    raw
      .prepare(`UPDATE remediation_requests SET status = 'approved', finished_at = NULL, reason = NULL WHERE id = ?`)
      .run(request.id);
    const after = restart(h, path);
    // Someone opened the bucket again since: a second run would write.
    after.estate.fail();

    await after.workflow.reconcile();

    await expectRefused(after, request.id, keyed ? 'seal' : 'history');
  });

  it('when the original’s recorded before-state is edited before its undo is asked for, then the undo does not run', async () => {
    const { h, raw } = open();
    const original = await succeeded(h);
    raw
      .prepare('UPDATE remediation_requests SET plan = ? WHERE id = ?')
      .run(
        json({ ...original.plan, before: { ...(original.plan.before as object), publicAccessBlock: null } }),
        original.id,
      );
    const undo = await h.workflow.undo({
      actor: PEOPLE.approver,
      requestId: original.id,
      justification: 'The website needs public reads until the CDN is in place.',
    });
    if (!undo.ok) throw new Error(undo.reason);
    h.estate.executions.length = 0;

    await h.workflow.approve({ actor: PEOPLE.secondApprover, requestId: undo.request.id });

    await expectRefused(h, undo.request.id, 'original');
  });
});

describe('a planted request and the real executor', () => {
  const stores = useTempStores();

  it('when a planted undo would stop CloudTrail logging, then no request reaches STS or CloudTrail', async () => {
    const clock = manualClock(NOW);
    const { store, path } = stores.open({ clock, auditKey: AUDIT_KEY });
    const h = workflowHarness(stores, { store, clock });
    const original = await h.pendingRequest();
    await h.workflow.approve({ actor: PEOPLE.approver, requestId: original.id });
    const raw = stores.raw(path);
    const id = randomUUID();
    const finding = aFinding({ remediationId: 's3_block_public_access' });
    raw
      .prepare(
        `INSERT INTO remediation_requests (id, kind, undo_of, status, remediation_id, target, finding_id, account_id,
           region, requester_id, requester, finding, plan, options, justification, required_approvals, reason, result,
           decided_by, message, created_at, updated_at, expires_at, finished_at, version)
         VALUES (?, 'undo', ?, 'approved', 'cloudtrail_start_logging', 'planted', ?, ?, ?, 'U0REQUESTER', ?, ?, ?, 'null',
           'routine', 1, NULL, 'null', NULL, NULL, ?, ?, NULL, NULL, 3)`,
      )
      .run(
        id,
        original.id,
        finding.id,
        finding.accountId,
        finding.region,
        json({ kind: 'slack-user', id: 'U0REQUESTER' }),
        json(finding),
        json({ calls: [STOP_LOGGING], before: null, notes: [] }),
        NOW.toISOString(),
        NOW.toISOString(),
      );
    const writeRole = `arn:aws:iam::${ACCOUNT_ID}:role/cloudsec-write`;
    const factory = makeClientFactory({ homeRegion: REGION, maxAttempts: 1 });
    h.deps.executor = makeExecutor({
      clientsFor: (accountId) => factory({ accountId, roleArn: writeRole }),
      homeRegion: REGION,
      dryRun: false,
      audit: (input) => store.appendAudit(input),
      clock,
    });
    // Tripwires: answered (and counted) if asked, so a tampered plan that got through would be seen.
    const sts = answerIfAsked(
      onSts('AssumeRole'),
      200,
      assumeRoleXml(writeRole, {
        accessKeyId: 'ASIATAMPERTESTEXAMPLE',
        secretAccessKey: 'tamperTestSecretKeyExample0000000000000',
        sessionToken: 'tamper-test-session-token',
      }),
    );
    const stopLogging = answerIfAsked(
      cloudTrailCall(cloudTrailEndpoint(REGION), 'StopLogging', { Name: TRAIL_ARN }),
      ...ctOk({}),
    );
    h.estate.pass();

    await h.workflow.reconcile();

    expect(stopLogging.asked).toBe(0);
    expect(sts.asked).toBe(0);
    expect(await store.getRequest(id)).toMatchObject({ status: 'failed' });
    expect(await store.listAudit({ requestId: id })).toContainEqual(
      expect.objectContaining({ action: 'remediation.integrity', outcome: 'denied' }),
    );
  });
});

describe('an approved request past its expiry at restart', () => {
  const stores = useTempStores();

  it('when cloudsec starts after the expiry of a request a crash left approved, then it expires instead of running', async () => {
    const clock = manualClock(NOW);
    const { store, path } = stores.open({ clock });
    const h = workflowHarness(stores, { store, clock });
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    clock.advance(25 * HOUR);
    const after = workflowHarness(stores, { clock, store: stores.open({ path, clock }).store });

    const report = await after.workflow.reconcile();

    expect(after.estate.executions).toEqual([]);
    expect(report.resumed).toEqual([expect.objectContaining({ ok: false, code: 'expired' })]);
    expect(await after.store.getRequest(request.id)).toMatchObject({
      status: 'expired',
      reason: expect.stringContaining('before it was executed'),
    });
    expect(after.slack.of('requestChanged', request.id).map((n) => n.event)).toEqual(['expired']);
  });

  it('when an approved request past its expiry is executed directly, then it expires and nothing is sent', async () => {
    const h = workflowHarness(stores);
    const request = await h.pendingRequest();
    await approveThenCrash(h, request.id);
    h.clock.advance(24 * HOUR);
    h.estate.rechecks.length = 0;

    expect(await h.workflow.execute(request.id)).toMatchObject({ ok: false, code: 'expired' });
    expect(h.estate.executions).toEqual([]);
    expect(h.estate.rechecks).toEqual([]);
  });
});
