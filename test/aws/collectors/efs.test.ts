import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectEfsRegion } from '../../../src/aws/collectors/efs';
import check from '../../../src/core/checks/efs/efs_file_system_encrypted';
import { EfsRegionSchema, known, type EfsRegion } from '../../../src/core/model';
import {
  EFS_ACCOUNT_ID,
  EFS_PATH,
  describeFileSystemsJson,
  efsAccessDenied,
  efsHost,
  efsOk,
  efsThrottling,
} from '../../fixtures/aws/fake-services/efs';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { HTML_PAGE, mutationsOf, type WireAnswer } from '../../fixtures/aws/wire-mutations';
import { run } from '../../fixtures/check-harness';
import { anAccount } from '../../fixtures/snapshot-builders';

const REGION = 'eu-west-1';

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: EFS_ACCOUNT_ID,
  }),
  accountId: EFS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** The slice must be storable as-is: it is validated against the shared schema when read back. */
const collect = async (): Promise<EfsRegion> => EfsRegionSchema.parse(await collectEfsRegion(context(), REGION));

const listing = (query: Record<string, string> = {}) =>
  nock(efsHost(REGION))
    .get(EFS_PATH)
    .query(
      (q) =>
        q.MaxItems === '100' &&
        Object.entries(query).every(([k, v]) => q[k] === v) &&
        ('Marker' in query || !('Marker' in q)),
    );

const errorOf = (region: EfsRegion) => {
  if (region.fileSystems.ok) throw new Error('expected the file systems to be unknown');
  return region.fileSystems.error;
};

describe('collectEfsRegion', () => {
  it('when the file systems span two pages, then both are read, following NextMarker', async () => {
    listing().reply(
      ...efsOk(describeFileSystemsJson([{ id: 'fs-0aaa', region: REGION, name: 'shared-home' }], 'eyJwYWdlIjoyfQ==')),
    );
    listing({ Marker: 'eyJwYWdlIjoyfQ==' }).reply(
      ...efsOk(
        describeFileSystemsJson([{ id: 'fs-0bbb', region: REGION, encrypted: false }], undefined, 'eyJwYWdlIjoyfQ=='),
      ),
    );

    const { fileSystems } = await collect();

    expect(fileSystems).toEqual(
      known([
        {
          id: 'fs-0aaa',
          arn: `arn:aws:elasticfilesystem:${REGION}:${EFS_ACCOUNT_ID}:file-system/fs-0aaa`,
          name: 'shared-home',
          encrypted: true,
          kmsKeyId: `arn:aws:kms:${REGION}:${EFS_ACCOUNT_ID}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
          state: 'available',
        },
        {
          id: 'fs-0bbb',
          arn: `arn:aws:elasticfilesystem:${REGION}:${EFS_ACCOUNT_ID}:file-system/fs-0bbb`,
          name: null,
          encrypted: false,
          kmsKeyId: null,
          state: 'available',
        },
      ]),
    );
  });

  it('when the region has no file systems, then the list is known and empty', async () => {
    listing().reply(...efsOk(describeFileSystemsJson([])));
    expect((await collect()).fileSystems).toEqual(known([]));
  });

  it('when DescribeFileSystems is refused, then the file systems are unknown, naming elasticfilesystem:DescribeFileSystems', async () => {
    listing().reply(...efsAccessDenied());
    expect(errorOf(await collect())).toMatchObject({
      kind: 'access-denied',
      code: 'AccessDeniedException',
      permission: 'elasticfilesystem:DescribeFileSystems',
      region: REGION,
    });
  });

  it('when EFS throttles once, then the call is retried and the answer read', async () => {
    listing().reply(...efsThrottling());
    listing().reply(...efsOk(describeFileSystemsJson([{ id: 'fs-0aaa' }])));
    expect((await collect()).fileSystems).toMatchObject(known([{ id: 'fs-0aaa' }]));
  });

  it('when EFS keeps throttling, then the file systems are unknown as throttled, not empty', async () => {
    listing()
      .times(3)
      .reply(...efsThrottling());
    expect(errorOf(await collect())).toMatchObject({ kind: 'throttled', code: 'ThrottlingException' });
  });

  it('when a file system comes without Encrypted, then it is missing evidence (null), not unencrypted or encrypted', async () => {
    listing().reply(...efsOk(describeFileSystemsJson([{ id: 'fs-0aaa', omit: ['Encrypted'] }])));
    expect((await collect()).fileSystems).toMatchObject(known([{ id: 'fs-0aaa', encrypted: null }]));
  });

  it.each<[string, string, string]>([
    [
      'a file system without its id',
      JSON.stringify(describeFileSystemsJson([{ id: 'fs-0aaa', omit: ['FileSystemId'] }])),
      'application/json',
    ],
    [
      'Encrypted as "yes"',
      JSON.stringify(describeFileSystemsJson([{ id: 'fs-0aaa' }])).replace('"Encrypted":true', '"Encrypted":"yes"'),
      'application/json',
    ],
    ['a page without FileSystems', '{}', 'application/json'],
    ['an empty body', '', 'application/json'],
    ['an HTML page', HTML_PAGE, 'text/html'],
  ])('when DescribeFileSystems answers %s, then the file systems are unknown as malformed', async (_, body, type) => {
    listing().reply(200, body, { 'content-type': type });
    expect(errorOf(await collect())).toMatchObject({ kind: 'malformed' });
  });
});

// ---------------------------------------------------------------- fail closed on every corruption

const TRUTH: WireAnswer = {
  status: 200,
  body: JSON.stringify(
    describeFileSystemsJson([{ id: 'fs-0aaa', region: REGION, name: 'build-cache', encrypted: false }]),
  ),
  headers: { 'content-type': 'application/json' },
};

const verdictOn = async (answer: WireAnswer) => {
  nock(efsHost(REGION)).get(EFS_PATH).query(true).reply(answer.status, answer.body, answer.headers);
  const results = run(
    check,
    anAccount({ accountId: EFS_ACCOUNT_ID, regions: [REGION], efs: { [REGION]: await collect() } }),
  );
  const own = results.find((r) => r.resource.id === 'fs-0aaa');
  return own?.status ?? (results.some((r) => r.status === 'unknown') ? 'unknown' : 'vanished');
};

describe('collectEfsRegion on corrupted answers', () => {
  it('when nothing is corrupted, then the unencrypted file system fails', async () => {
    expect(await verdictOn(TRUTH)).toBe('fail');
  });

  it.each(
    mutationsOf(TRUTH)
      .filter((m) => m.class === 'corruption')
      .map((m) => [m.label, m] as const),
  )('%s: the failing file system does not pass or vanish', async (_, mutation) => {
    expect(await verdictOn(mutation.apply(TRUTH))).toMatch(/^(fail|unknown)$/);
  });
});
