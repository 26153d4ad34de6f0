import { z } from 'zod';
import { redactSecrets, redactText, type AuditInput, type JsonObject } from '../core/audit';
import { getRemediation } from '../core/remediations';
import { ApiCallSchema, bindLookups, selectLookupValue, type ApiCall } from '../core/remediations/define';
import type {
  ExecutedCall,
  ExecutionContext,
  ExecutionError,
  ExecutionReport,
  RemediationExecutor,
} from '../core/remediations/execution-port';
import type { AccountClients } from './clients';
import { errorMessage, errorName } from './errors';
import { clientFor, regionOf, resolveCommand, UNKNOWN_COMMAND, type SdkSender } from './executor-commands';
import { retryOnlyWhenThrottled } from './executor-retry';
import { actionForOperation } from './iam-policy';

/**
 * Runs a remediation plan: its calls in order, with the account's write role, stopping at the first
 * failure. The plan is data (see ApiCall); this is the only place it becomes AWS requests.
 *
 * Every write is bracketed in the audit log: `started` before it is sent (so a process that dies
 * mid-call still leaves a trace), then `ok` or `error`; in dry-run mode a single `dry_run` instead,
 * and nothing is sent. Lookups are reads and run in dry-run mode too, so a dry run shows the key
 * the write would have touched. No entry and no result carries credentials: inputs and outputs go
 * through `redactSecrets`, and the clients' credentials are never looked at.
 *
 * A plan may come back from the database, which someone other than cloudsec may have written, so
 * the executor does not take it on trust either: every call must be an operation the remediation
 * named in the context declares (its `permissions`, or `undoPermissions` for an undo; see
 * `actionForOperation` for operations authorized under another action's name). Anything else stops
 * the plan before a single request is sent, however it got there.
 */

/** The IAM actions a remediation declares for its plan or its undo; null when there is no such remediation. */
export type DeclaredActions = (remediationId: string, kind: 'remediate' | 'undo') => readonly string[] | null;

/** From the catalog (src/core/remediations): what each remediation says it needs, and nothing more. */
export const catalogActions: DeclaredActions = (remediationId, kind) => {
  const remediation = getRemediation(remediationId);
  if (!remediation) return null;
  return kind === 'undo' ? remediation.undoPermissions : remediation.permissions;
};

export interface ExecutorOptions {
  /** Clients signed with the account's write role; null when none is configured. */
  clientsFor: (accountId: string) => AccountClients | null;
  /** Region for IAM and S3 Control calls (`global` in a plan). */
  homeRegion: string;
  dryRun: boolean;
  audit: (input: AuditInput) => Promise<unknown>;
  clock: () => Date;
  /** Where the allowed operations come from; the catalog unless a test says otherwise. */
  declaredActions?: DeclaredActions;
}

/**
 * The executor implements the core's port (src/core/remediations/execution-port.ts); these are the
 * `ExecutionError` codes of failures that are not AWS's answer.
 */
export const EXECUTOR_ERRORS = {
  noWriteRole: 'NoWriteRole',
  invalidPlan: 'InvalidPlan',
  unknownCommand: UNKNOWN_COMMAND,
  lookupFailed: 'LookupFailed',
  auditFailed: 'AuditFailed',
  undeclaredOperation: 'UndeclaredOperation',
} as const;

/** A lookup is sent even in dry-run mode, so it must be an operation that cannot change anything. */
const READ_ONLY_OPERATION = /^(Get|List|Describe)[A-Z]/;

type Step = { call: ApiCall; Command: ReturnType<typeof resolveCommand> };

interface Declared {
  remediationId: string;
  kind: 'remediate' | 'undo';
  /** Null: no such remediation, so nothing may be sent. */
  actions: readonly string[] | null;
}

/** The call's operation is one the remediation declares for this kind of plan; else why not. */
const undeclared = (call: { service: string; command: string }, declared: Declared): string | null => {
  const operation = `${call.service}:${call.command}`;
  if (declared.actions === null) {
    return `${operation} was not sent: ${String(declared.remediationId)} is not a remediation of this cloudsec, so nothing it may send is known`;
  }
  const action = actionForOperation(call.service, call.command);
  if (action !== null && declared.actions.includes(action)) return null;
  const what = declared.kind === 'undo' ? 'its undo' : 'its plan';
  return (
    `${operation} is not an operation ${declared.remediationId} declares for ${what} ` +
    `(${declared.actions.join(', ') || 'none'}), so no call of this plan was sent`
  );
};

/** Everything that can be known wrong before sending anything, so a bad plan never runs half-way. */
const checkPlan = (
  plan: readonly unknown[],
  declared: Declared,
): { ok: true; steps: Step[] } | { ok: false; at: number; error: ExecutionError } => {
  const steps: Step[] = [];
  for (const [at, raw] of plan.entries()) {
    // The name first: "no such operation" says more than a schema error about the same call.
    const { service, command } = (raw ?? {}) as { service?: unknown; command?: unknown };
    let Command: Step['Command'];
    try {
      Command = resolveCommand(String(service), String(command));
    } catch (err) {
      return { ok: false, at, error: { code: errorName(err), message: errorMessage(err) } };
    }
    const parsed = ApiCallSchema.safeParse(raw);
    if (!parsed.success) {
      return {
        ok: false,
        at,
        error: {
          code: EXECUTOR_ERRORS.invalidPlan,
          message: `call ${at + 1} is malformed: ${z.prettifyError(parsed.error)}`,
        },
      };
    }
    const call = parsed.data;
    const refused = undeclared(call, declared);
    if (refused !== null) {
      return { ok: false, at, error: { code: EXECUTOR_ERRORS.undeclaredOperation, message: refused } };
    }
    if (call.lookup && !READ_ONLY_OPERATION.test(call.command)) {
      return {
        ok: false,
        at,
        error: {
          code: EXECUTOR_ERRORS.invalidPlan,
          message: `${call.service}:${call.command} is not a read, so it cannot be a lookup (lookups run even in dry-run mode)`,
        },
      };
    }
    steps.push({ call, Command });
  }
  return { ok: true, steps };
};

/**
 * A copy: SDK middleware writes into the input it is given (S3 adds `ChecksumAlgorithm`), and
 * results must show the call as approved.
 */
const sdkInput = (call: ApiCall): Record<string, unknown> => structuredClone(call.input);

const withoutMetadata = (output: unknown): JsonObject => {
  if (output === null || typeof output !== 'object') return {};
  const { $metadata: _metadata, ...rest } = output as Record<string, unknown>;
  return redactSecrets(rest);
};

const awsRequestIdOf = (value: unknown): string | null => {
  const id = (value as { $metadata?: { requestId?: unknown } } | null)?.$metadata?.requestId;
  return typeof id === 'string' ? id : null;
};

const awsError = (err: unknown): ExecutionError => ({
  code: errorName(err),
  message: redactText(errorMessage(err)).slice(0, 1000),
});

export const noWriteRoleMessage = (accountId: string) =>
  `no write role configured for account ${accountId}: set accounts[].writeRoleArn or organization.writeRoleName`;

export const makeExecutor = (options: ExecutorOptions): RemediationExecutor => {
  const { homeRegion, dryRun, clock } = options;
  const declaredActions = options.declaredActions ?? catalogActions;

  const execute = async (plan: readonly ApiCall[], ctx: ExecutionContext): Promise<ExecutionReport> => {
    const done: ExecutedCall[] = [];
    const fail = (failedAt: number, error: ExecutionError): ExecutionReport => ({
      ok: false,
      failedAt,
      error,
      calls: done,
    });

    // A context without a remediation (or of another kind) is refused like an unknown remediation.
    const kind = ctx.kind === 'undo' ? 'undo' : 'remediate';
    const knownKind = ctx.kind === undefined || ctx.kind === 'undo' || ctx.kind === 'remediate';
    const declared: Declared = {
      remediationId: ctx.remediationId,
      kind,
      actions: typeof ctx.remediationId === 'string' && knownKind ? declaredActions(ctx.remediationId, kind) : null,
    };
    const checked = checkPlan(plan, declared);
    if (!checked.ok) return fail(checked.at, checked.error);
    if (checked.steps.length === 0) return { ok: true, calls: [] };
    const clients = options.clientsFor(ctx.accountId);
    if (!clients) return fail(0, { code: EXECUTOR_ERRORS.noWriteRole, message: noWriteRoleMessage(ctx.accountId) });

    const values: Record<string, string> = {};
    for (const [index, step] of checked.steps.entries()) {
      const bound = bindLookups(step.call, values);
      if (!bound.ok) return fail(index, { code: EXECUTOR_ERRORS.lookupFailed, message: bound.reason });
      const call = bound.value;
      const region = regionOf(call, homeRegion);
      const client = clientFor(clients, call.service, region);
      const input = redactSecrets(call.input);
      const audit: AuditStep = (outcome, details) =>
        auditWrite(options.audit, ctx, call, outcome, { account: ctx.accountId, region, step: index, ...details });

      if (call.lookup) {
        const at = clock().toISOString();
        let output: unknown;
        try {
          output = await client.send(new step.Command(sdkInput(call)));
        } catch (err) {
          return fail(index, awsError(err));
        }
        done.push(answered(call, input, output, at));
        const selected = selectLookupValue(call.lookup.select, output);
        if (!selected.ok) return fail(index, { code: EXECUTOR_ERRORS.lookupFailed, message: selected.reason });
        values[call.lookup.as] = selected.value;
      } else if (dryRun) {
        done.push({ call, input, output: null, awsRequestId: null, dryRun: true, at: clock().toISOString() });
        const notAudited = await audit('dry_run', { input });
        if (notAudited !== null) return fail(index, auditFailure(notAudited, 'the rest of the plan was not run'));
      } else {
        const sent = await sendWrite(client, step.Command, call, input, audit, clock);
        if (sent.executed) done.push(sent.executed);
        if (sent.error) return fail(index, sent.error);
      }
    }
    return { ok: true, calls: done };
  };

  return { execute };
};

/** Writes one `aws.write` entry for the current call; null when written, the reason otherwise. */
type AuditStep = (outcome: AuditInput['outcome'], details: Record<string, unknown>) => Promise<string | null>;

const answered = (call: ApiCall, input: JsonObject, output: unknown, at: string): ExecutedCall => ({
  call,
  input,
  output: withoutMetadata(output),
  awsRequestId: awsRequestIdOf(output),
  dryRun: false,
  at,
});

/**
 * One write, bracketed by its audit entries. A write whose `started` entry cannot be written is not
 * sent; one whose result cannot be recorded stops the plan, since every write must be on the record
 * before the next is made.
 */
const sendWrite = async (
  client: SdkSender,
  Command: ReturnType<typeof resolveCommand>,
  call: ApiCall,
  input: JsonObject,
  audit: AuditStep,
  clock: () => Date,
): Promise<{ executed?: ExecutedCall; error?: ExecutionError }> => {
  const notStarted = await audit('started', { input });
  if (notStarted !== null) return { error: auditFailure(notStarted, 'this call was not sent') };
  const at = clock().toISOString();
  let output: unknown;
  try {
    output = await client.send(retryOnlyWhenThrottled(new Command(sdkInput(call))));
  } catch (err) {
    const error = awsError(err);
    const notAudited = await audit('error', { ...error, awsRequestId: awsRequestIdOf(err) });
    // AWS's refusal is what the people waiting on the result need; the audit gap is only added to it.
    return {
      error:
        notAudited === null
          ? error
          : { ...error, message: `${error.message} (its audit entry could not be written: ${notAudited})` },
    };
  }
  const executed = answered(call, input, output, at);
  const notAudited = await audit('ok', { output: executed.output, awsRequestId: executed.awsRequestId });
  return notAudited === null
    ? { executed }
    : { executed, error: auditFailure(notAudited, 'AWS applied this call; the rest of the plan was not sent') };
};

const auditWrite = async (
  audit: ExecutorOptions['audit'],
  ctx: ExecutionContext,
  call: ApiCall,
  outcome: AuditInput['outcome'],
  details: Record<string, unknown>,
): Promise<string | null> => {
  try {
    await audit({
      actor: ctx.actor,
      action: 'aws.write',
      target: `${call.service}:${call.command}`,
      outcome,
      requestId: ctx.requestId,
      details: redactSecrets(details),
    });
    return null;
  } catch (err) {
    return errorMessage(err);
  }
};

const auditFailure = (reason: string, consequence: string): ExecutionError => ({
  code: EXECUTOR_ERRORS.auditFailed,
  message: `the audit entry could not be written (${reason}): ${consequence}`,
});
