import type { DigestReport } from '../../../../src/core/digest/model';
import { renderDigestBlocks, renderDigestText, type DigestMessage } from '../../../../src/core/render/digest';
import { MESSAGE_BUDGET, limitViolations } from '../../../../src/core/render/limits';
import { aDigestAlert, aDigestReport, digestAlertsOf } from '../../../fixtures/digest-builders';
import { sectionText } from './read-digest';

const render = (over: Partial<DigestReport> = {}): DigestMessage => {
  const message = renderDigestBlocks(aDigestReport(over));
  expect(limitViolations(message, MESSAGE_BUDGET)).toEqual([]);
  return message;
};

/** The section that starts with the alerts line, as Slack shows it. */
const alertsSection = (m: DigestMessage): string | undefined =>
  m.blocks.map(sectionText).find((t) => t !== null && /^:\w+: \*Alerts:\*/.test(t)) ?? undefined;

const text = (over: Partial<DigestReport> = {}) => renderDigestText(aDigestReport(over));
const textAlertLines = (out: string): string[] => {
  const lines = out.split('\n');
  const start = lines.findIndex((l) => /^!? ?Alerts: /.test(l));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === '');
  return lines.slice(start, end < 0 ? undefined : end);
};

describe('the digest’s alerts line (Block Kit)', () => {
  it('when the report has no alerts part, then the message has no alerts line', () => {
    const m = render();
    expect(alertsSection(m)).toBeUndefined();
    expect(m.text).not.toContain('Alerts');
  });

  it('when alerts were opened and resolved, then one line gives the exact counts and names /cloudsec alerts', () => {
    const m = render({ alerts: digestAlertsOf({ opened: 1234, resolved: 2, stillOpen: 7 }) });
    expect(alertsSection(m)!.split('\n')[0]).toBe(
      ':rotating_light: *Alerts:* 1,234 opened, 2 resolved, 7 still open · `/cloudsec alerts`',
    );
    expect(m.text).toContain('Alerts: 1,234 opened, 2 resolved, 7 still open.');
  });

  it('when the live lane runs and nothing happened, then the line still says so with zeros', () => {
    const m = render({ alerts: digestAlertsOf() });
    expect(alertsSection(m)).toBe(':rotating_light: *Alerts:* 0 opened, 0 resolved, 0 still open · `/cloudsec alerts`');
  });

  it('when some were marked false positives, then they are counted apart from the resolved ones', () => {
    const m = render({ alerts: digestAlertsOf({ opened: 3, resolved: 1, falsePositive: 1, stillOpen: 1 }) });
    expect(alertsSection(m)).toContain('3 opened, 1 resolved, 1 false positive, 1 still open');
  });

  it('when alerts are still open, then the listed ones follow the line with severity, title, account and summary, and the rest are counted', () => {
    const listed = [
      aDigestAlert({ title: 'S3 bucket made public', summary: 'made bucket `acme-exports` public' }),
      aDigestAlert({
        title: 'Root user signed in',
        severity: 'high',
        status: 'acknowledged',
        summary: 'root signed in',
      }),
    ];
    const m = render({ alerts: digestAlertsOf({ opened: 2, stillOpen: 9, topOpen: listed }) });
    const lines = alertsSection(m)!.split('\n');
    expect(lines.slice(1)).toEqual([
      '• :red_circle: *S3 bucket made public* · acme-prod (111111111111) · made bucket `acme-exports` public',
      expect.stringMatching(
        /^• :\w+: \*Root user signed in\* · acme-prod \(111111111111\) · acknowledged · root signed in$/,
      ),
      '…and 7 more open alerts',
    ]);
  });

  it('when an alert’s title or summary holds Slack control characters, then they are escaped and cannot mention anyone', () => {
    const nasty = aDigestAlert({
      title: 'made *public* <!channel>',
      summary: '<https://evil.example|click> & <@U0ADMIN>\n> quoted',
      accountId: '<!here>',
    });
    const section = alertsSection(render({ alerts: digestAlertsOf({ opened: 1, stillOpen: 1, topOpen: [nasty] }) }))!;
    expect(section).not.toMatch(/<[!@h]/);
    expect(section).toContain('&lt;!channel&gt;');
    expect(section).toContain('&lt;https://evil.example|click&gt; &amp; &lt;@U0ADMIN&gt;');
    expect(section).toContain('&lt;!here&gt;');
    expect(section.split('\n')).toHaveLength(2);
  });

  it('when alerts have very long titles and summaries, then each listed one is clipped and the message fits', () => {
    const long = Array.from({ length: 5 }, () =>
      aDigestAlert({ title: 'T'.repeat(5000), summary: 'S'.repeat(50_000) }),
    );
    const section = alertsSection(render({ alerts: digestAlertsOf({ opened: 5, stillOpen: 5, topOpen: long }) }))!;
    const listed = section.split('\n').slice(1);
    expect(listed).toHaveLength(5);
    for (const line of listed) expect(line.length).toBeLessThan(400);
  });

  it('when the listed alerts would cost more of the payload than the head may use, then fewer are listed and the rest counted', () => {
    // A lone surrogate costs six characters in the payload's JSON.
    const costly = Array.from({ length: 5 }, () =>
      aDigestAlert({ title: '\uD800'.repeat(500), summary: '\uD800'.repeat(500) }),
    );
    const section = alertsSection(render({ alerts: digestAlertsOf({ opened: 5, stillOpen: 5, topOpen: costly }) }))!;
    const lines = section.split('\n');
    const shown = lines.filter((l) => l.startsWith('• ')).length;
    expect(shown).toBeLessThan(5);
    expect(lines.at(-1)).toBe(`…and ${5 - shown} more open alert${5 - shown === 1 ? '' : 's'}`);
  });

  it('when the alerts could not be read, then the line says so instead of showing zeros', () => {
    const m = render({ alerts: { kind: 'unreadable' } });
    const section = alertsSection(m)!;
    expect(section).toContain('alerts could not be read');
    expect(section).toContain('`/cloudsec alerts`');
    expect(section).not.toMatch(/\b0 opened/);
    expect(m.text).toContain('alerts could not be read');
  });
});

describe('the digest’s alerts line (text)', () => {
  it('when the report has no alerts part, then the text has no alerts line', () => {
    expect(textAlertLines(text())).toEqual([]);
  });

  it('when alerts are still open, then the text says the same as Slack, one alert a line', () => {
    const listed = [aDigestAlert({ summary: 'made bucket `acme-exports` public' })];
    const out = text({
      alerts: digestAlertsOf({ opened: 4, resolved: 1, falsePositive: 2, stillOpen: 3, topOpen: listed }),
    });
    expect(textAlertLines(out)).toEqual([
      'Alerts: 4 opened, 1 resolved, 2 false positives, 3 still open · /cloudsec alerts',
      '  [CRITICAL] S3 bucket made public · acme-prod (111111111111) · made bucket `acme-exports` public',
      '  …and 2 more open alerts',
    ]);
  });

  it('when a title or summary holds terminal control sequences or newlines, then they cannot break the line', () => {
    const nasty = aDigestAlert({ title: 'evil\u001b[2J\ntitle', summary: 'line one\nline two\u202e' });
    const lines = textAlertLines(text({ alerts: digestAlertsOf({ opened: 1, stillOpen: 1, topOpen: [nasty] }) }));
    expect(lines).toHaveLength(2);
    expect(lines[1]).not.toContain('\u001b');
    expect(lines[1]).not.toContain('\u202e');
    expect(lines[1]).toContain('line one line two');
  });

  it('when the alerts could not be read, then the text says so loudly', () => {
    expect(textAlertLines(text({ alerts: { kind: 'unreadable' } }))).toEqual([
      '! Alerts: alerts could not be read: the figures are missing, not zero · /cloudsec alerts',
    ]);
  });
});
