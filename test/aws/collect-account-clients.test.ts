import { collectAccount } from '../../src/aws/collect-account';
import { makeClientFactory, type AccountClients, type ClientName } from '../../src/aws/clients';
import type { Service } from '../../src/core/model';
import { installFakeAws } from '../fixtures/aws/fake-aws';
import { retryWithoutWaiting } from '../fixtures/aws/retry';
import { NOW } from '../fixtures/snapshot-builders';

/**
 * A collection drops each service's client for a region once that region is collected, so an account
 * scanned over 17 regions does not hold a client per service and region until its last region is
 * done (they were most of a large scan's live memory).
 */
const ACCOUNT = '210987654321';
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

const factoryClients = (): AccountClients =>
  makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: ACCOUNT,
  });

/** The factory's clients, noting the clients made, the calls sent on each and every forget. */
const observed = (clients: AccountClients) => {
  const events: string[] = [];
  const wrapped = { ...clients } as Record<string, unknown>;
  for (const name of ['ec2', 'kms', 'sqs'] as const) {
    wrapped[name] = (region: string) => {
      const client = clients[name](region);
      const send = client.send.bind(client) as (...args: unknown[]) => Promise<unknown>;
      return new Proxy(client, {
        get: (target, prop, receiver) =>
          prop === 'send'
            ? async (...args: unknown[]) => {
                const answer = await send(...args);
                events.push(`answer ${name} ${region}`);
                return answer;
              }
            : Reflect.get(target, prop, receiver),
      });
    };
  }
  wrapped.forget = (name: ClientName, region: string) => {
    events.push(`forget ${name} ${region}`);
    clients.forget?.(name, region);
  };
  return { clients: wrapped as unknown as AccountClients, events };
};

const collect = (clients: AccountClients, regions = REGIONS, services: Service[] = ['ec2', 'kms', 'sqs']) =>
  collectAccount(
    clients,
    { accountId: ACCOUNT, name: 'prod', partition: 'aws' },
    {
      services,
      homeRegion: 'us-east-1',
      regions,
      regionConcurrency: 2,
      callConcurrency: 4,
      securityHub: { severities: ['critical', 'high'], maxFindings: 100, productArns: [] },
      sleep: async () => {},
      clock: () => NOW,
    },
  );

describe("a collection and its account's SDK clients", () => {
  const aws = () =>
    installFakeAws({
      callerAccountId: ACCOUNT,
      organization: false,
      latencyMs: 0,
      accounts: [{ id: ACCOUNT, name: 'prod', users: 1, buckets: 0, regions: REGIONS, misconfigured: true }],
    });

  it('when a service is collected in a region, then its client there is forgotten after its last answer, once', async () => {
    const fake = aws();
    try {
      const { clients, events } = observed(factoryClients());

      const snapshot = await collect(clients);

      expect(snapshot.access.ok).toBe(true);
      for (const service of ['ec2', 'kms', 'sqs']) {
        for (const region of REGIONS) {
          const mine = events.filter((e) => e.endsWith(` ${service} ${region}`));
          expect(mine.filter((e) => e.startsWith('forget'))).toHaveLength(1);
          expect(mine.filter((e) => e.startsWith('answer')).length).toBeGreaterThan(0);
          // Nothing of that service and region is answered after its client was let go.
          expect(mine[mine.length - 1]).toBe(`forget ${service} ${region}`);
        }
      }
      expect(fake.unhandled).toEqual([]);
    } finally {
      fake.restore();
    }
  });

  it("when a region's collection throws, then its client there is forgotten all the same", async () => {
    const fake = aws();
    try {
      const { clients, events } = observed(factoryClients());
      const failing = {
        ...clients,
        kms: (region: string) => {
          if (region === 'eu-west-1') throw new Error('no client for you');
          return clients.kms(region);
        },
      } as AccountClients;

      // One service in one region: the throw leaves no other call in flight after the test.
      await expect(collect(failing, ['eu-west-1'], ['kms'])).rejects.toThrow('no client for you');

      expect(events).toContain('forget kms eu-west-1');
    } finally {
      fake.restore();
    }
  });

  it('when a forgotten client is asked for again, then a new one is made; other services and regions keep theirs', () => {
    const clients = factoryClients();
    const ec2 = clients.ec2('eu-west-1');
    const ec2Home = clients.ec2('us-east-1');
    const kms = clients.kms('eu-west-1');
    expect(clients.ec2('eu-west-1')).toBe(ec2);

    clients.forget!('ec2', 'eu-west-1');

    expect(clients.ec2('eu-west-1')).not.toBe(ec2);
    expect(clients.ec2('us-east-1')).toBe(ec2Home);
    expect(clients.kms('eu-west-1')).toBe(kms);
  });
});
