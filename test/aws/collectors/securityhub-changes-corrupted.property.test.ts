/** Security Hub reads for digests (changes and baseline) on corrupted GetFindings pages: a finding may get more alarming, never quieter. */
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectSecurityHubBaseline, collectSecurityHubChanges } from '../../../src/aws/collectors/securityhub-changes';
import type { ObservedItem } from '../../../src/core/digest/model';
import {
  ESTATE_ACCOUNT,
  ESTATE_HOME_REGION,
  securityHubChangeAnswers,
  serveEstate,
  type ServedEstate,
} from '../../fixtures/aws/exposed-estate';
import { mutationsOf } from '../../fixtures/aws/wire-mutations';
import { type Corruption } from '../../fixtures/aws/estate/scanners';
import { NOW } from '../../fixtures/snapshot-builders';

// ---------------------------------------------------------------- Security Hub for digests

describe('Security Hub changes and baseline (digests) on corrupted answers', () => {
  const context = (): CollectContext => ({
    clients: makeClientFactory({ homeRegion: ESTATE_HOME_REGION, maxAttempts: 1 })({ accountId: ESTATE_ACCOUNT }),
    accountId: ESTATE_ACCOUNT,
    partition: 'aws',
    homeRegion: ESTATE_HOME_REGION,
    regions: [ESTATE_HOME_REGION],
    sleep: async () => {},
    fanOut: (fn) => fn(),
  });
  const window = {
    since: new Date('2026-10-31T12:00:00.000Z'),
    until: NOW,
    severities: ['critical', 'high', 'medium', 'low', 'informational'] as const,
  };
  const READS = [
    ['changes', (ctx: CollectContext) => collectSecurityHubChanges(ctx, ESTATE_HOME_REGION, window)],
    ['baseline', (ctx: CollectContext) => collectSecurityHubBaseline(ctx, ESTATE_HOME_REGION, window)],
  ] as const;
  /** A finding may get more alarming (suppressed → open), never quieter. */
  const RANK: Record<ObservedItem['state'], number> = { open: 0, unknown: 0, suppressed: 1, resolved: 2 };

  let changeServer: ServedEstate;
  let corruption: Corruption | undefined;
  beforeEach(() => {
    changeServer = serveEstate(securityHubChangeAnswers(), (id, answer) =>
      corruption?.answerId === id ? corruption.mutation.apply(answer) : answer,
    );
  });
  afterEach(() => changeServer.restore());

  it.each(READS)(
    'when one field of one GetFindings page is dropped or garbled, or the page is not an answer, then the %s read fails or every finding keeps its state or a more alarming one',
    async (_name, read) => {
      corruption = undefined;
      const truthRead = await read(context());
      if (!truthRead.ok) throw new Error(`the true answers must read: ${truthRead.error.message}`);
      const notResolved = truthRead.items.filter((i) => i.state !== 'resolved');
      expect(notResolved.length).toBeGreaterThanOrEqual(2);

      const problems: string[] = [];
      for (const answer of securityHubChangeAnswers()) {
        for (const mutation of mutationsOf(answer.answer)) {
          corruption = { answerId: answer.id, mutation };
          const where = `${answer.id}, ${mutation.label}`;
          const observed = await read(context());
          if (!observed.ok) {
            if (!observed.error.message.trim() || observed.error.message.includes('\n'))
              problems.push(`${where}: unreadable error ${JSON.stringify(observed.error.message)}`);
            continue;
          }
          if (mutation.class !== 'corruption') continue;
          const byId = new Map(observed.items.map((i) => [i.findingId, i]));
          for (const item of notResolved) {
            const now = byId.get(item.findingId);
            if (!now) problems.push(`${where}: ${item.checkId} ${item.resourceId} is no longer observed`);
            else if (RANK[now.state] > RANK[item.state])
              problems.push(`${where}: ${item.checkId} ${item.resourceId}: ${item.state} → ${now.state}`);
          }
        }
      }
      corruption = undefined;
      expect(problems).toEqual([]);
    },
    60_000,
  );
});
