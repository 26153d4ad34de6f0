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
const downloadAll = async (): Promise<Record<string, string>[]> => {
  const { app } = demoApp(ACCESS);
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
