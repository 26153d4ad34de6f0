import { accountsVisibleTo, authorize } from '../../core/access/policy';
import type { AccountRef } from '../../core/access/permissions';
import type { RemediationRequest } from '../../core/remediations/request';
import type { RequestQuery } from '../../store/store';
import type { Refusal } from './outcomes';
import type { WorkflowDeps, WorkflowInput } from './ports';
import { actorRef, refuse } from './support';

export type RequestFilter = 'pending' | 'mine' | 'all';

export interface ListInput extends WorkflowInput {
  filter: RequestFilter;
  limit?: number;
}

export type ListResult = { ok: true; requests: RemediationRequest[] } | Refusal;

const DEFAULT_LIMIT = 50;

/**
 * `/cloudsec requests [pending|mine|all]`: newest first, only about accounts on which the actor
 * may read findings (a request shows its finding and evidence).
 */
export const listRequests = async (deps: WorkflowDeps, input: ListInput): Promise<ListResult> => {
  const decision = authorize({ actor: input.actor, permission: 'findings:read' }, deps.config);
  if (!decision.allowed) {
    return refuse(
      deps,
      { actor: actorRef(input.actor), action: 'remediation.list', details: { filter: input.filter } },
      'not-allowed',
      decision.reason,
    );
  }
  const query: RequestQuery = {
    ...(input.filter === 'pending' ? { statuses: ['pending'] as const } : {}),
    ...(input.filter === 'mine' ? { requesterId: input.actor.userId } : {}),
  };
  // Not limited in the query: rows about accounts the actor cannot see are dropped first.
  const rows = await deps.store.listRequests(query);
  const refs = new Map<string, AccountRef>((await deps.accounts.knownAccounts()).map((a) => [a.id, a]));
  for (const r of rows) {
    const id = r.finding.accountId;
    if (!refs.has(id)) refs.set(id, { id, name: id });
  }
  const visible = new Set(
    accountsVisibleTo(input.actor, 'findings:read', [...refs.values()], deps.config).map((a) => a.id),
  );
  return {
    ok: true,
    requests: rows.filter((r) => visible.has(r.finding.accountId)).slice(0, input.limit ?? DEFAULT_LIMIT),
  };
};
