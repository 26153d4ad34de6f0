import { isUserAgentOnly, type DetectionExclusion } from './settings';
import { matchesPattern } from '../exceptions/pattern';
import type { CloudTrailRecord } from './record';

/**
 * Noise controls: the `exclude` entries of `detections:` (global) and of `detections.rules.<id>`
 * (one rule). Most raw CIS alarms in real accounts are automation (Terraform, CloudFormation, the
 * organization's own pipelines); an exclusion names that automation once, with a reason, instead
 * of someone muting the channel.
 *
 * An entry excludes a record when every field it gives matches (an entry with only `principal`
 * says nothing about the account). Patterns use `*` for any run of characters, matched by
 * src/core/exceptions/pattern.ts: no regular expression is ever built from configuration, so a
 * pattern can neither inject regex syntax nor backtrack catastrophically.
 *
 * A field the record does not carry never matches (an exclusion for `terraform-*` must not silence
 * a record whose caller CloudTrail did not name): missing evidence keeps the alert.
 */

/** What of a record exclusions look at, read once per record. */
export interface ExclusionSubject {
  /** The caller's ARN (for a role: the assumed-role session ARN). */
  callerArn: string | null;
  /** The role behind an assumed-role session (`sessionContext.sessionIssuer.arn`). */
  roleArn: string | null;
  /** The record's account (recordAccountId), null when the record names none. */
  accountId: string | null;
  userAgent: string | null;
  /** `userIdentity.invokedBy`: the AWS service that made the call for the principal. */
  invokedBy: string | null;
}

export const exclusionSubjectOf = (record: CloudTrailRecord, accountId: string | null): ExclusionSubject => ({
  callerArn: record.userIdentity?.arn ?? null,
  roleArn: record.userIdentity?.sessionContext?.sessionIssuer?.arn ?? null,
  accountId,
  userAgent: record.userAgent ?? null,
  invokedBy: record.userIdentity?.invokedBy ?? null,
});

const matches = (pattern: string, text: string | null): boolean => text !== null && matchesPattern(pattern, text);

/**
 * Whether one entry excludes the subject. The principal pattern is tried against the caller's ARN
 * and against its role's ARN, so both `arn:aws:sts::*:assumed-role/terraform-*` and
 * `arn:aws:iam::*:role/terraform-*` name the same pipeline.
 */
export const exclusionMatches = (entry: DetectionExclusion, subject: ExclusionSubject): boolean => {
  // The config schema refuses an entry without any field, and one on userAgent alone (the caller
  // chooses its user agent: see settings.ts); checked again so that such an entry, however it got
  // here, excludes nothing rather than everything, or everything a caller asks it to.
  if (
    (entry.principal === undefined &&
      entry.account === undefined &&
      entry.userAgent === undefined &&
      entry.sourceService === undefined) ||
    isUserAgentOnly(entry)
  ) {
    return false;
  }
  if (
    entry.principal !== undefined &&
    !matches(entry.principal, subject.callerArn) &&
    !matches(entry.principal, subject.roleArn)
  ) {
    return false;
  }
  if (entry.account !== undefined && entry.account !== subject.accountId) return false;
  if (entry.userAgent !== undefined && !matches(entry.userAgent, subject.userAgent)) return false;
  if (entry.sourceService !== undefined && !matches(entry.sourceService, subject.invokedBy)) return false;
  return true;
};

/** The reason of the first entry that excludes the subject, or null when none does. */
export const exclusionReason = (entries: readonly DetectionExclusion[], subject: ExclusionSubject): string | null => {
  for (const entry of entries) {
    if (exclusionMatches(entry, subject)) return entry.reason;
  }
  return null;
};
