import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DETECTIONS } from '../../../src/core/detections';
import { makeDetectionEngine } from '../../../src/core/detections/engine';
import type { DetectionsConfig } from '../../../src/core/detections/settings';
import type { MessagePayload } from '../../../src/core/render/blocks/kit';
import type { MessageRef, Messenger } from '../../../src/app/conversation';
import { openSqliteStore } from '../../../src/store/sqlite';
import type { Store } from '../../../src/store/store';

/** A real SQLite store in a temp folder; `cleanup` closes it and removes the folder. */
export const tempStore = (clock: () => Date): { store: Store; cleanup: () => Promise<void> } => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cloudsec-live-lane-'));
  const store = openSqliteStore({ path: path.join(dir, 'cloudsec.db'), clock });
  return {
    store,
    cleanup: async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
};

export interface Post {
  channel: string;
  message: MessagePayload;
  threadTs?: string;
  ts: string;
}

/** Records every post and update; `failPosts` makes chat.postMessage throw (Slack down). */
export const recordingMessenger = (options: { latencyMs?: number } = {}) => {
  const posts: Post[] = [];
  const updates: Array<{ ref: MessageRef; message: MessagePayload }> = [];
  let seq = 0;
  const state = { failPosts: false };
  const wait = () =>
    options.latencyMs ? new Promise<void>((resolve) => setTimeout(resolve, options.latencyMs)) : Promise.resolve();
  const messenger: Messenger = {
    post: async (channel, message, opts = {}) => {
      await wait();
      if (state.failPosts) throw new Error('slack is down');
      const ts = `1793534285.${String(++seq).padStart(6, '0')}`;
      posts.push({ channel, message, ts, ...(opts.threadTs ? { threadTs: opts.threadTs } : {}) });
      return { channel, ts };
    },
    update: async (ref, message) => {
      await wait();
      updates.push({ ref, message });
    },
    dm: async () => null,
  };
  return { messenger, posts, updates, state };
};

export const silentLog = () => {
  const lines: Array<{ level: string; msg: string | undefined; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, msg, obj });
  return { log: { info: at('info'), warn: at('warn'), error: at('error') }, lines };
};

/** The real detection engine over every bundled detection, with the given settings. */
export const realEngine = (settings: DetectionsConfig) => makeDetectionEngine({ detections: DETECTIONS, settings });

/**
 * An EBS snapshot shared with every AWS account (ModifySnapshotAttribute, createVolumePermission
 * add group `all`), as CloudTrail records it: only snapshot_shared_publicly reads it, so one record
 * makes one alert, keyed on the snapshot.
 */
export const snapshotSharedRecord = (over: {
  eventID: string;
  snapshot: string;
  accountId?: string;
  user?: string;
  at?: Date;
}) => {
  const accountId = over.accountId ?? '111111111111';
  const user = over.user ?? 'alice';
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'IAMUser',
      principalId: 'AIDAEXAMPLE',
      arn: `arn:aws:iam::${accountId}:user/${user}`,
      accountId,
      accessKeyId: 'AKIAEXAMPLE',
      userName: user,
    },
    eventTime: (over.at ?? new Date('2026-11-01T12:00:00Z')).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventSource: 'ec2.amazonaws.com',
    eventName: 'ModifySnapshotAttribute',
    awsRegion: 'eu-west-1',
    sourceIPAddress: '203.0.113.24',
    userAgent: 'aws-cli/2.15.30',
    requestParameters: {
      snapshotId: over.snapshot,
      createVolumePermission: { add: { items: [{ group: 'all' }] } },
      attributeType: 'CREATE_VOLUME_PERMISSION',
    },
    responseElements: { _return: true },
    eventID: over.eventID,
    readOnly: false,
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: accountId,
  };
};
