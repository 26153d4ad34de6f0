import type { AnyCheck } from '../define';
import ecr_repository_not_public from './ecr_repository_not_public';

/** The ecr checks. Adding one: its file here, one line in this list, and its test. */
export const ECR_CHECKS: readonly AnyCheck[] = [ecr_repository_not_public];
