import { anAlertDraft } from '../fixtures/alerts-builders';
import { useContractStores } from '../fixtures/contract-stores';

/**
 * Two replicas (two stores, each with its own connection pool, on one PostgreSQL schema) racing over
 * the live lane: what SQLite's single writer gives by queueing, PostgreSQL must give by its
 * constraints and SERIALIZABLE retries. The same contract on one store is in alerts.test.ts.
 */
describe('the live lane shared by replicas in PostgreSQL', () => {
  const stores = useContractStores('postgres');
  const LONG_AGO = '2000-01-01T00:00:00.000Z';
  const clock = () => new Date();

  const twoReplicas = async () => {
    const a = await stores.open({ clock });
    return [a, await stores.reopen(a, { clock })] as const;
  };

  it('when both replicas handle the same 30 records at once, then each record is claimed and alerted exactly once', async () => {
    const replicas = await twoReplicas();
    const eventIds = Array.from({ length: 30 }, (_, i) => `e-${i}`);
    // Each replica goes through the records in its own order, and all at once, so claims really collide.
    const orders = [eventIds, [...eventIds].reverse()];

    const outcomes = await Promise.all(
      replicas.map((store, r) =>
        Promise.all(
          orders[r]!.map(async (eventId) => {
            const draft = anAlertDraft({ bucket: `bucket-${eventId}`, eventId });
            const result = await store.recordEventAlerts({ eventId, source: r === 0 ? 'sqs' : 'lookup-events' }, [
              { draft, windowStart: LONG_AGO },
            ]);
            return result.claimed ? [eventId] : [];
          }),
        ),
      ),
    );

    const claimed = outcomes.flat(2);
    expect([...claimed].sort()).toEqual([...eventIds].sort());
    const alerts = await replicas[0].listAlerts();
    expect(alerts.map((a) => a.eventId).sort()).toEqual([...eventIds].sort());
    expect(await replicas[1].claimEvent('e-0', 'sqs')).toBe(false);
  });

  it('when both replicas record one dedup key at once, then there is one alert and it counts every record', async () => {
    const replicas = await twoReplicas();
    const perReplica = 15;

    const results = await Promise.all(
      replicas.flatMap((store, r) =>
        Array.from({ length: perReplica }, (_, i) =>
          store.recordAlert(anAlertDraft({ eventId: `r${r}-${i}` }), LONG_AGO),
        ),
      ),
    );

    expect(results.filter((r) => r.created)).toHaveLength(1);
    const alerts = await replicas[1].listAlerts();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ status: 'open', count: 2 * perReplica });
  });

  it('when both replicas close one alert at once, then exactly one transition wins', async () => {
    const replicas = await twoReplicas();
    const { alert } = await replicas[0].recordAlert(anAlertDraft(), LONG_AGO);

    const moves = await Promise.all(
      replicas.map((store, r) =>
        store.transitionAlert(alert.id, ['open'], r === 0 ? 'resolved' : 'false_positive', { closedBy: `U${r}` }),
      ),
    );

    const winners = moves.filter((m) => m !== null);
    expect(winners).toHaveLength(1);
    expect(await replicas[1].getAlert(alert.id)).toEqual(winners[0]);
  });
});
