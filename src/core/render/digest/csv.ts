import type { DigestItem } from '../../digest/model';
import { daysBetween, itemConsoleUrl, type DigestSection } from './format';
import { defuse, quote } from '../blocks/export';
import { problemTitle } from '../headline';

/**
 * The full list attached to a digest whose message had to be cut. One header and one row per
 * finding, each ending in CRLF, so the caller can stream rows from the store without holding them.
 */

const COLUMNS = [
  'section',
  'severity',
  'title',
  'account_id',
  'account_name',
  'region',
  'resource_type',
  'resource_id',
  'first_seen',
  'age_days',
  'finding_id',
  'console_url',
  // Added after the first release: appended, so that readers that count columns keep working.
  'check_id',
  'service',
  'message',
  'last_seen',
] as const;

const line = (cells: readonly string[]): string => cells.map((c) => quote(defuse(c))).join(',') + '\r\n';

export const digestCsvHeader = (): string => line(COLUMNS);

export interface DigestCsvRowOptions {
  /** The list the item is in; without it the column holds the item's stored state (`open`/`suppressed`). */
  section?: DigestSection;
  /** The digest's time, for `age_days`; without it, the last run that saw the item. */
  asOf?: string;
}

export const digestCsvRow = (
  item: DigestItem,
  accountName: string,
  partition: string,
  options: DigestCsvRowOptions = {},
): string => {
  const age = daysBetween(item.firstSeenAt, options.asOf ?? item.lastSeenAt);
  const row: Record<(typeof COLUMNS)[number], string> = {
    section: options.section ?? item.state,
    severity: item.severity,
    // What is wrong, as in the message (items stored before checks had a failTitle included).
    title: problemTitle(item),
    account_id: item.accountId,
    account_name: accountName,
    region: item.region,
    resource_type: item.resourceType,
    resource_id: item.resourceId,
    first_seen: item.firstSeenAt,
    age_days: age === null ? '' : String(age),
    finding_id: item.findingId,
    console_url: itemConsoleUrl(item, partition) ?? '',
    check_id: item.checkId,
    service: item.service,
    message: item.message,
    last_seen: item.lastSeenAt,
  };
  return line(COLUMNS.map((c) => row[c]));
};
