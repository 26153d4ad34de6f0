import { unknownFrom, type CheckResult } from './checks/define';
import {
  GLOBAL_REGION,
  ROOT_USER,
  type CollectError,
  type CredentialReportRow,
  type IamSlice,
  type ResourceRef,
} from './model';

/**
 * Reading the IAM credential report for the IAM checks. Not a check itself: shared helpers only.
 */

const DAY_MS = 86_400_000;

/** Milliseconds since the epoch, or null for a missing or unparseable date (treated as "no information"). */
export const parseDate = (iso: string | null): number | null => {
  if (iso === null) return null;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : ms;
};

/** Fractional days from `iso` to `now`, so boundaries compare exactly (90.0 days is not "older than 90"). */
export const daysSince = (iso: string | null, now: Date): number | null => {
  const ms = parseDate(iso);
  return ms === null ? null : (now.getTime() - ms) / DAY_MS;
};

/** For messages and evidence: the day part of an ISO timestamp. */
export const dayOf = (iso: string): string => iso.slice(0, 10);

export const findRootRow = (rows: readonly CredentialReportRow[]): CredentialReportRow | undefined =>
  rows.find((r) => r.user === ROOT_USER);

export const userRows = (rows: readonly CredentialReportRow[]): CredentialReportRow[] =>
  rows.filter((r) => r.user !== ROOT_USER);

export interface AccessKeyColumns {
  keyNumber: 1 | 2;
  active: boolean;
  lastRotated: string | null;
  lastUsed: string | null;
}

/** The report has two fixed access-key column groups per user. */
export const accessKeys = (row: CredentialReportRow): AccessKeyColumns[] => [
  {
    keyNumber: 1,
    active: row.accessKey1Active,
    lastRotated: row.accessKey1LastRotated,
    lastUsed: row.accessKey1LastUsedDate,
  },
  {
    keyNumber: 2,
    active: row.accessKey2Active,
    lastRotated: row.accessKey2LastRotated,
    lastUsed: row.accessKey2LastUsedDate,
  },
];

/**
 * An `unknown` result: from a refused call (its permission is named), or, for a gap that is no refused
 * call (a row or field AWS should have sent but did not), with a message saying what is missing.
 */
export const unknownResult = (
  resource: ResourceRef,
  reason: CollectError | string,
  evidence: Record<string, unknown> = {},
): CheckResult => {
  if (typeof reason === 'string')
    return { status: 'unknown', resource, region: GLOBAL_REGION, message: reason, evidence };
  const refused = unknownFrom(resource, GLOBAL_REGION, reason);
  return { ...refused, evidence: { ...refused.evidence, ...evidence } };
};

export type RootMfaStatus =
  | { known: true; mfaActive: boolean; source: 'credentialReport' | 'accountSummary' }
  | { known: false; error?: CollectError };

/**
 * Whether the root user has MFA: the credential report's root row is authoritative; GetAccountSummary's
 * AccountMFAEnabled stands in when the report could not be had (it is generated asynchronously and needs
 * its own permissions, so it fails more often than the summary).
 */
export const rootMfaStatus = (iam: IamSlice): RootMfaStatus => {
  const report = iam.credentialReport;
  const root = report.ok ? findRootRow(report.value) : undefined;
  if (root) return { known: true, mfaActive: root.mfaActive, source: 'credentialReport' };
  const summary = iam.accountSummary;
  const flag = summary.ok ? summary.value['AccountMFAEnabled'] : undefined;
  if (flag !== undefined) return { known: true, mfaActive: flag === 1, source: 'accountSummary' };
  if (!report.ok) return { known: false, error: report.error };
  return summary.ok ? { known: false } : { known: false, error: summary.error };
};
