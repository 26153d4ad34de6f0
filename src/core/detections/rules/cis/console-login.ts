import { textAt, type CloudTrailRecord } from '../../record';

/**
 * Reading a ConsoleLogin record (signin.amazonaws.com) as AWS documents it: the outcome in
 * `responseElements.ConsoleLogin` (`Success` | `Failure`), `errorMessage` on failures, and whether
 * MFA was used in `additionalEventData.MFAUsed` (`Yes` | `No`).
 */

export const SIGNIN_SOURCE = 'signin.amazonaws.com';
export const CONSOLE_LOGIN = 'ConsoleLogin';

/** What CloudTrail writes as the user name of a failed sign-in to a user that does not exist. */
export const HIDDEN_USER = 'HIDDEN_DUE_TO_SECURITY_REASONS';

export const isConsoleLogin = (r: CloudTrailRecord): boolean =>
  r.eventSource === SIGNIN_SOURCE && r.eventName === CONSOLE_LOGIN;

export type LoginOutcome = 'success' | 'failure' | 'unknown';

/** A failure when AWS said so in either place; unknown when it said neither (never read as success). */
export const loginOutcome = (r: CloudTrailRecord): LoginOutcome => {
  const said = textAt(r.responseElements, 'ConsoleLogin');
  if (said === 'Failure' || (r.errorMessage !== undefined && r.errorMessage !== '') || r.errorCode) return 'failure';
  if (said === 'Success') return 'success';
  return 'unknown';
};

export type MfaUse = 'yes' | 'no' | { unknown: string };

export const mfaUsed = (r: CloudTrailRecord): MfaUse => {
  const raw = r.additionalEventData?.['MFAUsed'];
  if (raw === 'Yes') return 'yes';
  if (raw === 'No') return 'no';
  if (raw === undefined || raw === null) return { unknown: 'the record has no additionalEventData.MFAUsed' };
  return { unknown: `additionalEventData.MFAUsed is ${JSON.stringify(raw).slice(0, 40)}, not Yes or No` };
};
