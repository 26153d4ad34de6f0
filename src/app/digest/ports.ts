import type { Config } from '../../config';
import type { DigestConfig } from '../../digest-config';
import type { TrendPoint } from '../../core/digest/model';
import type { Severity } from '../../core/model';
import type { AccountRef } from '../../core/access/permissions';
import type { MessageRef } from '../../core/remediations/request';
import type { Store } from '../../store/store';
import type { MessagePayload } from '../../core/render/blocks';
import type { AppLogger } from '../deps';
import type { AcceptedRisks } from '../accepted-risks';
import type { SnapshotSource } from '../snapshot-source';

/**
 * The edges a digest run talks through: AWS (a snapshot source for cloudsec's checks and, when
 * live, an incremental Security Hub feed), Slack (a poster that retries and honours rate limits),
 * a PNG renderer, and the store. The use case decides; these only reach out.
 */

export interface SecurityHubFeedPort {
  read(request: {
    accountIds?: readonly string[];
    severities: readonly Severity[];
    mode: { kind: 'changes'; since: Date; until: Date } | { kind: 'baseline' };
  }): Promise<{
    items: import('../../core/digest/model').ObservedItem[];
    failures: string[];
    failedAccounts: string[];
    calls: number;
  }>;
}

/** A file for the digest's thread: in memory (the chart) or on disk (the full list, written page by page). */
export type DigestFile = { filename: string; title: string } & ({ content: Buffer } | { path: string });

/** Posting failed for good (after the poster's own retries); `message` is for people. */
export class DigestPostError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = 'DigestPostError';
  }
}

export interface DigestPoster {
  /** Posts the digest; retries with backoff and Retry-After on its own; throws DigestPostError at last. */
  post(channel: string, message: MessagePayload): Promise<MessageRef>;
  /** Uploads a file into the message's thread (files.uploadV2); same retry rules. */
  attach(ref: MessageRef, file: DigestFile): Promise<void>;
}

export interface DigestDeps {
  config: Config;
  store: Store;
  clock: () => Date;
  log: AppLogger;
  /** Where cloudsec's own checks read from (live AWS, a recorded snapshot, the demo estate). */
  source: SnapshotSource;
  /** Live Security Hub, incrementally; null where there is none (demo, recorded snapshots): then the snapshot's findings are used. */
  securityHub: SecurityHubFeedPort | null;
  poster: DigestPoster;
  chart: (points: readonly TrendPoint[], options: { title: string; timezone: string }) => Buffer;
  knownAccounts: () => Promise<AccountRef[]>;
  remediationEnabled: boolean;
  /** host:pid, so only the claimant completes a run. */
  owner: string;
  /** A run still `running` this long after its claim is presumed dead (a crashed replica) and may be taken over. */
  reclaimAfterMs?: number;
  /** Security Hub is read in full again when the last full read is older than this (edits made in the console do not move UpdatedAt). */
  securityHubResyncMs?: number;
  /**
   * The live lane runs (a CloudTrail source is configured, or the demo's samples): the digest's
   * alerts line is shown even when there was no alert. Off or absent: shown only when there are some.
   */
  liveLaneOn?: boolean;
  /** Where accepted risks come from; default: `config.exceptions` and the store above (src/app/accepted-risks.ts). */
  acceptedRisks?: Pick<AcceptedRisks, 'read'>;
}

export type DigestMode = 'scheduled' | 'catch-up' | 'now' | 'preview';

export interface DigestJob {
  digest: DigestConfig;
  scheduledFor: Date;
  mode: DigestMode;
}
