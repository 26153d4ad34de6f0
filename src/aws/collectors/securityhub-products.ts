import type { AwsSecurityFinding, StringFilter } from '@aws-sdk/client-securityhub';
import { CLOUDSEC_FINDING_FIELD, CLOUDSEC_GENERATOR_PREFIX } from '../../core/outputs/asff-marks';
import { MalformedAnswerError } from '../errors';

/**
 * Which Security Hub products cloudsec believes. Any account with `securityhub:BatchImportFindings`
 * can import findings about itself under its own product (`product/<account>/default`), critical
 * ones included; read without a product filter, they would land in digests and `/cloudsec check`
 * as if Security Hub had found them. So only allow-listed products are asked for: Security Hub's
 * own controls (`product/aws/securityhub` of the partition and region) plus the products listed in
 * cloudsec.yml `securityhub.productArns`, where `*` in the region position stands for each region
 * scanned.
 *
 * The filter is applied by Security Hub. An answer that still holds another product's finding (or
 * one without a product) is not an answer to the request, so it fails the read like any malformed
 * answer: leaving just those findings out would make them read as resolved in a digest baseline.
 *
 * cloudsec's own published findings (`cloudsec publish --security-hub`) live in each account's
 * default product. An operator who allows that product (for another in-house integration) would
 * read them back as Security Hub findings, so they are never read: GetFindings asks for no
 * GeneratorId starting `cloudsec/`, and a default-product finding that still comes with that
 * generator or with cloudsec's finding-id field is dropped (it is cloudsec's check, reported as such).
 */

/** Security Hub takes at most 20 values per filter field; one is Security Hub's own product. */
export const MAX_CONFIGURED_PRODUCTS = 19;

/** `arn:<partition>:securityhub:<region or *>:<account or empty>:product/<company>/<product>` */
export const PRODUCT_ARN = /^arn:(aws[a-z-]*):securityhub:([a-z0-9-]+|\*):(\d{12})?:product\/[\w.-]+\/[\w.-]+$/;

export const securityHubProductArn = (partition: string, region: string): string =>
  `arn:${partition}:securityhub:${region}::product/aws/securityhub`;

/** The products whose findings are read in `region`: Security Hub's own first, then the configured ones there. */
export const allowedProductArns = (partition: string, region: string, configured: readonly string[] = []): string[] => {
  const forRegion = configured.flatMap((arn) => {
    const m = PRODUCT_ARN.exec(arn);
    if (!m || m[1] !== partition || (m[2] !== '*' && m[2] !== region)) return [];
    return [m[2] === '*' ? arn.replace(':securityhub:*:', `:securityhub:${region}:`) : arn];
  });
  return [...new Set([securityHubProductArn(partition, region), ...forRegion])];
};

/** An account's own default product, where custom integrations (and `cloudsec publish`) import. */
const DEFAULT_PRODUCT = /^arn:[^:]+:securityhub:[^:]*:(\d{12}):product\/(\d{12})\/default$/;

export const isDefaultProduct = (productArn: string | undefined): boolean => {
  const m = DEFAULT_PRODUCT.exec(productArn ?? '');
  return m !== null && m[1] === m[2];
};

/** For GetFindings' `GeneratorId` filter: no finding cloudsec published. */
export const NOT_CLOUDSEC_GENERATOR: StringFilter = {
  Value: CLOUDSEC_GENERATOR_PREFIX,
  Comparison: 'PREFIX_NOT_EQUALS',
};

/** A finding cloudsec published itself: in a default product, with its generator prefix or finding-id field. */
export const isCloudsecImport = (f: AwsSecurityFinding): boolean =>
  isDefaultProduct(f.ProductArn) &&
  ((f.GeneratorId ?? '').startsWith(CLOUDSEC_GENERATOR_PREFIX) ||
    (f.ProductFields !== undefined && CLOUDSEC_FINDING_FIELD in f.ProductFields));

export const productFilter = (allowed: readonly string[]): StringFilter[] =>
  allowed.map((arn) => ({ Value: arn, Comparison: 'EQUALS' }));

/**
 * Throws when a page holds a finding of a product that was not asked for, saying how many and from
 * which product (so an operator can allow a product they rely on, or look for who imported them).
 */
export const requireAllowedProducts = (findings: readonly AwsSecurityFinding[], allowed: readonly string[]): void => {
  const foreign = new Map<string, number>();
  for (const f of findings) {
    if (typeof f.ProductArn !== 'string' || f.ProductArn === '')
      throw new MalformedAnswerError('securityhub:GetFindings listed a finding without its ProductArn');
    if (!allowed.includes(f.ProductArn)) foreign.set(f.ProductArn, (foreign.get(f.ProductArn) ?? 0) + 1);
  }
  if (foreign.size === 0) return;
  const count = [...foreign.values()].reduce((a, b) => a + b, 0);
  const [first] = foreign.keys();
  // Error text is cut at 200 characters (src/core/error-text.ts): the count, the setting and one product fit.
  throw new MalformedAnswerError(
    `securityhub:GetFindings sent ${count} finding${count === 1 ? '' : 's'} of products not in securityhub.productArns: ` +
      `${first!.slice(0, 100)}${foreign.size > 1 ? ` and ${foreign.size - 1} more` : ''}`,
  );
};
