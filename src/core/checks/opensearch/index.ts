import type { AnyCheck } from '../define';
import opensearch_domain_not_public from './opensearch_domain_not_public';

/** The opensearch checks. Adding one: its file here, one line in this list, and its test. */
export const OPENSEARCH_CHECKS: readonly AnyCheck[] = [opensearch_domain_not_public];
