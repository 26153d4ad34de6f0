/**
 * The bot's CloudTrail edges as main.ts wires them (src/schedule/live-sources.ts): the SQS receive
 * loops feed the live lane through the real SDK client (nock answers in SQS's JSON 1.0 wire format),
 * and the lane's duties are all there; without a region nothing reaches AWS, and the log says why.
 */
import { DetectionsConfigSchema } from '../../src/core/detections/settings';
import type { LiveLaneService } from '../../src/app/detections/live-lane';
import type { AlertDeps } from '../../src/app/detections/alert-support';
import type { Store } from '../../src/store/store';
import { cloudTrailEdges, liveSources } from '../../src/schedule/live-sources';
import {
  QUEUE_URL,
  REGION,
  aRecord,
  eventBridgeEvent,
  receiveAnswer,
  sqsCall,
  sqsMessage,
  batchAnswer,
} from '../aws/events/wire';

const NOW = new Date('2026-11-02T10:00:00Z');

const laneRecording = () => {
  const ingested: string[] = [];
  const lane = {
    ingest: async (record: unknown) => {
      ingested.push((record as { eventID: string }).eventID);
      return { kind: 'alerted' as const, alerts: [{ alertId: 'al_1', created: true, posted: true }] };
    },
    flush: async () => undefined,
    sampleNames: () => [],
    sample: () => null,
  } as unknown as LiveLaneService;
  return { lane, ingested };
};

const depsWith = (detections: unknown) =>
  ({
    config: { detections: DetectionsConfigSchema.parse(detections), accounts: [] },
    knownAccounts: async () => [],
  }) as unknown as AlertDeps;

const quietLog = () => {
  const warnings: string[] = [];
  return {
    log: { info: () => undefined, warn: (_: object, m?: string) => warnings.push(m ?? ''), error: () => undefined },
    warnings,
  };
};

describe('liveSources', () => {
  it('when a queue is configured with two receive loops, then both read it, the redrive policy is checked once, and a handled message is deleted', async () => {
    const { lane, ingested } = laneRecording();
    const { log } = quietLog();
    const record = aRecord({ eventID: 'ev-live-1' });
    const body = JSON.stringify(eventBridgeEvent(record));
    const attributes = sqsCall('GetQueueAttributes').reply(200, {
      Attributes: {
        RedrivePolicy: JSON.stringify({
          deadLetterTargetArn: 'arn:aws:sqs:eu-west-1:111111111111:dlq',
          maxReceiveCount: 5,
        }),
      },
    });
    const receives = [1, 2].map(() => sqsCall('ReceiveMessage').reply(...receiveAnswer([sqsMessage(body, 'm-1')])));
    const deletes = [1, 2].map(() => sqsCall('DeleteMessageBatch').reply(...batchAnswer([{ Id: 'm0' }])));
    const done = () => [...receives, ...deletes].every((scope) => scope.isDone());
    // Later receives find no answer here: each loop logs it and backs off until stopped.

    const live = liveSources({
      lane,
      deps: depsWith({ sources: { sqs: { queueUrl: QUEUE_URL, receiveLoops: 2, waitSeconds: 0 } } }),
      store: {} as Store,
      edges: cloudTrailEdges(REGION, () => NOW),
      log,
      clock: () => NOW,
    });
    expect(live.consumer).not.toBeNull();
    live.consumer!.start();
    for (let i = 0; i < 100 && !done(); i += 1) await new Promise((r) => setTimeout(r, 20));
    await live.consumer!.stop();

    expect(attributes.isDone()).toBe(true);
    expect(done()).toBe(true);
    expect(ingested).toEqual(['ev-live-1', 'ev-live-1']);
    expect(live.duties.map((d) => d.name).sort()).toEqual([
      'alert-question-escalation',
      'handled-events-prune',
      'live-lane-flush',
    ]);
  });

  it('when LookupEvents is configured, then its poll is a duty beside the lane’s own', () => {
    const { lane } = laneRecording();
    const live = liveSources({
      lane,
      deps: depsWith({ sources: { lookupEvents: { regions: ['eu-west-1'] } } }),
      store: {} as Store,
      edges: cloudTrailEdges(REGION, () => NOW),
      log: quietLog().log,
      clock: () => NOW,
    });
    expect(live.consumer).toBeNull();
    expect(live.duties.map((d) => d.name)).toContain('lookup-events-poll');
  });

  it('when no AWS region is known, then no source runs and the log says why', () => {
    const { lane } = laneRecording();
    const { log, warnings } = quietLog();
    const live = liveSources({
      lane,
      deps: depsWith({ sources: { sqs: { queueUrl: QUEUE_URL } } }),
      store: {} as Store,
      edges: cloudTrailEdges(undefined, () => NOW),
      log,
      clock: () => NOW,
    });
    expect(live.consumer).toBeNull();
    expect(live.duties.map((d) => d.name)).not.toContain('lookup-events-poll');
    expect(warnings.join(' ')).toMatch(/no AWS region/);
  });

  it('when the live lane is off, then there is nothing to run', () => {
    const live = liveSources({
      lane: null,
      deps: depsWith({}),
      store: {} as Store,
      edges: cloudTrailEdges(REGION, () => NOW),
      log: quietLog().log,
      clock: () => NOW,
    });
    expect(live).toEqual({ duties: [], consumer: null });
  });
});
