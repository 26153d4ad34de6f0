import type { CloudTrailRecord } from '../../core/detections/record';

/**
 * What the live lane's AWS edge shares: the logger it writes to (pino's shape, so the real logger
 * fits and tests can record), an injected sleep and clock, and the handler each record goes to.
 */

export interface EventsLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export type Sleep = (ms: number) => Promise<void>;
export type Clock = () => Date;

/**
 * What the ingest pipeline made of a record. Each of these means the record is done with (its
 * alert stored, or it was a repeat, or nothing matched): only then is an SQS message deleted or a
 * LookupEvents checkpoint moved past it. A handler that could not finish throws instead.
 */
export type HandleOutcome = 'stored' | 'duplicate' | 'ignored';

/** Where a record came from, for the handler's logs and the alert's `source`. */
export type RecordMeta =
  | {
      source: 'sqs';
      messageId: string;
      /** ApproximateReceiveCount; null when SQS did not send it. */
      receiveCount: number | null;
      /** How the record was wrapped on the queue. */
      envelope: 'eventbridge' | 'cloudtrail' | 'sns';
    }
  | { source: 'lookup-events'; accountId: string; region: string };

export type RecordHandler = (record: CloudTrailRecord, meta: RecordMeta) => Promise<HandleOutcome>;
