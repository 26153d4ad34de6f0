import { visibleReport, type VisibleReport } from '../../src/app/visible-report';
import { renderCheckMessage } from '../../src/core/render/blocks';
import { renderHiddenFindings } from '../../src/core/render/blocks/exceptions';
import { acceptedBaseline } from '../../src/core/exceptions/baseline';
import type { NewException } from '../../src/core/exceptions/model';
import type { Store } from '../../src/store/store';
import type { Finding } from '../../src/core/model';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp } from '../fixtures/counting-source';
import { NOW } from '../fixtures/snapshot-builders';
import { manualClock, useTempStores } from '../fixtures/store';

// Accepted risks change what every report shows: through the one use case that decides who sees
// what of a scan (`/cloudsec check`, `findings`, Next page, Download and App Home all ask it), over
// the real scan service and a real SQLite store holding Slack-made exceptions, with cloudsec.yml's
// exceptions from the config.

afterAll(removeScanAppDirs);

/** The one check the estate's buckets fail (no bucket policy: plain HTTP accepted), medium. */
const CHECK = 's3_bucket_secure_transport';
const ACCESS = `
accounts:
  - id: "${ACCOUNTS.prod.id}"
    name: ${ACCOUNTS.prod.name}
  - id: "${ACCOUNTS.staging.id}"
    name: ${ACCOUNTS.staging.name}
    roleArn: arn:aws:iam::${ACCOUNTS.staging.id}:role/cloudsec-read
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [${ACCOUNTS.staging.name}]
`;

/** One accepted risk in cloudsec.yml over the public-access check of prod and staging. */
const WITH_CONFIG_EXCEPTION = `${ACCESS}
exceptions:
  - name: open-buckets
    scope: { accounts: ["${ACCOUNTS.prod.id}", "${ACCOUNTS.staging.id}"], checks: ["${CHECK}"] }
    reason: "Buckets behind CloudFront, reviewed in SEC-7"
    owner: U0OWNER1
    approver: "Dana Lee"
    expires: 2026-12-01
`;

const ADMIN = { userId: 'U0ADMIN', groups: [] };
const VIEWER = { userId: 'U0VIEW', groups: [] };
const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging]);

const ask = async (deps: Parameters<typeof visibleReport>[0], actor = ADMIN, reuse: 'recent' | 'cached' = 'recent') => {
  const answer = await visibleReport(deps, { actor, permission: 'check:run', request: { service: 's3' }, reuse });
  if (!answer.ok) throw new Error(`refused: ${answer.reason}`);
  return answer.report;
};

const failing = (r: Pick<VisibleReport, 'findings'>) => r.findings.filter((f) => f.status === 'fail');
const covered = (f: Pick<Finding, 'checkId' | 'status'>) => f.checkId === CHECK && f.status === 'fail';

/** Saves an exception as Slack does, approved (active) by someone other than its requester. */
const acceptInSlack = async (store: Store, over: Partial<NewException> & Pick<NewException, 'scope'>) => {
  const created = await store.createException({
    reason: 'Accepted in Slack',
    owner: { id: 'U0OWNER2', name: 'Olivia Owner' },
    requester: { kind: 'slack-user', id: 'U0OWNER2' },
    expiresAt: '2026-11-20T00:00:00.000Z',
    accepted: [],
    ...over,
  });
  const active = await store.transitionException(created.id, ['pending'], 'active', {
    approver: { id: 'U0APPROVER' },
    decidedAt: NOW.toISOString(),
  });
  if (!active) throw new Error('could not approve the exception');
  return active;
};

describe('accepted risks in reports', () => {
  const stores = useTempStores();

  it('when an accepted risk covers failing findings, then they leave the failing list and the counts, and are counted and reachable instead', async () => {
    const plain = await ask(scanApp(ACCESS, countingSource(ESTATE)).deps);
    const report = await ask(scanApp(WITH_CONFIG_EXCEPTION, countingSource(ESTATE)).deps);

    const hidden = failing(plain).filter(covered);
    expect(hidden.map((f) => f.accountId).sort()).toEqual([ACCOUNTS.prod.id, ACCOUNTS.staging.id]);
    expect(report.findings.some(covered)).toBe(false);
    expect(report.summary.byStatus.fail).toBe(plain.summary.byStatus.fail - 2);
    expect(report.summary.byStatus.pass).toBe(plain.summary.byStatus.pass);
    expect(report.excepted.map((e) => e.finding.id).sort()).toEqual(hidden.map((f) => f.id).sort());
    expect(report.acceptedRisks).toMatchObject({
      hidden: 2,
      exceptions: [{ id: 'cfg_open-buckets', source: 'config', hides: 2 }],
      resurfaced: [],
      problems: [],
    });
    // The report Slack renders (and Next page / Download re-read) carries the same.
    expect(report.checkReport.findings.some(covered)).toBe(false);
    expect(report.checkReport.summary).toEqual(report.summary);
    expect(report.checkReport.acceptedRisks.hidden).toBe(2);
    expect(plain.acceptedRisks.hidden).toBe(0);
    // What `/cloudsec check` posts from it: the hidden line, with Show.
    const message = renderCheckMessage(report.checkReport, {
      now: NOW,
      remediationEnabled: false,
      scopeKey: report.scopeKey,
    });
    expect(JSON.stringify(message.blocks)).toContain('2 accepted risks hidden (by 1 exception)');
    expect(JSON.stringify(message.blocks)).toContain('exception.show_hidden');
  });

  it('when Show is pressed, then each hidden finding is there in full with the risk that hides it, and Show\u2019s list renders it', async () => {
    const report = await ask(scanApp(WITH_CONFIG_EXCEPTION, countingSource(ESTATE)).deps);

    for (const { finding, exception } of report.excepted) {
      expect(covered(finding)).toBe(true);
      expect(exception).toMatchObject({
        id: 'cfg_open-buckets',
        source: 'config',
        reason: 'Buckets behind CloudFront, reviewed in SEC-7',
        owner: { id: 'U0OWNER1' },
        expiresAt: '2026-12-01T23:59:59.999Z',
      });
    }
    expect(report.checkReport.acceptedRisks.findings.map((f) => [f.id, f.exception.id])).toEqual(
      report.excepted.map((e) => [e.finding.id, 'cfg_open-buckets']),
    );
    const shown = renderHiddenFindings(report.excepted, { now: NOW, scopeKey: report.scopeKey });
    const text = JSON.stringify(shown.blocks);
    expect(text).toContain('cfg_open-buckets');
    expect(text).toContain('open-acme-staging');
  });

  it('when a viewer of one account asks, then counts, lists and names of accepted risks are about their account only', async () => {
    const { store } = stores.open({ clock: () => NOW });
    // Expires after the cloudsec.yml one, so it is the one that hides prod's finding.
    await acceptInSlack(store, {
      scope: { accounts: [ACCOUNTS.prod.id], checks: ['s3_*'] },
      reason: 'prod only',
      expiresAt: '2026-12-15T00:00:00.000Z',
    });
    const { deps } = scanApp(WITH_CONFIG_EXCEPTION, countingSource(ESTATE), { store });

    const admin = await ask(deps);
    const viewer = await ask(deps, VIEWER);

    expect(admin.acceptedRisks.exceptions.map((e) => [e.source, e.hides])).toEqual([
      ['config', 1],
      ['slack', 1],
    ]);
    expect(viewer.acceptedRisks.hidden).toBe(1);
    expect(viewer.acceptedRisks.exceptions).toEqual([expect.objectContaining({ id: 'cfg_open-buckets', hides: 1 })]);
    expect(viewer.excepted.map((e) => e.finding.accountId)).toEqual([ACCOUNTS.staging.id]);
    // The viewer's view of the risk: its scope names their account alone.
    expect(viewer.excepted[0]!.exception.scope.accounts).toEqual([ACCOUNTS.staging.id]);
    expect(admin.excepted.find((e) => e.exception.source === 'config')!.exception.scope.accounts).toEqual([
      ACCOUNTS.prod.id,
      ACCOUNTS.staging.id,
    ]);
    const seen = JSON.stringify([viewer.acceptedRisks, viewer.excepted, viewer.resurfaced, viewer.checkReport]);
    expect(seen).not.toContain(ACCOUNTS.prod.id);
    expect(seen).not.toContain(ACCOUNTS.prod.name);
    expect(seen).not.toContain('prod only');
  });

  it('when a finding under a Slack-accepted risk got worse, then it is shown failing again with the reason, and still counted under the risk', async () => {
    const { store } = stores.open({ clock: () => NOW });
    const plain = await ask(scanApp(ACCESS, countingSource(ESTATE)).deps);
    const [prodFinding] = failing(plain).filter((f) => covered(f) && f.accountId === ACCOUNTS.prod.id);
    // Accepted when it was a low-severity finding: the finding as it is now is worse.
    const baseline = acceptedBaseline([{ ...prodFinding!, severity: 'low' }]);
    const risk = await acceptInSlack(store, {
      scope: { accounts: [ACCOUNTS.prod.id], checks: [CHECK] },
      accepted: baseline,
    });
    const { deps } = scanApp(ACCESS, countingSource(ESTATE), { store });

    const report = await ask(deps);

    expect(report.findings.map((f) => f.id)).toContain(prodFinding!.id);
    expect(report.resurfaced).toEqual([
      {
        finding: expect.objectContaining({ id: prodFinding!.id }),
        exception: expect.objectContaining({
          id: risk.id,
          source: 'slack',
          owner: { id: 'U0OWNER2', name: 'Olivia Owner' },
        }),
        why: `severity rose from low to ${prodFinding!.severity} since the risk was accepted`,
      },
    ]);
    expect(report.acceptedRisks.hidden).toBe(0);
    expect(report.acceptedRisks.exceptions).toEqual([expect.objectContaining({ id: risk.id, hides: 0 })]);
    expect(report.checkReport.acceptedRisks.resurfaced).toEqual([
      expect.objectContaining({ findingId: prodFinding!.id, why: expect.stringContaining('severity rose') }),
    ]);
    expect(report.summary.byStatus.fail).toBe(plain.summary.byStatus.fail);
  });

  it('when an accepted risk expires, then the next answer shows its findings again, even from the cached scan', async () => {
    const clock = manualClock(NOW);
    const { store } = stores.open({ clock });
    await acceptInSlack(store, {
      scope: { accounts: [ACCOUNTS.prod.id, ACCOUNTS.staging.id], checks: [CHECK] },
      expiresAt: new Date(NOW.getTime() + 60 * 60_000).toISOString(),
    });
    const source = countingSource(ESTATE);
    const { deps } = scanApp(ACCESS, source, { store, clock });

    const before = await ask(deps);
    clock.advance(60 * 60_000);
    const after = await ask(deps, ADMIN, 'cached');

    expect(source.requests).toHaveLength(1);
    expect(before.acceptedRisks.hidden).toBe(2);
    expect(after.acceptedRisks.hidden).toBe(0);
    expect(after.findings.filter(covered)).toHaveLength(2);
  });

  it('when a stored accepted risk cannot be read, then nothing stored is applied, its findings are shown, and the report says so', async () => {
    const { store, path } = stores.open({ clock: () => NOW });
    const broken = await acceptInSlack(store, { scope: { accounts: [ACCOUNTS.staging.id], checks: [CHECK] } });
    stores.raw(path).prepare('UPDATE risk_exceptions SET scope = ? WHERE id = ?').run('{"accounts":5}', broken.id);
    const warnings: unknown[] = [];
    const { deps } = scanApp(ACCESS, countingSource(ESTATE), { store });
    deps.log.warn = (obj) => warnings.push(obj);

    const report = await ask(deps);

    expect(report.findings.filter(covered)).toHaveLength(2);
    expect(report.acceptedRisks.hidden).toBe(0);
    expect(report.acceptedRisks.problems).toEqual([expect.stringContaining('could not be read')]);
    expect(report.checkReport.acceptedRisks.problems).toEqual(report.acceptedRisks.problems);
    expect(warnings).toHaveLength(1);
  });

  it('when App Home reads the scan stored before a restart, then the accepted risks apply to it too', async () => {
    const { store } = stores.open({ clock: () => NOW });
    await ask(scanApp(WITH_CONFIG_EXCEPTION, countingSource(ESTATE), { store }).deps);
    const source = countingSource(ESTATE);
    const restarted = scanApp(WITH_CONFIG_EXCEPTION, source, { store }).deps;

    const answer = await visibleReport(restarted, {
      actor: VIEWER,
      permission: 'findings:read',
      request: { service: 's3' },
      reuse: 'stored',
    });

    if (!answer.ok) throw new Error('refused');
    expect(answer.report.from).toBe('store');
    expect(source.requests).toEqual([]);
    expect(answer.report.findings.some(covered)).toBe(false);
    expect(answer.report.acceptedRisks.hidden).toBe(1);
    expect(answer.report.excepted.map((e) => e.finding.accountId)).toEqual([ACCOUNTS.staging.id]);
  });
});
