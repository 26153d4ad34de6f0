import fc from 'fast-check';
import { diffObservations } from '../../../src/core/digest/diff';
import {
  unevaluatedKey,
  type DigestDelta,
  type DigestItem,
  type Observation,
  type ObservedItem,
  type ObservedState,
} from '../../../src/core/digest/model';
import { SEVERITIES } from '../../../src/core/model';
import { ACCOUNT_A, ACCOUNT_B, RUN_1, RUN_2, aStoredItem, anObservedItem } from './builders';

/**
 * A small universe of findings: an id always belongs to the same account and check (ids are
 * derived from them), so stored and observed items of one id agree on where they are.
 */
const POOL = 12;
const ACCOUNTS = [ACCOUNT_A, ACCOUNT_B];
const CHECKS = ['c_one', 'c_two', 'c_three'];
const placeOf = (n: number) => ({
  findingId: `f_${n}`,
  accountId: ACCOUNTS[n % ACCOUNTS.length] ?? ACCOUNT_A,
  checkId: CHECKS[n % CHECKS.length] ?? 'c_one',
});

const severity = fc.constantFrom(...SEVERITIES);
const storedSet = fc
  .uniqueArray(
    fc.record({ n: fc.nat(POOL - 1), state: fc.constantFrom('open' as const, 'suppressed' as const), severity }),
    { selector: (r) => r.n, maxLength: POOL },
  )
  .map((rows) => rows.map(({ n, state, severity }) => aStoredItem({ ...placeOf(n), state, severity })));

const observedItems = (states: ObservedState[]) =>
  fc
    .uniqueArray(fc.record({ n: fc.nat(POOL - 1), state: fc.constantFrom(...states), title: fc.string() }), {
      selector: (r) => r.n,
      maxLength: POOL,
    })
    .map((rows) => rows.map(({ n, state, title }) => anObservedItem({ ...placeOf(n), state, title })));

const allUnevaluatedKeys = [
  ...ACCOUNTS.map((a) => unevaluatedKey(a)),
  ...ACCOUNTS.flatMap((a) => CHECKS.map((c) => unevaluatedKey(a, c))),
];
const completeObservation = fc
  .record({
    items: observedItems(['open', 'suppressed', 'resolved', 'unknown']),
    unevaluated: fc.subarray(allUnevaluatedKeys),
  })
  .map(({ items, unevaluated }): Observation => ({
    kind: 'complete',
    source: 'cloudsec',
    items,
    unevaluated: new Set(unevaluated),
  }));
const changesObservation = observedItems(['open', 'suppressed', 'resolved', 'unknown']).map((items): Observation => ({
  kind: 'changes',
  source: 'cloudsec',
  since: RUN_1.toISOString(),
  items,
}));

/** What the store does with a delta. */
const apply = (stored: readonly DigestItem[], delta: DigestDelta): DigestItem[] => {
  const state = new Map(stored.map((s) => [s.findingId, s]));
  for (const id of delta.removals) state.delete(id);
  for (const u of delta.upserts) state.set(u.findingId, u);
  return [...state.values()];
};

const stateById = (items: readonly { findingId: string; state: string }[]) =>
  Object.fromEntries(items.map((i) => [i.findingId, i.state]));

/** Stored items the store returns for an observation: all of the source, or the ids it lists. */
const storedFor = (stored: readonly DigestItem[], observation: Observation) =>
  observation.kind === 'complete'
    ? stored
    : stored.filter((s) => observation.items.some((i) => i.findingId === s.findingId));

describe('diffObservations properties', () => {
  it('when the delta of a complete observation is applied, then the stored set is exactly what was observed open or suppressed, unknown and unevaluated ones kept as they were', () => {
    fc.assert(
      fc.property(storedSet, completeObservation, (stored, observation) => {
        if (observation.kind !== 'complete') return;
        const after = apply(stored, diffObservations(stored, [observation], RUN_2));

        const observed = new Map<string, ObservedItem>(observation.items.map((i) => [i.findingId, i]));
        const expected: Record<string, string> = {};
        for (const s of stored) {
          const seen = observed.get(s.findingId);
          const unevaluated =
            observation.unevaluated.has(unevaluatedKey(s.accountId)) ||
            observation.unevaluated.has(unevaluatedKey(s.accountId, s.checkId));
          if (seen?.state === 'unknown' || (!seen && unevaluated)) expected[s.findingId] = s.state;
        }
        for (const i of observation.items)
          if (i.state === 'open' || i.state === 'suppressed') expected[i.findingId] = i.state;

        expect(stateById(after)).toEqual(expected);
      }),
    );
  });

  it('when the same observation is made twice, then the second run reports no change', () => {
    fc.assert(
      fc.property(storedSet, fc.oneof(completeObservation, changesObservation), (stored, observation) => {
        const first = diffObservations(storedFor(stored, observation), [observation], RUN_1);
        const afterFirst = apply(stored, first);
        const second = diffObservations(storedFor(afterFirst, observation), [observation], RUN_2);

        expect(second.opened).toEqual([]);
        expect(second.reopened).toEqual([]);
        expect(second.resolved).toEqual([]);
        expect(second.suppressed).toEqual([]);
        expect(second.removals).toEqual([]);
        expect(stateById(apply(afterFirst, second))).toEqual(stateById(afterFirst));
      }),
    );
  });

  it('when a finding is observed unknown, then it is never resolved, removed or rewritten', () => {
    fc.assert(
      fc.property(storedSet, fc.oneof(completeObservation, changesObservation), (stored, observation) => {
        const delta = diffObservations(storedFor(stored, observation), [observation], RUN_2);
        const unknown = new Set(observation.items.filter((i) => i.state === 'unknown').map((i) => i.findingId));

        expect(delta.removals.filter((id) => unknown.has(id))).toEqual([]);
        expect(delta.resolved.filter((i) => unknown.has(i.findingId))).toEqual([]);
        expect(delta.upserts.filter((i) => unknown.has(i.findingId))).toEqual([]);
      }),
    );
  });

  it('when any delta is computed, then its lists agree with each other and with what was stored', () => {
    fc.assert(
      fc.property(storedSet, fc.oneof(completeObservation, changesObservation), (stored, observation) => {
        const delta = diffObservations(storedFor(stored, observation), [observation], RUN_2);
        const before = stateById(stored);
        const upserted = new Set(delta.upserts.map((u) => u.findingId));

        expect(delta.removals.filter((id) => upserted.has(id))).toEqual([]);
        expect(delta.resolved.map((r) => r.findingId).sort()).toEqual([...delta.removals].sort());
        // New means never remembered; back means suppressed at the last run (an accepted risk ended).
        for (const o of delta.opened) expect(before[o.findingId]).toBeUndefined();
        for (const o of delta.reopened) expect(before[o.findingId]).toBe('suppressed');
        const opened = new Set([...delta.opened, ...delta.reopened].map((o) => o.findingId));
        for (const u of delta.upserts)
          if (u.state === 'open' && before[u.findingId] !== 'open') expect(opened.has(u.findingId)).toBe(true);
        for (const s of delta.suppressed) expect(before[s.findingId]).toBe('open');
        for (const u of delta.upserts)
          expect(u.firstSeenAt).toBe(
            stored.find((s) => s.findingId === u.findingId)?.firstSeenAt ?? RUN_2.toISOString(),
          );
      }),
    );
  });
});
