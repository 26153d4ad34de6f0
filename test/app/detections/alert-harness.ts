/**
 * The alert use cases over real parts: a real SQLite store, the demo estate as the snapshot source
 * (account 111111111111 "acme-prod" and 222222222222 "acme-staging"), the real scan service and
 * remediation workflow, a messenger that records every post, update and DM, and an executor that
 * counts what it was asked to run.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../../src/config';
import { CHECKS } from '../../../src/core/checks';
import type { AlertDraft } from '../../../src/core/detections/alert';
import type { ExecutionContext, RemediationExecutor } from '../../../src/core/remediations/execution-port';
import type { ApiCall } from '../../../src/core/remediations/define';
import type { MessagePayload } from '../../../src/core/render/blocks/kit';
import type { MessageRef, Messenger } from '../../../src/app/conversation';
import type { AlertDeps } from '../../../src/app/detections/alert-support';
import type { PeopleDirectory } from '../../../src/app/detections/alert-people';
import { makeScanService } from '../../../src/app/scan-service';
import { recordedSnapshotSource } from '../../../src/app/snapshot-source';
import { makeRemediationWorkflow } from '../../../src/app/remediation';
import { makeFindingRecheck } from '../../../src/app/remediation/finding-recheck';
import { makeFindingLookup } from '../../../src/app/remediation/finding-lookup';
import { makeRemediationNotifier } from '../../../src/app/remediation/notifier';
import { demoSnapshotPath } from '../../../src/paths';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { Store } from '../../../src/store/store';
import { anActor } from '../../core/render/alerts/builders';

export const PROD = '111111111111';
export const STAGING = '222222222222';
export const ALERT_CHANNEL = 'C0ALERTS';
export const APPROVALS = 'C0SECLEADS';

export const PEOPLE = {
  /** Responder on every account. */
  alice: 'U0ALICE001',
  /** Approver on every account. */
  bob: 'U0BOB00001',
  /** Responder on staging only. */
  sam: 'U0SAM00001',
  /** Viewer on every account: reads alerts, may not triage. */
  vic: 'U0VIC00001',
  /** The engineer who made the change (mapped in detections.actors); no cloudsec role. */
  eve: 'U0EVE00001',
  /** Reads findings on every account (custom role `finding-reader`), not alerts. */
  fay: 'U0FAY00001',
  /** No binding of their own: a viewer through the user group RESPONDERS_GROUP. */
  gus: 'U0GUS00001',
} as const;

/** A Slack user group bound to `viewer` on every account. */
export const RESPONDERS_GROUP = 'S0VIEWERS1';

export const CONFIG = (extra: string[] = []) =>
  [
    'accounts:',
    `  - id: "${PROD}"`,
    '    name: acme-prod',
    `    roleArn: arn:aws:iam::${PROD}:role/cloudsec-read`,
    `  - id: "${STAGING}"`,
    '    name: acme-staging',
    `    roleArn: arn:aws:iam::${STAGING}:role/cloudsec-read`,
    'roles:',
    '  finding-reader: [findings:read, check:run]',
    'bindings:',
    '  - role: responder',
    `    users: [${PEOPLE.alice}]`,
    '  - role: approver',
    `    users: [${PEOPLE.bob}]`,
    '  - role: responder',
    `    users: [${PEOPLE.sam}]`,
    '    accounts: [acme-staging]',
    '  - role: viewer',
    `    users: [${PEOPLE.vic}]`,
    '  - role: finding-reader',
    `    users: [${PEOPLE.fay}]`,
    '  - role: viewer',
    `    groups: [${RESPONDERS_GROUP}]`,
    'remediation:',
    '  enabled: true',
    `  approvalsChannel: ${APPROVALS}`,
    'detections:',
    '  actors:',
    `    "arn:aws:iam::${PROD}:user/eve": ${PEOPLE.eve}`,
    ...extra.map((l) => `  ${l}`),
    '',
  ].join('\n');

export interface Recorded {
  posts: Array<{ channel: string; message: MessagePayload; threadTs?: string; ts: string }>;
  updates: Array<{ ref: MessageRef; message: MessagePayload }>;
  dms: Array<{ userId: string; message: MessagePayload }>;
}

export const recordingMessenger = (): { messenger: Messenger; recorded: Recorded } => {
  const recorded: Recorded = { posts: [], updates: [], dms: [] };
  let seq = 0;
  const messenger: Messenger = {
    post: async (channel, message, options = {}) => {
      const ts = `1793534285.${String(++seq).padStart(6, '0')}`;
      recorded.posts.push({ channel, message, ts, ...(options.threadTs ? { threadTs: options.threadTs } : {}) });
      return { channel, ts };
    },
    update: async (ref, message) => {
      recorded.updates.push({ ref, message });
    },
    dm: async (userId, message) => {
      recorded.dms.push({ userId, message });
      return { channel: `D-${userId}`, ts: `${++seq}.000` };
    },
  };
  return { messenger, recorded };
};

/** Everything a message says, blocks included, as one string (for "contains" assertions). */
export const textOf = (m: MessagePayload): string => JSON.stringify(m);

export const countingExecutor = () => {
  const runs: Array<{ calls: readonly ApiCall[]; ctx: ExecutionContext }> = [];
  const executor: RemediationExecutor = {
    execute: async (calls, ctx) => {
      runs.push({ calls, ctx });
      return { ok: true, calls: [] };
    },
  };
  return { executor, runs };
};

export interface AlertHarness {
  deps: AlertDeps;
  store: Store;
  recorded: Recorded;
  runs: ReturnType<typeof countingExecutor>['runs'];
  clock: { now: () => Date; advance: (ms: number) => void };
  cleanup(): Promise<void>;
}

export const startAlertHarness = (
  options: {
    extra?: string[];
    remediation?: boolean;
    people?: PeopleDirectory | null;
    /** Slack user-group membership over the harness's store (the real resolver, in tests that need groups). */
    groups?: (store: Store) => AlertDeps['groups'];
  } = {},
): AlertHarness => {
  const config = parseConfig(CONFIG(options.extra), 'cloudsec.yml');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-alert-actions-'));
  let now = new Date('2026-11-01T12:05:00.000Z').getTime();
  const clock = { now: () => new Date(now), advance: (ms: number) => void (now += ms) };
  const store = openSqliteStore({ path: path.join(dir, 'cloudsec.db'), clock: clock.now });
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const scans = makeScanService({
    source: recordedSnapshotSource(demoSnapshotPath()),
    checks: CHECKS,
    store,
    clock: clock.now,
    ttlMs: 60_000,
  });
  const knownAccounts = async () => (config.accounts ?? []).map((a) => ({ id: a.id, name: a.name ?? a.id }));
  const { messenger, recorded } = recordingMessenger();
  const { executor, runs } = countingExecutor();
  const remediation =
    options.remediation === false
      ? null
      : makeRemediationWorkflow({
          store,
          config,
          clock: clock.now,
          executor,
          recheck: makeFindingRecheck(scans),
          findings: makeFindingLookup(scans, store),
          accounts: { knownAccounts },
          notifier: makeRemediationNotifier({
            messenger,
            config,
            clock: clock.now,
            dryRun: false,
            log,
            rememberRequesterMessage: (id, ref) => store.rememberRequesterMessage(id, ref),
          }),
          dryRun: false,
          log,
          sleep: async () => undefined,
        });
  const deps: AlertDeps = {
    store,
    config,
    clock: clock.now,
    log,
    messenger,
    knownAccounts,
    scans,
    remediation,
    features: { remediation: remediation !== null, acceptRisk: true, whoDidThis: false },
    people: options.people ?? null,
    groups: options.groups?.(store) ?? null,
  };
  return {
    deps,
    store,
    recorded,
    runs,
    clock,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

/** The demo's public bucket in acme-prod (fails s3_bucket_public_access_blocked). */
export const PUBLIC_BUCKET = 'legacy-public';

let n = 0;
/** An alert draft as the engine makes it: a bucket made public in `accountId`, Undo offered. */
export const aDraft = (over: Partial<AlertDraft> = {}): AlertDraft => {
  const bucket = over.resource?.id ?? PUBLIC_BUCKET;
  const accountId = over.accountId ?? PROD;
  return {
    detectionId: 's3_bucket_made_public',
    title: 'S3 bucket made public',
    severity: 'critical',
    dedupKey: `s3_bucket_made_public|${accountId}|${bucket}|${++n}`,
    accountId,
    region: 'us-east-1',
    eventId: `evt-${n}-${Math.random().toString(16).slice(2)}`,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutPublicAccessBlock',
    eventTime: '2026-11-01T11:58:02Z',
    summary: `turned off Block Public Access on bucket \`${bucket}\``,
    details: [],
    rationale: 'Anyone on the internet may read it.',
    resource: { type: 'AwsS3Bucket', id: bucket, arn: `arn:aws:s3:::${bucket}`, region: 'us-east-1' },
    actor: anActor({
      kind: 'iam-user',
      arn: `arn:aws:iam::${accountId}:user/eve`,
      roleArn: null,
      sessionName: null,
      personName: null,
      label: 'eve',
    }),
    undo: {
      remediationId: 's3_block_public_access',
      checkId: 's3_bucket_public_access_blocked',
      resource: { type: 'AwsS3Bucket', id: bucket, arn: `arn:aws:s3:::${bucket}`, region: 'us-east-1' },
      description: `Turn on Block Public Access on bucket ${bucket}`,
    },
    staged: false,
    source: 'sqs',
    thresholdCount: null,
    ...over,
  };
};

/** Stores an alert and records its card as posted to the alert channel. */
export const storeAlert = async (h: AlertHarness, over: Partial<AlertDraft> = {}) => {
  const { alert } = await h.store.recordAlert(aDraft(over), '2026-11-01T00:00:00.000Z');
  return (await h.store.setAlertMessage(alert.id, ALERT_CHANNEL, `1793534000.${alert.id.slice(-6)}`))!;
};
