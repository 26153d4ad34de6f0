import type { AlertSource } from '../../core/detections/alert';
import type { ChangeActor } from '../../core/detections/actor';

/**
 * The seams of the live lane (CloudTrail → alerts) that the surface and the schedulers use. The
 * ingest pipeline (live-lane.ts) implements LiveLane; the AWS edge implements ResourceHistory.
 */

/** What happened to one record. */
export type IngestOutcome =
  | { kind: 'invalid'; reason: string }
  /** Its eventID was handled before (a redelivery, a replay, another replica). */
  | { kind: 'duplicate' }
  /** No enabled detection matched, or every match was excluded / below its threshold. */
  | { kind: 'no-alert'; notes: string[] }
  /** Alerts stored: each new one posted as a card (or grouped), each repeat counted on its first alert. */
  | { kind: 'alerted'; alerts: Array<{ alertId: string; created: boolean; posted: boolean }> };

export interface LiveLane {
  /** One record from any source (an SQS message's detail, a LookupEvents event, a demo sample): claim → detect → store → post. */
  ingest(record: unknown, source: AlertSource): Promise<IngestOutcome>;
  /** The bundled sample events (`/cloudsec demo-event <name>`), by name. */
  sampleNames(): readonly string[];
  /** The records of one bundled sample, null when there is no such sample. */
  sample(name: string): readonly unknown[] | null;
}

/** One write to a resource, as LookupEvents tells it. */
export interface ResourceChange {
  eventId: string;
  eventName: string;
  eventTime: string;
  eventSource: string;
  actor: ChangeActor;
  /** True for the call that created the resource (a Create, Run or Put call), when it is within the window. */
  created: boolean;
}

export interface ResourceHistoryAnswer {
  changes: ResourceChange[];
  /** False when a page failed or the page limit was reached: the list is then not the whole story. */
  complete: boolean;
  reason?: string;
}

/** `/cloudsec who` and "Who did this?": the changes to a resource in an account's region. */
export interface ResourceHistory {
  history(input: {
    accountId: string;
    region: string;
    resourceName: string;
    days: number;
  }): Promise<ResourceHistoryAnswer>;
}
