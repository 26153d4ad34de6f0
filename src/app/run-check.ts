import type { CheckDefinition } from '../core/checks/define';
import { evaluateChecks, summarize, type Summary } from '../core/findings';
import { GLOBAL_REGION, SERVICES, type Finding, type Service, type Snapshot } from '../core/model';
import { CloudsecError } from '../errors';
import type { SnapshotRequest, SnapshotSource } from './snapshot-source';

export type ServiceSelector = Service | 'all';
export const SERVICE_SELECTORS: readonly ServiceSelector[] = [...SERVICES, 'all'];

export const servicesFor = (selector: ServiceSelector): Service[] => (selector === 'all' ? [...SERVICES] : [selector]);

export interface CheckRequest extends Omit<SnapshotRequest, 'services'> {
  service: ServiceSelector;
}

export interface CheckOutcome {
  snapshot: Snapshot;
  findings: Finding[];
  summary: Summary;
  services: Service[];
  evaluatedAt: Date;
}

export interface RunCheckDeps {
  source: SnapshotSource;
  checks: readonly CheckDefinition[];
  clock: () => Date;
}

/** The `check` use case shared by the CLI, Slack and the console demo. */
export const runCheck = async (deps: RunCheckDeps, request: CheckRequest): Promise<CheckOutcome> => {
  const services = servicesFor(request.service);
  const snapshot = await deps.source.load({ ...request, services });
  if (request.accountIds) {
    const present = new Set(snapshot.accounts.map((a) => a.accountId));
    const absent = request.accountIds.filter((id) => !present.has(id));
    if (absent.length > 0) {
      throw new CloudsecError(
        'usage',
        `Account ${absent.join(', ')} is not in scope. Accounts available: ${[...present].join(', ') || 'none'}.`,
      );
    }
  }
  if (request.regions) {
    const scanned = new Set(snapshot.accounts.flatMap((a) => a.regions));
    const absent = request.regions.filter((r) => r !== GLOBAL_REGION && !scanned.has(r));
    if (absent.length > 0) {
      throw new CloudsecError(
        'usage',
        `Region ${absent.join(', ')} was not scanned. Regions available: ${[...scanned].sort().join(', ')}.`,
      );
    }
  }
  const evaluatedAt = deps.source.kind === 'live' ? deps.clock() : new Date(snapshot.generatedAt);
  const findings = evaluateChecks(deps.checks, snapshot, evaluatedAt, {
    services,
    ...(request.accountIds ? { accountIds: request.accountIds } : {}),
    ...(request.regions ? { regions: request.regions } : {}),
  });
  return { snapshot, findings, summary: summarize(findings), services, evaluatedAt };
};
