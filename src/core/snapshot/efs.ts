import { z } from 'zod';
import { fact } from './fact';

/**
 * What cloudsec reads of EFS file systems, per scanned region. The list is a `Fact`
 * (src/core/snapshot/fact.ts), so a refused or odd answer is missing evidence rather than "no file
 * systems"; a field AWS did not send for one file system is `null`, read as missing evidence for it.
 */

export const EfsFileSystemSchema = z.object({
  /** FileSystemId (`fs-…`). */
  id: z.string(),
  arn: z.string().nullable(),
  /** The `Name` tag, as DescribeFileSystems reports it. */
  name: z.string().nullable(),
  encrypted: z.boolean().nullable(),
  kmsKeyId: z.string().nullable(),
  /** LifeCycleState (`available`, `creating`, `deleting`, …). */
  state: z.string().nullable(),
});
export type EfsFileSystem = z.infer<typeof EfsFileSystemSchema>;

export const EfsRegionSchema = z.object({
  fileSystems: fact(z.array(EfsFileSystemSchema)),
});
export type EfsRegion = z.infer<typeof EfsRegionSchema>;
