import type { AnyCheck } from '../define';
import efs_file_system_encrypted from './efs_file_system_encrypted';

/** The efs checks. Adding one: its file here, one line in this list, and its test. */
export const EFS_CHECKS: readonly AnyCheck[] = [efs_file_system_encrypted];
