import type { Config } from '../config';
import type { ExecutionContext, RemediationExecutor } from '../core/remediations/execution-port';
import type { AccountAccess, AccountClients } from './clients';
import { EXECUTOR_ERRORS, makeExecutor, type ExecutorOptions } from './executor';
import type { WritePurpose } from './iam-policy';
import { noUndoRoleMessage, roleAccessFor } from './write-access';

export interface RoleExecutorOptions extends Omit<ExecutorOptions, 'clientsFor'> {
  config: Config;
  /** Clients signed with a role; `purpose` lets each role have its own factory (and session name). */
  clientsOf: (access: AccountAccess, purpose: WritePurpose) => AccountClients;
  partition?: string;
}

/**
 * The context's `kind` says whether the calls fix or undo; without it they run as a fix, so nothing
 * reaches the undo role by default.
 */
const purposeOf = (ctx: ExecutionContext): WritePurpose => (ctx.kind === 'undo' ? 'undo' : 'fix');

/**
 * One executor per role, each plan sent with the role its kind calls for: a fix (and the Security
 * Hub update after it) with the write role, an undo with the undo role.
 */
export const makeRoleExecutor = (options: RoleExecutorOptions): RemediationExecutor => {
  const { config, clientsOf, partition, ...executorOptions } = options;
  const executorFor = (purpose: WritePurpose) =>
    makeExecutor({
      ...executorOptions,
      clientsFor: (accountId) => {
        const access = roleAccessFor(config, accountId, purpose, partition);
        return access ? clientsOf(access, purpose) : null;
      },
    });
  const executors: Record<WritePurpose, RemediationExecutor> = { fix: executorFor('fix'), undo: executorFor('undo') };
  return {
    execute: async (calls, ctx) => {
      const purpose = purposeOf(ctx);
      // The executor's own refusal would name the write role's settings; an undo's names the undo role's.
      if (purpose === 'undo' && calls.length > 0 && !roleAccessFor(config, ctx.accountId, 'undo', partition)) {
        return {
          ok: false,
          failedAt: 0,
          error: { code: EXECUTOR_ERRORS.noWriteRole, message: noUndoRoleMessage(ctx.accountId) },
          calls: [],
        };
      }
      return executors[purpose].execute(calls, ctx);
    },
  };
};
