/**
 * How cloudsec marks the findings it imports into Security Hub (asff.ts), apart from the ASFF
 * builder so that readers of Security Hub (src/aws/collectors/securityhub-products.ts, and through
 * it the configuration) do not load the checks catalog with it.
 */

/** Every GeneratorId cloudsec imports starts with this; readers of Security Hub leave them out. */
export const CLOUDSEC_GENERATOR_PREFIX = 'cloudsec/';
/** The ProductFields key that carries cloudsec's finding id: the second mark of cloudsec's own findings. */
export const CLOUDSEC_FINDING_FIELD = 'cloudsec/finding_id';
