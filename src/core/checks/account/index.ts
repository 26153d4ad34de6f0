import type { AnyCheck } from '../define';
import account_security_contact_registered from './account_security_contact_registered';

/** The account checks. Adding one: its file here, one line in this list, and its test. */
export const ACCOUNT_CHECKS: readonly AnyCheck[] = [account_security_contact_registered];
