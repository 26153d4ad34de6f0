import { defaultExpiryDate, expiryOfDate, latestExpiry } from '../../../../src/core/render/blocks/exceptions';
import { validateNewException } from '../../../../src/core/exceptions/lifecycle';

const at = (iso: string) => new Date(iso);

describe('expiry of a picked date', () => {
  it('when a date is picked, then it means the end of that day in UTC', () => {
    expect(expiryOfDate('2026-12-01', at('2026-11-01T12:00:00Z'), 90)).toEqual({
      ok: true,
      expiresAt: '2026-12-01T23:59:59.999Z',
    });
  });

  it('when the last allowed day is picked, at any time of day, then it ends exactly maxDays later and the core accepts it', () => {
    for (const now of ['2026-11-01T00:00:00.000Z', '2026-11-01T12:34:56.789Z', '2026-11-01T23:59:59.999Z']) {
      const n = at(now);
      const last = latestExpiry(n, 30).toISOString();
      const r = expiryOfDate(last.slice(0, 10), n, 30);
      expect(r).toEqual({ ok: true, expiresAt: last });
      if (r.ok)
        expect(
          validateNewException(
            { expiresAt: r.expiresAt, reason: 'r', scope: { accounts: ['*'], checks: ['x'] } },
            n,
            30,
          ),
        ).toEqual([]);
    }
  });

  it('when the day after the last allowed one is picked, then it is refused', () => {
    const now = at('2026-11-01T12:00:00Z');
    expect(expiryOfDate('2026-12-02', now, 30)).toMatchObject({ ok: false });
    expect(expiryOfDate('2026-12-01', now, 30)).toEqual({ ok: true, expiresAt: '2026-12-01T12:00:00.000Z' });
  });

  it('when the proposed date is computed, then it is 30 days ahead or the last day allowed', () => {
    expect(defaultExpiryDate(at('2026-11-01T23:30:00Z'), 90)).toBe('2026-12-01');
    expect(defaultExpiryDate(at('2026-11-01T23:30:00Z'), 7)).toBe('2026-11-08');
    const now = at('2026-11-01T23:30:00Z');
    expect(expiryOfDate(defaultExpiryDate(now, 7), now, 7).ok).toBe(true);
  });

  it('when the date does not exist or is not a date, then it is refused', () => {
    const now = at('2026-11-01T12:00:00Z');
    for (const bad of ['2027-02-29', '2026-13-01', '2026-1-1', '2026-11-01T00:00:00Z', '']) {
      expect(expiryOfDate(bad, now, 90)).toMatchObject({ ok: false, message: expect.stringMatching(/is not a date/) });
    }
  });
});
