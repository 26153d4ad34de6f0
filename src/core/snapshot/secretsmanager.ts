import { z } from 'zod';
import { fact } from './fact';
import { PolicyDocumentSchema } from './iam';

/**
 * What cloudsec reads of Secrets Manager secrets and their resource policies, per scanned region.
 * Every value an AWS answer provides is a `Fact` (src/core/snapshot/fact.ts), so a refused or odd
 * answer is carried as missing evidence rather than as an empty list. Secret values are never read.
 */

export const SecretsManagerSecretSchema = z.object({
  arn: z.string(),
  name: z.string(),
  /**
   * The service that manages the secret (`rds`, `appflow`, …), when one does (ListSecrets
   * `OwningService`); null for secrets people created. Evidence only.
   */
  owningService: z.string().nullable(),
  /** GetResourcePolicy, parsed from its JSON text; value `null`: the secret has no resource policy. */
  policy: fact(PolicyDocumentSchema.nullable()),
});
export type SecretsManagerSecret = z.infer<typeof SecretsManagerSecretSchema>;

export const SecretsManagerRegionSchema = z.object({
  secrets: fact(z.array(SecretsManagerSecretSchema)),
});
export type SecretsManagerRegion = z.infer<typeof SecretsManagerRegionSchema>;
