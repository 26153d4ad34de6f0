import type { Remediation } from '../define';
import kms_enable_key_rotation from '../kms_enable_key_rotation';

/** Remediations added with issue 12 for keys secrets: each is a file in src/core/remediations/, listed here. */
export const KEYS_SECRETS_REMEDIATIONS: readonly Remediation[] = [kms_enable_key_rotation];
