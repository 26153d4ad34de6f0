import { makeLiveSnapshotSource } from '../../src/aws/live-source';
import {
  READ_PERMISSIONS,
  ORGANIZATION_PERMISSIONS,
  actionForOperation,
  readPolicyDocument,
} from '../../src/aws/permissions';
import { parseConfig } from '../../src/config';
import { SERVICES } from '../../src/core/model';
import { installFakeAws, type FakeAws } from '../fixtures/aws/fake-aws';
import { NOW } from '../fixtures/snapshot-builders';

describe('the read-only IAM policy', () => {
  let fake: FakeAws;
  afterEach(() => fake.restore());

  it('when a full organization scan runs, then every API call it makes is allowed by the generated policy', async () => {
    fake = installFakeAws({
      callerAccountId: '111111111111',
      organization: true,
      latencyMs: 0,
      accounts: [
        {
          id: '111111111111',
          name: 'management',
          users: 3,
          buckets: 2,
          regions: ['us-east-1', 'eu-west-1'],
          misconfigured: true,
        },
        { id: '222222222222', name: 'member', users: 3, buckets: 2, regions: ['us-east-1'] },
      ],
    });
    const source = makeLiveSnapshotSource({
      config: parseConfig('organization:\n  roleName: cloudsec-read\n', 'cloudsec.yml'),
      homeRegion: 'us-east-1',
      clock: () => NOW,
      sleep: async () => {},
    });
    await source.load({ services: SERVICES });
    expect(fake.unhandled).toEqual([]);

    const granted = new Set<string>(readPolicyDocument({ organization: true }).Statement.flatMap((s) => s.Action));
    const needed = [...new Set(fake.calls.map((c) => actionForOperation(c.service, c.operation)))].filter(
      (a): a is string => a !== null,
    );
    expect(needed.length).toBeGreaterThan(20);
    expect(needed.filter((a) => !granted.has(a))).toEqual([]);
  });

  it('grants reads only', () => {
    const actions = [...Object.values(READ_PERMISSIONS).flat(), ...ORGANIZATION_PERMISSIONS];
    expect(actions.filter((a) => !/^[a-z0-9-]+:(Get|List|Describe|Generate)[A-Za-z]+$/.test(a))).toEqual([]);
  });
});
