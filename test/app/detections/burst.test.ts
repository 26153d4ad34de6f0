import { makeBurstControl } from '../../../src/app/detections/burst';
import type { Alert } from '../../../src/core/detections/alert';
import type { Severity } from '../../../src/core/model';
import { anAlert } from '../../core/render/alerts/builders';
import { recordingMessenger, silentLog } from './harness';

const CHANNEL = 'C0ALERTS';
const T0 = Date.parse('2026-11-01T12:00:00.000Z');

const control = (limit: number) => {
  const slack = recordingMessenger();
  const { log } = silentLog();
  return { burst: makeBurstControl({ messenger: slack.messenger, limit, log }), slack };
};

let serial = 0;
const alertOf = (severity: Severity): Alert =>
  anAlert({ id: `al_${String(++serial).padStart(24, '0')}`, severity, detectionId: `rule_${severity}` });

/** What the live lane does with one alert: a card when a slot is given, else grouped under the summary. */
const route = async (burst: ReturnType<typeof control>['burst'], alert: Alert, nowMs: number) => {
  if (burst.takeCardSlot(CHANNEL, nowMs, alert.severity)) return 'card';
  await burst.group(CHANNEL, alert, nowMs);
  return 'grouped';
};

describe('makeBurstControl · severity', () => {
  it.each<Severity>(['critical', 'high'])(
    'when the minute’s budget is spent, then an alert of severity %s still gets its own card (over the budget)',
    async (severity) => {
      const { burst } = control(2);
      expect(await route(burst, alertOf('medium'), T0)).toBe('card');
      expect(await route(burst, alertOf('medium'), T0 + 1)).toBe('card');

      expect(await route(burst, alertOf(severity), T0 + 2)).toBe('card');
      expect(await route(burst, alertOf(severity), T0 + 3)).toBe('card');
      expect(burst.stats()).toMatchObject({ cards: 4, urgentOverBudget: 2, summaries: 0 });
    },
  );

  it.each<Severity>(['medium', 'low', 'informational'])(
    'when the minute’s budget is spent, then an alert of severity %s is grouped into the summary',
    async (severity) => {
      const { burst, slack } = control(1);
      expect(await route(burst, alertOf('high'), T0)).toBe('card');

      expect(await route(burst, alertOf(severity), T0 + 1)).toBe('grouped');
      expect(burst.stats()).toMatchObject({ cards: 1, urgentOverBudget: 0, summaries: 1 });
      expect(slack.posts).toHaveLength(1);
    },
  );

  it('when urgent cards go out over the budget, then they take slots, so medium alerts are grouped until the minute passes', async () => {
    const { burst } = control(2);
    expect(await route(burst, alertOf('critical'), T0)).toBe('card');
    expect(await route(burst, alertOf('critical'), T0 + 1)).toBe('card');
    expect(await route(burst, alertOf('critical'), T0 + 30_000)).toBe('card');

    expect(await route(burst, alertOf('medium'), T0 + 30_001)).toBe('grouped');
    // A minute after the first two cards their slots are free again; the third still holds one.
    expect(await route(burst, alertOf('medium'), T0 + 60_001)).toBe('card');
    expect(await route(burst, alertOf('medium'), T0 + 60_002)).toBe('grouped');
  });

  it('when the caller gives no severity, then the alert is held to the budget', () => {
    const { burst } = control(1);
    expect(burst.takeCardSlot(CHANNEL, T0)).toBe(true);
    expect(burst.takeCardSlot(CHANNEL, T0 + 1)).toBe(false);
  });
});
