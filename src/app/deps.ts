import type { Config } from '../config';
import type { AccountRef } from '../core/access/permissions';
import type { Store } from '../store/store';
import type { ScanService } from './scan-service';
import type { Messenger } from './conversation';
import type { RemediationWorkflow } from './remediation';
import type { DigestService } from './digest';
import type { ExceptionWorkflow } from './exceptions';
import type { LiveLane, ResourceHistory } from './detections/ports';
import type { PeopleDirectory } from './detections/alert-people';

/** What the use cases log through (pino's shape, so the real logger fits and tests can record). */
export interface AppLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface AppMetrics {
  commandCompleted(command: string, outcome: 'ok' | 'denied' | 'error' | 'invalid'): void;
}

export interface GroupLookup {
  resolve(
    userId: string,
    candidateGroupIds: readonly string[],
  ): Promise<{ groups: string[]; warnings: { message: string }[] }>;
  onSubteamEvent(event: unknown): Promise<void>;
}

/** Everything the commands and handlers need, built once in src/main.ts. */
export interface AppDeps {
  config: Config;
  scans: ScanService;
  store: Store;
  groups: GroupLookup;
  clock: () => Date;
  log: AppLogger;
  metrics: AppMetrics;
  /**
   * `acceptRisk`: "Accept risk…" is offered on failing findings, because there is an approvals
   * channel for its cards (remediation.approvalsChannel or an account's own).
   *
   * `whoDidThis`: "Who did this?" is offered on failing findings, because CloudTrail's event history
   * can be asked (resourceHistory is set).
   */
  features: { remediation: boolean; acceptRisk: boolean; whoDidThis: boolean };
  /** The approval workflow; null while remediation is off. */
  remediation: RemediationWorkflow | null;
  /** Channel posts and DMs outside one interaction (approval cards). */
  messenger: Messenger;
  /** Accounts cloudsec knows of (configured, or seen in the latest scan), for names, scopes and whoami. */
  knownAccounts(): Promise<AccountRef[]>;
  /** Scheduled digests (`/cloudsec digest`); null where nothing can post them. */
  digests: DigestService | null;
  /**
   * Accepted risks (exceptions): Accept risk…, their approval cards, `/cloudsec exceptions` and the
   * expiry sweep. Always there: cloudsec.yml's accepted risks apply whatever Slack can do, and a
   * request without an approvals channel is refused by the use case with the reason.
   */
  exceptions: ExceptionWorkflow;
  /**
   * The live lane (CloudTrail detections → alert cards): null while no source is configured and the
   * demo is off. `/cloudsec alerts` works either way (it lists stored alerts).
   */
  liveLane: LiveLane | null;
  /** Who changed a resource (LookupEvents); null where AWS cannot be asked (no credentials, tests). */
  resourceHistory: ResourceHistory | null;
  /** users.lookupByEmail for "Ask the actor" (detections.lookupByEmail); null: the config's mapping only. */
  people?: PeopleDirectory | null;
}
