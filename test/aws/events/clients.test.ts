import { makeClientFactory, type AccountAccess } from '../../../src/aws/clients';
import { cloudTrailClientsFor, sqsClientForQueue } from '../../../src/aws/events/clients';
import { ACCOUNT, QUEUE_URL } from './wire';

describe('the live lane clients', () => {
  const factory = () => makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 1 });

  it("when the queue URL names a region, then the SQS client is made in the queue's region", async () => {
    const client = sqsClientForQueue(factory(), { accountId: ACCOUNT }, QUEUE_URL, 'us-east-1');
    expect(await client.config.region()).toBe('eu-west-1');
  });

  it('when the queue URL does not name one (an emulator), then the SQS client is made in the home region', async () => {
    const client = sqsClientForQueue(
      factory(),
      { accountId: ACCOUNT },
      'http://localhost:4566/000000000000/q',
      'us-east-1',
    );
    expect(await client.config.region()).toBe('us-east-1');
  });

  it("when a member account's CloudTrail is asked for, then its access (role) is used and clients are reused", async () => {
    const asked: string[] = [];
    const accessFor = (accountId: string): AccountAccess => {
      asked.push(accountId);
      return { accountId, roleArn: `arn:aws:iam::${accountId}:role/cloudsec-read` };
    };
    const clientFor = cloudTrailClientsFor(factory(), accessFor);
    const first = clientFor('222222222222', 'eu-central-1');
    expect(clientFor('222222222222', 'eu-central-1')).toBe(first);
    expect(await first.config.region()).toBe('eu-central-1');
    expect(asked).toEqual(['222222222222', '222222222222']);
  });
});
