import type { AnyCheck } from '../define';
import kms_key_not_public from './kms_key_not_public';
import kms_key_rotation_enabled from './kms_key_rotation_enabled';

/** The kms checks. Adding one: its file here, one line in this list, and its test. */
export const KMS_CHECKS: readonly AnyCheck[] = [kms_key_rotation_enabled, kms_key_not_public];
