/**
 * Answers that count passing findings instead of holding them (CheckOutcome.passesOmitted; a queued
 * scan leaves them in the store). Whatever reads an answer must tell a reader what the same scan
 * with every finding in memory would: the same counts, the same App Home, the same check message
 * and the same Download all; and a scoped reader counts only the passes of their own accounts.
 */
import { parse } from 'csv-parse/sync';
import { visibleReport, type VisibleReportDeps } from '../../src/app/visible-report';
import { omittedPassesIn, omittedPassesOf, withOmittedPasses } from '../../src/app/omitted-passes';
import { summarize } from '../../src/core/findings';
import type { Store } from '../../src/store/store';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { invocation, recordingResponder } from '../fixtures/app';
import { ACCOUNTS, countingSource, estateOf, removeScanAppDirs, scanApp, tempStore } from '../fixtures/counting-source';
import { omittingScans } from '../fixtures/omitting-scans';
import { known } from '../../src/core/model';
import { aSnapshot, anS3Slice } from '../fixtures/snapshot-builders';

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
bindings:
  - role: admin
    users: [U0ADMIN]
  - role: viewer
    users: [U0VIEW]
    accounts: [acme-staging]
channels:
  findings: [C0SECURITY]
  dms: true
  elsewhere: refuse
`;
const ESTATE = estateOf([ACCOUNTS.prod, ACCOUNTS.staging, ACCOUNTS.sandbox]);

/** The same estate answered twice: with every finding in memory, and with the passes left in the store. */
const apps = () => {
  const direct = scanApp(CONFIG, countingSource(ESTATE));
  const store = tempStore();
  const omitting = scanApp(CONFIG, countingSource(ESTATE), {
    store,
    queuedScans: omittingScans(store, countingSource(ESTATE)),
  });
  return { direct, omitting };
};

const ask = async (deps: VisibleReportDeps, userId: string, service: 'all' | 's3' = 'all') => {
  const answer = await visibleReport(deps, {
    actor: { userId, groups: [] },
    permission: 'check:run',
    request: { service },
    reuse: 'recent',
  });
  if (!answer.ok) throw new Error(`refused: ${answer.reason}`);
  return answer.report;
};

describe('the omitted passes of some accounts', () => {
  const omitted = { [ACCOUNTS.prod.id]: 40, [ACCOUNTS.staging.id]: 7, [ACCOUNTS.sandbox.id]: 0 };

  it('when counted for a set of accounts, then only those accounts are counted', () => {
    expect(omittedPassesOf(omitted, new Set([ACCOUNTS.staging.id]))).toBe(7);
    expect(omittedPassesIn(omitted, new Set([ACCOUNTS.staging.id, ACCOUNTS.sandbox.id]))).toEqual({
      [ACCOUNTS.staging.id]: 7,
    });
    expect(omittedPassesOf(omitted, new Set(['999999999999']))).toBe(0);
    expect(omittedPassesOf(undefined, new Set([ACCOUNTS.prod.id]))).toBe(0);
  });

  it('when added to a summary, then only the pass count changes', () => {
    const summary = summarize([]);
    const added = withOmittedPasses(summary, 5);
    expect(added.byStatus).toEqual({ ...summary.byStatus, pass: 5 });
    expect(added.bySeverity).toEqual(summary.bySeverity);
    expect(summary.byStatus.pass).toBe(0);
  });
});

describe('a reader of an answer that counts its passes', () => {
  it('when the admin asks, then every count equals that of the same scan with every finding in memory', async () => {
    const { direct, omitting } = apps();
    const full = await ask(direct.deps, 'U0ADMIN');
    const counted = await ask(omitting.deps, 'U0ADMIN');

    expect(counted.findings.some((f) => f.status === 'pass')).toBe(false);
    expect(counted.summary).toEqual(full.summary);
    expect(counted.checkReport!.summary).toEqual(full.checkReport!.summary);
    const passesOf = (id: string) => full.findings.filter((f) => f.status === 'pass' && f.accountId === id).length;
    expect(counted.passesOmitted).toEqual({
      [ACCOUNTS.prod.id]: passesOf(ACCOUNTS.prod.id),
      [ACCOUNTS.staging.id]: passesOf(ACCOUNTS.staging.id),
      [ACCOUNTS.sandbox.id]: passesOf(ACCOUNTS.sandbox.id),
    });
  });

  it('when a viewer of one account asks, then only that account passes are counted, and no other account is named', async () => {
    const { direct, omitting } = apps();
    const everything = await ask(direct.deps, 'U0ADMIN');
    const full = await ask(direct.deps, 'U0VIEW');
    const counted = await ask(omitting.deps, 'U0VIEW');

    const stagingPasses = everything.findings.filter(
      (f) => f.status === 'pass' && f.accountId === ACCOUNTS.staging.id,
    ).length;
    expect(stagingPasses).toBeGreaterThan(0);
    expect(counted.summary.byStatus.pass).toBe(stagingPasses);
    expect(counted.summary).toEqual(full.summary);
    expect(counted.passesOmitted).toEqual({ [ACCOUNTS.staging.id]: stagingPasses });
  });

  it('when the check message is sent, then it reads exactly as the same scan with every finding in memory', async () => {
    const { direct, omitting } = apps();
    for (const userId of ['U0ADMIN', 'U0VIEW']) {
      const full = recordingResponder();
      await direct.app.handleCommand(invocation('check all', { actor: { userId } }), full.responder);
      const counted = recordingResponder();
      await omitting.app.handleCommand(invocation('check all', { actor: { userId } }), counted.responder);

      expect(counted.last().text).toMatch(/\d+ passing/);
      expect(counted.last().text).toBe(full.last().text);
    }
  });

  it('when everything a viewer may see passes, then "All N checks pass" counts their account passes only', async () => {
    // Staging holds no bucket, so nothing of it fails; prod and sandbox each have a failing bucket.
    const estate = aSnapshot(
      ESTATE.accounts.map((a) =>
        a.accountId === ACCOUNTS.staging.id ? { ...a, s3: anS3Slice({ buckets: known([]) }) } : a,
      ),
    );
    const direct = scanApp(CONFIG, countingSource(estate));
    const store = tempStore();
    const omitting = scanApp(CONFIG, countingSource(estate), {
      store,
      queuedScans: omittingScans(store, countingSource(estate)),
    });
    const full = recordingResponder();
    await direct.app.handleCommand(invocation('check s3', { actor: { userId: 'U0VIEW' } }), full.responder);
    const counted = recordingResponder();
    await omitting.app.handleCommand(invocation('check s3', { actor: { userId: 'U0VIEW' } }), counted.responder);

    const stagingPasses = (await ask(direct.deps, 'U0ADMIN', 's3')).findings.filter(
      (f) => f.status === 'pass' && f.accountId === ACCOUNTS.staging.id,
    ).length;
    expect(stagingPasses).toBeGreaterThan(0);
    expect(counted.last().text).toContain(`All ${stagingPasses} check${stagingPasses === 1 ? '' : 's'} pass.`);
    // Prod's and sandbox's passes are not in the viewer's count.
    expect((await ask(omitting.deps, 'U0ADMIN', 's3')).summary.byStatus.pass).toBeGreaterThan(stagingPasses);
    expect(counted.last().text).toBe(full.last().text);
  });

  it('when App Home is opened, then each account posture counts its passes, for the admin and for a scoped viewer', async () => {
    const { direct, omitting } = apps();
    for (const userId of ['U0ADMIN', 'U0VIEW']) {
      const full = await direct.app.homeView({ userId });
      const counted = await omitting.app.homeView({ userId });
      expect(renderBlocksAsText({ text: '', blocks: counted.blocks }).text).toBe(
        renderBlocksAsText({ text: '', blocks: full.blocks }).text,
      );
    }
    const viewer = renderBlocksAsText({ text: '', blocks: (await omitting.app.homeView({ userId: 'U0VIEW' })).blocks });
    expect(viewer.text).not.toMatch(/acme-prod|acme-sandbox|111111111111|333333333333/);
  });

  it('when Download all is pressed, then the file is the one the same scan with every finding in memory gives, with only the presser accounts', async () => {
    const { direct, omitting } = apps();
    const download = async (app: ReturnType<typeof scanApp>['app'], userId: string) => {
      const answer = recordingResponder();
      await app.handleCommand(invocation('check all', { actor: { userId } }), answer.responder);
      const button = renderBlocksAsText(answer.last().message).buttons.find((b) => b.actionId === 'findings.export');
      const r = recordingResponder();
      await app.handleAction(
        {
          requestId: `req-download-${userId}`,
          actor: { userId },
          channel: { id: 'D0DM', kind: 'dm' },
          actionId: 'findings.export',
          value: button?.value ?? JSON.stringify({ s: 'all:*:*' }),
        },
        r.responder,
      );
      expect(r.uploads).toHaveLength(1);
      return r.uploads[0]!;
    };
    for (const userId of ['U0ADMIN', 'U0VIEW']) {
      const counted = await download(omitting.app, userId);
      expect(counted).toEqual(await download(direct.app, userId));
      const rows = parse(counted.content, { columns: true }) as Record<string, string>[];
      expect(rows.length).toBeGreaterThan(0);
      if (userId === 'U0VIEW')
        expect(new Set(rows.map((r) => r['account_id']))).toEqual(new Set([ACCOUNTS.staging.id]));
    }
  });
});

describe('App Home from a stored scan whose passes were counted', () => {
  /** The store with every call of findingsOfScan recorded. */
  const recording = (store: Store) => {
    const calls: { scanId: string; options: unknown }[] = [];
    const wrapped: Store = {
      ...store,
      findingsOfScan: (scanId, options) => {
        calls.push({ scanId, options });
        return store.findingsOfScan(scanId, options);
      },
    };
    return { store: wrapped, calls };
  };

  it('when the stored scan was saved whole, then App Home after a restart counts as the scan did', async () => {
    const { direct, omitting } = apps();
    await ask(omitting.deps, 'U0ADMIN');
    // A new process over the same store: nothing cached, the stored scan answers.
    const { store, calls } = recording(omitting.store);
    const restarted = scanApp(CONFIG, countingSource(ESTATE), { store });
    for (const userId of ['U0ADMIN', 'U0VIEW']) {
      const full = renderBlocksAsText({ text: '', blocks: (await direct.app.homeView({ userId })).blocks }).text;
      const stored = renderBlocksAsText({ text: '', blocks: (await restarted.app.homeView({ userId })).blocks }).text;
      expect(stored).toBe(full);
    }
    // A scan saved whole has no jobs: it is read whole.
    expect(calls.every((c) => c.options === undefined)).toBe(true);
  });
});
