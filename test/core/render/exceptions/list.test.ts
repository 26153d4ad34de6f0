import {
  EXCEPTION_ACTION_IDS,
  parseListPageValue,
  renderExceptionList,
  selectExceptions,
  type ExceptionListEntry,
} from '../../../../src/core/render/blocks/exceptions';
import type { RiskException } from '../../../../src/core/exceptions/model';
import {
  EX_ID,
  HOSTILE,
  NOW,
  OTHER_EX_ID,
  active,
  allText,
  anException,
  buttons,
  daysAfter,
  minutesBefore,
  textOf,
  withinLimits,
  expectEscapedOnce,
} from './builders';

const exId = (i: number) => `ex_${i.toString(16).padStart(24, '0')}`;
const fromFile = active({
  id: 'cfg_legacy-website',
  source: 'config',
  requester: { kind: 'system', id: 'cloudsec.yml' },
  owner: { id: 'Dana Lee', name: 'Dana Lee' },
  expiresAt: daysAfter(3),
});

describe('selectExceptions', () => {
  const soon = active({ id: exId(1), expiresAt: daysAfter(2) });
  const later = active({ id: exId(2), expiresAt: daysAfter(40) });
  const pastButActive = active({ id: exId(3), expiresAt: minutesBefore(5) });
  const expiredLong = active({ id: exId(4), status: 'expired', expiresAt: daysAfter(-30) });
  const pending = anException({ id: exId(5), owner: { id: 'U0SOMEONE' } });
  const mineOwned = active({ id: exId(6), owner: { id: 'U0ME' }, expiresAt: daysAfter(20) });
  const mineAsked = anException({
    id: exId(7),
    status: 'denied',
    requester: { kind: 'slack-user', id: 'U0ME' },
  });
  const all = [later, soon, pastButActive, expiredLong, pending, mineOwned, mineAsked];

  it('when listing active ones, then only those in force, soonest expiry first', () => {
    expect(selectExceptions(all, 'active', { now: NOW }).map((e) => e.id)).toEqual([soon.id, mineOwned.id, later.id]);
  });

  it('when listing expiring ones, then those in force ending within 7 days', () => {
    expect(selectExceptions(all, 'expiring', { now: NOW }).map((e) => e.id)).toEqual([soon.id]);
    expect(selectExceptions(all, 'expiring', { now: NOW, days: 30 }).map((e) => e.id)).toEqual([soon.id, mineOwned.id]);
  });

  it('when listing expired ones, then swept ones and active ones past their expiry, most recent first', () => {
    expect(selectExceptions(all, 'expired', { now: NOW }).map((e) => e.id)).toEqual([pastButActive.id, expiredLong.id]);
  });

  it('when listing mine, then those I own or asked for, whatever their status; nobody means none', () => {
    expect(selectExceptions(all, 'mine', { now: NOW, userId: 'U0ME' }).map((e) => e.id)).toEqual([
      mineOwned.id,
      mineAsked.id,
    ]);
    expect(selectExceptions(all, 'mine', { now: NOW })).toEqual([]);
  });
});

const entry = (e: RiskException, over: Partial<ExceptionListEntry> = {}): ExceptionListEntry => ({
  exception: e,
  ...over,
});

describe('renderExceptionList', () => {
  it('when exceptions are listed, then each shows id, source, scope, owner, expiry, coverage and status', () => {
    const payload = withinLimits(
      renderExceptionList([entry(active(), { covered: 12 }), entry(fromFile)], { now: NOW, filter: 'active' }),
    );
    const text = textOf(payload);
    expect(text).toContain('Accepted risks in force');
    expect(text).toContain('2 accepted risks · 1 from cloudsec.yml');
    expect(text).toContain(`:shield: *Active* · \`${EX_ID}\` · slack`);
    expect(text).toContain(
      '`s3_bucket_public_access_blocked` · account `111111111111` · `us-east-1` · `arn:aws:s3:::acme-logs`',
    );
    expect(text).toContain('Owner <@U0OWNER1> · expires 2026-12-01 12:00 UTC (in 30 days) · hides 12 failing findings');
    expect(text).toContain('`cfg_legacy-website` · :page_facing_up: cloudsec.yml');
    expect(text).toContain('Owner `Dana Lee` · expires 2026-11-04 12:00 UTC (in 3 days)');
    expect(buttons(payload.blocks)).toEqual([]);
  });

  it('when an exception is stale or has an extension waiting, then it is marked', () => {
    const text = textOf(
      renderExceptionList(
        [
          entry(active({ extension: null }), { stale: true }),
          entry(
            active({
              id: OTHER_EX_ID,
              extension: {
                requester: { kind: 'slack-user', id: 'U0X' },
                requestedAt: minutesBefore(1),
                expiresAt: daysAfter(40),
                reason: 'r',
                message: null,
              },
            }),
          ),
        ],
        {
          now: NOW,
          filter: 'active',
        },
      ),
    );
    expect(text).toContain(':zzz: *Stale*: it matches nothing any more. Revoke it, or let it expire.');
    expect(text).toContain('An extension is waiting for approval.');
  });

  it('when statuses differ, then each reads as its own (expired loudly)', () => {
    const text = textOf(
      renderExceptionList(
        [
          entry(anException({ id: exId(1) })),
          entry(active({ id: exId(2), status: 'expired', expiresAt: daysAfter(-3) })),
          entry(anException({ id: exId(3), status: 'denied' })),
        ],
        { now: NOW, filter: 'mine' },
      ),
    );
    expect(text).toContain(':hourglass_flowing_sand: *Waiting for approval*');
    expect(text).toContain(':rotating_light: *Expired*');
    expect(text).toContain('expired 2026-10-29 12:00 UTC (3 days ago)');
    expect(text).toContain(':no_entry: *Denied*');
  });

  it.each([
    ['active', 'No accepted risk is in force: every failing finding is shown.'],
    ['expiring', 'No accepted risk expires within the next 7 days.'],
    ['expired', 'No accepted risk has expired.'],
    ['mine', 'You neither own nor asked for any accepted risk.'],
  ] as const)('when nothing matches %s, then it says so in a sentence', (filter, sentence) => {
    const payload = withinLimits(renderExceptionList([], { now: NOW, filter }));
    expect(textOf(payload)).toContain(sentence);
    expect(payload.text).toContain(sentence);
  });

  it('when some could not be read, then the list says so', () => {
    const text = textOf(
      renderExceptionList([], {
        now: NOW,
        filter: 'active',
        problems: ['2 accepted risks stored in the database could not be read'],
      }),
    );
    expect(text).toContain(':warning: 2 accepted risks stored in the database could not be read');
  });

  it('when there are more than a page, then it shows a page, where it sits, and Next page with the filter and offset', () => {
    const many = Array.from({ length: 57 }, (_, i) => entry(active({ id: exId(i + 1) })));
    const first = withinLimits(renderExceptionList(many, { now: NOW, filter: 'active' }));
    expect(textOf(first)).toContain('Showing 1–20 of 57.');
    const next = buttons(first.blocks);
    expect(next.map((b) => b.action_id)).toEqual([EXCEPTION_ACTION_IDS.listPage]);
    expect(parseListPageValue(next[0]!.value)).toEqual({ f: 'active', o: 20 });
    const last = withinLimits(renderExceptionList(many, { now: NOW, filter: 'active', offset: 40 }));
    expect(textOf(last)).toContain('Showing 41–57 of 57.');
    expect(buttons(last.blocks)).toEqual([]);
  });

  it('when entries are huge and hostile, then the page shrinks to fit, everything is escaped, and Next page continues where it stopped', () => {
    const huge = Array.from({ length: 40 }, (_, i) =>
      entry(
        active({
          id: exId(i + 1),
          reason: HOSTILE.repeat(100),
          owner: { id: HOSTILE, name: HOSTILE },
          scope: {
            accounts: ['*'],
            checks: Array.from({ length: 200 }, (_, k) => `${HOSTILE}_${k}_${'c'.repeat(300)}`),
            resources: Array.from({ length: 200 }, (_, k) => `${HOSTILE}${k}${'r'.repeat(400)}`),
            tags: { [HOSTILE]: HOSTILE },
          },
        }),
      ),
    );
    const payload = withinLimits(renderExceptionList(huge, { now: NOW, filter: 'active', pageSize: 40 }));
    const json = allText(payload);
    expectEscapedOnce(json);
    const shown = textOf(payload).match(/Showing 1–(\d+) of 40\./);
    expect(shown).not.toBeNull();
    const n = Number(shown![1]);
    expect(n).toBeGreaterThan(0);
    expect(n).toBeLessThan(40);
    expect(parseListPageValue(buttons(payload.blocks)[0]!.value)).toEqual({ f: 'active', o: n });
  });
});
