import type { Remediation } from '../define';
import lambda_remove_public_permission from '../lambda_remove_public_permission';

/** Remediations added with issue 12 for exposure: each is a file in src/core/remediations/, listed here. */
export const EXPOSURE_REMEDIATIONS: readonly Remediation[] = [lambda_remove_public_permission];
