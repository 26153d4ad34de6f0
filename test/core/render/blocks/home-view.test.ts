import { renderHomeView, type AccountPosture, type HomeViewData } from '../../../../src/core/render/blocks';
import { HOME_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { aFinding, buttons, minutesBefore, NOW, visibleText } from './builders';
import { PUBLIC_BUCKET, PUBLIC_SENTENCE, TITLES, expectProblemHeading } from '../../../fixtures/failing-titles';

const posture = (accountId: string, name: string, over: Partial<AccountPosture> = {}): AccountPosture => ({
  accountId,
  name,
  bySeverity: { critical: 0, high: 0, medium: 0, low: 0, informational: 0 },
  fail: 0,
  pass: 10,
  unknown: 0,
  ...over,
});

const home = (over: Partial<HomeViewData> = {}): HomeViewData => ({
  userName: 'Dana',
  summaryByAccount: [
    posture('111111111111', 'acme-prod', {
      bySeverity: { critical: 1, high: 2, medium: 0, low: 0, informational: 0 },
      fail: 3,
      pass: 40,
      unknown: 1,
    }),
    posture('222222222222', 'acme-staging'),
  ],
  topFindings: [aFinding({ title: 'Bucket is public', severity: 'critical' })],
  lastRefreshed: minutesBefore(12),
  now: NOW,
  remediationEnabled: true,
  ...over,
});

describe('renderHomeView', () => {
  it('when the tab opens, then it greets the user and shows the posture of each account', () => {
    const view = renderHomeView(home());
    const text = visibleText(view.blocks);
    expect(view.type).toBe('home');
    expect(text).toContain('Hi *Dana*, here is the posture of the 2 AWS accounts you can see.');
    expect(text).toContain('*3 failing* (1 critical · 2 high) · 50 passing · 1 unknown');
    expect(text).toContain('*acme-prod*\n`111111111111`');
    expect(text).toContain(':red_circle: *3 failing* (1 critical · 2 high)\n40 passing · 1 unknown');
    expect(text).toContain(':white_check_mark: *0 failing*\n10 passing · 0 unknown');
  });

  it('when data was refreshed 12 minutes ago, then the tab says so; when never, it says how to get data', () => {
    expect(visibleText(renderHomeView(home()).blocks)).toContain('Last refreshed 12 min ago');
    expect(visibleText(renderHomeView(home({ lastRefreshed: null })).blocks)).toContain(
      'No scan yet: run `/cloudsec check all`',
    );
  });

  it('when there are top findings, then they are listed with Remediate buttons if remediation is on', () => {
    const view = renderHomeView(home());
    expect(visibleText(view.blocks)).toContain(':red_circle: Critical · *Bucket is public*');
    expect(buttons(view.blocks).map((b) => b.action_id)).toEqual(['remediation.request']);
    expect(buttons(renderHomeView(home({ remediationEnabled: false })).blocks)).toEqual([]);
  });

  it.each(Object.entries(TITLES))(
    'when a top finding is a public bucket (%s title), then it is headed by what is wrong with the bucket',
    (_, titles) => {
      const finding = aFinding({
        ...titles,
        resource: { type: 'AwsS3Bucket', id: PUBLIC_BUCKET, arn: null },
        message: PUBLIC_SENTENCE,
      });
      expectProblemHeading(visibleText(renderHomeView(home({ topFindings: [finding] })).blocks));
    },
  );

  it('when pending approvals are absent, then the tab has no approvals section at all', () => {
    expect(visibleText(renderHomeView(home()).blocks)).not.toContain('Waiting for your approval');
  });

  it('when approvals are waiting, then each is listed with its requester and a Review button', () => {
    const view = renderHomeView(
      home({
        pendingApprovals: [
          {
            requestId: 'req_1',
            title: 'Block public access on acme-logs',
            resourceId: 'acme-logs',
            accountId: '111111111111',
            requestedBy: 'U024BE7LH',
            requestedAt: minutesBefore(30),
          },
        ],
      }),
    );
    const text = visibleText(view.blocks);
    expect(text).toContain('*Waiting for your approval* · 1');
    expect(text).toContain('Requested by <@U024BE7LH> 30 min ago');
    expect(buttons(view.blocks)).toContainEqual(
      expect.objectContaining({ action_id: 'remediation.review', value: 'req_1' }),
    );
  });

  it('when a requester id is not a Slack user id, then it is shown as text, not a mention', () => {
    const view = renderHomeView(
      home({
        pendingApprovals: [
          {
            requestId: 'r',
            title: 't',
            resourceId: 'x',
            accountId: '1',
            requestedBy: '!channel',
            requestedAt: minutesBefore(1),
          },
        ],
      }),
    );
    expect(visibleText(view.blocks)).toContain('Requested by `!channel`');
  });

  it('when there are hundreds of accounts and findings, then the tab stays within 100 blocks and counts the rest', () => {
    const accounts = Array.from({ length: 300 }, (_, i) =>
      posture(String(100000000000 + i), `account-${i}`, {
        fail: i,
        bySeverity: { critical: 0, high: i, medium: 0, low: 0, informational: 0 },
      }),
    );
    const findings = Array.from({ length: 500 }, () => aFinding());
    const view = renderHomeView(home({ summaryByAccount: accounts, topFindings: findings }));
    const text = visibleText(view.blocks);
    expect(limitViolations(view, HOME_BUDGET)).toEqual([]);
    expect(text).toContain('…and 275 more accounts.');
    expect(text).toMatch(/…and \d+ more: run `\/cloudsec check all` for the full list\./);
    // Worst accounts come first.
    expect(text.indexOf('account-299')).toBeLessThan(text.indexOf('account-298'));
  });
});
