import { sdk } from '../sdk';
import { z } from 'zod';
import type { EfsFileSystem, EfsRegion } from '../../core/model';
import { attempt } from '../attempt';
import { MalformedAnswerError, type CallMeta } from '../errors';
import type { CollectContext } from './context';

/**
 * Every IAM action this collector's calls need, by operation: each call names its permission from
 * here when AWS refuses it, and the read policy (src/aws/permissions.ts) is built from it. EFS's
 * IAM prefix is `elasticfilesystem`, not the SDK's `efs`.
 */
export const EFS_COLLECTOR_PERMISSIONS = {
  DescribeFileSystems: 'elasticfilesystem:DescribeFileSystems',
} as const satisfies Record<string, string>;

/** The API reference caps a page at 100 file systems. */
const PAGE_SIZE = 100;

const OPERATION = 'DescribeFileSystems';

const meta = (region: string): CallMeta => ({
  service: 'efs',
  operation: OPERATION,
  permission: EFS_COLLECTOR_PERMISSIONS.DescribeFileSystems,
  region,
});

/**
 * One page as the API reference documents it, for the fields cloudsec reads. The SDK's rest-json
 * reader passes JSON values through without checking their types (`"Encrypted": "yes"` stays a
 * string, which would read as true), and reads an empty body as a page without `FileSystems`; both
 * are an answer that is not EFS's, so the page is checked here. `FileSystemId` is required: a file
 * system that cannot be named could only be dropped, which could hide an unencrypted one. A left-out
 * `Encrypted` stays null, and the check reports that file system unknown.
 */
const PageSchema = z.object({
  FileSystems: z.array(
    z.object({
      FileSystemId: z.string().min(1),
      FileSystemArn: z.string().optional(),
      Name: z.string().optional(),
      Encrypted: z.boolean().optional(),
      KmsKeyId: z.string().optional(),
      LifeCycleState: z.string().optional(),
    }),
  ),
});
type WireFileSystem = z.infer<typeof PageSchema>['FileSystems'][number];

/** Names where the answer differs from the documented one, never quoting it (it may be anything a proxy sent). */
const readPage = (page: unknown): WireFileSystem[] => {
  const parsed = PageSchema.safeParse(page);
  if (parsed.success) return parsed.data.FileSystems;
  const where = parsed.error.issues.map((i) => i.path.join('.') || '(the answer)').join(', ');
  throw new MalformedAnswerError(`${OPERATION} answered without a readable ${where}`);
};

/** Collects one region's file systems: one paginated call (a page per 100 file systems). */
export const collectEfsRegion = async (ctx: CollectContext, region: string): Promise<EfsRegion> => {
  const client = ctx.clients.efs(region);
  const fileSystems = await attempt(meta(region), async () => {
    const all: EfsFileSystem[] = [];
    for await (const page of sdk.efs.paginateDescribeFileSystems({ client, pageSize: PAGE_SIZE }, {})) {
      all.push(...readPage(page).map(toFileSystem));
    }
    return all;
  });
  return { fileSystems };
};

const toFileSystem = (f: WireFileSystem): EfsFileSystem => ({
  id: f.FileSystemId,
  arn: f.FileSystemArn ?? null,
  name: f.Name ?? null,
  encrypted: f.Encrypted ?? null,
  kmsKeyId: f.KmsKeyId ?? null,
  state: f.LifeCycleState ?? null,
});
