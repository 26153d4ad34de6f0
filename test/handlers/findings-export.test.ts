import { parse } from 'csv-parse/sync';
import { demoApp, invocation, recordingResponder } from '../fixtures/app';
import { renderBlocksAsText } from '../../src/slack/console-render';
import { CHECKS } from '../../src/core/checks';
import { SERVICES } from '../../src/core/model';

const ACCESS = `
bindings:
  - role: admin
    users: [U0ADMIN]
channels:
  findings: []
  dms: true
  elsewhere: refuse
accessHelp: "#sec-leads"
`;

/** Runs `check all` on the demo estate, presses Download all, and reads the uploaded CSV back. */
const downloadAll = async (config = ACCESS): Promise<Record<string, string>[]> => {
  const { app } = demoApp(config);
  const answer = recordingResponder();
  await app.handleCommand(invocation('check all'), answer.responder);
  const download = renderBlocksAsText(answer.last().message).buttons.find((b) => b.actionId === 'findings.export')!;
  const r = recordingResponder();
  await app.handleAction(
    {
      requestId: 'req-download',
      actor: { userId: 'U0ADMIN' },
      channel: { id: 'D0DM', kind: 'dm' },
      actionId: download.actionId,
      value: download.value!,
    },
    r.responder,
  );
  expect(r.uploads).toHaveLength(1);
  return parse(r.uploads[0]!.content, { columns: true }) as Record<string, string>[];
};

describe('Download all (CSV)', () => {
  it('when the demo estate is downloaded, then every row names its service and when it was observed', async () => {
    const rows = await downloadAll();

    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(SERVICES).toContain(row['service']);
      expect(row['observed_at']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    }
  });

  it('when a failing finding is downloaded, then its title says what is wrong, never the desired state', async () => {
    const rows = await downloadAll();
    const byId = new Map(CHECKS.map((c) => [c.id, c]));

    const failing = rows.filter((r) => r['status'] === 'fail' && byId.has(r['check_id']!));
    expect(failing.length).toBeGreaterThan(0);
    for (const row of failing) {
      const check = byId.get(row['check_id']!)!;
      expect(row['title']).toBe(check.failTitle);
    }
  });
});

describe('Download all with accepted risks', () => {
  /** Every S3 finding of the demo's prod account is accepted (a cloudsec.yml entry, in force at the demo's clock). */
  const WITH_EXCEPTION = `${ACCESS}
exceptions:
  - name: prod-s3
    scope: { accounts: ['111111111111'], checks: ['s3_*'] }
    reason: Legacy buckets, reviewed in SEC-1
    owner: U0OWNER01
    approver: Dana Lee
    expires: '2026-11-20'
`;

  it('when an accepted risk hides findings, then the file still holds them, each naming its exception', async () => {
    const plain = await downloadAll();
    const rows = await downloadAll(WITH_EXCEPTION);
    const hidden = rows.filter((r) => r['exception_id'] === 'cfg_prod-s3');

    expect(hidden.length).toBeGreaterThan(0);
    for (const row of hidden) {
      expect(row['account_id']).toBe('111111111111');
      expect(row['check_id']).toMatch(/^s3_/);
      expect(row['exception_owner']).toBe('U0OWNER01');
      expect(row['exception_reason']).toBe('Legacy buckets, reviewed in SEC-1');
    }
    // Nothing lost: the same failing rows as without the exception, hidden ones marked.
    const ids = (list: Record<string, string>[]) => list.map((r) => r['id']).sort();
    expect(ids(rows)).toEqual(ids(plain));
    expect(rows.filter((r) => r['exception_id'] === '').length).toBe(plain.length - hidden.length);
  });
});
