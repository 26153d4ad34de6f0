import { z } from 'zod';
import type { Finding } from '../model';
import { SeveritySchema } from '../snapshot/vocabulary';
import { ActorRefSchema, IsoTimeSchema, MessageRefSchema } from '../remediations/request';

/**
 * Accepted risks ("exceptions"): a team says "we know, and we accept this until <date>" about the
 * findings a scope covers. The core owns the shapes; the store parses every row it reads with
 * them, config-defined exceptions are turned into the same shape, and the pure functions in this
 * folder decide which findings an exception hides. Times are ISO-8601 UTC strings
 * (`Date#toISOString`), which sort as text.
 */

/**
 * A name pattern: exact text, or `*` for any run of characters (no other wildcard, so an ARN's
 * `?`-free characters never need escaping). Case-sensitive, as ARNs and check ids are.
 */
export const NamePatternSchema = z.string().trim().min(1, 'must not be empty').max(512, 'at most 512 characters');

const ACCOUNT_ID = /^\d{12}$/;

/**
 * What an exception covers. Every field that is given must match; `checks` and one of
 * `accounts`/`ous` are required, so an acceptance never silently covers every check of every
 * account. `accounts` holds 12-digit ids or `*` (every account: then only an unscoped approver may
 * approve it); `ous` holds OU (or root) ids, matching every account below them.
 */
export const ExceptionScopeSchema = z
  .object({
    accounts: z
      .array(z.string().regex(new RegExp(`${ACCOUNT_ID.source}|^\\*$`), 'expected a 12-digit account id or *'))
      .min(1)
      .optional(),
    ous: z
      .array(z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'expected an OU or root id'))
      .min(1)
      .optional(),
    /** Check ids or patterns (`s3_*`). */
    checks: z.array(NamePatternSchema).min(1),
    /** Region names (`global` for account-wide resources); absent = every region. */
    regions: z.array(z.string().min(1)).min(1).optional(),
    /** Patterns over the resource's ARN or its id/name (either may match). */
    resources: z.array(NamePatternSchema).min(1).optional(),
    /** Tags the resource must carry (key → value; `*` = any value). A resource whose tags are unknown never matches. */
    tags: z.record(z.string().min(1), z.string()).optional(),
  })
  .strict()
  .refine((s) => s.accounts !== undefined || s.ous !== undefined, {
    message: 'name the accounts or OUs the exception covers (accounts: ["*"] for every account)',
    path: ['accounts'],
  });
export type ExceptionScope = z.infer<typeof ExceptionScopeSchema>;

export const EXCEPTION_STATUSES = ['pending', 'active', 'denied', 'revoked', 'expired', 'cancelled'] as const;
export const ExceptionStatusSchema = z.enum(EXCEPTION_STATUSES);
export type ExceptionStatus = z.infer<typeof ExceptionStatusSchema>;

/** Statuses that are over: the exception hides nothing and cannot change again. */
export const FINISHED_EXCEPTION_STATUSES: readonly ExceptionStatus[] = ['denied', 'revoked', 'expired', 'cancelled'];

/**
 * What a covered finding looked like when the risk was accepted. A finding whose severity rose or
 * whose evidence changed since is shown again: the team accepted that risk, not this one.
 */
export const AcceptedFindingSchema = z.object({
  findingId: z.string().min(1),
  severity: SeveritySchema,
  /** `evidenceDigest(finding)` (./baseline.ts). */
  evidence: z.string().min(1),
});
export type AcceptedFinding = z.infer<typeof AcceptedFindingSchema>;

/** A requested extension of an active exception: it needs approval again. */
export const ExtensionRequestSchema = z.object({
  requester: ActorRefSchema,
  requestedAt: IsoTimeSchema,
  expiresAt: IsoTimeSchema,
  reason: z.string().min(1),
  /** The extension's own approval card. */
  message: MessageRefSchema.nullable(),
});
export type ExtensionRequest = z.infer<typeof ExtensionRequestSchema>;

/** Who owns an accepted risk or approved it: a Slack user (from Slack) or a name (from cloudsec.yml). */
export const PersonSchema = z.object({
  /** Slack user id when known (`U…`/`W…`); for config exceptions, whatever the file says. */
  id: z.string().min(1),
  name: z.string().optional(),
});
export type Person = z.infer<typeof PersonSchema>;

export const RiskExceptionSchema = z.object({
  /** `ex_…` for Slack-made exceptions; `cfg_<name>` for cloudsec.yml ones. */
  id: z.string().min(1),
  source: z.enum(['slack', 'config']),
  status: ExceptionStatusSchema,
  scope: ExceptionScopeSchema,
  reason: z.string().min(1),
  owner: PersonSchema,
  requester: ActorRefSchema,
  /** Who approved (or denied) it; for config exceptions, the name the file gives. */
  approver: PersonSchema.nullable(),
  createdAt: IsoTimeSchema,
  decidedAt: IsoTimeSchema.nullable(),
  expiresAt: IsoTimeSchema,
  /** Why it was denied, revoked or cancelled. */
  decisionNote: z.string().nullable(),
  /** The findings it covered when approved; empty for config exceptions (nothing was seen). */
  accepted: z.array(AcceptedFindingSchema),
  extension: ExtensionRequestSchema.nullable(),
  /** The approval card, updated in place. */
  message: MessageRefSchema.nullable(),
  /** When the owner was reminded that it expires soon (at most once per expiry date). */
  remindedAt: IsoTimeSchema.nullable(),
  /** Security Hub finding ids (ASFF `Id`s) set to SUPPRESSED because of this exception. */
  suppressedInSecurityHub: z.array(z.string()),
  updatedAt: IsoTimeSchema,
  /** Incremented by every change (compare-and-set). */
  version: z.number().int().positive(),
});
export type RiskException = z.infer<typeof RiskExceptionSchema>;

/** The settings under `exceptions:` in cloudsec.yml (besides the list). */
export const DEFAULT_EXCEPTION_MAX_DAYS = 90;
/** Owners are reminded this many days before expiry; digests list exceptions expiring this soon. */
export const EXPIRING_SOON_DAYS = 7;

/** What the store needs to save a new exception (status `pending`, version 1, times from its clock). */
export const NewExceptionSchema = z.object({
  scope: ExceptionScopeSchema,
  reason: z.string().trim().min(1),
  owner: PersonSchema,
  requester: ActorRefSchema,
  expiresAt: IsoTimeSchema,
  /** The findings the scope covered when it was asked for (./baseline.ts). */
  accepted: z.array(AcceptedFindingSchema),
});
export type NewException = z.infer<typeof NewExceptionSchema>;

/** Fields a transition may change besides the status; absent fields are left as they are. */
export const ExceptionPatchSchema = z
  .object({
    approver: PersonSchema.nullable(),
    decidedAt: IsoTimeSchema.nullable(),
    decisionNote: z.string().nullable(),
    expiresAt: IsoTimeSchema,
    accepted: z.array(AcceptedFindingSchema),
    extension: ExtensionRequestSchema.nullable(),
    message: MessageRefSchema.nullable(),
    remindedAt: IsoTimeSchema.nullable(),
    suppressedInSecurityHub: z.array(z.string()),
  })
  .partial();
export type ExceptionPatch = z.infer<typeof ExceptionPatchSchema>;

/**
 * What an output (CSV, OCSF, ASFF, Slack) says about the accepted risk that hides a finding: enough
 * to find it and judge it, nothing more.
 */
export interface ExceptionNote {
  id: string;
  source: RiskException['source'];
  reason: string;
  /** Display name or id of the owner. */
  owner: string;
  expiresAt: string;
}

export const exceptionNote = (e: RiskException): ExceptionNote => ({
  id: e.id,
  source: e.source,
  reason: e.reason,
  owner: e.owner.name ?? e.owner.id,
  expiresAt: e.expiresAt,
});

/** A finding as outputs receive it: with the accepted risk that hides it, when one does. */
export interface ExportRow {
  finding: Finding;
  exception?: ExceptionNote | undefined;
}
