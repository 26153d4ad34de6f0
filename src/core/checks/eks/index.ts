import type { AnyCheck } from '../define';
import eks_cluster_endpoint_not_public from './eks_cluster_endpoint_not_public';

/** The eks checks. Adding one: its file here, one line in this list, and its test. */
export const EKS_CHECKS: readonly AnyCheck[] = [eks_cluster_endpoint_not_public];
