import type { Config } from '../../config';
import type { ChannelRef } from '../../core/access/permissions';
import type { CoveragePreview } from '../../core/exceptions/coverage';
import type { ExtensionRequest, RiskException } from '../../core/exceptions/model';
import type { Finding } from '../../core/model';
import type { ActorRef } from '../../core/remediations/request';
import type { MessagePayload } from '../../core/render/blocks/kit';
import type { Store } from '../../store/store';
import type { AcceptedRisks } from '../accepted-risks';
import type { Messenger } from '../conversation';
import type { AppLogger } from '../deps';
import type { AccountDirectory, FindingLookup, WorkflowActor } from '../remediation/ports';

/**
 * The edges the accepted-risk (exception) use cases talk through. The use cases decide; these ports
 * only reach Slack (the remediation workflow's `Messenger`, with the exception renderers passed in),
 * Security Hub (workflow status of covered findings) and the findings cloudsec last saw, so the
 * workflow runs the same under Slack, the console demo, the scheduler and the tests.
 */

export type { AccountDirectory, FindingLookup, WorkflowActor } from '../remediation/ports';

/** Who acts, and where (authorization reasons may mention the channel). The remediation workflow's shape. */
export interface ExceptionInput {
  actor: WorkflowActor;
  channel?: ChannelRef | undefined;
}

// ---------------------------------------------------------------- findings

/**
 * The findings cloudsec saw last, over every account it scans (the full scan, else the digests'
 * latest scans): what a scope's coverage is counted on, what a new exception's baseline is taken
 * from, and which Security Hub findings an approval suppresses. The use cases narrow it to what
 * the actor may see before showing anything.
 */
export interface LatestFindings {
  latestFindings(): Promise<Finding[]>;
  /**
   * The passes that the newest answers counted but left in the store (a queued scan's answer holds
   * only failing and unknown findings): which accounts have some, and those passes one account at a
   * time. Absent or empty: every finding is in latestFindings(). What the scan looked at is read
   * from them when the findings held cannot tell (stale accepted risks).
   */
  omittedPasses?(): OmittedPasses;
}

export interface OmittedPasses {
  accountIds: readonly string[];
  /** Throws (CloudsecError) when the store cannot be read: "no passes" would be a wrong answer. */
  passesOf(accountId: string): Promise<Finding[]>;
}

// ---------------------------------------------------------------- Security Hub

/** The workflow statuses accepted risks set (src/aws/securityhub-workflow.ts). */
export type SecurityHubWorkflowStatus = 'SUPPRESSED' | 'NEW';

/** A Security Hub finding as BatchUpdateFindings names it, and where to send the call. */
export interface SecurityHubTarget {
  /** The finding's ASFF `Id` (`finding.evidence.securityHubId`). */
  id: string;
  /** `finding.evidence.productArn`. */
  productArn: string;
  accountId: string;
  region: string;
}

/** Only `processed` means Security Hub changed the status. */
export type SecurityHubTargetResult = SecurityHubTarget &
  ({ outcome: 'processed' } | { outcome: 'unprocessed' | 'unconfirmed'; code: string; message: string });

/**
 * `setWorkflow` of src/aws/securityhub-workflow.ts bound to its clients (src/app does not import
 * src/aws; src/compose.ts binds it). One result per target, in order; never throws for a refusal.
 */
export interface SecurityHubWorkflowPort {
  setWorkflow(
    targets: readonly SecurityHubTarget[],
    status: SecurityHubWorkflowStatus,
    note: string,
  ): Promise<SecurityHubTargetResult[]>;
}

// ---------------------------------------------------------------- Slack messages

/** What moved an exception; the DM to its requester and owner says which. */
export type ExceptionEvent = 'approved' | 'denied' | 'revoked' | 'cancelled' | 'expired';

/** What became of an extension request; its card says which. */
export type ExtensionOutcome = 'pending' | 'approved' | 'denied' | 'withdrawn';

/** What Security Hub did with the findings of an approval, revocation or expiry. */
export interface SecurityHubReport {
  status: SecurityHubWorkflowStatus;
  /** ASFF ids Security Hub changed. */
  processed: string[];
  /** ASFF ids it did not change (or cloudsec could not tell), with Security Hub's code and message. */
  failed: { id: string; code: string; message: string }[];
  /** Why nothing was sent (no port configured, dry run), when nothing was. */
  skipped: string | null;
}

export interface CardContext {
  now: Date;
  /** What the scope covers among the latest findings (the approval card shows it); absent when not counted. */
  coverage?: CoveragePreview;
  /** Why an extension was denied (the exception's own decisions are in `decisionNote`). */
  reason?: string;
  /** Who revoked it (the exception records only why). */
  revokedBy?: ActorRef;
}

/**
 * Pure Block Kit builders for the exception messages (src/core/render/blocks/exceptions is where
 * they live; src/compose.ts passes them in). Every one is called with the exception as stored.
 */
export interface ExceptionRenderers {
  /**
   * The approval card in the approvals channel, updated in place as the exception moves: Approve
   * and Deny while `pending`; Revoke (and Extend) while `active`; no buttons once finished.
   */
  approvalCard(exception: RiskException, ctx: CardContext): MessagePayload;
  /** The card asking approvers to extend an active exception (Approve / Deny while `pending`). */
  extensionCard(
    exception: RiskException,
    extension: ExtensionRequest,
    outcome: ExtensionOutcome,
    ctx: CardContext,
  ): MessagePayload;
  /** DM to the requester and the owner when an exception is decided, revoked, cancelled or expires (loudly). */
  statusNotice(exception: RiskException, event: ExceptionEvent, ctx: CardContext): MessagePayload;
  /** DM to the requester of an extension once it is approved or denied. */
  extensionNotice(
    exception: RiskException,
    extension: ExtensionRequest,
    outcome: 'approved' | 'denied',
    ctx: CardContext,
  ): MessagePayload;
  /**
   * DM to the owner: it expires in `daysLeft` days. `extendable` (a stored exception) offers an
   * Extend button; a cloudsec.yml one says to edit the file.
   */
  reminder(exception: RiskException, ctx: CardContext & { daysLeft: number; extendable: boolean }): MessagePayload;
  /** Thread reply under the card: what Security Hub did (and what it refused). */
  securityHubReply(exception: RiskException, report: SecurityHubReport): MessagePayload;
}

// ---------------------------------------------------------------- dependencies

export type ExceptionStore = Pick<
  Store,
  | 'appendAudit'
  | 'listAudit'
  | 'createException'
  | 'getException'
  | 'listExceptions'
  | 'transitionException'
  | 'claimExceptionReminder'
  | 'claimNonce'
>;

export interface ExceptionWorkflowDeps {
  store: ExceptionStore;
  /**
   * Uses `exceptions` (maxDays and the cloudsec.yml list), the approvals channels
   * (`remediation.approvalsChannel`, an account's `approvalsChannel`) and the access policy.
   */
  config: Config;
  clock: () => Date;
  /** A finding by id (what an "Accept risk" button carries): the remediation workflow's lookup. */
  findings: FindingLookup;
  latest: LatestFindings;
  /** Names and OU paths of the accounts cloudsec knows (authorization and OU scopes). */
  accounts: AccountDirectory;
  messenger: Messenger;
  /** `blockKitRenderers` (./renderers.ts) in Slack and the console; tests may pass plainer ones. */
  render: ExceptionRenderers;
  /** Null where no write role can reach Security Hub (the demo): covered findings stay as they are. */
  securityHub: SecurityHubWorkflowPort | null;
  /** Config and stored exceptions together; default: makeAcceptedRisks over `config` and `store`. */
  acceptedRisks?: AcceptedRisks;
  /** Nothing is written to Security Hub; what would have been is audited as `dry_run`. */
  dryRun?: boolean;
  log?: AppLogger;
}
