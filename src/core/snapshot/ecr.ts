import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of ECR repositories and their repository policies, per scanned region. Every
 * value an AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd answer is
 * carried as missing evidence rather than as an empty list.
 */

export const EcrRepositorySchema = z.object({
  name: z.string(),
  arn: z.string(),
  /** The registry (account id) the repository lives in. */
  registryId: z.string(),
  /** GetRepositoryPolicy, parsed from its JSON text; value `null`: the repository has no policy. */
  policy: fact(PolicyDocumentSchema.nullable()),
});
export type EcrRepository = z.infer<typeof EcrRepositorySchema>;

export const EcrRegionSchema = z.object({
  repositories: fact(z.array(EcrRepositorySchema)),
});
export type EcrRegion = z.infer<typeof EcrRegionSchema>;
