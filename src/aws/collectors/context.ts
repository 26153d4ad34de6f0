import type { AccountClients } from '../clients';

/** Everything a collector needs for one account; built by src/aws/collect.ts. */
export interface CollectContext {
  clients: AccountClients;
  accountId: string;
  partition: string;
  /** Region for global services (IAM, the S3 account settings, ListBuckets). */
  homeRegion: string;
  /** Regions to scan for regional services. */
  regions: readonly string[];
  /** Waits between polls (credential report); injected so tests do not wait. */
  sleep: (ms: number) => Promise<void>;
  /** Bounds fan-out within the account (per-bucket and per-trail calls). */
  fanOut: <T>(fn: () => Promise<T>) => Promise<T>;
}
