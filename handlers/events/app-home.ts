import { accountsVisibleTo, authorize, groupsNamedIn } from '../../src/core/policy';
import { narrowingFor } from '../../src/app/visible-findings';
import { summarize } from '../../src/core/findings';
import { severityRank, type Finding } from '../../src/core/model';
import { renderHomeView, type HomeView, type AccountPosture } from '../../src/core/render/blocks';
import { renderHomeWithoutAccess } from '../../src/core/render/blocks/home-view';
import type { AppDeps } from '../../src/app/deps';
import type { InvocationActor } from '../../src/app/conversation';
import { scopeKeyOf } from '../../src/app/scan-service';

/** The scope App Home summarises: everything, as `/cloudsec check all` scans it. */
export const HOME_SCOPE = scopeKeyOf({ service: 'all' });

const postureOf = (accountId: string, name: string, findings: readonly Finding[]): AccountPosture => {
  const s = summarize(findings);
  return {
    accountId,
    name,
    bySeverity: s.bySeverity,
    fail: s.byStatus.fail,
    pass: s.byStatus.pass,
    unknown: s.byStatus.unknown,
  };
};

/**
 * The home tab: posture per account the user may see and the worst findings, from the latest
 * full scan (cached, or stored from before a restart); only when there is none at all does it
 * scan, and then only the accounts the user may see. Someone who may see no findings at all is
 * shown what they need instead, and nothing is scanned for them.
 */
export const homeView = async (deps: AppDeps, user: InvocationActor): Promise<HomeView> => {
  const resolution = await deps.groups.resolve(user.userId, groupsNamedIn(deps.config));
  const actor = { userId: user.userId, groups: resolution.groups };
  const decision = authorize({ actor, permission: 'findings:read' }, deps.config);
  if (!decision.allowed) {
    return renderHomeWithoutAccess({ ...(user.userName ? { userName: user.userName } : {}), reason: decision.reason });
  }
  const narrowTo = narrowingFor(actor, 'findings:read', deps.config);
  // The first visit after start-up scans (later ones reuse the cache or the stored scan).
  const cached =
    deps.scans.cached(HOME_SCOPE, narrowTo) ??
    ((await deps.store.latestScan(HOME_SCOPE))
      ? null
      : await deps.scans.run({ service: 'all' }, { narrowTo }).catch((err: unknown) => {
          deps.log.warn({ err, userId: user.userId }, 'home tab scan failed');
          return null;
        }));
  let findings: Finding[] = cached?.findings ?? [];
  let lastRefreshed: string | null = cached?.snapshot.generatedAt ?? null;
  let names = new Map((cached?.snapshot.accounts ?? []).map((a) => [a.accountId, { name: a.accountName, ou: a.ou }]));
  if (!cached) {
    const stored = await deps.store.latestScan(HOME_SCOPE);
    if (stored) {
      findings = await deps.store.findingsOfScan(stored.id);
      lastRefreshed = stored.generatedAt;
      names = new Map((await deps.knownAccounts()).map((a) => [a.id, { name: a.name, ou: a.ou ?? null }]));
    }
  }
  const accountIds = [...new Set(findings.map((f) => f.accountId))];
  const visible = accountsVisibleTo(
    actor,
    'findings:read',
    accountIds.map((id) => ({
      id,
      name: names.get(id)?.name ?? id,
      ...(names.get(id)?.ou ? { ou: names.get(id)!.ou! } : {}),
    })),
    deps.config,
  );
  const mine = findings.filter((f) => visible.some((a) => a.id === f.accountId));
  const top = mine
    .filter((f) => f.status === 'fail')
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity))
    .slice(0, 10);
  return renderHomeView({
    ...(user.userName ? { userName: user.userName } : {}),
    summaryByAccount: visible.map((a) =>
      postureOf(
        a.id,
        a.name,
        mine.filter((f) => f.accountId === a.id),
      ),
    ),
    topFindings: top,
    lastRefreshed,
    now: deps.clock(),
    remediationEnabled: deps.features.remediation,
    demo: cached?.snapshot.demo ?? false,
  });
};
