import type { DBClusterSnapshot, DBInstance, DBSnapshot, RDSClient } from '@aws-sdk/client-rds';
import { sdk } from '../sdk';
import {
  known,
  type Fact,
  type RdsInstance,
  type RdsRegion,
  type RdsRestoreAttribute,
  type RdsSnapshot,
} from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import { expectXml, type ExpectedXml } from '../expect-xml';
import type { Command } from '@aws-sdk/types';
import type { CollectContext } from './context';
import { tagsField } from './resource-tags';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it.
 */
export const RDS_COLLECTOR_PERMISSIONS = {
  DescribeDBInstances: 'rds:DescribeDBInstances',
  DescribeDBSnapshots: 'rds:DescribeDBSnapshots',
  DescribeDBSnapshotAttributes: 'rds:DescribeDBSnapshotAttributes',
  DescribeDBClusterSnapshots: 'rds:DescribeDBClusterSnapshots',
  DescribeDBClusterSnapshotAttributes: 'rds:DescribeDBClusterSnapshotAttributes',
} as const satisfies Record<string, string>;

type Operation = keyof typeof RDS_COLLECTOR_PERMISSIONS;

/** MaxRecords is 20–100 for all three listings (API reference); the largest page means fewest calls. */
const PAGE_SIZE = 100;

/**
 * What each successful answer must be, checked on the raw body before the SDK reads it: the SDK's
 * query-XML reader takes an HTML page or another document for an answer with no fields, and a
 * boolean whose text is not `true` for `false` ("not public", "encrypted" would follow from garbage).
 */
const EXPECTED: Record<Operation, ExpectedXml> = {
  DescribeDBInstances: {
    root: 'DescribeDBInstancesResponse',
    booleans: ['PubliclyAccessible', 'StorageEncrypted', 'AutoMinorVersionUpgrade'],
  },
  DescribeDBSnapshots: { root: 'DescribeDBSnapshotsResponse', booleans: ['Encrypted'] },
  DescribeDBSnapshotAttributes: { root: 'DescribeDBSnapshotAttributesResponse' },
  DescribeDBClusterSnapshots: { root: 'DescribeDBClusterSnapshotsResponse', booleans: ['StorageEncrypted'] },
  DescribeDBClusterSnapshotAttributes: { root: 'DescribeDBClusterSnapshotAttributesResponse' },
};

/** For the paginators' `withCommand`: every page's command checks its answer (see EXPECTED). */
const checkedPages =
  (operation: Operation) =>
  // The paginators type the command they hand over loosely (smithy's PaginationConfiguration).
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  (command: Command<any, any, any, any, any>) =>
    expectXml(command, EXPECTED[operation], operation);

const meta = (operation: Operation, region: string): CallMeta => ({
  service: 'rds',
  operation,
  permission: RDS_COLLECTOR_PERMISSIONS[operation],
  region,
});

/**
 * Collects one region's DB instances and manual DB and DB cluster snapshots, with the `restore`
 * attribute of each unencrypted manual snapshot: 3 listings per region, plus one call per
 * unencrypted manual snapshot (an encrypted one cannot be public, so it is not asked about).
 */
export const collectRdsRegion = async (ctx: CollectContext, region: string): Promise<RdsRegion> => {
  const client = ctx.clients.rds(region);
  const [instances, snapshots, clusterSnapshots] = await Promise.all([
    collectInstances(client, region),
    collectSnapshots(ctx, client, region, DB_SNAPSHOTS),
    collectSnapshots(ctx, client, region, CLUSTER_SNAPSHOTS),
  ]);
  return { instances, snapshots, clusterSnapshots };
};

// ---------------------------------------------------------------- answers that are not RDS's

/**
 * RDS (or something in between) answered 200 without what the API reference documents: a listing
 * without its list, an item without its identifier. Such an answer is missing evidence (`malformed`),
 * never an empty list: an HTML page read as XML has no fields at all.
 */
const malformed = (operation: Operation, what: string): never => {
  throw new MalformedAnswerError(`${operation} answered without ${what}`);
};

/**
 * Every item of a paginated listing. RDS writes an empty list as an empty element (`<DBInstances/>`),
 * which the SDK reads as `[]`; a page without the element is not RDS's answer.
 */
const collectAll = async <P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => T[] | undefined,
  operation: Operation,
  element: string,
): Promise<T[]> => {
  const all: T[] = [];
  for await (const page of pages) all.push(...(items(page) ?? malformed(operation, element)));
  return all;
};

// ---------------------------------------------------------------- instances

const collectInstances = (client: RDSClient, region: string): Promise<Fact<RdsInstance[]>> =>
  attempt(meta('DescribeDBInstances', region), async () =>
    (
      await collectAll(
        sdk.rds.paginateDescribeDBInstances(
          { client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeDBInstances') },
          {},
        ),
        (p) => p.DBInstances,
        'DescribeDBInstances',
        'DBInstances',
      )
    ).map(toInstance),
  );

/**
 * An instance without its identifier cannot be named in a finding, and dropping it could hide a
 * public one, so the answer as a whole is unreadable. Every other field AWS left out stays null: the
 * checks that read it report that instance unknown.
 */
const toInstance = (i: DBInstance): RdsInstance => ({
  id: i.DBInstanceIdentifier ?? malformed('DescribeDBInstances', 'a DBInstanceIdentifier'),
  arn: i.DBInstanceArn ?? null,
  engine: i.Engine ?? null,
  clusterId: i.DBClusterIdentifier ?? null,
  status: i.DBInstanceStatus ?? null,
  publiclyAccessible: i.PubliclyAccessible ?? null,
  storageEncrypted: i.StorageEncrypted ?? null,
  autoMinorVersionUpgrade: i.AutoMinorVersionUpgrade ?? null,
  port: portOf(i),
  securityGroupIds: i.VpcSecurityGroups
    ? i.VpcSecurityGroups.flatMap((g) => (g.VpcSecurityGroupId ? [g.VpcSecurityGroupId] : []))
    : null,
  // For accepted-risk scopes only; unreadable tags leave them unknown (resource-tags.ts).
  ...tagsField(i.TagList),
});

/**
 * Endpoint/Port is where clients connect; AWS leaves the endpoint out while an instance is being
 * created. DbInstancePort is the instance's own port in a cluster, and AWS reports 0 there for
 * instances outside one, which is no port at all.
 */
const portOf = (i: DBInstance): number | null => {
  const endpoint = i.Endpoint?.Port;
  if (endpoint !== undefined)
    return isPort(endpoint)
      ? endpoint
      : malformed('DescribeDBInstances', `a readable port for ${i.DBInstanceIdentifier ?? 'an instance'}`);
  return i.DbInstancePort !== undefined && isPort(i.DbInstancePort) ? i.DbInstancePort : null;
};

/** A port number text the SDK could not read becomes NaN: never a port any rule could be matched against. */
const isPort = (n: number): boolean => Number.isInteger(n) && n > 0 && n <= 65535;

// ---------------------------------------------------------------- snapshots

/** What differs between DB snapshots and DB cluster snapshots: the calls and the field names. */
interface SnapshotKind<S> {
  kind: RdsSnapshot['kind'];
  list: Operation;
  element: string;
  pages: (client: RDSClient) => AsyncIterable<S[] | undefined>;
  toSnapshot: (s: S) => Omit<RdsSnapshot, 'restore'>;
  attributes: Operation;
  /** The `DB…SnapshotAttribute` entries of one snapshot (undefined when the answer lacks the list). */
  readAttributes: (client: RDSClient, id: string) => Promise<AttributeEntry[] | undefined>;
  /** AWS's error name when the snapshot was deleted between the listing and the attribute call. */
  notFound: string;
}

interface AttributeEntry {
  AttributeName?: string | undefined;
  AttributeValues?: string[] | undefined;
}

const mapPages = async function* <P, T>(pages: AsyncIterable<P>, pick: (p: P) => T): AsyncIterable<T> {
  for await (const page of pages) yield pick(page);
};

const DB_SNAPSHOTS: SnapshotKind<DBSnapshot> = {
  kind: 'instance',
  list: 'DescribeDBSnapshots',
  element: 'DBSnapshots',
  // Automated snapshots cannot be shared, and shared or public ones belong to other accounts.
  pages: (client) =>
    mapPages(
      sdk.rds.paginateDescribeDBSnapshots(
        { client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeDBSnapshots') },
        { SnapshotType: 'manual' },
      ),
      (p) => p.DBSnapshots,
    ),
  toSnapshot: (s) => ({
    id: s.DBSnapshotIdentifier ?? malformed('DescribeDBSnapshots', 'a DBSnapshotIdentifier'),
    arn: s.DBSnapshotArn ?? null,
    kind: 'instance',
    sourceId: s.DBInstanceIdentifier ?? null,
    engine: s.Engine ?? null,
    encrypted: s.Encrypted ?? null,
    createdAt: s.SnapshotCreateTime ? s.SnapshotCreateTime.toISOString() : null,
    ...tagsField(s.TagList),
  }),
  attributes: 'DescribeDBSnapshotAttributes',
  readAttributes: async (client, id) =>
    (
      await client.send(
        expectXml(
          new sdk.rds.DescribeDBSnapshotAttributesCommand({ DBSnapshotIdentifier: id }),
          EXPECTED.DescribeDBSnapshotAttributes,
          'DescribeDBSnapshotAttributes',
        ),
      )
    ).DBSnapshotAttributesResult?.DBSnapshotAttributes,
  notFound: 'DBSnapshotNotFoundFault',
};

const CLUSTER_SNAPSHOTS: SnapshotKind<DBClusterSnapshot> = {
  kind: 'cluster',
  list: 'DescribeDBClusterSnapshots',
  element: 'DBClusterSnapshots',
  pages: (client) =>
    mapPages(
      sdk.rds.paginateDescribeDBClusterSnapshots(
        { client, pageSize: PAGE_SIZE, withCommand: checkedPages('DescribeDBClusterSnapshots') },
        { SnapshotType: 'manual' },
      ),
      (p) => p.DBClusterSnapshots,
    ),
  toSnapshot: (s) => ({
    id: s.DBClusterSnapshotIdentifier ?? malformed('DescribeDBClusterSnapshots', 'a DBClusterSnapshotIdentifier'),
    arn: s.DBClusterSnapshotArn ?? null,
    kind: 'cluster',
    sourceId: s.DBClusterIdentifier ?? null,
    engine: s.Engine ?? null,
    encrypted: s.StorageEncrypted ?? null,
    createdAt: s.SnapshotCreateTime ? s.SnapshotCreateTime.toISOString() : null,
    ...tagsField(s.TagList),
  }),
  attributes: 'DescribeDBClusterSnapshotAttributes',
  readAttributes: async (client, id) =>
    (
      await client.send(
        expectXml(
          new sdk.rds.DescribeDBClusterSnapshotAttributesCommand({ DBClusterSnapshotIdentifier: id }),
          EXPECTED.DescribeDBClusterSnapshotAttributes,
          'DescribeDBClusterSnapshotAttributes',
        ),
      )
    ).DBClusterSnapshotAttributesResult?.DBClusterSnapshotAttributes,
  notFound: 'DBClusterSnapshotNotFoundFault',
};

/** Marks a snapshot deleted between the listing and its attribute call: it no longer exists to judge. */
const GONE = Symbol('gone');

/**
 * The manual snapshots of one kind. A refused or failed attribute call makes only that snapshot's
 * `restore` unknown; the listing stands. The per-snapshot calls share the account's bounded fan-out.
 */
const collectSnapshots = <S>(
  ctx: CollectContext,
  client: RDSClient,
  region: string,
  kind: SnapshotKind<S>,
): Promise<Fact<RdsSnapshot[]>> =>
  attempt(meta(kind.list, region), async () => {
    const listed = (await collectAll(kind.pages(client), (items) => items, kind.list, kind.element)).map(
      kind.toSnapshot,
    );
    const read = await Promise.all(
      listed.map(async (snapshot) => {
        // Only a snapshot AWS says is encrypted skips the call: an absent flag proves nothing.
        if (snapshot.encrypted === true) return { ...snapshot, restore: null };
        const restore = await ctx.fanOut(() => readRestore(client, region, kind, snapshot.id));
        if (!restore.ok) return { ...snapshot, restore };
        return restore.value === GONE ? null : { ...snapshot, restore: known(restore.value) };
      }),
    );
    return read.filter((s): s is RdsSnapshot => s !== null);
  });

const readRestore = <S>(
  client: RDSClient,
  region: string,
  kind: SnapshotKind<S>,
  id: string,
): Promise<Fact<RdsRestoreAttribute | typeof GONE>> =>
  attempt<RdsRestoreAttribute | typeof GONE>(
    meta(kind.attributes, region),
    async () => {
      const entries = (await kind.readAttributes(client, id)) ?? malformed(kind.attributes, `the attributes of ${id}`);
      // AWS always lists `restore` for a manual snapshot, with no values when it is not shared;
      // without it, who may restore the snapshot is not known.
      const restore =
        entries.find((e) => e.AttributeName === 'restore') ??
        malformed(kind.attributes, `the restore attribute of ${id}`);
      const values =
        restore.AttributeValues ?? malformed(kind.attributes, `the values of the restore attribute of ${id}`);
      return { public: values.includes('all'), accounts: values.filter((v) => v !== 'all') };
    },
    { [kind.notFound]: () => GONE },
  );
