import { sdk } from './sdk';
import { z } from 'zod';
import { errorText } from '../core/error-text';
import type { AccountClients } from './clients';
import { errorDetail, errorName } from './errors';
import { mayHaveHappened, noWriteRoleMessage, PUBLISH_ERRORS, type WriteClients } from './securityhub-publish';

/**
 * Accepted risks in Security Hub: a finding an exception covers is set to workflow status
 * `SUPPRESSED` with a note naming the exception, and back to `NEW` when the exception expires or is
 * revoked. Security Hub keeps the workflow status and the note to its users: `BatchImportFindings`
 * ignores them on a finding that exists, so `BatchUpdateFindings` is the only way, for Security Hub's
 * own findings and for those cloudsec published alike.
 *
 * The findings: for one that came from Security Hub, its ASFF `Id` and `ProductArn` are in the
 * cloudsec finding's evidence (`evidence.securityHubId`, `evidence.productArn`, set by
 * normalizeSecurityHubFinding in src/core/findings.ts); for one cloudsec published, `asffIdentifier`
 * (src/core/outputs/asff.ts) gives them.
 *
 * Sent with the finding account's write role, in the finding's region (a member account may update
 * its own findings), at most 100 findings a call (the API's limit). Each finding comes back
 * `processed`, `unprocessed` (Security Hub's error code), or `unconfirmed` (no readable answer
 * naming it): only `processed` means the status changed. Findings Security Hub could not update
 * because of a concurrent update or an internal failure are sent once more. Nothing throws.
 */

export const SECURITYHUB_WORKFLOW_PERMISSIONS = {
  BatchUpdateFindings: 'securityhub:BatchUpdateFindings',
} as const;

/** The statuses accepted risks set: what the write role's policy allows them (src/aws/iam-policy.ts). */
export const ACCEPTED_RISK_WORKFLOW_STATUSES = ['SUPPRESSED', 'NEW'] as const;
export type AcceptedRiskWorkflowStatus = (typeof ACCEPTED_RISK_WORKFLOW_STATUSES)[number];

export const MAX_FINDINGS_PER_UPDATE = 100;
/** Security Hub's Note.Text and Note.UpdatedBy: 1–512 characters. */
export const MAX_NOTE = 512;

/** Error codes that say "try again" (API reference, BatchUpdateFindingsUnprocessedFinding). */
const TRANSIENT = new Set(['ConcurrentUpdateError', 'InternalFailure']);

export interface WorkflowTarget {
  /** The finding's ASFF `Id`. */
  id: string;
  productArn: string;
  accountId: string;
  region: string;
}

export type WorkflowResult = WorkflowTarget &
  ({ outcome: 'processed' } | { outcome: 'unprocessed' | 'unconfirmed'; code: string; message: string });

export interface WorkflowDeps {
  clientsFor: WriteClients;
  /** Note.UpdatedBy; `cloudsec` by default. */
  updatedBy?: string;
}

export const setWorkflow = async (
  deps: WorkflowDeps,
  findings: readonly WorkflowTarget[],
  status: AcceptedRiskWorkflowStatus,
  note: string,
): Promise<WorkflowResult[]> => {
  const text = note.trim().slice(0, MAX_NOTE);
  const updatedBy = (deps.updatedBy ?? 'cloudsec').trim().slice(0, MAX_NOTE);
  if (text === '' || updatedBy === '') {
    return findings.map((f) => ({
      ...f,
      outcome: 'unprocessed',
      code: 'InvalidInput',
      message: 'the note and who updated it must not be empty; nothing was sent',
    }));
  }
  const results = new Map<string, WorkflowResult>();
  for (const group of groupByAccountAndRegion(findings)) {
    const clients = deps.clientsFor(group.accountId, partitionOf(group.targets[0]!.productArn));
    for (let i = 0; i < group.targets.length; i += MAX_FINDINGS_PER_UPDATE) {
      const batch = group.targets.slice(i, i + MAX_FINDINGS_PER_UPDATE);
      const settled = clients
        ? await updateWithRetry(clients.securityhub(group.region), batch, status, text, updatedBy)
        : batch.map((t): WorkflowResult => ({
            ...t,
            outcome: 'unprocessed',
            code: PUBLISH_ERRORS.noWriteRole,
            message: noWriteRoleMessage(t.accountId),
          }));
      for (const r of settled) results.set(keyOf(r), r);
    }
  }
  // In the caller's order; a finding named twice was sent once and has the same result twice.
  return findings.map((f) => results.get(keyOf(f))!);
};

const keyOf = (t: Pick<WorkflowTarget, 'id' | 'productArn'>) => `${t.productArn}\u0000${t.id}`;
const partitionOf = (arn: string) => /^arn:([^:]+):/.exec(arn)?.[1] ?? 'aws';

const groupByAccountAndRegion = (findings: readonly WorkflowTarget[]) => {
  const groups = new Map<string, { accountId: string; region: string; targets: WorkflowTarget[] }>();
  const seen = new Set<string>();
  for (const f of findings) {
    // Security Hub refuses a request naming a finding twice (DuplicatedFindingIdentifier).
    if (seen.has(keyOf(f))) continue;
    seen.add(keyOf(f));
    const key = `${f.accountId}|${f.region}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { accountId: f.accountId, region: f.region, targets: [] }));
    g.targets.push(f);
  }
  return [...groups.values()];
};

type Client = ReturnType<AccountClients['securityhub']>;

const updateWithRetry = async (
  client: Client,
  batch: readonly WorkflowTarget[],
  status: AcceptedRiskWorkflowStatus,
  text: string,
  updatedBy: string,
): Promise<WorkflowResult[]> => {
  const first = await updateOnce(client, batch, status, text, updatedBy);
  const again = first
    .filter((r) => r.outcome === 'unprocessed' && TRANSIENT.has(r.code))
    .map(({ id, productArn, accountId, region }): WorkflowTarget => ({ id, productArn, accountId, region }));
  if (again.length === 0) return first;
  const second = new Map((await updateOnce(client, again, status, text, updatedBy)).map((r) => [keyOf(r), r] as const));
  return first.map((r) => second.get(keyOf(r)) ?? r);
};

const identifier = z.object({ Id: z.string(), ProductArn: z.string() });
/** BatchUpdateFindings' answer (API reference): both lists are required. */
const UpdateAnswerSchema = z.object({
  ProcessedFindings: z.array(identifier),
  UnprocessedFindings: z.array(
    z.object({ FindingIdentifier: identifier, ErrorCode: z.string().min(1), ErrorMessage: z.string().optional() }),
  ),
});

const updateOnce = async (
  client: Client,
  batch: readonly WorkflowTarget[],
  status: AcceptedRiskWorkflowStatus,
  text: string,
  updatedBy: string,
): Promise<WorkflowResult[]> => {
  let answer: unknown;
  try {
    answer = await client.send(
      new sdk.securityhub.BatchUpdateFindingsCommand({
        FindingIdentifiers: batch.map((t) => ({ Id: t.id, ProductArn: t.productArn })),
        Workflow: { Status: status },
        Note: { Text: text, UpdatedBy: updatedBy },
      }),
    );
  } catch (err) {
    const code = errorText(errorName(err), 80);
    // No answer, or one that could not be read: the update may have happened.
    const unsure = mayHaveHappened(err, code);
    const message = errorDetail(err);
    return batch.map((t) => ({ ...t, outcome: unsure ? 'unconfirmed' : 'unprocessed', code, message }));
  }
  return readUpdateAnswer(answer, batch);
};

/** Each finding's result as the answer gives it; a finding it does not name (once) is unconfirmed. */
export const readUpdateAnswer = (answer: unknown, batch: readonly WorkflowTarget[]): WorkflowResult[] => {
  const parsed = UpdateAnswerSchema.safeParse(answer);
  if (!parsed.success) {
    const fields = [...new Set(parsed.error.issues.map((i) => i.path.join('.') || '(answer)'))].join(', ');
    return batch.map((t) => ({
      ...t,
      outcome: 'unconfirmed',
      code: PUBLISH_ERRORS.unconfirmed,
      message: `Security Hub's answer could not be read (${errorText(fields, 100)})`,
    }));
  }
  const processed = new Map<string, number>();
  for (const p of parsed.data.ProcessedFindings) {
    const key = keyOf({ id: p.Id, productArn: p.ProductArn });
    processed.set(key, (processed.get(key) ?? 0) + 1);
  }
  const unprocessed = new Map<string, { code: string; message: string }[]>();
  for (const u of parsed.data.UnprocessedFindings) {
    const key = keyOf({ id: u.FindingIdentifier.Id, productArn: u.FindingIdentifier.ProductArn });
    unprocessed.set(key, [
      ...(unprocessed.get(key) ?? []),
      { code: errorText(u.ErrorCode, 80), message: errorText(u.ErrorMessage ?? '') },
    ]);
  }
  return batch.map((t): WorkflowResult => {
    const key = keyOf(t);
    const done = processed.get(key) ?? 0;
    const refused = unprocessed.get(key) ?? [];
    if (done === 1 && refused.length === 0) return { ...t, outcome: 'processed' };
    if (done === 0 && refused.length === 1) return { ...t, outcome: 'unprocessed', ...refused[0]! };
    return {
      ...t,
      outcome: 'unconfirmed',
      code: PUBLISH_ERRORS.unconfirmed,
      message:
        done + refused.length === 0
          ? "Security Hub's answer does not name this finding"
          : 'Security Hub named this finding more than once in its answer',
    };
  });
};
