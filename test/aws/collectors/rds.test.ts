import nock from 'nock';
import { makeClientFactory } from '../../../src/aws/clients';
import type { CollectContext } from '../../../src/aws/collectors/context';
import { collectRdsRegion } from '../../../src/aws/collectors/rds';
import { RdsRegionSchema, known, type RdsRegion } from '../../../src/core/model';
import {
  RDS_ACCOUNT_ID,
  describeDBClusterSnapshotAttributesXml,
  describeDBClusterSnapshotsXml,
  describeDBInstancesXml,
  describeDBSnapshotAttributesXml,
  describeDBSnapshotsXml,
  rdsAccessDenied,
  rdsErrorXml,
  rdsHost,
  rdsThrottling,
  type DbInstanceWire,
} from '../../fixtures/aws/fake-services/rds';
import { retryWithoutWaiting } from '../../fixtures/aws/retry';
import { HTML_PAGE } from '../../fixtures/aws/wire-mutations';

const REGION = 'eu-west-1';

const context = (): CollectContext => ({
  clients: makeClientFactory({ homeRegion: 'us-east-1', maxAttempts: 3, retryStrategy: retryWithoutWaiting })({
    accountId: RDS_ACCOUNT_ID,
  }),
  accountId: RDS_ACCOUNT_ID,
  partition: 'aws',
  homeRegion: 'us-east-1',
  regions: [REGION],
  sleep: async () => {},
  fanOut: (fn) => fn(),
});

/** The slice must be storable as-is: it is validated against the shared schema when read back. */
const collect = async (): Promise<RdsRegion> => RdsRegionSchema.parse(await collectRdsRegion(context(), REGION));

const valueOf = <T>(fact: { ok: true; value: T } | { ok: false }): T => {
  if (!fact.ok) throw new Error(`expected a known fact, got ${JSON.stringify(fact)}`);
  return fact.value;
};

type Form = Record<string, string>;
/** Matches one RDS action by its form body, with these fields and without those. */
const action =
  (name: string, fields: Form = {}, absent: string[] = []) =>
  (body: Form) =>
    body.Action === name &&
    body.Version === '2014-10-31' &&
    Object.entries(fields).every(([k, v]) => body[k] === v) &&
    absent.every((k) => !(k in body));

const xml = (status: number, body: string): [number, string, Record<string, string>] => [
  status,
  body,
  { 'content-type': 'text/xml' },
];
const api = () => nock(rdsHost(REGION));

/** A region with nothing: every listing answers an empty list, as RDS writes it (`<DBInstances/>`). */
const stubEmpty = (skip: string[] = []) => {
  if (!skip.includes('instances'))
    api()
      .post('/', action('DescribeDBInstances'))
      .reply(...xml(200, describeDBInstancesXml([])));
  if (!skip.includes('snapshots'))
    api()
      .post('/', action('DescribeDBSnapshots'))
      .reply(...xml(200, describeDBSnapshotsXml([])));
  if (!skip.includes('clusterSnapshots'))
    api()
      .post('/', action('DescribeDBClusterSnapshots'))
      .reply(...xml(200, describeDBClusterSnapshotsXml([])));
};

describe('collectRdsRegion', () => {
  it('when the region answers every call over several pages, then instances and manual snapshots are read, and only unencrypted snapshots are asked who may restore them', async () => {
    api()
      .post('/', action('DescribeDBInstances', { MaxRecords: '100' }, ['Marker']))
      .reply(
        ...xml(
          200,
          describeDBInstancesXml(
            [
              {
                id: 'orders-db',
                region: REGION,
                publiclyAccessible: true,
                storageEncrypted: false,
                securityGroupIds: ['sg-0db', 'sg-0ops'],
              },
            ],
            'bWFya2VyLXBhZ2UtMg==',
          ),
        ),
      );
    api()
      .post('/', action('DescribeDBInstances', { Marker: 'bWFya2VyLXBhZ2UtMg==' }))
      .reply(
        ...xml(
          200,
          describeDBInstancesXml([
            {
              id: 'reports-1',
              region: REGION,
              engine: 'aurora-postgresql',
              clusterId: 'reports',
              autoMinorVersionUpgrade: false,
            },
          ]),
        ),
      );
    api()
      .post('/', action('DescribeDBSnapshots', { SnapshotType: 'manual', MaxRecords: '100' }))
      .reply(
        ...xml(
          200,
          describeDBSnapshotsXml([
            { id: 'orders-db-pre-migration', sourceId: 'orders-db', region: REGION, encrypted: false },
            { id: 'orders-db-encrypted', sourceId: 'orders-db', region: REGION, encrypted: true },
          ]),
        ),
      );
    api()
      .post('/', action('DescribeDBSnapshotAttributes', { DBSnapshotIdentifier: 'orders-db-pre-migration' }))
      .reply(...xml(200, describeDBSnapshotAttributesXml('orders-db-pre-migration', ['444455556666', 'all'])));
    api()
      .post('/', action('DescribeDBClusterSnapshots', { SnapshotType: 'manual', MaxRecords: '100' }))
      .reply(...xml(200, describeDBClusterSnapshotsXml([{ id: 'reports-final', region: REGION, encrypted: false }])));
    api()
      .post('/', action('DescribeDBClusterSnapshotAttributes', { DBClusterSnapshotIdentifier: 'reports-final' }))
      .reply(...xml(200, describeDBClusterSnapshotAttributesXml('reports-final', [])));

    const region = await collect();

    expect(valueOf(region.instances)).toEqual([
      {
        id: 'orders-db',
        arn: `arn:aws:rds:${REGION}:${RDS_ACCOUNT_ID}:db:orders-db`,
        engine: 'postgres',
        clusterId: null,
        status: 'available',
        publiclyAccessible: true,
        storageEncrypted: false,
        autoMinorVersionUpgrade: true,
        port: 5432,
        securityGroupIds: ['sg-0db', 'sg-0ops'],
      },
      expect.objectContaining({ id: 'reports-1', clusterId: 'reports', autoMinorVersionUpgrade: false }),
    ]);
    expect(valueOf(region.snapshots)).toEqual([
      {
        id: 'orders-db-pre-migration',
        arn: `arn:aws:rds:${REGION}:${RDS_ACCOUNT_ID}:snapshot:orders-db-pre-migration`,
        kind: 'instance',
        sourceId: 'orders-db',
        engine: 'postgres',
        encrypted: false,
        createdAt: '2026-09-30T23:10:05.512Z',
        restore: known({ public: true, accounts: ['444455556666'] }),
      },
      // Encrypted: AWS does not let it be public, so its attributes were not asked for (no interceptor).
      expect.objectContaining({ id: 'orders-db-encrypted', encrypted: true, restore: null }),
    ]);
    expect(valueOf(region.clusterSnapshots)).toEqual([
      expect.objectContaining({
        id: 'reports-final',
        kind: 'cluster',
        sourceId: 'reports-cluster',
        restore: known({ public: false, accounts: [] }),
      }),
    ]);
  });

  it('when the region has no instances and no manual snapshots, then each listing is known and empty', async () => {
    stubEmpty();
    expect(await collect()).toEqual({ instances: known([]), snapshots: known([]), clusterSnapshots: known([]) });
  });

  it('when DescribeDBInstances is refused, then the instances are unknown naming rds:DescribeDBInstances, and the snapshots are still read', async () => {
    stubEmpty(['instances']);
    api()
      .post('/', action('DescribeDBInstances'))
      .reply(...xml(...rdsAccessDenied('DescribeDBInstances')));

    const region = await collect();

    expect(region.instances).toEqual({
      ok: false,
      error: expect.objectContaining({
        kind: 'access-denied',
        code: 'AccessDenied',
        permission: 'rds:DescribeDBInstances',
        region: REGION,
      }),
    });
    expect(region.snapshots).toEqual(known([]));
  });

  it("when one snapshot's attributes are refused, then only that snapshot is unknown, naming the permission", async () => {
    stubEmpty(['snapshots']);
    api()
      .post('/', action('DescribeDBSnapshots'))
      .reply(
        ...xml(
          200,
          describeDBSnapshotsXml([
            { id: 'a', encrypted: false },
            { id: 'b', encrypted: false },
          ]),
        ),
      );
    api()
      .post('/', action('DescribeDBSnapshotAttributes', { DBSnapshotIdentifier: 'a' }))
      .reply(...xml(...rdsAccessDenied('DescribeDBSnapshotAttributes')));
    api()
      .post('/', action('DescribeDBSnapshotAttributes', { DBSnapshotIdentifier: 'b' }))
      .reply(...xml(200, describeDBSnapshotAttributesXml('b', ['all'])));

    const [a, b] = valueOf((await collect()).snapshots);

    expect(a!.restore).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'access-denied', permission: 'rds:DescribeDBSnapshotAttributes' }),
    });
    expect(b!.restore).toEqual(known({ public: true, accounts: [] }));
  });

  it('when a snapshot is deleted between the listing and its attribute call, then it is left out (it no longer exists)', async () => {
    stubEmpty(['snapshots', 'clusterSnapshots']);
    api()
      .post('/', action('DescribeDBSnapshots'))
      .reply(...xml(200, describeDBSnapshotsXml([{ id: 'gone', encrypted: false }])));
    api()
      .post('/', action('DescribeDBSnapshotAttributes'))
      .reply(...xml(404, rdsErrorXml('DBSnapshotNotFound', 'DBSnapshot gone not found.')));
    api()
      .post('/', action('DescribeDBClusterSnapshots'))
      .reply(...xml(200, describeDBClusterSnapshotsXml([{ id: 'gone-too', encrypted: false }])));
    api()
      .post('/', action('DescribeDBClusterSnapshotAttributes'))
      .reply(...xml(404, rdsErrorXml('DBClusterSnapshotNotFoundFault', 'DBClusterSnapshot gone-too not found.')));

    const region = await collect();

    expect(region.snapshots).toEqual(known([]));
    expect(region.clusterSnapshots).toEqual(known([]));
  });

  it('when RDS throttles once, then the call is retried and the answer read', async () => {
    stubEmpty(['instances']);
    api()
      .post('/', action('DescribeDBInstances'))
      .reply(...xml(...rdsThrottling()));
    api()
      .post('/', action('DescribeDBInstances'))
      .reply(...xml(200, describeDBInstancesXml([{ id: 'orders-db' }])));

    expect(valueOf((await collect()).instances).map((i) => i.id)).toEqual(['orders-db']);
  });

  it('when RDS keeps throttling, then the instances are unknown as throttled, not empty', async () => {
    stubEmpty(['instances']);
    api()
      .post('/', action('DescribeDBInstances'))
      .times(3)
      .reply(...xml(...rdsThrottling()));

    expect((await collect()).instances).toEqual({
      ok: false,
      error: expect.objectContaining({ kind: 'throttled', code: 'Throttling' }),
    });
  });

  it.each<[string, DbInstanceWire, Record<string, unknown>]>([
    ['PubliclyAccessible', { id: 'db', omit: ['PubliclyAccessible'] }, { publiclyAccessible: null }],
    ['StorageEncrypted', { id: 'db', omit: ['StorageEncrypted'] }, { storageEncrypted: null }],
    ['AutoMinorVersionUpgrade', { id: 'db', omit: ['AutoMinorVersionUpgrade'] }, { autoMinorVersionUpgrade: null }],
    ['VpcSecurityGroups', { id: 'db', omit: ['VpcSecurityGroups'] }, { securityGroupIds: null }],
    ['Endpoint (while creating)', { id: 'db', omit: ['Endpoint'] }, { port: null }],
  ])(
    'when an instance comes without %s, then that field is missing evidence (null), not a setting',
    async (_, wire, expected) => {
      stubEmpty(['instances']);
      api()
        .post('/', action('DescribeDBInstances'))
        .reply(...xml(200, describeDBInstancesXml([wire])));

      expect(valueOf((await collect()).instances)[0]).toMatchObject(expected);
    },
  );

  it.each<[string, string]>([
    ['an instance without its identifier', describeDBInstancesXml([{ id: 'db', omit: ['DBInstanceIdentifier'] }])],
    ['a page without <DBInstances>', describeDBInstancesXml([]).replace('<DBInstances></DBInstances>', '')],
    [
      'a boolean that reads "yes"',
      describeDBInstancesXml([{ id: 'db' }]).replace('<PubliclyAccessible>false<', '<PubliclyAccessible>yes<'),
    ],
    ['a port that is not a number', describeDBInstancesXml([{ id: 'db' }]).replace('<Port>5432<', '<Port>x<')],
    ['an HTML page', HTML_PAGE],
  ])('when DescribeDBInstances answers %s, then the instances are unknown as malformed', async (_, body) => {
    stubEmpty(['instances']);
    api()
      .post('/', action('DescribeDBInstances'))
      .reply(...xml(200, body));

    expect((await collect()).instances).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
  });

  it('when the attributes answer has no restore attribute, then that snapshot is unknown, not private', async () => {
    stubEmpty(['snapshots']);
    api()
      .post('/', action('DescribeDBSnapshots'))
      .reply(...xml(200, describeDBSnapshotsXml([{ id: 'a', encrypted: false }])));
    api()
      .post('/', action('DescribeDBSnapshotAttributes'))
      .reply(
        ...xml(
          200,
          describeDBSnapshotAttributesXml('a', ['all']).replace(/<DBSnapshotAttribute>.*<\/DBSnapshotAttribute>/, ''),
        ),
      );

    const [a] = valueOf((await collect()).snapshots);
    expect(a!.restore).toEqual({ ok: false, error: expect.objectContaining({ kind: 'malformed' }) });
  });

  it('when a snapshot does not say whether it is encrypted, then its attributes are still asked for', async () => {
    stubEmpty(['snapshots']);
    api()
      .post('/', action('DescribeDBSnapshots'))
      .reply(...xml(200, describeDBSnapshotsXml([{ id: 'a', encrypted: true, omit: ['Encrypted'] }])));
    api()
      .post('/', action('DescribeDBSnapshotAttributes'))
      .reply(...xml(200, describeDBSnapshotAttributesXml('a', [])));

    const [a] = valueOf((await collect()).snapshots);
    expect(a).toMatchObject({ encrypted: null, restore: known({ public: false, accounts: [] }) });
  });
});
