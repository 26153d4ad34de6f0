import { DigestItemSchema, zeroCounts, type DigestItem } from '../core/digest/model';
import { SEVERITIES, severityRank, type Severity } from '../core/model';
import { DigestRunSchema, type DigestItemCounts, type DigestRun } from './schemas';
import { fromJsonText, parseStored } from './stored-values';

/**
 * The rows of `digest_runs` and `digest_items` (migrations 1 and 2) and how runs, items and their
 * counts are made from them, the same for SQLite and PostgreSQL (both keep JSON and times as text).
 */

export interface DigestRunRow {
  digest_name: string;
  scheduled_for: string;
  status: string;
  owner: string;
  claimed_at: string;
  attempt: number;
  completed_at: string | null;
  scan_id: string | null;
  details: string;
}

export const digestRunOf = (row: DigestRunRow): DigestRun => {
  const what = `digest run ${row.digest_name} @ ${row.scheduled_for}`;
  return parseStored(
    DigestRunSchema,
    {
      digestName: row.digest_name,
      scheduledFor: row.scheduled_for,
      status: row.status,
      owner: row.owner,
      claimedAt: row.claimed_at,
      attempt: row.attempt,
      completedAt: row.completed_at,
      scanId: row.scan_id,
      details: fromJsonText(row.details, what),
    },
    what,
  );
};

/** The status a completion may finish a run with (never `running` again); anything else is refused. */
export const finishedStatus = (status: unknown): DigestRun['status'] =>
  DigestRunSchema.shape.status.exclude(['running']).parse(status);

export interface DigestItemRow {
  digest_name: string;
  finding_id: string;
  source: string;
  check_id: string;
  service: string;
  severity: string;
  severity_rank: number;
  account_id: string;
  region: string;
  resource_type: string;
  resource_id: string;
  resource_arn: string | null;
  title: string;
  message: string;
  remediation_id: string | null;
  state: string;
  first_seen_at: string;
  last_seen_at: string;
}

/** Every column of `digest_items`, in the order an INSERT names them. */
export const DIGEST_ITEM_COLUMNS = [
  'digest_name',
  'finding_id',
  'source',
  'check_id',
  'service',
  'severity',
  'severity_rank',
  'account_id',
  'region',
  'resource_type',
  'resource_id',
  'resource_arn',
  'title',
  'message',
  'remediation_id',
  'state',
  'first_seen_at',
  'last_seen_at',
] as const satisfies ReadonlyArray<keyof DigestItemRow>;

// A column added to DigestItemRow but not to the list above would silently never be written: refuse to compile.
type UnlistedColumn = Exclude<keyof DigestItemRow, (typeof DIGEST_ITEM_COLUMNS)[number]>;
const everyColumnListed: [UnlistedColumn] extends [never] ? true : UnlistedColumn = true;
void everyColumnListed;

/** `ON CONFLICT (digest_name, finding_id) DO UPDATE SET …`: a stored item takes every value of the new one. */
export const DIGEST_ITEM_UPSERT_SET = DIGEST_ITEM_COLUMNS.filter((c) => c !== 'digest_name' && c !== 'finding_id')
  .map((c) => `${c} = excluded.${c}`)
  .join(', ');

/** The row an item of `digestName` is stored as; the item is validated first (a bad one throws). */
export const digestItemRow = (digestName: string, input: DigestItem): DigestItemRow => {
  const item = DigestItemSchema.parse(input);
  return {
    digest_name: digestName,
    finding_id: item.findingId,
    source: item.source,
    check_id: item.checkId,
    service: item.service,
    severity: item.severity,
    severity_rank: severityRank(item.severity),
    account_id: item.accountId,
    region: item.region,
    resource_type: item.resourceType,
    resource_id: item.resourceId,
    resource_arn: item.resourceArn,
    title: item.title,
    message: item.message,
    remediation_id: item.remediationId,
    state: item.state,
    first_seen_at: item.firstSeenAt,
    last_seen_at: item.lastSeenAt,
  };
};

export const digestItemOf = (row: DigestItemRow): DigestItem =>
  parseStored(
    DigestItemSchema,
    {
      findingId: row.finding_id,
      source: row.source,
      checkId: row.check_id,
      service: row.service,
      severity: row.severity,
      accountId: row.account_id,
      region: row.region,
      resourceType: row.resource_type,
      resourceId: row.resource_id,
      resourceArn: row.resource_arn,
      title: row.title,
      message: row.message,
      remediationId: row.remediation_id,
      state: row.state,
      firstSeenAt: row.first_seen_at,
      lastSeenAt: row.last_seen_at,
    },
    `digest item ${row.digest_name}/${row.finding_id}`,
  );

/** One group of `SELECT account_id, severity, state, COUNT(*) AS n … GROUP BY account_id, severity, state`. */
export interface DigestCountRow {
  account_id: string;
  severity: string;
  state: string;
  n: number;
}

/** The digest's counts from its grouped rows: open items by severity (overall and per account), suppressed apart. */
export const digestItemCountsOf = (rows: Iterable<DigestCountRow>): DigestItemCounts => {
  const total: DigestItemCounts = { open: zeroCounts(), suppressed: 0, byAccount: [] };
  const accounts = new Map<string, DigestItemCounts['byAccount'][number]>();
  for (const row of rows) {
    const account =
      accounts.get(row.account_id) ??
      accounts
        .set(row.account_id, { accountId: row.account_id, open: zeroCounts(), suppressed: 0 })
        .get(row.account_id)!;
    if (row.state === 'suppressed') {
      total.suppressed += row.n;
      account.suppressed += row.n;
    } else if ((SEVERITIES as readonly string[]).includes(row.severity)) {
      total.open[row.severity as Severity] += row.n;
      account.open[row.severity as Severity] += row.n;
    }
  }
  total.byAccount = [...accounts.values()].sort((a, b) => a.accountId.localeCompare(b.accountId));
  return total;
};
