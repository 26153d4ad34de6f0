import type { Config } from '../../config';
import type { AccountSnapshot, Finding } from '../../core/model';
import type { AccountRef, Actor, ChannelRef } from '../../core/access/permissions';
import type { RemediationExecutor } from '../../core/remediations/execution-port';
import type { MessageRef, RemediationRequest } from '../../core/remediations/request';
import type { Store } from '../../store/store';
import type { AppLogger } from '../deps';

/**
 * The edges the remediation workflow talks through. The use cases decide; these ports only reach
 * AWS (executor, recheck) and Slack (notifier), so the workflow runs the same under Slack, the
 * console demo and the tests.
 */

// ---------------------------------------------------------------- AWS: execution

/**
 * The executor port is the core's (src/core/remediations/execution-port.ts), which src/aws/executor.ts
 * implements; re-exported so the use cases and their callers name it from here.
 */
export type {
  ExecutedCall,
  ExecutionContext,
  ExecutionReport,
  RemediationExecutor,
} from '../../core/remediations/execution-port';

// ---------------------------------------------------------------- AWS: fresh evaluation

export interface RecheckResult {
  /**
   * The same finding id re-evaluated from a fresh collection; null when the resource is gone.
   * A Security Hub finding that is no longer active (workflow RESOLVED or SUPPRESSED, compliance
   * PASSED), or whose equivalent cloudsec check now passes, comes back with status `pass`, not null:
   * the workflow reads `pass` as "fixed" and null as "the resource disappeared".
   */
  finding: Finding | null;
  /** The fresh collection of the finding's account (what plans are made from); null if it failed. */
  account: AccountSnapshot | null;
}

export interface FindingRecheck {
  recheck(finding: Finding): Promise<RecheckResult>;
}

/** Finds a finding by id among the latest stored scans (what a Remediate button carries). */
export interface FindingLookup {
  findFinding(findingId: string): Promise<Finding | null>;
}

// ---------------------------------------------------------------- Slack

/**
 * What moved a request. `approval-added` keeps the status (more approvals are needed); the others
 * are the status it reached.
 */
export type RequestEvent =
  'approval-added' | 'approved' | 'executing' | 'succeeded' | 'failed' | 'no_op' | 'denied' | 'expired';

/**
 * Failures here are logged and audited, never thrown back into the workflow: a Slack outage must
 * not leave a request half-moved.
 */
export interface RemediationNotifier {
  /** Posts the approval card (to the account's approvals channel); its ref is stored on the request. */
  approvalRequested(request: RemediationRequest): Promise<MessageRef | null>;
  /** Updates the card in place (buttons gone once it is not pending) and tells the requester. */
  requestChanged(request: RemediationRequest, event: RequestEvent): Promise<void>;
  /** Thread reply under the card: what was called and what AWS answered (`describeResult`). */
  resultPosted(request: RemediationRequest, summary: string): Promise<void>;
  /** Tells the approvers' channel that a requester approved their own request (break-glass). */
  selfApprovalNotice(request: RemediationRequest, reason: string): Promise<void>;
  /** Updates the original's card once its undo succeeded: it says so and no longer offers Undo. */
  requestUndone(original: RemediationRequest, undo: RemediationRequest): Promise<void>;
}

// ---------------------------------------------------------------- who and where

/** A Slack user with their user groups resolved (as the router does), plus a display name for records. */
export interface WorkflowActor extends Actor {
  name?: string;
  /** `cli` for the terminal; Slack by default. */
  kind?: 'slack-user' | 'cli';
}

export interface WorkflowInput {
  actor: WorkflowActor;
  /** Where the action came from; authorization reasons may mention it. */
  channel?: ChannelRef | undefined;
}

/** Accounts cloudsec knows of, for names and OUs (scopes can be given by name or OU). */
export interface AccountDirectory {
  knownAccounts(): Promise<AccountRef[]>;
}

/**
 * The Slack user groups a user is in now (as the router resolves them), so approvals are
 * re-authorized against the current bindings before anything is written. Without it, approvers
 * are taken to be in no group (fail closed: a group-granted approval then no longer counts).
 */
export interface ApproverGroups {
  resolve(userId: string, candidateGroupIds: readonly string[]): Promise<{ groups: string[] }>;
}

// ---------------------------------------------------------------- dependencies

export interface WorkflowDeps {
  store: Store;
  /** Uses `remediation` and the access policy (roles, bindings). */
  config: Config;
  clock: () => Date;
  executor: RemediationExecutor;
  recheck: FindingRecheck;
  notifier: RemediationNotifier;
  findings: FindingLookup;
  accounts: AccountDirectory;
  /** Group membership for re-authorizing approvers at execution time (see ApproverGroups). */
  groups?: ApproverGroups;
  /** Everything happens except the AWS write; every result and message says DRY RUN. */
  dryRun: boolean;
  log?: AppLogger;
  /** Pauses between verification re-reads (eventual consistency); tests pass a fake. */
  sleep?: (ms: number) => Promise<void>;
  /** Waits before each extra verification re-read; defaults to VERIFY_DELAYS_MS. */
  verifyDelaysMs?: readonly number[];
}
