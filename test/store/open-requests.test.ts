/**
 * One open request per target, held by the store (SQLite and PostgreSQL): createRequest hands back
 * the open request instead of storing a second one, a unique index makes the database refuse it
 * whoever writes the row, several processes racing for one target get one winner (SQLite here,
 * replicas on PostgreSQL in pg-requests.test.ts), and migration 3 gives requests stored by older
 * SQLite versions their targets and settles the duplicates those versions allowed.
 */
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Finding } from '../../src/core/model';
import { writeTarget } from '../../src/core/remediations/define';
import { MIGRATIONS, migrate } from '../../src/store/migrations';
import { openSqliteStore } from '../../src/store/sqlite';
import { TERMINAL_REQUEST_STATUSES, type RequestStatus } from '../../src/core/remediations/request';
import { STORE_KINDS, useContractStores } from '../fixtures/contract-stores';
import { aFinding } from '../fixtures/remediation-builders';
import {
  aNewRequest,
  anActor,
  createdRequest,
  manualClock,
  runTsChild,
  useTempStores,
  type ChildRun,
} from '../fixtures/store';

const TARGET = 's3_block_public_access|111111111111|arn:aws:s3:::app-data';
const OPEN: RequestStatus[] = ['pending', 'approved', 'executing'];
const WORKER = path.join(__dirname, 'children', 'store-worker.ts');
const COLUMNS = [
  'id',
  'kind',
  'undo_of',
  'status',
  'remediation_id',
  'target',
  'finding_id',
  'account_id',
  'region',
  'requester_id',
  'requester',
  'finding',
  'plan',
  'options',
  'justification',
  'required_approvals',
  'reason',
  'result',
  'decided_by',
  'message',
  'created_at',
  'updated_at',
  'expires_at',
  'finished_at',
  'version',
];

/** How SQLite and PostgreSQL word a unique index's refusal. */
const UNIQUE_REFUSED = /UNIQUE constraint failed|duplicate key value violates unique constraint/;

describe.each(STORE_KINDS)('one open request per target (%s)', (kind) => {
  const stores = useContractStores(kind);

  const setup = async () => ({ store: await stores.open({ clock: manualClock('2026-11-01T12:00:00.000Z') }) });

  it.each(OPEN)(
    'when a request for the target is %s, then a second one is not stored and the open one is returned',
    async (status) => {
      const { store } = await setup();
      const first = await createdRequest(store, aNewRequest({ target: TARGET }));
      if (status !== 'pending') await store.transitionRequest(first.id, ['pending'], 'approved');
      if (status === 'executing') await store.transitionRequest(first.id, ['approved'], 'executing');

      const second = await store.createRequest(aNewRequest({ target: TARGET, requester: anActor('U0OTHER') }));

      expect(second).toEqual({ created: false, existing: await store.getRequest(first.id) });
      expect(second.created ? null : second.existing.status).toBe(status);
      expect((await store.listRequests()).map((r) => r.id)).toEqual([first.id]);
    },
  );

  it.each(TERMINAL_REQUEST_STATUSES)(
    'when the request for the target ended %s, then a new one is stored',
    async (status) => {
      const { store } = await setup();
      const first = await createdRequest(store, aNewRequest({ target: TARGET }));
      await store.transitionRequest(first.id, ['pending'], status);

      const second = await store.createRequest(aNewRequest({ target: TARGET }));

      expect(second).toMatchObject({ created: true, request: { status: 'pending', target: TARGET } });
      expect(await store.listRequests({ target: TARGET })).toHaveLength(2);
    },
  );

  it('when an undo is asked for while its original’s target has an open request, then it conflicts like any request', async () => {
    const { store } = await setup();
    const original = await createdRequest(store, aNewRequest({ target: TARGET }));
    await store.transitionRequest(original.id, ['pending'], 'succeeded');
    const fix = await createdRequest(store, aNewRequest({ target: TARGET }));

    const undo = await store.createRequest(aNewRequest({ kind: 'undo', undoOf: original.id, target: TARGET }));

    expect(undo).toMatchObject({ created: false, existing: { id: fix.id, kind: 'remediate' } });
  });

  it('when targets differ, then their requests are open side by side and listRequests filters by target', async () => {
    const { store } = await setup();
    const a = await createdRequest(store, aNewRequest({ target: TARGET }));
    const b = await createdRequest(store, aNewRequest({ target: `${TARGET}-other` }));

    expect((await store.listRequests({ target: TARGET })).map((r) => r.id)).toEqual([a.id]);
    expect((await store.listRequests({ target: `${TARGET}-other` })).map((r) => r.id)).toEqual([b.id]);
    expect(await store.getRequest(a.id)).toMatchObject({ target: TARGET });
  });

  it('when a second open row for a target is written past createRequest, then the database refuses it', async () => {
    const { store } = await setup();
    const first = await createdRequest(store, aNewRequest({ target: TARGET }));
    const other = await createdRequest(store, aNewRequest({ target: TARGET.replace('app-data', 'logs') }));
    await store.transitionRequest(other.id, ['pending'], 'denied');

    // A copy of the open request under a new id, and the finished one moved to the open target and reopened.
    await expect(
      stores.exec(
        store,
        `INSERT INTO remediation_requests (${COLUMNS.join(', ')})
         SELECT 'copy-of-first', ${COLUMNS.slice(1).join(', ')} FROM remediation_requests WHERE id = ?`,
        [first.id],
      ),
    ).rejects.toThrow(UNIQUE_REFUSED);
    await expect(
      stores.exec(store, "UPDATE remediation_requests SET target = ?, status = 'pending' WHERE id = ?", [
        TARGET,
        other.id,
      ]),
    ).rejects.toThrow(UNIQUE_REFUSED);
    // Finished duplicates are fine: history keeps every request.
    await stores.exec(store, 'UPDATE remediation_requests SET target = ? WHERE id = ?', [TARGET, other.id]);
    expect(await store.listRequests({ target: TARGET })).toHaveLength(2);
  });
});

describe('several processes creating a request for one target at once', () => {
  const stores = useTempStores();
  jest.setTimeout(120_000);

  it('when processes race to create it, then exactly one creates and every other gets that request back', async () => {
    const { store, path: dbPath } = stores.open();
    const workers = ['c1', 'c2', 'c3', 'c4', 'c5'];
    const children: ChildRun[] = workers.map((worker) =>
      runTsChild(WORKER, { mode: 'request', dbPath, worker, target: TARGET }),
    );
    await Promise.all(children.map((c) => c.waitForLine((l) => l === 'ready')));
    children.forEach((c) => c.send('go'));
    const exits = await Promise.all(children.map((c) => c.exited));
    expect(exits.map((e) => (e.code === 0 ? 0 : e.stderr))).toEqual(workers.map(() => 0));

    const outcomes = await Promise.all(
      children.map(
        async (c) => JSON.parse(await c.waitForLine((l) => l.startsWith('{'))) as { created: boolean; id: string },
      ),
    );
    const winners = outcomes.filter((o) => o.created);
    expect(winners).toHaveLength(1);
    expect(new Set(outcomes.map((o) => o.id))).toEqual(new Set([winners[0]!.id]));
    expect((await store.listRequests({ target: TARGET })).map((r) => r.id)).toEqual([winners[0]!.id]);
  });
});

describe('migration 3 on a database written before one open request per target', () => {
  const stores = useTempStores();

  const bucketFinding = (over: Partial<Finding> = {}) => aFinding(over);
  const ebsFinding = aFinding({
    id: 'f_00000000000000e1',
    checkId: 'ec2_ebs_default_encryption',
    service: 'ec2',
    region: 'eu-west-1',
    resource: { type: 'AwsAccount', id: '111111111111/eu-west-1/ebs-default-encryption', arn: null },
  });
  const hubFinding = aFinding({
    id: 'f_00000000000000b1',
    source: 'securityhub',
    checkId: 'securityhub:S3.8',
    resource: { type: 'AwsS3Bucket', id: 'arn:aws:s3:::app-data', arn: 'arn:aws:s3:::app-data' },
  });

  /** A version-2 database with requests inserted as that version stored them. */
  const versionTwo = (
    rows: { id: string; status: RequestStatus; remediationId: string; finding: Finding; createdAt: string }[],
  ) => {
    const file = stores.dbPath();
    const db = new Database(file);
    migrate(
      db,
      file,
      () => '2026-10-01T00:00:00.000Z',
      MIGRATIONS.filter((m) => m.version <= 2),
    );
    const insert = db.prepare(
      `INSERT INTO remediation_requests (id, kind, undo_of, status, remediation_id, finding_id, account_id, region,
         requester_id, requester, finding, plan, options, justification, required_approvals, reason, result,
         decided_by, message, created_at, updated_at, expires_at, finished_at, version)
       VALUES (?, 'remediate', NULL, ?, ?, ?, ?, ?, 'U0REQUESTER', ?, ?, ?, 'null', 'An old request from v2.', 1, NULL,
         'null', NULL, NULL, ?, ?, NULL, NULL, 1)`,
    );
    for (const r of rows) {
      insert.run(
        r.id,
        r.status,
        r.remediationId,
        r.finding.id,
        r.finding.accountId,
        r.finding.region,
        JSON.stringify(anActor('U0REQUESTER')),
        JSON.stringify(r.finding),
        JSON.stringify({ calls: [], before: null, notes: [] }),
        r.createdAt,
        r.createdAt,
      );
    }
    db.close();
    return file;
  };

  it('when older requests are read, then each has the target writeTarget gives today', async () => {
    const file = versionTwo([
      {
        id: 'bucket',
        status: 'succeeded',
        remediationId: 's3_block_public_access',
        finding: bucketFinding(),
        createdAt: '2026-10-01T00:00:00.000Z',
      },
      {
        id: 'ebs',
        status: 'pending',
        remediationId: 'ec2_enable_ebs_default_encryption',
        finding: ebsFinding,
        createdAt: '2026-10-01T00:00:00.000Z',
      },
      {
        id: 'hub',
        status: 'pending',
        remediationId: 'securityhub_update_workflow',
        finding: hubFinding,
        createdAt: '2026-10-01T00:00:00.000Z',
      },
      {
        id: 'hub-fix',
        status: 'denied',
        remediationId: 's3_block_public_access',
        finding: hubFinding,
        createdAt: '2026-10-01T00:00:00.000Z',
      },
    ]);
    const store = openSqliteStore({ path: file, clock: manualClock() });
    try {
      expect((await store.getRequest('bucket'))!.target).toBe(writeTarget('s3_block_public_access', bucketFinding()));
      expect((await store.getRequest('ebs'))!.target).toBe(
        writeTarget('ec2_enable_ebs_default_encryption', ebsFinding),
      );
      expect((await store.getRequest('hub'))!.target).toBe(
        writeTarget('securityhub_update_workflow', hubFinding, 'finding'),
      );
      // The Security Hub finding's fix writes to the same bucket as the cloudsec finding's.
      expect((await store.getRequest('hub-fix'))!.target).toBe((await store.getRequest('bucket'))!.target);
    } finally {
      await store.close();
    }
  });

  it('when one change was open twice or more, then the one furthest along stays open and the others are closed with the reason', async () => {
    const file = versionTwo([
      {
        id: 'old-pending',
        status: 'pending',
        remediationId: 's3_block_public_access',
        finding: bucketFinding(),
        createdAt: '2026-10-01T00:00:00.000Z',
      },
      {
        id: 'approved',
        status: 'approved',
        remediationId: 's3_block_public_access',
        finding: bucketFinding(),
        createdAt: '2026-10-02T00:00:00.000Z',
      },
      // Another check about the same bucket, fixed by the same call.
      {
        id: 'other-check',
        status: 'pending',
        remediationId: 's3_block_public_access',
        finding: bucketFinding({ id: 'f_00000000000000c2', checkId: 's3_bucket_not_public_by_policy' }),
        createdAt: '2026-10-03T00:00:00.000Z',
      },
      {
        id: 'ebs-executing',
        status: 'executing',
        remediationId: 'ec2_enable_ebs_default_encryption',
        finding: ebsFinding,
        createdAt: '2026-10-02T00:00:00.000Z',
      },
      {
        id: 'ebs-executing-too',
        status: 'executing',
        remediationId: 'ec2_enable_ebs_default_encryption',
        finding: ebsFinding,
        createdAt: '2026-10-03T00:00:00.000Z',
      },
      {
        id: 'alone',
        status: 'pending',
        remediationId: 'securityhub_update_workflow',
        finding: hubFinding,
        createdAt: '2026-10-01T00:00:00.000Z',
      },
    ]);
    const store = openSqliteStore({ path: file, clock: manualClock() });
    try {
      const byId = Object.fromEntries((await store.listRequests()).map((r) => [r.id, r]));
      expect(byId['approved']).toMatchObject({ status: 'approved', reason: null, finishedAt: null });
      for (const id of ['old-pending', 'other-check']) {
        expect(byId[id]).toMatchObject({
          status: 'cancelled',
          reason: expect.stringContaining('request approved for the same change was already open'),
          finishedAt: expect.any(String),
          version: 2,
        });
      }
      expect(byId['ebs-executing']).toMatchObject({ status: 'executing' });
      expect(byId['ebs-executing-too']).toMatchObject({
        status: 'failed',
        reason: expect.stringContaining('whether these calls ran is unknown'),
      });
      expect(byId['alone']).toMatchObject({ status: 'pending' });
      // And the rule holds from now on.
      expect(await store.createRequest(aNewRequest({ target: byId['approved']!.target }))).toMatchObject({
        created: false,
        existing: { id: 'approved' },
      });
    } finally {
      await store.close();
    }
  });
});
