/**
 * A store filled through the Store API with one of everything cloudsec keeps (audit entries, scans
 * with findings, requests in several states and an undo, an accepted risk, alerts, digest runs and
 * state, locks, caches, nonces), and a reader that takes every list/get of it, so a copy can be
 * compared with its source as the application sees them. Shared by the copy and `db` CLI tests.
 */
import { aDigestItem } from '../fixtures/digest-builders';
import { anAlertDraft, PROD } from '../fixtures/alerts-builders';
import { aFinding } from '../fixtures/remediation-builders';
import { anActor, anAuditInput, aNewRequest, createdRequest, type ManualClock } from '../fixtures/store';
import type { Store } from '../../src/store/store';

export const AUDIT_KEY = 'copy-test-audit-key-0123456789abcdef';
export const SCOPE = 'account:111111111111';
export const DIGEST = 'daily';
export const NONCE = 'v0:1790000000:signature';
const SLOT = '2026-11-02T08:00:00.000Z';

export interface Seeded {
  scanIds: string[];
  requestIds: string[];
  exceptionIds: string[];
  alertIds: string[];
}

export const seedStore = async (store: Store, clock: ManualClock): Promise<Seeded> => {
  await store.appendAudit(anAuditInput({ action: 'config.load', details: { demo: false } }));
  const scanIds = [
    await store.saveScan({
      scopeKey: SCOPE,
      generatedAt: '2026-11-01T10:00:00Z',
      findings: [aFinding({ id: 'f1', status: 'fail', severity: 'critical' }), aFinding({ id: 'f2', status: 'pass' })],
    }),
  ];
  clock.advance(60_000);
  scanIds.push(
    await store.saveScan({
      scopeKey: SCOPE,
      generatedAt: '2026-11-01T11:00:00Z',
      findings: [
        aFinding({ id: 'f1', status: 'fail', severity: 'critical' }),
        aFinding({ id: 'f3', status: 'unknown' }),
      ],
    }),
  );

  // Requests created at the same instant: only their insertion order (rowid) tells them apart.
  const pending = await createdRequest(store, aNewRequest());
  const approved = await createdRequest(store, aNewRequest({ requiredApprovals: 1 }));
  await store.addApproval(approved.id, anActor('U0APPROVER'), 'looks right');
  await store.transitionRequest(approved.id, ['pending'], 'approved', { decidedBy: anActor('U0APPROVER') });
  const done = await createdRequest(store, aNewRequest());
  await store.transitionRequest(done.id, ['pending'], 'approved');
  await store.transitionRequest(done.id, ['approved'], 'executing');
  await store.transitionRequest(done.id, ['executing'], 'succeeded', { message: { channel: 'C0SEC', ts: '1.2' } });
  await store.rememberRequesterMessage(done.id, { channel: 'D0REQ', ts: '3.4' });
  const denied = await createdRequest(store, aNewRequest());
  await store.transitionRequest(denied.id, ['pending'], 'denied', { reason: 'not now' });
  const undo = await createdRequest(store, aNewRequest({ kind: 'undo', undoOf: done.id }));
  await store.appendAudit(anAuditInput({ action: 'remediation.request', requestId: pending.id }));

  const exception = await store.createException({
    scope: { accounts: [PROD], checks: ['s3_bucket_public_access_blocked'], resources: ['arn:aws:s3:::public-*'] },
    reason: 'Public website bucket, reviewed with the web team.',
    owner: { id: 'U0OWNER', name: 'Olivia Owner' },
    requester: anActor('U0REQUESTER'),
    expiresAt: '2026-12-01T12:00:00Z',
    accepted: [{ findingId: 'f-public-site', severity: 'medium', evidence: 'sha256:abc' }],
  });
  await store.transitionException(exception.id, ['pending'], 'active', {
    approver: { id: 'U0APPROVER', name: 'Aaron Approver' },
    decidedAt: clock().toISOString(),
  });
  const pendingException = await store.createException({
    scope: { accounts: [PROD], checks: ['iam_root_mfa_enabled'], resources: ['arn:aws:iam::111111111111:root'] },
    reason: 'Break-glass account, MFA in the safe.',
    owner: { id: 'U0OWNER' },
    requester: anActor('U0REQUESTER'),
    expiresAt: '2026-11-20T12:00:00Z',
    accepted: [],
  });

  clock.advance(60_000);
  const first = await store.recordEventAlerts({ eventId: 'e-0001', source: 'sqs' }, [
    { draft: anAlertDraft(), windowStart: clock().toISOString() },
  ]);
  const second = await store.recordAlert(
    anAlertDraft({ bucket: 'logs', eventId: 'e-0002' }),
    new Date(clock().getTime() - 3_600_000).toISOString(),
  );
  await store.claimEvent('e-0002', 'lookup');
  const alertIds = [...(first.claimed ? first.results.map((r) => r.alert.id) : []), second.alert.id];
  await store.transitionAlert(second.alert.id, ['open'], 'resolved', { closedBy: 'U0ALICE', note: 'fixed' });
  await store.setAlertMessage(alertIds[0]!, 'C0ALERTS', '5.6');
  await store.saveLookupCheckpoint({
    accountId: PROD,
    region: 'eu-west-1',
    lastEventTime: '2026-11-01T11:59:58Z',
    lastEventIds: ['e-0002'],
  });

  await store.claimDigestRun(DIGEST, SLOT, { owner: 'host-a:1' });
  await store.completeDigestRunWithState(
    {
      digestName: DIGEST,
      scheduledFor: SLOT,
      status: 'succeeded',
      owner: 'host-a:1',
      scanId: scanIds[1]!,
      details: { score: 80 },
    },
    { upserts: [aDigestItem(), aDigestItem({ findingId: 'f-other', state: 'suppressed' })], removals: [] },
  );
  await store.claimDigestRun(DIGEST, '2026-11-03T08:00:00.000Z', { owner: 'host-b:2' });
  await store.completeDigestRun({
    digestName: DIGEST,
    scheduledFor: '2026-11-03T08:00:00.000Z',
    status: 'failed',
    owner: 'host-b:2',
    details: { error: 'slack down' },
  });

  await store.acquireLock('leader', 'host-a:1', 3_600_000);
  await store.putGroupMembers('S0ADMINS', ['U0ALICE', 'U0BOB'], clock());
  await store.replaceAccountDirectory({
    source: 'organization',
    accounts: [{ id: PROD, name: 'prod', ouPath: ['ou-ab12-prod0001'] }],
  });
  await store.claimNonce(NONCE, new Date(clock().getTime() + 3_600_000));
  await store.appendAudit(anAuditInput({ action: 'command.check', outcome: 'denied' }));

  return {
    scanIds,
    requestIds: [pending.id, approved.id, done.id, denied.id, undo.id],
    exceptionIds: [exception.id, pendingException.id],
    alertIds,
  };
};

/** Every list and get over what seedStore wrote, as the application reads it. */
export const readEverything = async (store: Store, seeded: Seeded) => {
  const requests = await store.listRequests();
  const exceptions = await store.listExceptions();
  return {
    audit: await store.listAudit(),
    verification: await store.verifyAudit(),
    scans: await Promise.all(
      seeded.scanIds.map(async (id) => ({ scan: await store.getScan(id), findings: await store.findingsOfScan(id) })),
    ),
    latestScan: await store.latestScan(SCOPE),
    scanHistory: await store.scanHistory(SCOPE, 10),
    requests,
    requestGets: await Promise.all(seeded.requestIds.map((id) => store.getRequest(id))),
    requestSeals: await Promise.all(requests.map((r) => store.verifyRequestSeal(r))),
    openRequests: await store.listRequests({ statuses: ['pending', 'approved'] }),
    exceptions,
    exceptionGets: await Promise.all(seeded.exceptionIds.map((id) => store.getException(id))),
    exceptionSeals: await Promise.all(exceptions.map((e) => store.verifyExceptionSeal(e))),
    alerts: await store.listAlerts(),
    alertGets: await Promise.all(seeded.alertIds.map((id) => store.getAlert(id))),
    alertCounts: await store.countAlerts({ since: '2026-01-01T00:00:00Z', until: '2027-01-01T00:00:00Z' }),
    checkpoint: await store.getLookupCheckpoint(PROD, 'eu-west-1'),
    lastDigestRun: await store.lastDigestRun(DIGEST),
    digestRuns: await store.digestRunHistory(DIGEST, 10),
    digestItems: await store.digestItems(DIGEST, { source: 'cloudsec' }),
    digestCounts: await store.digestItemCounts(DIGEST),
    groups: await store.getGroupMembers('S0ADMINS'),
    directory: await store.accountDirectory(),
  };
};
