import {
  alertsWindow,
  digestAlerts,
  DIGEST_ALERTS_LISTED,
  type DigestAlertsInput,
} from '../../../src/core/digest/alerts';
import { ALERT_STATUSES, type Alert, type AlertStatus } from '../../../src/core/detections/alert';
import { anAlertDraft, PROD, STAGING } from '../../fixtures/alerts-builders';

const NOW = new Date('2026-11-02T09:00:00.000Z');
const hoursBefore = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString();

let seq = 0;
const anAlert = (over: Partial<Alert> = {}): Alert => {
  seq += 1;
  const createdAt = over.createdAt ?? hoursBefore(seq);
  return {
    ...anAlertDraft({ bucket: `bucket-${seq}`, eventId: `e-${seq}` }),
    id: `al_${seq}`,
    status: 'open',
    count: 1,
    lastSeenAt: createdAt,
    createdAt,
    updatedAt: createdAt,
    channel: null,
    messageTs: null,
    assigneeId: null,
    closedBy: null,
    closedAt: null,
    note: null,
    askedUserId: null,
    askedAt: null,
    answer: null,
    answeredAt: null,
    escalatedAt: null,
    undoRequestId: null,
    ...over,
  };
};

const byStatus = (partial: Partial<Record<AlertStatus, number>> = {}): Record<AlertStatus, number> => ({
  ...(Object.fromEntries(ALERT_STATUSES.map((s) => [s, 0])) as Record<AlertStatus, number>),
  ...partial,
});

const input = (over: Partial<DigestAlertsInput> = {}): DigestAlertsInput => ({
  window: { since: hoursBefore(24), until: NOW.toISOString() },
  inWindow: byStatus(),
  closedInWindow: byStatus(),
  everywhere: byStatus(),
  open: [],
  accountIds: null,
  liveLaneOn: true,
  ...over,
});

describe('alertsWindow', () => {
  it('when it is the first digest, then it looks back one day until now', () => {
    expect(alertsWindow(null, NOW)).toEqual({ since: hoursBefore(24), until: NOW.toISOString() });
  });

  it('when the last digest stored where it stopped counting, then this one starts there', () => {
    const previous = { until: hoursBefore(20), scheduledFor: hoursBefore(24) };
    expect(alertsWindow(previous, NOW)).toEqual({ since: hoursBefore(20), until: NOW.toISOString() });
  });

  it('when the last digest stored no window (it predates alerts), then this one starts at its scheduled time', () => {
    expect(alertsWindow({ until: null, scheduledFor: hoursBefore(72) }, NOW).since).toBe(hoursBefore(72));
  });

  it('when the stored start lies after now (another replica’s clock), then the window is empty, never reversed', () => {
    const w = alertsWindow({ until: '2026-11-02T09:00:05.000Z', scheduledFor: hoursBefore(24) }, NOW);
    expect(w).toEqual({ since: NOW.toISOString(), until: NOW.toISOString() });
  });
});

describe('digestAlerts', () => {
  it('when alerts were opened in the window, then "opened" counts them whatever their status now', () => {
    const a = digestAlerts(
      input({
        inWindow: byStatus({ open: 2, acknowledged: 1, resolved: 3, false_positive: 1 }),
        everywhere: byStatus({ open: 5, acknowledged: 2, resolved: 9, false_positive: 1 }),
      }),
    );
    expect(a).toMatchObject({ kind: 'read', opened: 7, stillOpen: 7 });
  });

  it('when alerts were closed in the window, then "resolved" counts those closures, also of alerts opened before it', () => {
    const a = digestAlerts(
      input({
        inWindow: byStatus({ open: 1, resolved: 1 }),
        closedInWindow: byStatus({ resolved: 4, false_positive: 2 }),
        everywhere: byStatus({ open: 1, resolved: 9, false_positive: 2 }),
      }),
    );
    expect(a).toMatchObject({ kind: 'read', opened: 2, resolved: 4, falsePositive: 2, stillOpen: 1 });
  });

  it('when the live lane is off and the only news is a closure, then the line is there', () => {
    expect(digestAlerts(input({ liveLaneOn: false, closedInWindow: byStatus({ resolved: 1 }) }))).toMatchObject({
      resolved: 1,
    });
  });

  it('when the live lane is off and there is no alert at all, then there is nothing to say', () => {
    expect(digestAlerts(input({ liveLaneOn: false }))).toBeUndefined();
  });

  it('when the live lane is off but alerts are still open, then the line is there', () => {
    expect(digestAlerts(input({ liveLaneOn: false, everywhere: byStatus({ acknowledged: 1 }) }))).toMatchObject({
      stillOpen: 1,
    });
  });

  it('when the live lane runs and nothing happened, then the line is there with zeros', () => {
    expect(digestAlerts(input())).toMatchObject({ kind: 'read', opened: 0, resolved: 0, stillOpen: 0, topOpen: [] });
  });

  it('when more alerts are open than listed, then the most severe are listed first, newest first among equals', () => {
    const open = [
      anAlert({ severity: 'low', createdAt: hoursBefore(1) }),
      anAlert({ severity: 'critical', createdAt: hoursBefore(30) }),
      anAlert({ severity: 'high', createdAt: hoursBefore(2) }),
      anAlert({ severity: 'critical', createdAt: hoursBefore(3) }),
      anAlert({ severity: 'medium', createdAt: hoursBefore(4) }),
      anAlert({ severity: 'high', createdAt: hoursBefore(5), status: 'acknowledged' }),
      anAlert({ severity: 'informational', createdAt: hoursBefore(0.5) }),
    ];
    const a = digestAlerts(input({ open, everywhere: byStatus({ open: 6, acknowledged: 1 }) }));
    if (a?.kind !== 'read') throw new Error('expected figures');
    expect(a.topOpen).toHaveLength(DIGEST_ALERTS_LISTED);
    expect(a.topOpen.map((x) => [x.severity, x.status])).toEqual([
      ['critical', 'open'],
      ['critical', 'open'],
      ['high', 'open'],
      ['high', 'acknowledged'],
      ['medium', 'open'],
    ]);
    expect(a.topOpen[0]!.id).toBe(open[3]!.id);
  });

  it('when the store answered an alert of an account outside the scope or a closed one, then it is never listed', () => {
    const mine = anAlert({ accountId: STAGING });
    const open = [anAlert({ accountId: PROD }), mine, anAlert({ accountId: STAGING, status: 'resolved' })];
    const a = digestAlerts(input({ open, accountIds: [STAGING], everywhere: byStatus({ open: 1 }) }));
    expect(a?.kind === 'read' && a.topOpen.map((x) => x.id)).toEqual([mine.id]);
  });
});
