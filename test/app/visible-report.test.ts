import { visibleReport } from '../../src/app/visible-report';
import type { Summary } from '../../src/core/findings';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp } from '../fixtures/counting-source';

// The one place that decides what of a scan someone may see (commands, buttons and App Home all
// ask it): tested here directly, over the real scan service and store.

afterAll(removeScanAppDirs);

const CONFIG = `
accounts:
  - id: "111111111111"
    name: acme-prod
  - id: "222222222222"
    name: acme-staging
    roleArn: arn:aws:iam::222222222222:role/cloudsec-read
  - id: "333333333333"
    name: acme-sandbox
    roleArn: arn:aws:iam::333333333333:role/cloudsec-read
roles:
  digest-keeper: [digest:manage]
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
  - role: digest-keeper
    users: [U0DIGEST]
channels:
  findings: [C0SECURITY]
  dms: true
  elsewhere: refuse
accessHelp: "#sec-leads"
`;

/** Findings a summary counts, whatever their status. */
const counted = (s: Summary) => Object.values(s.byStatus).reduce((a, b) => a + b, 0);

const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);
const ADMIN = { userId: 'U0ADMIN', groups: [] };
const VIEWER = { userId: 'U0VIEW', groups: [] };
const IN_SECURITY = { id: 'C0SECURITY', kind: 'public' as const };

describe('visibleReport', () => {
  it('when a viewer of one account asks, then only that account is collected and every part of the answer is about it alone', async () => {
    const source = countingSource(ESTATE);
    const { deps } = scanApp(CONFIG, source);

    const answer = await visibleReport(deps, {
      actor: VIEWER,
      permission: 'check:run',
      request: { service: 's3' },
      reuse: 'recent',
    });

    expect([...source.collected]).toEqual([[ACCOUNTS.staging.id, 1]]);
    if (!answer.ok) throw new Error(`refused: ${answer.reason}`);
    const { report } = answer;
    expect(report.from).toBe('scan');
    expect(report.empty).toBeNull();
    expect(report.accounts.map((a) => a.id)).toEqual([ACCOUNTS.staging.id]);
    expect(new Set(report.findings.map((f) => f.accountId))).toEqual(new Set([ACCOUNTS.staging.id]));
    expect(counted(report.summary)).toBe(report.findings.length);
    expect(report.snapshot.accounts.map((a) => a.accountId)).toEqual([ACCOUNTS.staging.id]);
    expect(report.checkReport.accounts.map((a) => a.id)).toEqual([ACCOUNTS.staging.id]);
  });

  it('when an admin\u2019s full scan is cached, then a viewer\u2019s answer is cut from it: nothing is scanned and the counts are theirs', async () => {
    const source = countingSource(ESTATE);
    const { deps } = scanApp(CONFIG, source);
    const full = await visibleReport(deps, {
      actor: ADMIN,
      permission: 'check:run',
      request: { service: 's3' },
      reuse: 'recent',
    });
    if (!full.ok) throw new Error('the admin was refused');

    const answer = await visibleReport(deps, {
      actor: VIEWER,
      permission: 'check:run',
      request: { service: 's3' },
      reuse: 'cached',
    });

    expect(source.requests).toHaveLength(1);
    if (!answer.ok) throw new Error(`refused: ${answer.reason}`);
    expect(answer.report.from).toBe('cache');
    expect(answer.report.accounts.map((a) => a.name)).toEqual([ACCOUNTS.staging.name]);
    expect(counted(answer.report.summary)).toBe(answer.report.findings.length);
    expect(counted(answer.report.summary)).toBeLessThan(counted(full.report.summary));
    expect(answer.report.findings.every((f) => f.accountId === ACCOUNTS.staging.id)).toBe(true);
  });

  it('when someone holds the permission nowhere, then they are refused with the policy\u2019s reason, nothing is scanned, and the refusal is recorded', async () => {
    const source = countingSource(ESTATE);
    const { deps, store } = scanApp(CONFIG, source);

    const answer = await visibleReport(deps, {
      actor: { userId: 'U0DIGEST', groups: [] },
      permission: 'findings:read',
      request: { service: 'all' },
      reuse: 'stored',
      record: {
        actor: { kind: 'slack-user', id: 'U0DIGEST' },
        action: 'button.press',
        target: 'findings.page all:*:*',
      },
    });

    expect(answer).toEqual({ ok: false, code: 'not-allowed', reason: expect.stringContaining('findings:read') });
    expect(source.requests).toEqual([]);
    const [entry] = await store.latestAudit(1);
    expect(entry).toMatchObject({ action: 'button.press', outcome: 'denied', actor: { id: 'U0DIGEST' } });
  });

  it('when asked in a channel that may not show findings, then even an admin is refused there and nothing is scanned', async () => {
    const source = countingSource(ESTATE);
    const { deps } = scanApp(CONFIG, source);

    const answer = await visibleReport(deps, {
      actor: ADMIN,
      permission: 'check:run',
      channel: { id: 'C0GENERAL', kind: 'public' },
      request: { service: 's3' },
      reuse: 'recent',
    });

    expect(answer).toMatchObject({ ok: false, code: 'not-allowed' });
    expect(source.requests).toEqual([]);
  });

  it('when asked in a findings channel, then the answer may be shown there', async () => {
    const { deps } = scanApp(CONFIG, countingSource(ESTATE));

    const answer = await visibleReport(deps, {
      actor: ADMIN,
      permission: 'check:run',
      channel: IN_SECURITY,
      request: { service: 's3' },
      reuse: 'recent',
    });

    expect(answer).toMatchObject({ ok: true, delivery: 'in-channel' });
  });

  it('when none of the viewer\u2019s accounts is scanned, then the answer says so instead of being an empty "nothing failing"', async () => {
    const { deps } = scanApp(CONFIG, countingSource(estateOf([ACCOUNTS.prod])));

    const answer = await visibleReport(deps, {
      actor: VIEWER,
      permission: 'check:run',
      request: { service: 's3' },
      reuse: 'recent',
    });

    expect(answer).toMatchObject({ ok: true, report: { empty: 'none-visible', findings: [], accounts: [] } });
  });

  it('when nothing is in scope at all, then an admin\u2019s answer says no account was scanned', async () => {
    const { deps } = scanApp(CONFIG, countingSource(estateOf([])));

    const answer = await visibleReport(deps, {
      actor: ADMIN,
      permission: 'check:run',
      request: { service: 's3' },
      reuse: 'recent',
    });

    expect(answer).toMatchObject({ ok: true, report: { empty: 'nothing-scanned' } });
  });

  it('when a command\u2019s scan fails, then the failure reaches the caller (only App Home turns it into an answer)', async () => {
    const { deps } = scanApp(CONFIG, {
      kind: 'live',
      load: async () => {
        throw new Error('AWS is unreachable');
      },
    });

    await expect(
      visibleReport(deps, { actor: ADMIN, permission: 'check:run', request: { service: 's3' }, reuse: 'recent' }),
    ).rejects.toThrow('AWS is unreachable');
    await expect(
      visibleReport(deps, { actor: ADMIN, permission: 'findings:read', request: { service: 'all' }, reuse: 'stored' }),
    ).resolves.toEqual({ ok: false, code: 'scan-failed' });
  });
});
