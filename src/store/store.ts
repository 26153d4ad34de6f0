import type { AuditEntry, AuditInput, ChainVerification } from '../core/audit';
import type { AccountDirectory, AccountDirectoryUpdate } from '../core/account-directory';
import type { DigestItem } from '../core/digest/model';
import type { RequestSealCheck } from './request-seal';
import type { ExceptionSealCheck } from './exception-seal';
import type { AlertStore } from './alert-store';
import type { ExceptionPatch, ExceptionStatus, NewException, RiskException } from '../core/exceptions/model';
import type { Finding } from '../core/model';
import type {
  ActorRef,
  Instant,
  MessageRef,
  NewRequest,
  RemediationRequest,
  RequestPatch,
  RequestStatus,
} from '../core/remediations/request';
import type {
  ApprovalResult,
  ClaimOptions,
  CreateRequestResult,
  DigestClaim,
  DigestCompletion,
  DigestRun,
  DigestItemCounts,
  ExceptionQuery,
  GroupMembers,
  LockResult,
  RequestQuery,
  BeginScanInput,
  ClaimScanJobInput,
  FindingsOfScanOptions,
  FinishScanOptions,
  ScanInput,
  ScanJob,
  ScanJobRef,
  ScanJobStatus,
  ScanQueueStatus,
  ScanRecord,
} from './schemas';

export * from './schemas';
export type { RequestSealCheck } from './request-seal';
export type { ExceptionSealCheck } from './exception-seal';

/**
 * Everything cloudsec remembers. Methods are async and speak only in plain rows (validated with
 * the zod schemas in ./schemas) so that a PostgreSQL implementation can replace SQLite for several
 * replicas: every guarantee below is one a transaction (or a conditional UPDATE / INSERT … ON
 * CONFLICT) gives in either database.
 *
 * Times come from the clock injected when the store is opened, never from the caller's machine,
 * except where a method takes one explicitly.
 */
export interface Store extends AlertStore {
  // ------------------------------------------------------------ audit log
  /**
   * Appends one entry: assigns the next `seq`, `time` from the clock, `prevHash` from the last
   * entry, `hash` and (with an audit key) `hmac`, atomically, so concurrent appenders in several
   * processes never fork the chain. Secrets in `details` (and `target`) are redacted first.
   */
  appendAudit(input: AuditInput): Promise<AuditEntry>;
  /** Entries in `seq` order (`asc` by default). */
  listAudit(query?: AuditQuery): Promise<AuditEntry[]>;
  /** The newest `n` entries, newest first. */
  latestAudit(n: number): Promise<AuditEntry[]>;
  /**
   * Walks the chain with the store's audit key (if any) and names the first broken entry: the whole
   * chain, or with `fromSeq` the entries from that one to the newest (anchored on the previous hash
   * it names), which is what a request's trail needs. Without a key, a chain carrying HMACs is
   * `unchecked`, never OK.
   */
  verifyAudit(options?: AuditVerifyOptions): Promise<ChainVerification>;

  // ------------------------------------------------------------ scans and findings history
  /** Saves a scan with all its findings (state `complete`); returns the scan id. */
  saveScan(input: ScanInput): Promise<string>;
  /** Any scan, whatever its state. */
  getScan(scanId: string): Promise<ScanRecord | null>;
  /** The most recently generated complete scan of the scope (never one running or failed). */
  latestScan(scopeKey: string): Promise<ScanRecord | null>;
  /** Up to `limit` complete scans of the scope, newest first (trend series). */
  scanHistory(scopeKey: string, limit: number): Promise<ScanRecord[]>;
  /**
   * The findings of a scan in the order they were saved (or streamed in), optionally only those not
   * passing and/or of some accounts; empty for an unknown scan.
   */
  findingsOfScan(scanId: string, options?: FindingsOfScanOptions): Promise<Finding[]>;

  // ------------------------------------------------------------ streamed scans: one job per account
  /**
   * Starts a streamed scan in one transaction: a scan in state `running` (no findings, a summary of
   * zeros) and one `queued` job per account (attempt 0). Returns the scan id. An account queued
   * twice is refused.
   */
  beginScan(input: BeginScanInput): Promise<string>;
  /**
   * Claims the oldest claimable job of any running scan (by scan creation, then account): a queued
   * one, or a running one whose lease ran out and that was claimed fewer than `maxAttempts` times.
   * It becomes `running`, owned by `worker`, leased until now + `leaseMs`, attempt + 1. A running job
   * whose lease ran out after `maxAttempts` claims is failed instead (`its worker stopped answering
   * N times`) and never claimed again. Of concurrent claimers (any replica) each gets another job;
   * null when none is claimable. A job whose stored spec is not JSON is failed and the call throws.
   */
  claimScanJob(input: ClaimScanJobInput): Promise<ScanJob | null>;
  /** Extends the lease to now + `leaseMs`; false when the job is no longer this claim's. */
  renewScanJob(ref: ScanJobRef, leaseMs: number): Promise<boolean>;
  /**
   * In one transaction, only while the job is `running` with this claim's attempt (fencing: a late
   * worker that lost its lease writes nothing): appends the findings to the scan's (ordinals after
   * the scan's last), and marks the job `done` with `header` as its result and its count of passing
   * findings. False, and nothing written, when the job is not this claim's.
   */
  completeScanJob(ref: ScanJobRef, result: { header: unknown; findings: Finding[] }): Promise<boolean>;
  /** Fails the job with `error`, fenced as completeScanJob; false when not this claim's. */
  failScanJob(ref: ScanJobRef, error: string): Promise<boolean>;
  /** The scan's jobs in account order (empty for an unknown scan); a stored result that is not JSON throws. */
  scanJobs(scanId: string): Promise<ScanJobStatus[]>;
  /** The scans still running and their jobs by state (`cloudsec db status`): counts only, whatever the estate's size. */
  scanQueue(): Promise<ScanQueueStatus>;
  /**
   * Ends a running scan as `state`: its jobs not yet done or failed are failed (a late worker writes
   * nothing), the finding count and summary are counted from its stored findings, savedAt is now.
   * Asking again for the state it already has does nothing; an unknown scan, or a complete one asked
   * to fail (or the reverse), is an error.
   *
   * `lost` (only with `complete`): accounts the application could not take from what they stored
   * (their job failed, or its result could not be read), with the findings it judged them by
   * instead (unknown). In the same transaction, each one's stored findings of the scan are replaced
   * by these (ordinals after the scan's last) and its job reads `failed` with no passes (a done one
   * with `its stored result could not be read`, a failed one keeping its error), so the summary and
   * every later reader of the scan count the account as unknown rather than lose it. An account
   * that is not a job of the scan, listed twice, a finding of another account under it, or `lost`
   * with `failed` is refused (CloudsecError `internal`) and nothing is written. A retried finish of
   * a scan that already has the state writes nothing, its lost accounts included.
   */
  finishScan(scanId: string, state: 'complete' | 'failed', options?: FinishScanOptions): Promise<void>;
  /**
   * The leader's sweep: scans still `running` that began before `olderThan` are failed as
   * finishScan fails them, their unfinished jobs with `the scan was abandoned`. Returns how many.
   */
  abandonScans(olderThan: Date): Promise<number>;

  // ------------------------------------------------------------ remediation requests
  /**
   * Saves a new request with status `pending` and no approvals, unless an open (pending, approved,
   * executing) request for the same `target` exists: then nothing is stored and that one is
   * returned as `existing`. Of concurrent callers with one target exactly one creates; a unique
   * index in the database holds it even for writers that skip this method.
   */
  createRequest(input: NewRequest): Promise<CreateRequestResult>;
  getRequest(id: string): Promise<RemediationRequest | null>;
  /** Newest first. */
  listRequests(query?: RequestQuery): Promise<RemediationRequest[]>;
  /**
   * Compare-and-set: moves the request to `to` (and applies `patch`) only if its status is one of
   * `from`; returns the updated request, or null when it does not exist or its status was not in
   * `from` (then nothing changed). Of concurrent callers with the same `from`, exactly one wins,
   * which is what makes approval and execution happen once. `to` may equal the current status to
   * patch a request in place (e.g. record the approval card's `message`).
   */
  transitionRequest(
    id: string,
    from: readonly RequestStatus[],
    to: RequestStatus,
    patch?: RequestPatch,
  ): Promise<RemediationRequest | null>;
  /**
   * Records an approval (time from the clock) while the request is `pending`, at most one per
   * approver id. Does not change the status: the caller transitions `pending → approved` once
   * `approvals.length` reaches `requiredApprovals`. Who may approve is policy, not the store's.
   */
  addApproval(id: string, approver: ActorRef, comment?: string | null): Promise<ApprovalResult>;
  /**
   * Records the requester's DM about a request if none is recorded yet; returns the one that is
   * (so a caller that lost the race updates the winner's message). Not a status change.
   */
  rememberRequesterMessage(id: string, ref: MessageRef): Promise<MessageRef | null>;
  /**
   * With an audit key: whether the stored request carries the seal of exactly this request (an
   * HMAC the store writes on every change it makes, see request-seal.ts), i.e. whether cloudsec
   * wrote what the caller holds. Without a key there is no seal to check (`sealed: false`).
   */
  verifyRequestSeal(request: RemediationRequest): Promise<RequestSealCheck>;

  // ------------------------------------------------------------ accepted risks (src/core/exceptions/model.ts)
  /**
   * Saves a new exception made from Slack: id `ex_…` (random), status `pending`, source `slack`,
   * no approver, decision, extension, card or reminder yet, `createdAt`/`updatedAt` from the clock,
   * version 1. `expiresAt` is stored as `Date#toISOString` so expiries compare as text. Who may ask
   * for what (and for how long) is policy, not the store's.
   */
  createException(input: NewException): Promise<RiskException>;
  /** Null when there is none; a row that does not parse is an `internal` error naming its id. */
  getException(id: string): Promise<RiskException | null>;
  /**
   * Newest first. Like listRequests, a stored row that does not parse makes the whole call fail
   * with an `internal` error naming the exception's id: a list never drops a row silently, and
   * never returns one as valid.
   */
  listExceptions(query?: ExceptionQuery): Promise<RiskException[]>;
  /**
   * Compare-and-set, as transitionRequest: moves the exception to `to` (and applies `patch`) only
   * if its status is one of `from`; returns the updated exception, or null when it does not exist
   * or its status was not in `from` (then nothing changed). Of concurrent callers with the same
   * `from`, exactly one wins (one approval, one revocation). `to` may equal the current status to
   * patch in place (record the card's `message`, an extension request, suppressed Security Hub
   * ids). A patch that moves `expiresAt` clears `remindedAt` unless it sets it, so the new expiry
   * is reminded once too. Bumps `version`; `updatedAt` from the clock.
   */
  transitionException(
    id: string,
    from: readonly ExceptionStatus[],
    to: ExceptionStatus,
    patch?: ExceptionPatch,
  ): Promise<RiskException | null>;
  /**
   * Claims the expiry reminder: sets `remindedAt` (clock) only if the exception is `active`, its
   * expiry is `expiresAt` (the one the caller is about to remind of) and no reminder was claimed
   * for it yet. True exactly once per expiry, whichever process asks; false otherwise (also for
   * an unknown id). Send the reminder only after true.
   */
  claimExceptionReminder(id: string, expiresAt: Instant): Promise<boolean>;
  /**
   * With an audit key: whether the stored exception carries the seal of exactly this exception
   * (an HMAC the store writes on every change it makes, see exception-seal.ts), i.e. whether
   * cloudsec wrote what the caller holds. Without a key there is no seal to check (`sealed: false`).
   */
  verifyExceptionSeal(exception: RiskException): Promise<ExceptionSealCheck>;

  // ------------------------------------------------------------ digest runs
  /**
   * Claims the run of `digestName` scheduled for `scheduledFor`: exactly one caller ever gets
   * `claimed: true` for a pair (unless a stale `running` claim is taken over, see ClaimOptions);
   * the others get the existing run.
   */
  claimDigestRun(digestName: string, scheduledFor: Instant, options?: ClaimOptions): Promise<DigestClaim>;
  /** Finishes a `running` run; null when there is no such run (or it is someone else's). */
  completeDigestRun(completion: DigestCompletion): Promise<DigestRun | null>;
  /** The run with the latest `scheduledFor`, whatever its status. */
  lastDigestRun(digestName: string): Promise<DigestRun | null>;
  /**
   * Records progress on a `running` run this owner holds (e.g. the message it has posted), so a
   * process that takes the run over after a crash does not post it again. False when not held.
   */
  noteDigestRunProgress(
    digestName: string,
    scheduledFor: Instant,
    owner: string,
    details: Record<string, unknown>,
  ): Promise<boolean>;
  /** The latest `limit` runs (any status), newest first: the trend and "since the last digest". */
  digestRunHistory(digestName: string, limit: number): Promise<DigestRun[]>;

  // ------------------------------------------------------------ digest state (what the last posted run saw)
  /**
   * Stored items of a digest: all of one source (`source`), or those with the given finding ids
   * (`ids`, any number: looked up in batches). Never both unbounded: a `changes` observation asks
   * only for the ids it saw.
   */
  digestItems(
    digestName: string,
    filter: { source: DigestItem['source'] } | { ids: readonly string[] },
  ): Promise<DigestItem[]>;
  /** Counts of the stored items, overall and per account (computed in the database). */
  digestItemCounts(digestName: string): Promise<DigestItemCounts>;
  /** Open items, oldest `firstSeenAt` first, then most severe. */
  oldestOpenDigestItems(digestName: string, limit: number): Promise<DigestItem[]>;
  /** Every stored item in a stable order, a page at a time (for the attached full list). */
  eachDigestItem(digestName: string, visit: (item: DigestItem) => void | Promise<void>): Promise<number>;
  /**
   * Completes a `running` run and applies the delta to the digest's state in one transaction, so
   * a crash leaves either the old state and an unfinished run, or the new state and a finished run.
   * Null (and nothing applied) when the run is not this owner's `running` run.
   */
  completeDigestRunWithState(
    completion: DigestCompletion,
    state: { upserts: readonly DigestItem[]; removals: readonly string[] },
  ): Promise<DigestRun | null>;

  // ------------------------------------------------------------ locks
  /**
   * Takes the lock for `ttlMs` if it is free, expired, or already held by `owner` (which renews it).
   * The lock's `fence` goes up each time it changes hands (another owner, or the same one after it
   * expired or was released) and stays on a renewal: work carrying an older fence is a holder that
   * lost the lock (a pause, a partition) and is refused.
   */
  acquireLock(name: string, owner: string, ttlMs: number): Promise<LockResult>;
  /**
   * Releases the lock if `owner` holds it unexpired; returns whether it did. The lease ends at once
   * but the row stays, so the fence keeps counting instead of starting over.
   */
  releaseLock(name: string, owner: string): Promise<boolean>;

  // ------------------------------------------------------------ Slack user-group membership cache
  /** The cached members of a Slack user group, or null when not cached (freshness is the caller's call). */
  getGroupMembers(groupId: string): Promise<GroupMembers | null>;
  /** Replaces the cached members. */
  putGroupMembers(groupId: string, members: readonly string[], fetchedAt: Instant): Promise<void>;
  /** Forgets a group (on `subteam_*` events), so the next read fetches it again. */
  invalidateGroup(groupId: string): Promise<void>;

  // ------------------------------------------------------------ account directory (src/core/account-directory.ts)
  /**
   * Replaces the whole directory with what one discovery found (time from the clock), atomically:
   * accounts no longer found are gone. A reader sees the previous directory or this one.
   */
  replaceAccountDirectory(update: AccountDirectoryUpdate): Promise<void>;
  /** The directory as last replaced; null when accounts were never discovered with this database. */
  accountDirectory(): Promise<AccountDirectory | null>;

  // ------------------------------------------------------------ request nonces (replayed Slack requests, retried events)
  /**
   * Claims `key` until `expiresAt`: true the first time (or once an earlier claim has expired), false
   * for a repeat. Of concurrent claimers of one key exactly one gets true. Expired rows are deleted.
   */
  claimNonce(key: string, expiresAt: Instant): Promise<boolean>;

  /** Closes the connection; further calls reject. */
  close(): Promise<void>;
}

export interface AuditVerifyOptions {
  /** Verify from this entry to the newest instead of from the first. */
  fromSeq?: number;
}

export interface AuditQuery {
  /** Entries with `seq >= sinceSeq` (page with the last seq + 1). */
  sinceSeq?: number;
  /** Entries with `time >= sinceTime`. */
  sinceTime?: Instant;
  requestId?: string;
  limit?: number;
  order?: 'asc' | 'desc';
}

export type Clock = () => Date;
