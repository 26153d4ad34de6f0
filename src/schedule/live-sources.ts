import type { AppLogger } from '../app/deps';
import type { AlertDeps } from '../app/detections/alert-support';
import { recordHandlerOf, type LiveLaneService } from '../app/detections/live-lane';
import type { ResourceHistory } from '../app/detections/ports';
import type { Config } from '../config';
import type { Store } from '../store/store';
import { makeClientFactory, type AccountAccess, type ClientFactory } from '../aws/clients';
import { cloudTrailClientsFor, sqsClientForQueue } from '../aws/events/clients';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { makeSqsConsumer, type SqsConsumer, type SqsConsumerDeps } from '../aws/events/sqs-consumer';
import type { DetectionsConfig } from '../core/detections/settings';
import { makeLookupEventsPoller } from '../aws/events/lookup-events-poller';
import { makeLookupEventsLimiter, type RateLimiter } from '../aws/events/rate-limit';
import { lookupResourceHistory } from '../aws/events/resource-history';
import {
  alertQuestionEscalation,
  handledEventsPrune,
  liveLaneFlush,
  lookupEventsPoll,
  type PeriodicDuty,
} from './periodic-duties';

/**
 * The bot's CloudTrail edges, wired: the SQS consumer and the LookupEvents poller feeding the live
 * lane, and the event history behind `/cloudsec who`. One LookupEvents limiter is shared by the
 * poller and `who`, because AWS's 2 requests per second per account and region is one budget.
 */

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The CloudTrail clients and the shared LookupEvents budget; null without a home region (no AWS here). */
export interface CloudTrailEdges {
  clients: ClientFactory;
  limiter: RateLimiter;
  homeRegion: string;
}

export const cloudTrailEdges = (homeRegion: string | undefined, clock: () => Date): CloudTrailEdges | null =>
  homeRegion
    ? {
        clients: makeClientFactory({ homeRegion, sessionName: 'cloudsec-events' }),
        limiter: makeLookupEventsLimiter({ clock, sleep }),
        homeRegion,
      }
    : null;

/** The read role of an account (LookupEvents), as scans reach it; the bot's own credentials otherwise. */
export const readAccessFor = (config: Config, accountId: string): AccountAccess => {
  const listed = config.accounts?.find((a) => a.id === accountId);
  const roleArn =
    listed?.roleArn ?? (config.organization ? `arn:aws:iam::${accountId}:role/${config.organization.roleName}` : null);
  const externalId = listed?.roleArn ? listed.externalId : config.organization?.externalId;
  return roleArn ? { accountId, roleArn, ...(externalId ? { externalId } : {}) } : { accountId };
};

/**
 * The live lane's sources (detections.sources) for the bot: the SQS consumer (the caller starts
 * and stops it) and, as periodic duties, the LookupEvents poll, the lane's flush and the pruning of
 * handled event ids. Every replica reads the queue (SQS hands a message to one) and polls (the
 * store's claim on each eventID makes a record alert once, whoever reads it). Nothing when the lane is off.
 */
export const liveSources = (input: {
  lane: LiveLaneService | null;
  deps: AlertDeps;
  store: Store;
  edges: CloudTrailEdges | null;
  log: AppLogger;
  clock: () => Date;
}): { duties: PeriodicDuty[]; consumer: Pick<SqsConsumer, 'start' | 'stop'> | null } => {
  const { lane, deps, store, edges, log, clock } = input;
  if (!lane) return { duties: [], consumer: null };
  const { sources, retentionDays } = deps.config.detections;
  const duties = [
    liveLaneFlush(lane),
    handledEventsPrune(store, retentionDays, clock, log),
    alertQuestionEscalation(deps, log),
  ];
  if (!edges) {
    if (sources.sqs || sources.lookupEvents)
      log.warn({}, 'no AWS region is configured: the CloudTrail sources (detections.sources) do not run');
    return { duties, consumer: null };
  }
  const common = { handle: recordHandlerOf(lane, log), log, sleep };
  const sqs = sources.sqs;
  const consumer = sqs
    ? receiveLoops(sqs, sqsClientForQueue(edges.clients, { accountId: 'home' }, sqs.queueUrl, edges.homeRegion), common)
    : null;
  const lookup = sources.lookupEvents;
  if (lookup) {
    const poller = makeLookupEventsPoller({
      ...common,
      clientFor: cloudTrailClientsFor(edges.clients, (id) => readAccessFor(deps.config, id)),
      store,
      clock,
      limiter: edges.limiter,
      initialLookbackMinutes: lookup.initialLookbackMinutes,
      settleMinutes: lookup.settleMinutes,
    });
    duties.push(
      lookupEventsPoll({
        poller,
        accounts: async () => (await deps.knownAccounts()).map((a) => a.id),
        regions: lookup.regions,
        everyMs: lookup.intervalSeconds * 1000,
        log,
      }),
    );
  }
  return { duties, consumer };
};

/**
 * `receiveLoops` consumers of one queue, started and stopped together. SQS hands each message to one
 * receive; only the first loop checks the queue's redrive policy at start.
 */
const receiveLoops = (
  settings: NonNullable<DetectionsConfig['sources']['sqs']>,
  client: SQSClient,
  common: Pick<SqsConsumerDeps, 'handle' | 'log' | 'sleep'>,
): Pick<SqsConsumer, 'start' | 'stop'> => {
  const { receiveLoops: count, ...queue } = settings;
  const loops = Array.from({ length: count }, (_, i) =>
    makeSqsConsumer({ ...common, ...queue, client, checkQueueOnStart: i === 0 }),
  );
  return {
    start: () => loops.forEach((l) => l.start()),
    stop: async () => {
      await Promise.all(loops.map((l) => l.stop()));
    },
  };
};

/** `/cloudsec who` and "Who did this?": LookupEvents by resource name in an account's region, through its read role. */
export const cloudTrailResourceHistory = (
  edges: CloudTrailEdges,
  config: Config,
  clock: () => Date,
): ResourceHistory => {
  const clientFor = cloudTrailClientsFor(edges.clients, (id) => readAccessFor(config, id));
  return {
    history: async ({ accountId, region, resourceName, days }) => {
      const read = await lookupResourceHistory({
        client: clientFor(accountId, region),
        accountId,
        region,
        resourceName,
        days,
        clock,
        limiter: edges.limiter,
      });
      return { changes: read.changes, complete: read.complete, ...(read.reason ? { reason: read.reason } : {}) };
    },
  };
};
