import { sdk } from './sdk';
import pLimit from 'p-limit';
import { z } from 'zod';
import type { Config } from '../config';
import { errorText } from '../core/error-text';
import type { AsffFinding } from '../core/outputs/asff';
import type { AccountClients, ClientFactory } from './clients';
import { classifyError, errorDetail, errorName } from './errors';
import { ROLE_SETTINGS, writeAccessFor } from './write-access';

/**
 * `cloudsec publish --security-hub`: imports ASFF findings (src/core/outputs/asff.ts) with
 * `BatchImportFindings`. Importing writes to Security Hub, so it runs with the account's write role
 * (`cloudsec iam-policy --write` grants `securityhub:BatchImportFindings`), never the read role.
 *
 * - Each account imports its own findings (Security Hub accepts a default-product finding only from
 *   the account in its `AwsAccountId`), in the finding's region: findings are grouped by (account,
 *   region) and sent through that account's write-role client for that region.
 * - Batches hold at most 100 findings and 6 MB; a finding over 240 KB is refused here, unsent
 *   (Security Hub's documented limits). Batches of one group go one after the other (Security Hub
 *   allows 10 calls a second per account and region); groups run side by side.
 * - A batch's failed findings (`FailedFindings`) are sent once more; what fails again is reported
 *   with Security Hub's error codes. Nothing throws for a partial failure.
 * - A refused call (AccessDenied, throttling left after the SDK's retries, Security Hub not enabled)
 *   fails its batch with the error's name; the other batches are still sent.
 * - An answer that cannot be read, or that does not add up (counts missing, not matching the batch,
 *   failures naming findings that were not sent), and a call whose answer never came (timeout,
 *   dropped connection), leave the batch "could not confirm": never counted as imported.
 */

export const SECURITYHUB_PUBLISH_PERMISSIONS = {
  BatchImportFindings: 'securityhub:BatchImportFindings',
} as const;

export const MAX_FINDINGS_PER_IMPORT = 100;
export const MAX_IMPORT_BYTES = 6 * 1024 * 1024;
export const MAX_FINDING_BYTES = 240 * 1024;

/** Error codes of cloudsec's own (not Security Hub's). */
export const PUBLISH_ERRORS = {
  noWriteRole: 'NoWriteRole',
  tooLarge: 'FindingTooLarge',
  unconfirmed: 'UnconfirmedAnswer',
} as const;

/** Clients signed with the account's write role; null when none is configured. */
export type WriteClients = (accountId: string, partition: string) => AccountClients | null;

export interface PublishDeps {
  clientsFor: WriteClients;
  /** (account, region) groups sent at once; 4 by default. */
  concurrency?: number;
}

export interface PublishOptions {
  /** Told of each batch once it is settled (progress). */
  onBatch?: (batch: BatchReport) => void;
}

/** A finding that was not imported, or whose import could not be confirmed, and why. */
export interface ImportProblem {
  id: string;
  code: string;
  message: string;
}

export interface BatchReport {
  accountId: string;
  region: string;
  /** 1-based, within its (account, region). */
  batch: number;
  size: number;
  /** Confirmed imported (first attempt and retry together). */
  succeeded: number;
  /** How many failed findings were sent a second time. */
  retried: number;
  /** Not imported: Security Hub's refusal, after the retry, or the call's error. */
  failed: ImportProblem[];
  /** Sent, but whether Security Hub took them is not known. */
  unconfirmed: ImportProblem[];
  /** The first call of the batch failed as a whole (its error name and message). */
  callError: { code: string; message: string } | null;
}

export interface PublishReport {
  sent: number;
  succeeded: number;
  failed: ImportProblem[];
  unconfirmed: ImportProblem[];
  batches: BatchReport[];
}

/**
 * Clients of each account's write role (`accounts[].writeRoleArn` or `organization.writeRoleName`),
 * from the factory: what publishing and Security Hub workflow updates run with.
 */
export const writeRoleClients =
  (config: Config, factory: ClientFactory): WriteClients =>
  (accountId, partition) => {
    const access = writeAccessFor(config, accountId, partition);
    return access ? factory(access) : null;
  };

export const publishToSecurityHub = async (
  deps: PublishDeps,
  findings: readonly AsffFinding[],
  options: PublishOptions = {},
): Promise<PublishReport> => {
  const groups = groupByAccountAndRegion(findings);
  const limit = pLimit(Math.max(1, deps.concurrency ?? 4));
  const perGroup = await Promise.all(
    groups.map((g) =>
      limit(async () => {
        const reports: BatchReport[] = [];
        const clients = deps.clientsFor(g.accountId, g.partition);
        for (const [i, batch] of batchesOf(g.findings).entries()) {
          const report = clients
            ? await sendBatch(clients, g, i + 1, batch)
            : refusedBatch(g, i + 1, batch, PUBLISH_ERRORS.noWriteRole, noWriteRoleMessage(g.accountId));
          options.onBatch?.(report);
          reports.push(report);
        }
        return reports;
      }),
    ),
  );
  const batches = perGroup.flat();
  return {
    sent: findings.length,
    succeeded: batches.reduce((n, b) => n + b.succeeded, 0),
    failed: batches.flatMap((b) => b.failed),
    unconfirmed: batches.flatMap((b) => b.unconfirmed),
    batches,
  };
};

export const noWriteRoleMessage = (accountId: string) =>
  `no write role configured for account ${accountId}: set ${ROLE_SETTINGS.fix} (its policy: \`cloudsec iam-policy --write\`)`;

interface Group {
  accountId: string;
  region: string;
  partition: string;
  findings: AsffFinding[];
}

/** Sorted by account and region, so reports read the same run after run. */
const groupByAccountAndRegion = (findings: readonly AsffFinding[]): Group[] => {
  const groups = new Map<string, Group>();
  for (const f of findings) {
    const key = `${f.AwsAccountId}|${f.Region}`;
    let g = groups.get(key);
    if (!g) {
      const partition = /^arn:([^:]+):/.exec(f.ProductArn)?.[1] ?? 'aws';
      groups.set(key, (g = { accountId: f.AwsAccountId, region: f.Region, partition, findings: [] }));
    }
    g.findings.push(f);
  }
  return [...groups.values()].sort(
    (a, b) => a.accountId.localeCompare(b.accountId) || a.region.localeCompare(b.region),
  );
};

const bytesOf = (f: AsffFinding) => Buffer.byteLength(JSON.stringify(f), 'utf8');
/** `{"Findings":[` … `]}` and the commas between findings. */
const ENVELOPE_BYTES = 64;

/** At most 100 findings and 6 MB each; an oversized finding makes a batch of its own (refused unsent). */
export const batchesOf = (findings: readonly AsffFinding[]): AsffFinding[][] => {
  const batches: AsffFinding[][] = [];
  let current: AsffFinding[] = [];
  let bytes = ENVELOPE_BYTES;
  for (const f of findings) {
    const size = bytesOf(f) + 1;
    if (current.length > 0 && (current.length >= MAX_FINDINGS_PER_IMPORT || bytes + size > MAX_IMPORT_BYTES)) {
      batches.push(current);
      current = [];
      bytes = ENVELOPE_BYTES;
    }
    current.push(f);
    bytes += size;
  }
  if (current.length > 0) batches.push(current);
  return batches;
};

const emptyReport = (g: Group, batch: number, size: number): BatchReport => ({
  accountId: g.accountId,
  region: g.region,
  batch,
  size,
  succeeded: 0,
  retried: 0,
  failed: [],
  unconfirmed: [],
  callError: null,
});

const refusedBatch = (g: Group, n: number, batch: AsffFinding[], code: string, message: string): BatchReport => ({
  ...emptyReport(g, n, batch.length),
  failed: batch.map((f) => ({ id: f.Id, code, message })),
  callError: { code, message },
});

const sendBatch = async (clients: AccountClients, g: Group, n: number, batch: AsffFinding[]): Promise<BatchReport> => {
  const report = emptyReport(g, n, batch.length);
  const tooLarge = batch.filter((f) => bytesOf(f) > MAX_FINDING_BYTES);
  for (const f of tooLarge) {
    report.failed.push({
      id: f.Id,
      code: PUBLISH_ERRORS.tooLarge,
      message: `the finding is over Security Hub's 240 KB limit (${Math.ceil(bytesOf(f) / 1024)} KB); it was not sent`,
    });
  }
  const toSend = batch.filter((f) => !tooLarge.includes(f));
  if (toSend.length === 0) return report;

  const client = clients.securityhub(g.region);
  const first = await importOnce(client, toSend);
  if (first.kind === 'error') {
    report.callError = { code: first.code, message: first.message };
    (first.unsure ? report.unconfirmed : report.failed).push(...problems(toSend, first.code, first.message));
    return report;
  }
  if (first.kind === 'unreadable') {
    report.unconfirmed.push(...problems(toSend, PUBLISH_ERRORS.unconfirmed, first.reason));
    return report;
  }
  report.succeeded += first.succeeded;
  if (first.failed.length === 0) return report;

  // Once more for what failed: a concurrent update or an internal failure usually passes the second time.
  const failedIds = new Set(first.failed.map((p) => p.id));
  const retry = toSend.filter((f) => failedIds.has(f.Id));
  report.retried = retry.length;
  const second = await importOnce(client, retry);
  if (second.kind === 'error') {
    if (second.unsure) {
      report.unconfirmed.push(...problems(retry, second.code, second.message));
      return report;
    }
    // Security Hub's own reason for each finding stays first; the retry's refusal is added to it.
    report.failed.push(
      ...first.failed.map((p) => ({ ...p, message: errorText(`${p.message} (retry refused: ${second.code})`) })),
    );
    return report;
  }
  if (second.kind === 'unreadable') {
    report.unconfirmed.push(...problems(retry, PUBLISH_ERRORS.unconfirmed, second.reason));
    return report;
  }
  report.succeeded += second.succeeded;
  report.failed.push(...second.failed);
  return report;
};

const problems = (findings: readonly AsffFinding[], code: string, message: string): ImportProblem[] =>
  findings.map((f) => ({ id: f.Id, code, message }));

type Attempt =
  | { kind: 'answer'; succeeded: number; failed: ImportProblem[] }
  | { kind: 'unreadable'; reason: string }
  /** `unsure`: the request may have reached Security Hub (no answer, or one that could not be read). */
  | { kind: 'error'; code: string; message: string; unsure: boolean };

const importOnce = async (
  client: ReturnType<AccountClients['securityhub']>,
  findings: readonly AsffFinding[],
): Promise<Attempt> => {
  let answer: unknown;
  try {
    answer = await client.send(new sdk.securityhub.BatchImportFindingsCommand({ Findings: [...findings] }));
  } catch (err) {
    const code = errorName(err);
    return { kind: 'error', code: errorText(code, 80), message: errorDetail(err), unsure: mayHaveHappened(err, code) };
  }
  return readImportAnswer(
    answer,
    findings.map((f) => f.Id),
  );
};

/**
 * An error after which the import may still have happened: no answer came (timeout, reset), the
 * answer could not be read, or AWS answered success and only reading it failed.
 */
export const mayHaveHappened = (err: unknown, code: string): boolean => {
  const kind = classifyError(code);
  if (kind === 'malformed' || kind === 'unreachable') return true;
  const status = (err as { $metadata?: { httpStatusCode?: unknown } } | null)?.$metadata?.httpStatusCode;
  return typeof status === 'number' && status >= 200 && status < 300;
};

const count = z.number().int().nonnegative();
/** BatchImportFindings' answer (API reference): both counts required, FailedFindings listing each failure. */
const ImportAnswerSchema = z.object({
  FailedCount: count,
  SuccessCount: count,
  FailedFindings: z
    .array(z.object({ Id: z.string().min(1), ErrorCode: z.string().min(1), ErrorMessage: z.string().optional() }))
    .optional(),
});

/** What Security Hub's answer says about the batch, or why it says nothing that can be trusted. */
export const readImportAnswer = (answer: unknown, ids: readonly string[]): Attempt => {
  const parsed = ImportAnswerSchema.safeParse(answer);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(answer)'))].join(', ');
    return { kind: 'unreadable', reason: `Security Hub's answer could not be read (${errorText(fields, 100)})` };
  }
  const { FailedCount, SuccessCount, FailedFindings = [] } = parsed.data;
  if (FailedCount + SuccessCount !== ids.length) {
    return {
      kind: 'unreadable',
      reason: `Security Hub counted ${SuccessCount} imported and ${FailedCount} failed of ${ids.length} sent`,
    };
  }
  if (FailedFindings.length !== FailedCount) {
    return {
      kind: 'unreadable',
      reason: `Security Hub counted ${FailedCount} failed but listed ${FailedFindings.length}`,
    };
  }
  const sent = new Set(ids);
  const listed = new Set<string>();
  for (const f of FailedFindings) {
    if (!sent.has(f.Id) || listed.has(f.Id)) {
      return { kind: 'unreadable', reason: 'Security Hub listed a failure for a finding that was not sent once' };
    }
    listed.add(f.Id);
  }
  return {
    kind: 'answer',
    succeeded: SuccessCount,
    failed: FailedFindings.map((f) => ({
      id: f.Id,
      code: errorText(f.ErrorCode, 80),
      message: errorText(f.ErrorMessage ?? ''),
    })),
  };
};
