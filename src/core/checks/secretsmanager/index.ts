import type { AnyCheck } from '../define';
import secretsmanager_secret_not_public from './secretsmanager_secret_not_public';

/** The secretsmanager checks. Adding one: its file here, one line in this list, and its test. */
export const SECRETSMANAGER_CHECKS: readonly AnyCheck[] = [secretsmanager_secret_not_public];
