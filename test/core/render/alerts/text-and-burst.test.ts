import { renderAlertText } from '../../../../src/core/render/blocks/alerts/text';
import { renderBurstSummary, renderGroupedAlerts } from '../../../../src/core/render/blocks/alerts/burst';
import { renderRepeatReply } from '../../../../src/core/render/blocks/alerts/repeat';
import { limitViolations, MESSAGE_BUDGET } from '../../../../src/core/render/limits';
import { anActor, anAlert } from './builders';

describe('renderAlertText', () => {
  it('when an alert is printed, then each fact is one line: what, who, MFA, when, where, why', () => {
    const text = renderAlertText(anAlert({ count: 4, lastSeenAt: '2026-11-01T12:04:00Z' }));
    expect(text).toMatch(/^\[CRITICAL\] S3 bucket made public\n/);
    expect(text).toContain('made bucket `acme-marketing-assets` public');
    expect(text).toMatch(/Who +AWSReservedSSO_Admin_0123\/alice@acme.example \(IAM Identity Center \(SSO\) user\)/);
    expect(text).toMatch(/MFA +yes/);
    expect(text).toContain('seen 4 times, last 2026-11-01 12:04 UTC');
    expect(text).toMatch(/Where +account 111111111111 · us-east-1 · AwsS3Bucket acme-marketing-assets/);
    expect(text).toMatch(/Undo +Turn on Block Public Access/);
  });

  it('when record values carry terminal escapes and newlines, then they cannot rewrite the screen or add lines', () => {
    const evil = 'bucket\u001b[2J\u001b[H\nFAKE LINE\u202Eevil';
    const text = renderAlertText(anAlert({ summary: evil, actor: anActor({ userAgent: evil, mfa: null }) }));
    expect(text).not.toContain('\u001b');
    expect(text).not.toContain('\u202E');
    expect(text.split('\n').some((l) => l.startsWith('FAKE LINE'))).toBe(false);
    expect(text).toMatch(/MFA +unknown/);
  });
});

describe('burst rendering', () => {
  it('when a burst is summarised, then it counts per detection, most first, and points at /cloudsec alerts open', () => {
    const summary = renderBurstSummary({
      total: 37,
      byDetection: [
        { detectionId: 'iam_policy_changed', title: 'IAM policy changed', count: 7 },
        { detectionId: 'security_group_changed', title: 'Security group changed', count: 30 },
      ],
      since: '2026-11-01T12:00:00.000Z',
      limit: 20,
    });
    const text = JSON.stringify(summary.blocks);
    expect(text).toContain(
      '37 more alerts in the last minute* — 30 × `security_group_changed`, 7 × `iam_policy_changed`',
    );
    expect(text).toContain('`/cloudsec alerts open` lists them all');
    expect(limitViolations(summary, MESSAGE_BUDGET)).toEqual([]);
  });

  it('when thousands of alerts wait, then one reply lists as many as fit (well over a hundred) within the limits, each by id', () => {
    const alerts = Array.from({ length: 3000 }, (_, i) =>
      anAlert({
        id: `al_${String(i).padStart(24, '0')}`,
        detectionId: i % 3 === 0 ? 'security_group_changed' : 's3_bucket_made_public',
        resource: {
          type: 'AwsEc2SecurityGroup',
          id: `sg-${String(i).padStart(17, '0')}`,
          arn: null,
          region: 'eu-west-1',
        },
        actor: anActor({ label: 'terraform' }),
      }),
    );
    const { payload, shown } = renderGroupedAlerts(alerts);
    expect(shown).toBeGreaterThan(100);
    expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
    const text = JSON.stringify(payload.blocks);
    for (const a of alerts.slice(0, shown)) expect(text).toContain(a.id);
    expect(text).not.toContain(alerts[shown]!.id);
  });

  it('when one grouped alert has 10 KB names, then it is still listed on its own within the limits', () => {
    const big = '<!channel>'.repeat(1024);
    const { payload, shown } = renderGroupedAlerts([
      anAlert({ title: big, resource: { type: 't', id: big, arn: null, region: 'r' }, actor: anActor({ label: big }) }),
    ]);
    expect(shown).toBe(1);
    expect(limitViolations(payload, MESSAGE_BUDGET)).toEqual([]);
    expect(JSON.stringify(payload.blocks)).not.toContain('<!channel>');
  });

  it('when an alert is seen again, then the reply says how often in all and who did it last', () => {
    const reply = renderRepeatReply(
      anAlert({ count: 5, lastSeenAt: '2026-11-01T12:04:00Z' }),
      anActor({ label: '<!here> bob' }),
    );
    const text = JSON.stringify(reply.blocks);
    expect(text).toContain('Seen again: 5 times in all, last by `&lt;!here&gt; bob` at 2026-11-01 12:04 UTC.');
    expect(limitViolations(reply, MESSAGE_BUDGET)).toEqual([]);
  });
});
